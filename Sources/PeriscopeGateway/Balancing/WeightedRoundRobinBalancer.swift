import NIOHTTP1

/// Smooth weighted round robin, the way nginx balances `upstream` servers with weights.
///
/// Each endpoint has a running score. On every pick, every eligible endpoint's score grows by its weight, the
/// endpoint with the highest score is chosen (the first one on a tie) and its score drops by the sum of the
/// weights that grew. Over any run of Σweights picks each endpoint is chosen exactly its weight's number of times,
/// and the heavy ones are interleaved with the light ones (weights 5, 1, 1 give a a b a c a a, not a a a a a b c).
/// Endpoints out of rotation (or excluded) sit the pick out, their scores unchanged.
public final class WeightedRoundRobinBalancer: LoadBalancer {
    private let endpoints: BalancerEndpoints
    private let scores: LoopOwnedBuffer<Int>

    /// - Parameters:
    ///   - endpoints: the cluster's endpoints.
    ///   - start: picks made (and discarded) up front, so per-loop instances do not all begin with the same
    ///     endpoint.
    public init(endpoints: BalancerEndpoints, start: Int = 0) {
        self.endpoints = endpoints
        self.scores = LoopOwnedBuffer(repeating: 0, count: endpoints.count)
        let total = endpoints.weights.reduce(0, +)
        if total > 0 {
            for _ in 0..<(start % total) { _ = self.choose(excluding: nil) }
        }
    }

    public func pick(request: HTTPRequestHead, clientAddressHash: UInt64, excluding: Int?) -> Int? {
        if let chosen = self.choose(excluding: excluding) { return chosen }
        return self.endpoints.fallback(excluding)
    }

    @inline(__always)
    private func choose(excluding: Int?) -> Int? {
        let endpoints = self.endpoints
        let weights = endpoints.weights
        var best = -1
        var bestScore = Int.min
        var total = 0
        for index in 0..<weights.count where endpoints.isEligible(index, excluding: excluding) {
            let weight = weights[index]
            let score = self.scores[index] + weight
            self.scores[index] = score
            total += weight
            if score > bestScore {
                best = index
                bestScore = score
            }
        }
        guard best >= 0 else { return nil }
        self.scores[best] -= total
        return best
    }
}

@available(*, unavailable)
extension WeightedRoundRobinBalancer: Sendable {}
