import NIOHTTP1

/// Power of two choices on requests in flight, weight-aware: two different endpoints are drawn at random with
/// probability proportional to their weights, and the one with fewer requests in flight per unit of weight wins
/// (the first drawn on a tie).
///
/// With equal weights this is the classic P2C that Envoy's `LEAST_REQUEST` uses: no herding on the single least
/// loaded endpoint, yet busy endpoints are avoided. With unequal weights Envoy switches to a scheduler on
/// `weight / (active + 1)`; here the same idea stays within P2C: idle endpoints get traffic in proportion to their
/// weights (both candidates have 0 in flight, the first drawn wins), and under load in-flight counts are compared
/// per unit of weight. The counts are this event loop's (the proxy reports each exchange through the
/// ``LoadBalancer`` hooks).
public final class LeastRequestBalancer: LoadBalancer {
    private let endpoints: BalancerEndpoints
    private let sampler: WeightedSampler
    private let random: LoopOwnedCell<BalancerRandom>
    private let inFlight: LoopOwnedBuffer<Int>

    /// - Parameters:
    ///   - endpoints: the cluster's endpoints.
    ///   - seed: seeds this balancer's random numbers.
    public init(endpoints: BalancerEndpoints, seed: UInt64) {
        self.endpoints = endpoints
        self.sampler = WeightedSampler(endpoints: endpoints)
        self.random = LoopOwnedCell(BalancerRandom(seed: seed))
        self.inFlight = LoopOwnedBuffer(repeating: 0, count: endpoints.count)
    }

    public func pick(request: HTTPRequestHead, clientAddressHash: UInt64, excluding: Int?) -> Int? {
        self.sampler.refresh()
        guard let (first, drawn) = self.sampler.drawTwo(excluding: excluding, random: &self.random.value) else {
            return self.endpoints.fallback(excluding)
        }
        guard let second = drawn else { return first }
        // second wins if inFlight[second] / weight[second] < inFlight[first] / weight[first].
        let weights = self.endpoints.weights
        return self.inFlight[second] * weights[first] < self.inFlight[first] * weights[second] ? second : first
    }

    public func requestStarted(endpoint: Int) {
        self.inFlight[endpoint] += 1
    }

    public func requestFinished(endpoint: Int, latencyNanos: Int64, failed: Bool) {
        self.inFlight[endpoint] = max(0, self.inFlight[endpoint] - 1)
    }

    /// Requests in flight to `endpoint`, as this balancer counts them.
    public func requestsInFlight(_ endpoint: Int) -> Int {
        self.inFlight[endpoint]
    }
}

@available(*, unavailable)
extension LeastRequestBalancer: Sendable {}
