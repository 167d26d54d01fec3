#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a demo backend behaves: a log-normal latency and a share of error responses.
public struct BackendProfile: Sendable, Equatable {
    /// Median response latency in milliseconds.
    public var medianMilliseconds: Double
    /// 99th-percentile latency in milliseconds (≥ median).
    public var p99Milliseconds: Double
    /// Fraction of requests answered with `errorStatus` (0…1).
    public var errorRate: Double
    /// Status code of error responses.
    public var errorStatus: Int

    public init(medianMilliseconds: Double, p99Milliseconds: Double, errorRate: Double = 0, errorStatus: Int = 503) {
        self.medianMilliseconds = medianMilliseconds
        self.p99Milliseconds = max(p99Milliseconds, medianMilliseconds)
        self.errorRate = errorRate
        self.errorStatus = errorStatus
    }

    /// Draws one latency in nanoseconds: log-normal with the given median and p99 (z₀.₉₉ = 2.326).
    public func sampleLatencyNanoseconds<R: RandomNumberGenerator>(using rng: inout R) -> Int64 {
        let sigma = log(self.p99Milliseconds / self.medianMilliseconds) / 2.326
        // Box–Muller for a standard normal draw.
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng)
        let u2 = Double.random(in: 0..<1, using: &rng)
        let z = sqrt(-2 * log(u1)) * cos(2 * Double.pi * u2)
        let milliseconds = self.medianMilliseconds * exp(sigma * z)
        return Int64(milliseconds * 1_000_000)
    }

    /// Recurring outages: every `outagePeriodSeconds` the backend answers everything (health checks included)
    /// with `errorStatus` for `outageSeconds`, starting `outagePeriodSeconds - outageSeconds` after it starts.
    /// 0 means never.
    public var outagePeriodSeconds: Double = 0
    /// Length of each outage in seconds.
    public var outageSeconds: Double = 0

    /// Whether this request fails.
    public func shouldFail<R: RandomNumberGenerator>(using rng: inout R) -> Bool {
        self.errorRate > 0 && Double.random(in: 0..<1, using: &rng) < self.errorRate
    }

    /// Whether the backend is in one of its outages `secondsSinceStart` after it started.
    public func isInOutage(secondsSinceStart: Double) -> Bool {
        guard self.outagePeriodSeconds > 0, self.outageSeconds > 0 else { return false }
        let phase = secondsSinceStart.truncatingRemainder(dividingBy: self.outagePeriodSeconds)
        return phase >= self.outagePeriodSeconds - self.outageSeconds
    }

    /// This profile with recurring outages (see ``outagePeriodSeconds``).
    public func withOutages(every period: Double, lasting length: Double) -> Self {
        var profile = self
        profile.outagePeriodSeconds = period
        profile.outageSeconds = length
        return profile
    }
}
