/// The identity of a span the gateway records, and what it propagates downstream.
///
/// Build it once per request with ``init(incoming:sampler:ids:)`` (continue or start a trace, take a new span
/// id, decide sampling), record it in the span record, and pass it to ``TracePropagation/inject(_:into:)`` for
/// the upstream request.
public struct SpanContext: Sendable, Hashable {
    /// The trace id.
    public var traceID: TraceID
    /// This span's id; it is the `parent-id` sent downstream.
    public var spanID: SpanID
    /// The parent span's id, ``SpanID/invalid`` for a root span.
    public var parentSpanID: SpanID
    /// The trace flags sent downstream: ``TraceFlags/sampled`` is this span's sampling decision, and
    /// ``TraceFlags/random`` is kept from the caller when the trace is continued, set when the gateway started it.
    public var flags: TraceFlags
    /// B3 debug, kept from a trusted caller and sent as `d` / `X-B3-Flags: 1`.
    public var isDebug: Bool
    /// The `tracestate` passed through when the trace is continued; `nil` when the trace was (re)started.
    public var traceState: TraceState?
    /// `true` when the parent span is remote (it came from request headers).
    public var isParentRemote: Bool

    /// Creates a context from its parts.
    public init(
        traceID: TraceID,
        spanID: SpanID,
        parentSpanID: SpanID = .invalid,
        flags: TraceFlags,
        isDebug: Bool = false,
        traceState: TraceState? = nil,
        isParentRemote: Bool = false
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.flags = flags
        self.isDebug = isDebug
        self.traceState = traceState
        self.isParentRemote = isParentRemote
    }

    /// Starts the gateway's span for a request.
    ///
    /// - When `incoming` names a parent span, its trace id, random flag and `tracestate` are kept and its span id
    ///   becomes the parent; otherwise a new trace id is drawn (flagged ``TraceFlags/random``) and any
    ///   `tracestate` is dropped.
    /// - The span id is always new, so the sampled flag may change (W3C allows that only with a new parent-id).
    /// - ``Sampler/shouldSample(traceID:incoming:)`` decides ``TraceFlags/sampled``.
    ///
    /// No allocation: the `tracestate` string, when present, is shared, not copied.
    public init(incoming: IncomingTraceContext?, sampler: Sampler, ids: inout IDGenerator) {
        let traceID: TraceID
        var flags: TraceFlags = []
        if let incoming, incoming.isValid {
            traceID = incoming.traceID
            self.parentSpanID = incoming.spanID
            self.traceState = incoming.traceState
            self.isParentRemote = incoming.isRemote
            if incoming.isRandom { flags.insert(.random) }
        } else {
            traceID = ids.nextTraceID()
            self.parentSpanID = .invalid
            self.traceState = nil
            self.isParentRemote = false
            flags.insert(.random)
        }
        self.traceID = traceID
        self.spanID = ids.nextSpanID()
        let sampled = sampler.shouldSample(traceID: traceID, incoming: incoming)
        if sampled { flags.insert(.sampled) }
        self.flags = flags
        self.isDebug = sampled && sampler.followsIncomingDecision(incoming) && incoming?.isDebug == true
    }

    /// This span's sampling decision.
    public var isSampled: Bool { self.flags.contains(.sampled) }

    /// `true` for a root span (no parent).
    public var isRoot: Bool { !self.parentSpanID.isValid }

    /// The `traceparent` to send downstream (version 00, this span as the parent).
    public var traceParent: TraceParent {
        TraceParent(traceID: self.traceID, parentID: self.spanID, flags: self.flags)
    }

    /// OTLP `Span.flags`: the W3C trace flags in bits 0-7, bit 8 (`SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK`) set
    /// because the parent's remoteness is known, and bit 9 (`SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK`) when the parent is
    /// remote.
    public var otlpFlags: UInt32 {
        UInt32(self.flags.rawValue) | 0x100 | (self.isParentRemote ? 0x200 : 0)
    }
}
