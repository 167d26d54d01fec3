/// Head sampling for the gateway's spans: OpenTelemetry's parent-based sampler with a root sampler, plus the
/// edge setting ``trustIncomingSampled``, and the tail keep rule
/// ``shouldExport(headSampled:isError:durationNanos:keepErrors:keepSlowerThanNanos:)``.
///
/// A decision is a few integer operations on values already in registers: no lock, no allocation.
public struct Sampler: Sendable, Hashable {
    /// How a span without a usable parent decision is sampled (and every span, when not ``isParentBased``).
    public enum Root: Sendable, Hashable {
        /// Sample everything.
        case alwaysOn
        /// Sample nothing.
        case alwaysOff
        /// OpenTelemetry's `TraceIdRatioBased`: sample when the trace id falls in the lowest `ratio` of the id
        /// space (see ``Sampler/traceIDRatioSamples(_:ratio:)``). Ratios at or below 0 (and NaN) sample nothing,
        /// ratios at or above 1 sample everything.
        case traceIDRatio(Double)
    }

    /// The sampler for root spans.
    public var root: Root
    /// `true`: a span whose caller sent a sampling decision follows it (OTel `ParentBased`); `false`: ``root``
    /// decides every span (OTel `AlwaysOn` / `AlwaysOff` / `TraceIdRatioBased` used alone).
    public var isParentBased: Bool
    /// `false` makes the gateway an edge: an incoming sampled flag (W3C sampled bit, B3 sampling state or debug)
    /// is ignored and ``root`` decides, while the incoming trace id is still continued (so a ratio decision is
    /// the same one any other `TraceIdRatioBased` sampler would make for that trace). Default `true`.
    public var trustIncomingSampled: Bool

    /// Creates a sampler; the default is OpenTelemetry's default, `parentbased_always_on`, trusting callers.
    public init(root: Root = .alwaysOn, isParentBased: Bool = true, trustIncomingSampled: Bool = true) {
        self.root = root
        self.isParentBased = isParentBased
        self.trustIncomingSampled = trustIncomingSampled
    }

    /// The head-sampling decision for a span of trace `traceID` whose request arrived with `incoming`.
    ///
    /// When ``isParentBased`` and ``trustIncomingSampled`` and the caller sent a decision (`incoming?.sampled` is
    /// not `nil`; B3 debug counts as sampled), that decision is followed, even when it came without ids (`b3: 0`).
    /// Otherwise ``root`` decides: a deferred B3 decision, no incoming context, or an untrusted one.
    public func shouldSample(traceID: TraceID, incoming: IncomingTraceContext?) -> Bool {
        if self.followsIncomingDecision(incoming), let sampled = incoming?.sampled {
            return sampled || incoming?.isDebug == true
        }
        switch self.root {
        case .alwaysOn: return true
        case .alwaysOff: return false
        case .traceIDRatio(let ratio): return Self.traceIDRatioSamples(traceID, ratio: ratio)
        }
    }

    /// `true` when a decision carried by `incoming` (if any) is the one to follow.
    func followsIncomingDecision(_ incoming: IncomingTraceContext?) -> Bool {
        self.isParentBased && self.trustIncomingSampled && incoming?.sampled != nil
    }

    /// OpenTelemetry's `TraceIdRatioBased` decision, as the Go and Java SDKs implement it.
    ///
    /// The lower 8 bytes of the trace id (``TraceID/low``, big-endian), shifted right by one to a 63-bit number,
    /// are compared with `ratio × 2^63`: the trace is sampled when the number is smaller. The spec requires the
    /// decision to be deterministic per trace id and monotonic in the ratio (an id sampled at some ratio is sampled
    /// at every higher ratio), which this is; using the right-most bytes matches the W3C random flag's promise that
    /// the right-most 7 bytes are random. (Newer OpenTelemetry work on consistent probability sampling compares
    /// the right-most 56 bits with a threshold carried in `tracestate` `ot=th:…`; that is not implemented here.)
    public static func traceIDRatioSamples(_ traceID: TraceID, ratio: Double) -> Bool {
        guard ratio > 0 else { return false }  // also NaN
        guard ratio < 1 else { return true }
        let bound = UInt64(ratio * 9_223_372_036_854_775_808.0)  // ratio × 2^63, < 2^63
        return traceID.low &>> 1 < bound
    }

    /// The tail keep rule, applied when a span ends: export it if head sampling kept it, or if it is an error and
    /// errors are kept, or if it took longer than `keepSlowerThanNanos` (strictly; `nil` disables the rule).
    ///
    /// A span kept only by this rule was not sampled at the head, so the services downstream were told
    /// "not sampled": it is exported alone, without their spans.
    public static func shouldExport(
        headSampled: Bool,
        isError: Bool,
        durationNanos: UInt64,
        keepErrors: Bool,
        keepSlowerThanNanos: UInt64?
    ) -> Bool {
        if headSampled { return true }
        if keepErrors && isError { return true }
        if let threshold = keepSlowerThanNanos, durationNanos > threshold { return true }
        return false
    }
}
