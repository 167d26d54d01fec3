/// Millisecond Unix timestamps, as Prometheus stores them.
public typealias Timestamp = Int64

/// One float sample.
public struct Sample: Hashable, Sendable {
    public var t: Timestamp
    public var v: Double

    public init(t: Timestamp, v: Double) {
        self.t = t
        self.v = v
    }
}

/// Prometheus' staleness marker: a NaN with a specific bit pattern (`value.StaleNaN`).
public enum StaleNaN {
    public static let bits: UInt64 = 0x7ff0_0000_0000_0002
    public static let value = Double(bitPattern: bits)

    public static func isStale(_ v: Double) -> Bool { v.bitPattern == bits }
}

/// A series and its samples, oldest first.
public struct Series: Sendable, Equatable {
    public var labels: Labels
    public var samples: [Sample]

    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// One element of an instant vector.
public struct VectorElement: Sendable, Equatable {
    public var labels: Labels
    public var t: Timestamp
    public var v: Double

    public init(labels: Labels, t: Timestamp, v: Double) {
        self.labels = labels
        self.t = t
        self.v = v
    }
}

/// The result of evaluating an expression at one instant.
public enum QueryValue: Sendable, Equatable {
    case vector([VectorElement])
    case scalar(t: Timestamp, v: Double)
    case matrix([Series])
    case string(t: Timestamp, v: String)
}

/// Where the evaluator reads samples from: the gateway's short-term store, or a promtool test's
/// input series.
public protocol SampleSource: Sendable {
    /// Every series matching all `matchers`, each with its samples whose timestamps lie in the
    /// closed interval `[mint, maxt]`, oldest first. Series with no sample in the interval may be
    /// left out. Stale markers are returned as samples (see ``StaleNaN``); the evaluator handles
    /// them.
    func select(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) -> [Series]
}

/// Which Prometheus version's PromQL semantics to follow.
public enum PromQLSemantics: String, Sendable, CaseIterable {
    /// Prometheus 2.42 (what Debian's promtool runs): closed range windows `[t-r, t]`, closed
    /// lookback, the zero-clamp before the extrapolation threshold in `rate`/`increase`.
    case prometheus2
    /// Prometheus 3: left-open windows `(t-r, t]` for ranges and lookback, the v2.51+ extrapolation.
    case prometheus3
}
