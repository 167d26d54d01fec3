/// Which trace-context headers the gateway reads from requests and writes to upstream requests.
///
/// | case | extracts | injects |
/// |---|---|---|
/// | ``w3c`` | `traceparent` + `tracestate` | `traceparent` (+ `tracestate`) |
/// | ``b3`` | `b3`, else `X-B3-*` | `b3` |
/// | ``b3Multi`` | `b3`, else `X-B3-*` | `x-b3-*` |
/// | ``w3cAndB3`` | `traceparent` + `tracestate`, else `b3`, else `X-B3-*` | `traceparent` (+ `tracestate`) and `b3` |
///
/// Both B3 cases read both B3 forms, the single header taking precedence (as OpenTelemetry's B3 propagator
/// must); they differ only in what they write. ``w3cAndB3`` writes both formats so that a downstream service
/// reading either one joins the trace.
public enum TracePropagation: Sendable, Hashable, CaseIterable {
    /// W3C Trace Context (Level 2).
    case w3c
    /// B3, writing the single `b3` header.
    case b3
    /// B3, writing the multiple `X-B3-*` headers.
    case b3Multi
    /// W3C Trace Context first, else B3; writes `traceparent`, `tracestate` and `b3`.
    case w3cAndB3

    /// Every header name any case reads or writes, lowercase. Before ``inject(_:into:)`` the gateway should
    /// remove these from the request it forwards, so that no stale context (for example B3 headers under ``w3c``)
    /// reaches the upstream.
    public static let headerNames: [String] = [
        TraceParent.headerName, TraceState.headerName, B3.singleHeaderName, B3.traceIDHeaderName,
        B3.spanIDHeaderName, B3.parentSpanIDHeaderName, B3.sampledHeaderName, B3.flagsHeaderName,
    ]

    /// Extracts the caller's trace context from request headers; `nil` when there is none or it is invalid, in
    /// which case a new trace starts.
    ///
    /// `lookup` returns every field value of a header, in order, given its name in lowercase (match names
    /// case-insensitively). With NIO: `propagation.extract { headers[$0] }`. A lookup that returns an empty
    /// collection for an absent header (the usual case) costs no allocation here; parsing never allocates, and
    /// only a present, valid `tracestate` allocates its string.
    ///
    /// W3C rules: exactly one `traceparent` field, valid per ``TraceParent``; two or more make it invalid. The
    /// `tracestate` fields are read only when the `traceparent` is valid, combined and validated per
    /// ``TraceState``; an invalid `tracestate` is dropped without affecting the `traceparent`. B3 rules: see ``B3``
    /// (the first field of each B3 header wins, as the B3 spec says). Under ``w3cAndB3`` an absent or invalid
    /// `traceparent` falls back to B3.
    @inlinable
    public func extract<Values: Collection>(_ lookup: (_ lowercaseName: String) -> Values) -> IncomingTraceContext?
    where Values.Element: StringProtocol {
        switch self {
        case .w3c:
            return Self.extractW3C(lookup)
        case .b3, .b3Multi:
            return Self.extractB3(lookup)
        case .w3cAndB3:
            return Self.extractW3C(lookup) ?? Self.extractB3(lookup)
        }
    }

    /// Writes the headers that carry `context` to the upstream: calls `write` with each lowercase header name and
    /// its value. With NIO: `propagation.inject(span) { headers.replaceOrAdd(name: $0, value: $1) }`.
    ///
    /// `traceparent` is always version 00 with only the defined flags; `tracestate` is written only when the
    /// context carries one (never empty). Each value is one `String` allocation (NIO's headers store `String`s).
    public func inject(_ context: SpanContext, into write: (_ name: String, _ value: String) -> Void) {
        switch self {
        case .w3c:
            Self.injectW3C(context, write)
        case .b3:
            write(B3.singleHeaderName, B3.singleHeaderValue(for: context))
        case .b3Multi:
            B3.writeMultiHeaders(context, to: write)
        case .w3cAndB3:
            Self.injectW3C(context, write)
            write(B3.singleHeaderName, B3.singleHeaderValue(for: context))
        }
    }

    private static func injectW3C(_ context: SpanContext, _ write: (_ name: String, _ value: String) -> Void) {
        write(TraceParent.headerName, context.traceParent.headerValue)
        if let traceState = context.traceState {
            write(TraceState.headerName, traceState.headerValue)
        }
    }

    @inlinable
    static func extractW3C<Values: Collection>(
        _ lookup: (_ lowercaseName: String) -> Values
    ) -> IncomingTraceContext? where Values.Element: StringProtocol {
        let fields = lookup(TraceParent.headerName)
        guard fields.count == 1, let traceParent = TraceParent(fields[fields.startIndex]) else { return nil }
        let stateFields = lookup(TraceState.headerName)
        return IncomingTraceContext(
            traceID: traceParent.traceID,
            spanID: traceParent.parentID,
            sampled: traceParent.flags.contains(.sampled),
            isRandom: traceParent.flags.contains(.random),
            traceState: stateFields.isEmpty ? nil : TraceState(combining: stateFields),
            format: .w3c
        )
    }

    /// The single header wins when it names a span; then the multiple headers; a sampling decision alone
    /// (`b3: 0`) is used only when neither names a span.
    @inlinable
    static func extractB3<Values: Collection>(
        _ lookup: (_ lowercaseName: String) -> Values
    ) -> IncomingTraceContext? where Values.Element: StringProtocol {
        let single = lookup(B3.singleHeaderName).first.flatMap { B3.parseSingle($0) }
        if let single, single.isValid { return single }
        let multi = B3.parseMulti(
            traceID: lookup(B3.traceIDHeaderName).first,
            spanID: lookup(B3.spanIDHeaderName).first,
            parentSpanID: lookup(B3.parentSpanIDHeaderName).first,
            sampled: lookup(B3.sampledHeaderName).first,
            flags: lookup(B3.flagsHeaderName).first
        )
        if let multi, multi.isValid { return multi }
        return single ?? multi
    }
}
