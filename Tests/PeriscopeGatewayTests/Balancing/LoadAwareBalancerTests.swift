import NIOHTTP1
import PeriscopeConfig
import Testing

@testable import PeriscopeGateway

/// `least_request` (P2C on requests in flight) and `peak_ewma` (P2C on latency × load).
@Suite struct LoadAwareBalancerTests {
    private let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")

    // MARK: least_request

    @Test("least_request with nothing in flight follows the weights: 1:3 within ±2 %")
    func leastRequestIdleFollowsWeights() {
        let (balancer, _) = BalancerFixture.balancer(.leastRequest, weights: [1, 3])
        var counts = [0, 0]
        for _ in 0..<40_000 {
            let picked = balancer.pick(request: self.head, excluding: nil)!
            balancer.requestStarted(endpoint: picked)
            balancer.requestFinished(endpoint: picked, latencyNanos: 1_000, failed: false)
            counts[picked] += 1
        }
        let share = Double(counts[1]) / 40_000
        #expect(abs(share - 0.75) <= 0.02, "heavy endpoint got \(share)")
    }

    @Test("least_request sends much less to an endpoint with more requests in flight")
    func leastRequestAvoidsTheBusyEndpoint() {
        let balancer = LeastRequestBalancer(endpoints: BalancerEndpoints(count: 10), seed: 7)
        for _ in 0..<20 { balancer.requestStarted(endpoint: 0) }
        for index in 1..<10 { balancer.requestStarted(endpoint: index) }
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 {
            let picked = balancer.pick(request: self.head, excluding: nil)!
            counts[picked] += 1
            balancer.requestStarted(endpoint: picked)
            balancer.requestFinished(endpoint: picked, latencyNanos: 1_000, failed: false)
        }
        // A fair share is 1,000; the busy endpoint loses every comparison.
        #expect(counts[0] == 0, "\(counts)")
        #expect(counts[1...].allSatisfy { $0 > 900 }, "\(counts)")
        #expect(balancer.requestsInFlight(0) == 20)
    }

    @Test("least_request keeps in-flight counts even under sustained load")
    func leastRequestBalancesInFlight() {
        let balancer = LeastRequestBalancer(endpoints: BalancerEndpoints(count: 4), seed: 3)
        // 400 requests start and none finishes: P2C keeps the counts close together.
        for _ in 0..<400 {
            balancer.requestStarted(endpoint: balancer.pick(request: self.head, excluding: nil)!)
        }
        let counts = (0..<4).map(balancer.requestsInFlight)
        #expect(counts.max()! - counts.min()! <= 4, "\(counts)")
    }

    @Test("least_request compares requests in flight per unit of weight")
    func leastRequestIsWeightAware() {
        let balancer = LeastRequestBalancer(endpoints: BalancerEndpoints(weights: [1, 3]), seed: 5)
        // 2 in flight on weight 1 (2 per unit) against 4 on weight 3 (1.33 per unit): the heavy one wins.
        for _ in 0..<2 { balancer.requestStarted(endpoint: 0) }
        for _ in 0..<4 { balancer.requestStarted(endpoint: 1) }
        #expect((0..<100).allSatisfy { _ in balancer.pick(request: self.head, excluding: nil) == 1 })
        // 1 against 4 (1 vs 1.33 per unit): the light one wins.
        balancer.requestFinished(endpoint: 0, latencyNanos: 0, failed: false)
        #expect((0..<100).allSatisfy { _ in balancer.pick(request: self.head, excluding: nil) == 0 })
    }

    // MARK: peak_ewma

    @Test("peak_ewma sends much less to an endpoint with higher latency")
    func peakEWMAAvoidsTheSlowEndpoint() {
        let balancer = PeakEWMABalancer(endpoints: BalancerEndpoints(count: 10), decay: .seconds(10), seed: 11)
        var now: UInt64 = 1_000_000_000
        for index in 0..<10 {
            balancer.requestStarted(endpoint: index)
            balancer.requestFinished(
                endpoint: index, latencyNanos: index == 0 ? 50_000_000 : 1_000_000, failed: false, now: now)
        }
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<10_000 {
            now += 10_000
            let picked = balancer.pick(excluding: nil, now: now)!
            counts[picked] += 1
            balancer.requestStarted(endpoint: picked)
            balancer.requestFinished(
                endpoint: picked, latencyNanos: picked == 0 ? 50_000_000 : 1_000_000, failed: false, now: now)
        }
        #expect(counts[0] < 100, "\(counts)")
        #expect(counts[1...].allSatisfy { $0 > 900 }, "\(counts)")
    }

    @Test("peak_ewma weighs latency by load: a fast endpoint with many requests in flight loses to a slower idle one")
    func peakEWMAMultipliesByLoad() {
        let balancer = PeakEWMABalancer(endpoints: BalancerEndpoints(count: 2), decay: .seconds(10), seed: 1)
        let now: UInt64 = 1_000_000_000
        balancer.requestStarted(endpoint: 0)
        balancer.requestFinished(endpoint: 0, latencyNanos: 1_000_000, failed: false, now: now)
        balancer.requestStarted(endpoint: 1)
        balancer.requestFinished(endpoint: 1, latencyNanos: 3_000_000, failed: false, now: now)
        #expect((0..<50).allSatisfy { _ in balancer.pick(excluding: nil, now: now) == 0 })
        // 1 ms × (4 + 1) > 3 ms × 1.
        for _ in 0..<4 { balancer.requestStarted(endpoint: 0) }
        #expect((0..<50).allSatisfy { _ in balancer.pick(excluding: nil, now: now) == 1 })
    }

    @Test(
        "peak_ewma tries an unmeasured endpoint one request at a time, and comes back to an avoided one as its estimate fades"
    )
    func peakEWMAUnmeasuredAndFading() {
        let balancer = PeakEWMABalancer(endpoints: BalancerEndpoints(count: 2), decay: .seconds(10), seed: 1)
        var now: UInt64 = 1_000_000_000
        balancer.requestStarted(endpoint: 0)
        balancer.requestFinished(endpoint: 0, latencyNanos: 2_000_000, failed: false, now: now)
        // Endpoint 1 never answered yet: idle, it costs nothing; with one request in flight, it costs the penalty.
        #expect(balancer.pick(excluding: nil, now: now) == 1)
        balancer.requestStarted(endpoint: 1)
        #expect((0..<50).allSatisfy { _ in balancer.pick(excluding: nil, now: now) == 0 })
        balancer.requestFinished(endpoint: 1, latencyNanos: 100_000_000, failed: false, now: now)
        #expect((0..<50).allSatisfy { _ in balancer.pick(excluding: nil, now: now) == 0 })
        // 60 s (6 decay times) later endpoint 1's 100 ms has faded to 100 ms × e^-6 ≈ 0.25 ms, below endpoint 0's
        // fresh 2 ms sample: the avoided endpoint is tried again.
        now += 60_000_000_000
        balancer.requestStarted(endpoint: 0)
        balancer.requestFinished(endpoint: 0, latencyNanos: 2_000_000, failed: false, now: now)
        #expect(balancer.pick(excluding: nil, now: now) == 1)
    }

    @Test("peak_ewma: a fast failure counts as at least twice the estimate and at least 10 ms")
    func peakEWMAFailurePenalty() {
        let balancer = PeakEWMABalancer(endpoints: BalancerEndpoints(count: 1), decay: .seconds(10), seed: 1)
        let now: UInt64 = 1_000_000_000
        balancer.requestStarted(endpoint: 0)
        balancer.requestFinished(endpoint: 0, latencyNanos: 100_000, failed: true, now: now)
        #expect(balancer.cost(0, now: now) == 10e6)
        balancer.requestStarted(endpoint: 0)
        balancer.requestFinished(endpoint: 0, latencyNanos: 100_000, failed: true, now: now)
        #expect(balancer.cost(0, now: now) == 20e6)
    }

    @Test("PeakEWMA: peaks at once, eases down with time-based weights, fades when read later")
    func peakEWMAEstimator() {
        var ewma = PeakEWMA()
        let tau = 10e9
        #expect(!ewma.isMeasured)
        ewma.observe(5e6, at: 1_000, decayNanos: tau)
        #expect(ewma.estimate == 5e6)
        ewma.observe(9e6, at: 2_000, decayNanos: tau)
        #expect(ewma.estimate == 9e6)
        // One decay time later, a 1 ms sample: 9 × e^-1 + 1 × (1 − e^-1) ms.
        ewma.observe(1e6, at: 2_000 + 10_000_000_000, decayNanos: tau)
        let expected = 9e6 * 0.36787944117144233 + 1e6 * (1 - 0.36787944117144233)
        #expect(abs(ewma.estimate - expected) < 1)
        let later = ewma.value(at: 2_000 + 20_000_000_000, decayNanos: tau)
        #expect(abs(later - expected * 0.36787944117144233) < 1)
    }
}
