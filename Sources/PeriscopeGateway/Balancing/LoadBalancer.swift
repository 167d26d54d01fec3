import NIOHTTP1
import PeriscopeConfig

/// Chooses an endpoint of a cluster for a request.
///
/// One instance exists per cluster per event loop and is only used on that loop, so implementations keep
/// plain mutable state: no atomics, no locks. `pick` must not allocate.
///
/// Every balancer respects the loop's ``EndpointAvailability``: it never returns an endpoint out of rotation, and
/// returns `nil` when none is in rotation. The proxy tells the balancer about each upstream exchange it picked for
/// (``requestStarted(endpoint:)`` then ``requestFinished(endpoint:latencyNanos:failed:)``), which the load- and
/// latency-aware balancers use; the others ignore it.
public protocol LoadBalancer: AnyObject {
    /// Returns the index (into the cluster's `endpoints`) of the endpoint to use, or `nil` if none can serve.
    /// - Parameters:
    ///   - request: the downstream request head (for hashing balancers).
    ///   - clientAddressHash: ``Hash64`` of the client's IP address as text (computed once per connection), or 0
    ///     when unknown; what `hash_key: client_ip` hashes.
    ///   - excluding: an endpoint to avoid if another one is available (for example one that just failed); it is
    ///     returned only when it is the only endpoint in rotation.
    func pick(request: HTTPRequestHead, clientAddressHash: UInt64, excluding: Int?) -> Int?

    /// A request was sent on its way to `endpoint` (picked by this balancer): it is now in flight.
    func requestStarted(endpoint: Int)

    /// The exchange with `endpoint` that ``requestStarted(endpoint:)`` announced is over.
    /// - Parameters:
    ///   - latencyNanos: time from the pick to the response head (or to the failure).
    ///   - failed: no response came (connect failure, reset, timeout) or it was a 5xx.
    func requestFinished(endpoint: Int, latencyNanos: Int64, failed: Bool)
}

extension LoadBalancer {
    /// Ignored by balancers that do not track load.
    public func requestStarted(endpoint: Int) {}

    /// Ignored by balancers that do not track load or latency.
    public func requestFinished(endpoint: Int, latencyNanos: Int64, failed: Bool) {}

    /// ``pick(request:clientAddressHash:excluding:)`` without a client address.
    public func pick(request: HTTPRequestHead, excluding: Int?) -> Int? {
        self.pick(request: request, clientAddressHash: 0, excluding: excluding)
    }
}

extension LoadBalancerKind {
    /// Makes this policy's per-loop balancer for a cluster.
    /// - Parameters:
    ///   - availability: the loop's view of which endpoints are in rotation.
    ///   - seed: seeds the random choices of `random`, `least_request`, `peak_ewma` and of hashing balancers for
    ///     requests without a key; `nil` takes one from the system generator.
    func makeBalancer(
        cluster: ClusterRuntime,
        loopIndex: Int,
        availability: EndpointAvailability,
        seed: UInt64? = nil
    ) -> any LoadBalancer {
        let endpoints = BalancerEndpoints(cluster: cluster, availability: availability)
        let seed = seed ?? BalancerRandom.systemSeed(stream: loopIndex &* 7919 &+ cluster.index)
        switch self {
        case .roundRobin:
            return RoundRobinBalancer(endpoints: endpoints, start: loopIndex)
        case .weightedRoundRobin:
            return WeightedRoundRobinBalancer(endpoints: endpoints, start: loopIndex)
        case .random:
            return RandomBalancer(endpoints: endpoints, seed: seed)
        case .leastRequest:
            return LeastRequestBalancer(endpoints: endpoints, seed: seed)
        case .peakEWMA:
            return PeakEWMABalancer(endpoints: endpoints, decay: cluster.ewmaDecay, seed: seed)
        case .ringHash:
            return RingHashBalancer(
                endpoints: endpoints, hashKey: cluster.hashKey, virtualNodes: cluster.virtualNodes, seed: seed)
        case .maglev:
            return MaglevBalancer(
                endpoints: endpoints, hashKey: cluster.hashKey, tableSize: cluster.maglevTableSize, seed: seed)
        }
    }
}
