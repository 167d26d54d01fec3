import NIOHTTP1

/// Plain round robin over the endpoints in rotation; weights are ignored.
public final class RoundRobinBalancer: LoadBalancer {
    private let endpoints: BalancerEndpoints
    private let next: LoopOwnedCell<Int>

    /// - Parameters:
    ///   - endpoints: the cluster's endpoints.
    ///   - start: first index handed out (per-loop instances start at different offsets).
    public init(endpoints: BalancerEndpoints, start: Int = 0) {
        self.endpoints = endpoints
        self.next = LoopOwnedCell(endpoints.count > 0 ? start % endpoints.count : 0)
    }

    public func pick(request: HTTPRequestHead, clientAddressHash: UInt64, excluding: Int?) -> Int? {
        let count = self.endpoints.count
        var candidate = self.next.value
        for _ in 0..<count {
            if self.endpoints.isEligible(candidate, excluding: excluding) {
                self.next.value = candidate + 1 == count ? 0 : candidate + 1
                return candidate
            }
            candidate = candidate + 1 == count ? 0 : candidate + 1
        }
        guard let fallback = self.endpoints.fallback(excluding) else { return nil }
        self.next.value = fallback + 1 == count ? 0 : fallback + 1
        return fallback
    }
}

@available(*, unavailable)
extension RoundRobinBalancer: Sendable {}
