/// The endpoints one balancer chooses among: a cluster's endpoints, by their index in the cluster, with their
/// weights, their names (hashing balancers place them by name) and the loop's view of which are in rotation.
public struct BalancerEndpoints {
    /// Weights by endpoint, each ≥ 1.
    public let weights: [Int]
    /// `host:port` names by endpoint.
    public let names: [String]
    /// The event loop's availability view (by global endpoint index).
    public let availability: EndpointAvailability
    /// The global index of endpoint 0 (a cluster's endpoints have consecutive global indexes).
    public let offset: Int

    /// - Parameters:
    ///   - weights: weights by endpoint, each ≥ 1.
    ///   - names: names by endpoint (as many as `weights`); default `endpoint-0`, `endpoint-1`, …
    ///   - availability: the loop's view; default a new one with every endpoint in rotation.
    ///   - offset: the global index of endpoint 0 in `availability`.
    public init(
        weights: [Int],
        names: [String]? = nil,
        availability: EndpointAvailability? = nil,
        offset: Int = 0
    ) {
        precondition(weights.allSatisfy { $0 >= 1 }, "weights must be at least 1")
        self.weights = weights
        self.names = names ?? weights.indices.map { "endpoint-\($0)" }
        precondition(self.names.count == weights.count, "one name per endpoint")
        self.availability = availability ?? EndpointAvailability(count: offset + weights.count)
        precondition(self.availability.count >= offset + weights.count, "availability covers every endpoint")
        self.offset = offset
    }

    /// `count` endpoints of weight 1.
    public init(count: Int, availability: EndpointAvailability? = nil, offset: Int = 0) {
        self.init(weights: [Int](repeating: 1, count: count), availability: availability, offset: offset)
    }

    /// A cluster's endpoints as seen by one loop.
    init(cluster: ClusterRuntime, availability: EndpointAvailability) {
        self.init(
            weights: cluster.endpoints.map(\.weight),
            names: cluster.endpoints.map(\.name),
            availability: availability,
            offset: cluster.endpoints.first?.index ?? 0
        )
    }

    /// The number of endpoints.
    public var count: Int { self.weights.count }

    /// Whether endpoint `index` (in the cluster) is in rotation.
    @inline(__always)
    public func isAvailable(_ index: Int) -> Bool {
        self.availability.isAvailable(self.offset + index)
    }

    /// Whether endpoint `index` may be chosen: in rotation and not `excluding`.
    @inline(__always)
    func isEligible(_ index: Int, excluding: Int?) -> Bool {
        index != excluding && self.isAvailable(index)
    }

    /// `excluding` when it is an endpoint in rotation: the answer when nothing else is.
    @inline(__always)
    func fallback(_ excluding: Int?) -> Int? {
        guard let excluding, excluding >= 0, excluding < self.count, self.isAvailable(excluding) else { return nil }
        return excluding
    }
}

@available(*, unavailable)
extension BalancerEndpoints: Sendable {}
