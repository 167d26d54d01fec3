import NIOHTTP1
import PeriscopeConfig
import Testing

@testable import PeriscopeGateway

/// What every balancer must do: respect availability and `excluding`, answer nil without endpoints; plus round
/// robin, smooth weighted round robin and weighted random.
@Suite struct LoadBalancerTests {
    private let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")

    @Test func roundRobinCyclesAndStartsAtTheLoopOffset() {
        let balancer = RoundRobinBalancer(endpoints: BalancerEndpoints(count: 3), start: 1)
        let picks = (0..<6).map { _ in balancer.pick(request: self.head, excluding: nil) }
        #expect(picks == [1, 2, 0, 1, 2, 0])
    }

    @Test func roundRobinAvoidsTheExcludedEndpointWhenItCan() {
        let balancer = RoundRobinBalancer(endpoints: BalancerEndpoints(count: 2))
        #expect(balancer.pick(request: self.head, excluding: 0) == 1)
        let single = RoundRobinBalancer(endpoints: BalancerEndpoints(count: 1))
        #expect(single.pick(request: self.head, excluding: 0) == 0)
        let none = RoundRobinBalancer(endpoints: BalancerEndpoints(count: 0))
        #expect(none.pick(request: self.head, excluding: nil) == nil)
    }

    @Test("smooth weighted round robin gives exactly 1:3 over 40,000 picks")
    func weightedRoundRobinIsExact() {
        let (balancer, _) = BalancerFixture.balancer(.weightedRoundRobin, weights: [1, 3])
        let picks = (0..<40_000).map { _ in balancer.pick(request: self.head, excluding: nil) }
        #expect(BalancerFixture.histogram(picks, count: 2) == [10_000, 30_000])
    }

    @Test("smooth weighted round robin interleaves: weights 5, 1, 1 give a a b a c a a, as nginx does")
    func weightedRoundRobinIsSmooth() {
        let balancer = WeightedRoundRobinBalancer(endpoints: BalancerEndpoints(weights: [5, 1, 1]))
        let picks = (0..<14).map { _ in balancer.pick(request: self.head, excluding: nil)! }
        #expect(picks == [0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0])
    }

    @Test("smooth weighted round robin skips endpoints out of rotation and keeps the others' ratio")
    func weightedRoundRobinWithAnEndpointOut() {
        let (balancer, availability) = BalancerFixture.balancer(.weightedRoundRobin, weights: [1, 2, 3])
        availability.setAvailable(1, false)
        let picks = (0..<4_000).map { _ in balancer.pick(request: self.head, excluding: nil) }
        #expect(BalancerFixture.histogram(picks, count: 3) == [1_000, 0, 3_000])
    }

    @Test("random follows the weights: 1:3 within ±2 % over 40,000 picks")
    func randomFollowsWeights() {
        let (balancer, _) = BalancerFixture.balancer(.random, weights: [1, 3])
        let picks = (0..<40_000).map { _ in balancer.pick(request: self.head, excluding: nil) }
        let share = Double(BalancerFixture.histogram(picks, count: 2)[1]) / 40_000
        #expect(abs(share - 0.75) <= 0.02, "heavy endpoint got \(share)")
    }

    @Test("random with equal weights is uniform and two balancers with other seeds draw other sequences")
    func randomIsUniformAndSeeded() {
        let (first, _) = BalancerFixture.balancer(.random, weights: [Int](repeating: 1, count: 10), seed: 1)
        let (second, _) = BalancerFixture.balancer(.random, weights: [Int](repeating: 1, count: 10), seed: 2)
        let picks = (0..<20_000).map { _ in first.pick(request: self.head, excluding: nil) }
        for count in BalancerFixture.histogram(picks, count: 10) {
            #expect(abs(count - 2_000) < 200, "\(count)")
        }
        let a = (0..<50).map { _ in first.pick(request: self.head, excluding: nil) }
        let b = (0..<50).map { _ in second.pick(request: self.head, excluding: nil) }
        #expect(a != b)
    }

    // MARK: every balancer

    @Test("every balancer answers nil without endpoints", arguments: LoadBalancerKind.allCases)
    func noEndpoints(kind: LoadBalancerKind) {
        let (balancer, _) = BalancerFixture.balancer(kind, weights: [], tableSize: 7)
        #expect(balancer.pick(request: self.head, clientAddressHash: 7, excluding: nil) == nil)
        #expect(balancer.pick(request: self.head, clientAddressHash: 7, excluding: 0) == nil)
    }

    @Test(
        "every balancer skips endpoints out of rotation, and answers nil when none is in",
        arguments: LoadBalancerKind.allCases)
    func availabilityIsRespected(kind: LoadBalancerKind) {
        let (balancer, availability) = BalancerFixture.balancer(kind, weights: [1, 2, 1, 3, 1])
        let heads = BalancerFixture.heads(2_000)
        availability.setAvailable(1, false)
        availability.setAvailable(3, false)
        let picks = heads.map { balancer.pick(request: $0, clientAddressHash: 9, excluding: nil) }
        let counts = BalancerFixture.histogram(picks, count: 5)
        #expect(!picks.contains(nil))
        #expect(counts[1] == 0 && counts[3] == 0, "\(counts)")
        #expect(counts[0] > 0 && counts[2] > 0 && counts[4] > 0, "\(counts)")
        for index in 0..<5 { availability.setAvailable(index, false) }
        #expect(heads.allSatisfy { balancer.pick(request: $0, clientAddressHash: 9, excluding: nil) == nil })
        #expect(balancer.pick(request: self.head, clientAddressHash: 9, excluding: 2) == nil)
        availability.setAvailable(3, true)
        #expect(heads.allSatisfy { balancer.pick(request: $0, clientAddressHash: 9, excluding: nil) == 3 })
    }

    @Test(
        "every balancer avoids the excluded endpoint unless it is the only one in rotation",
        arguments: LoadBalancerKind.allCases)
    func excludingIsRespected(kind: LoadBalancerKind) {
        let (balancer, availability) = BalancerFixture.balancer(kind, weights: [1, 1, 1, 1])
        let heads = BalancerFixture.heads(1_000)
        for excluded in 0..<4 {
            let picks = heads.map { balancer.pick(request: $0, clientAddressHash: 9, excluding: excluded) }
            #expect(!picks.contains(nil))
            #expect(!picks.contains(excluded), "excluded \(excluded) was picked")
        }
        availability.setAvailable(0, false)
        availability.setAvailable(1, false)
        availability.setAvailable(3, false)
        #expect(heads.allSatisfy { balancer.pick(request: $0, clientAddressHash: 9, excluding: 2) == 2 })
        #expect(heads.allSatisfy { balancer.pick(request: $0, clientAddressHash: 9, excluding: 0) == 2 })
        let (single, _) = BalancerFixture.balancer(kind, weights: [5])
        #expect(single.pick(request: self.head, clientAddressHash: 9, excluding: 0) == 0)
    }
}
