/// Bucket upper bounds for histograms.
public enum Buckets {
    /// Durations in seconds, from 100 µs (the gateway's own overhead) to 60 s (slow upstreams), roughly
    /// 1-2.5-5 per decade.
    public static let defaultDuration: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]

    /// A bound as OpenMetrics writes it in an `le` label (`0.25`, `1.0`, `+Inf`) — the form Prometheus 2 stores
    /// when it scrapes OpenMetrics and Prometheus 3 stores for every scrape — for labels that must join with `le`.
    public static func canonicalText(_ bound: Double) -> String {
        var bytes: [UInt8] = []
        GoFloatFormat.appendCanonical(bound, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `count` bounds starting at `start`, each `factor` times the previous one.
    ///
    /// - Precondition: `start > 0`, `factor > 1`, `count >= 1`.
    public static func exponential(start: Double, factor: Double, count: Int) -> [Double] {
        precondition(start > 0 && start.isFinite, "exponential buckets need a positive start")
        precondition(factor > 1 && factor.isFinite, "exponential buckets need a factor above 1")
        precondition(count >= 1, "at least one bucket")
        var bounds: [Double] = []
        bounds.reserveCapacity(count)
        var bound = start
        for _ in 0..<count {
            bounds.append(bound)
            bound *= factor
        }
        return bounds
    }

    /// `count` bounds starting at `start`, `width` apart (`start + i * width`, computed without accumulating
    /// rounding errors).
    ///
    /// - Precondition: `width > 0`, `count >= 1`.
    public static func linear(start: Double, width: Double, count: Int) -> [Double] {
        precondition(start.isFinite, "linear buckets need a finite start")
        precondition(width > 0 && width.isFinite, "linear buckets need a positive width")
        precondition(count >= 1, "at least one bucket")
        return (0..<count).map { start + Double($0) * width }
    }
}
