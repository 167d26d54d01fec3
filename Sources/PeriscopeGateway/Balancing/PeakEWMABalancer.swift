import NIOCore
import NIOHTTP1

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Peak EWMA, the latency-aware balancer of Finagle and Linkerd: power of two choices on each endpoint's
/// *cost*, a peak-sensitive moving average of its latency times (requests in flight + 1).
///
/// Two different endpoints are drawn by weight (as ``LeastRequestBalancer`` does) and the one with the lower
/// cost per unit of weight wins. An endpoint's latency estimate (see ``PeakEWMA``) jumps up at once on a slower
/// sample and eases down over the decay time, and it also fades while the endpoint gets no traffic, so an endpoint
/// that was avoided is tried again. An endpoint never measured costs nothing while idle and a penalty while it has
/// a request in flight (it is tried, one request at a time, until its first answer). A failed exchange counts as
/// a sample of at least twice the current estimate (and at least 10 ms), so failing fast never looks fast.
public final class PeakEWMABalancer: LoadBalancer {
    /// The cost of an endpoint never measured that has a request in flight.
    static let unmeasuredPenalty = 1e15
    /// The least latency a failed exchange counts as, in nanoseconds.
    static let failureFloorNanos = 10e6

    private let endpoints: BalancerEndpoints
    private let decayNanos: Double
    private let sampler: WeightedSampler
    private let random: LoopOwnedCell<BalancerRandom>
    private let estimates: LoopOwnedBuffer<PeakEWMA>
    private let inFlight: LoopOwnedBuffer<Int>

    /// - Parameters:
    ///   - endpoints: the cluster's endpoints.
    ///   - decay: the moving average's time constant (`ewma_decay`).
    ///   - seed: seeds this balancer's random numbers.
    public init(endpoints: BalancerEndpoints, decay: Duration, seed: UInt64) {
        let (seconds, attoseconds) = decay.components
        self.decayNanos = max(1, Double(seconds) * 1e9 + Double(attoseconds) / 1e9)
        self.endpoints = endpoints
        self.sampler = WeightedSampler(endpoints: endpoints)
        self.random = LoopOwnedCell(BalancerRandom(seed: seed))
        self.estimates = LoopOwnedBuffer(repeating: PeakEWMA(), count: endpoints.count)
        self.inFlight = LoopOwnedBuffer(repeating: 0, count: endpoints.count)
    }

    public func pick(request: HTTPRequestHead, clientAddressHash: UInt64, excluding: Int?) -> Int? {
        self.pick(excluding: excluding, now: Self.now())
    }

    /// ``pick(request:clientAddressHash:excluding:)`` at a given monotonic time (nanoseconds).
    func pick(excluding: Int?, now: UInt64) -> Int? {
        self.sampler.refresh()
        guard let (first, drawn) = self.sampler.drawTwo(excluding: excluding, random: &self.random.value) else {
            return self.endpoints.fallback(excluding)
        }
        guard let second = drawn else { return first }
        let weights = self.endpoints.weights
        let firstCost = self.cost(first, now: now) * Double(weights[second])
        let secondCost = self.cost(second, now: now) * Double(weights[first])
        return secondCost < firstCost ? second : first
    }

    /// Latency estimate × (in flight + 1), or the penalty for an unmeasured endpoint with a request in flight.
    @inline(__always)
    func cost(_ endpoint: Int, now: UInt64) -> Double {
        let estimate = self.estimates[endpoint]
        let inFlight = self.inFlight[endpoint]
        if !estimate.isMeasured {
            return inFlight == 0 ? 0 : Self.unmeasuredPenalty
        }
        return estimate.value(at: now, decayNanos: self.decayNanos) * Double(inFlight + 1)
    }

    public func requestStarted(endpoint: Int) {
        self.inFlight[endpoint] += 1
    }

    public func requestFinished(endpoint: Int, latencyNanos: Int64, failed: Bool) {
        self.requestFinished(endpoint: endpoint, latencyNanos: latencyNanos, failed: failed, now: Self.now())
    }

    /// ``requestFinished(endpoint:latencyNanos:failed:)`` at a given monotonic time (nanoseconds).
    func requestFinished(endpoint: Int, latencyNanos: Int64, failed: Bool, now: UInt64) {
        self.inFlight[endpoint] = max(0, self.inFlight[endpoint] - 1)
        var sample = Double(max(1, latencyNanos))
        if failed {
            let current = self.estimates[endpoint].value(at: now, decayNanos: self.decayNanos)
            sample = max(sample, 2 * current, Self.failureFloorNanos)
        }
        self.estimates[endpoint].observe(sample, at: now, decayNanos: self.decayNanos)
    }

    @inline(__always)
    private static func now() -> UInt64 {
        NIODeadline.now().uptimeNanoseconds
    }
}

@available(*, unavailable)
extension PeakEWMABalancer: Sendable {}

/// A peak-sensitive exponentially weighted moving average of latency, with time-based weights.
///
/// A sample above the estimate replaces it (the peak); a lower one is blended in with weight `1 − e^(−Δt/τ)`,
/// where Δt is the time since the previous sample and τ the decay, so the estimate forgets at the same rate
/// however often samples come. Read at a later time, the estimate fades by `e^(−Δt/τ)` toward zero.
struct PeakEWMA {
    /// Nanoseconds, 0 until the first sample.
    private(set) var estimate = 0.0
    /// When the last sample was taken (monotonic nanoseconds).
    private(set) var stamp: UInt64 = 0

    var isMeasured: Bool { self.estimate > 0 }

    /// The estimate at `now`, faded by the time since the last sample.
    @inline(__always)
    func value(at now: UInt64, decayNanos: Double) -> Double {
        guard now > self.stamp else { return self.estimate }
        return self.estimate * Self.decay(elapsed: Double(now - self.stamp), decayNanos: decayNanos)
    }

    /// Blends in a latency sample (nanoseconds, > 0) taken at `now`.
    mutating func observe(_ sample: Double, at now: UInt64, decayNanos: Double) {
        if !self.isMeasured || sample > self.estimate {
            self.estimate = sample
        } else {
            let elapsed = now > self.stamp ? Double(now - self.stamp) : 0
            let weight = Self.decay(elapsed: elapsed, decayNanos: decayNanos)
            self.estimate = self.estimate * weight + sample * (1 - weight)
        }
        self.stamp = max(self.stamp, now)
    }

    /// `e^(−elapsed/decay)`. Busy endpoints are sampled and read far more often than the decay time, so below
    /// 1 % of it the Taylor polynomial `1 − x + x²/2` stands in for `exp` (error below 2e-7).
    @inline(__always)
    static func decay(elapsed: Double, decayNanos: Double) -> Double {
        let x = elapsed / decayNanos
        return x < 0.01 ? 1 - x + 0.5 * x * x : Self.exp(-x)
    }

    /// `e^x`, from the C library.
    @inline(__always)
    static func exp(_ x: Double) -> Double {
        #if canImport(Darwin)
            Darwin.exp(x)
        #elseif canImport(Glibc)
            Glibc.exp(x)
        #else
            Musl.exp(x)
        #endif
    }
}
