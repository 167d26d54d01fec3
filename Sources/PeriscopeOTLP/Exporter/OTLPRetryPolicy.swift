/// How an export pipeline retries a batch after a transient failure (HTTP 429, 502, 503, 504, a refused or
/// dropped connection, a timeout): exponential backoff with full jitter, `Retry-After` honoured when it asks for
/// more, and a limit on the time spent on one batch.
///
/// Before retry *n* (1, 2, …) the pipeline waits a uniformly random time in
/// `[0, min(maxBackoff, initialBackoff × multiplier^(n-1))]` ("full jitter"), or the server's `Retry-After` if
/// that is longer. If the wait would end more than ``maxElapsedTime`` after the first attempt started, the batch
/// is given up at once and counted as failed.
///
/// The defaults (1 s, ×2, 32 s cap, 60 s in all) give a batch about six attempts through an outage, and keep the
/// exporter from retrying one batch for longer than a metric export interval.
public struct OTLPRetryPolicy: Sendable, Hashable {
    /// The ceiling of the first retry's wait. Default 1 s.
    public var initialBackoff: Duration
    /// The largest ceiling of a wait (the growth stops here). Default 32 s.
    public var maxBackoff: Duration
    /// Growth of the ceiling from one retry to the next. Default 2.
    public var multiplier: Double
    /// Longest time from the first attempt of a batch to the start of its last retry. Default 60 s.
    public var maxElapsedTime: Duration

    /// A policy with the given values (the defaults unless given).
    public init(
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(32),
        multiplier: Double = 2,
        maxElapsedTime: Duration = .seconds(60)
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.maxElapsedTime = maxElapsedTime
    }

    /// The default policy: 1 s initial ceiling, ×2, 32 s cap, 60 s in all.
    public static let `default` = OTLPRetryPolicy()

    /// A policy that never retries.
    public static let noRetries = OTLPRetryPolicy(maxElapsedTime: .zero)

    /// The ceiling of the wait before retry `retry` (1-based): `min(maxBackoff, initialBackoff ×
    /// multiplier^(retry-1))`.
    public func backoffCeiling(retry: Int) -> Duration {
        let initial = Self.seconds(self.initialBackoff)
        let cap = Self.seconds(self.maxBackoff)
        var ceiling = initial
        var step = 1
        while step < retry && ceiling < cap {
            ceiling *= max(self.multiplier, 1)
            step += 1
        }
        return .nanoseconds(Int64(min(ceiling, cap) * 1e9))
    }

    /// The wait before retry `retry` (1-based): a random time up to ``backoffCeiling(retry:)``, or `retryAfter`
    /// if it is longer.
    public func delay(
        retry: Int,
        retryAfter: Duration?,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let ceiling = self.backoffCeiling(retry: retry)
        let nanoseconds = Self.nanoseconds(ceiling)
        let jittered: Duration =
            nanoseconds > 0 ? .nanoseconds(Int64.random(in: 0...nanoseconds, using: &generator)) : .zero
        guard let retryAfter, retryAfter > jittered else { return jittered }
        return retryAfter
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
