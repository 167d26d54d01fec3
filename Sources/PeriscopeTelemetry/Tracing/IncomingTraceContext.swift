/// The trace context a request arrived with, as extracted by ``TracePropagation/extract(_:)``.
///
/// Usually it names the caller's span (``isValid``: both ids non-zero) and the gateway continues that trace.
/// B3 can also carry a sampling decision without any ids (`b3: 0`, or `X-B3-Sampled` alone); then ``traceID``
/// and ``spanID`` are ``TraceID/invalid`` / ``SpanID/invalid``, ``isValid`` is `false`, and a new trace must be
/// started that only honours ``sampled``. ``SpanContext/init(incoming:sampler:ids:)`` handles both cases.
public struct IncomingTraceContext: Sendable, Hashable {
    /// Which header format the context came from.
    public enum Format: Sendable, Hashable {
        /// W3C `traceparent` (and `tracestate`).
        case w3c
        /// The single B3 header, `b3`.
        case b3Single
        /// The multiple B3 headers, `X-B3-*`.
        case b3Multi
    }

    /// The trace id to continue (``TraceID/invalid`` for a sampling decision without ids).
    public var traceID: TraceID
    /// The caller's span id, which becomes the parent of the gateway's span (``SpanID/invalid`` for a sampling
    /// decision without ids).
    public var spanID: SpanID
    /// The caller's sampling decision: `true` or `false`, or `nil` when the caller deferred it (B3 without a
    /// sampling state). W3C always carries a decision.
    public var sampled: Bool?
    /// The W3C random-trace-id flag (``TraceFlags/random``); always `false` for B3, which has no such flag.
    public var isRandom: Bool
    /// B3 debug (`b3: …-d`, `X-B3-Flags: 1`): an emphasised accept, so ``sampled`` is `true` as well.
    public var isDebug: Bool
    /// The validated `tracestate` (W3C only), `nil` when absent, empty or invalid.
    public var traceState: TraceState?
    /// Always `true` for an extracted context: the parent span lives in another process. OTLP records it in
    /// `Span.flags` (see ``SpanContext/otlpFlags``).
    public var isRemote: Bool
    /// The header format it came from.
    public var format: Format

    /// Creates a context.
    public init(
        traceID: TraceID,
        spanID: SpanID,
        sampled: Bool?,
        isRandom: Bool = false,
        isDebug: Bool = false,
        traceState: TraceState? = nil,
        isRemote: Bool = true,
        format: Format
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.sampled = sampled
        self.isRandom = isRandom
        self.isDebug = isDebug
        self.traceState = traceState
        self.isRemote = isRemote
        self.format = format
    }

    /// `true` when both ids are valid, that is when there is a parent span to continue.
    public var isValid: Bool { self.traceID.isValid && self.spanID.isValid }
}
