import NIOHTTP1

/// A random endpoint in rotation, with probability proportional to its weight.
public final class RandomBalancer: LoadBalancer {
    private let endpoints: BalancerEndpoints
    private let sampler: WeightedSampler
    private let random: LoopOwnedCell<BalancerRandom>

    /// - Parameters:
    ///   - endpoints: the cluster's endpoints.
    ///   - seed: seeds this balancer's random numbers.
    public init(endpoints: BalancerEndpoints, seed: UInt64) {
        self.endpoints = endpoints
        self.sampler = WeightedSampler(endpoints: endpoints)
        self.random = LoopOwnedCell(BalancerRandom(seed: seed))
    }

    public func pick(request: HTTPRequestHead, clientAddressHash: UInt64, excluding: Int?) -> Int? {
        self.sampler.refresh()
        if let chosen = self.sampler.draw(skipping: excluding, nil, random: &self.random.value) { return chosen }
        return self.endpoints.fallback(excluding)
    }
}

@available(*, unavailable)
extension RandomBalancer: Sendable {}
