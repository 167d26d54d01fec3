import NIOHTTP1
import PeriscopeConfig

/// Chooses an endpoint of a cluster for a request.
///
/// One instance exists per cluster per event loop and is only used on that loop, so implementations keep
/// plain mutable state: no atomics, no locks. `pick` must not allocate.
public protocol LoadBalancer: AnyObject {
    /// Returns the index (into the cluster's `endpoints`) of the endpoint to use, or `nil` if none can serve.
    /// - Parameters:
    ///   - request: the downstream request head (for hashing balancers).
    ///   - excluding: an endpoint to avoid if another one is available (for example one that just failed).
    func pick(request: HTTPRequestHead, excluding: Int?) -> Int?
}

/// Plain round robin over all endpoints; weights are ignored.
public final class RoundRobinBalancer: LoadBalancer {
    private let count: Int
    private var next: Int

    /// - Parameters:
    ///   - endpointCount: number of endpoints in the cluster.
    ///   - start: first index handed out (per-loop instances start at different offsets).
    public init(endpointCount: Int, start: Int = 0) {
        self.count = endpointCount
        self.next = endpointCount > 0 ? start % endpointCount : 0
    }

    public func pick(request: HTTPRequestHead, excluding: Int?) -> Int? {
        guard self.count > 0 else { return nil }
        var chosen = self.next
        if chosen == excluding && self.count > 1 {
            chosen = (chosen + 1) % self.count
        }
        self.next = (chosen + 1) % self.count
        return chosen
    }
}

@available(*, unavailable)
extension RoundRobinBalancer: Sendable {}

extension LoadBalancerKind {
    /// Makes this policy's per-loop balancer for a cluster.
    func makeBalancer(cluster: ClusterRuntime, loopIndex: Int) -> any LoadBalancer {
        switch self {
        case .roundRobin:
            RoundRobinBalancer(endpointCount: cluster.endpoints.count, start: loopIndex)
        }
    }
}
