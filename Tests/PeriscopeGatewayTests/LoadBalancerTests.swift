import NIOHTTP1
import Testing

@testable import PeriscopeGateway

@Suite struct LoadBalancerTests {
    private let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")

    @Test func roundRobinCyclesAndStartsAtTheLoopOffset() {
        let balancer = RoundRobinBalancer(endpointCount: 3, start: 1)
        let picks = (0..<6).map { _ in balancer.pick(request: self.head, excluding: nil) }
        #expect(picks == [1, 2, 0, 1, 2, 0])
    }

    @Test func roundRobinAvoidsTheExcludedEndpointWhenItCan() {
        let balancer = RoundRobinBalancer(endpointCount: 2)
        #expect(balancer.pick(request: self.head, excluding: 0) == 1)
        let single = RoundRobinBalancer(endpointCount: 1)
        #expect(single.pick(request: self.head, excluding: 0) == 0)
        let none = RoundRobinBalancer(endpointCount: 0)
        #expect(none.pick(request: self.head, excluding: nil) == nil)
    }
}
