import NIOHTTP1
import PeriscopeConfig

/// Consistent hashing on a ring with virtual nodes (Karger et al.; Envoy's `RING_HASH`, nginx's
/// `hash … consistent`).
///
/// Each endpoint is placed on a ring of 64-bit positions `virtual_nodes × weight` times, at the hashes of
/// `<host:port>_<n>`. A request goes to the owner of the first point at or after its key's hash, walking on past
/// endpoints out of rotation (and past `excluding`). Taking an endpoint out moves only the keys it owned, spread
/// over the others; as positions depend on endpoint names only, every event loop and every gateway instance with
/// the same endpoints maps a key to the same endpoint. Requests without a key (see ``HashKey``) go to a random point.
public final class RingHashBalancer: LoadBalancer {
    private let endpoints: BalancerEndpoints
    private let hasher: RequestKeyHasher
    /// Point positions, ascending.
    private let points: [UInt64]
    /// The endpoint of each point.
    private let owners: [Int32]
    private let random: LoopOwnedCell<BalancerRandom>

    /// - Parameters:
    ///   - endpoints: the cluster's endpoints.
    ///   - hashKey: what to hash.
    ///   - virtualNodes: points per unit of weight.
    ///   - seed: seeds the random points of requests without a key.
    public init(endpoints: BalancerEndpoints, hashKey: HashKey, virtualNodes: Int, seed: UInt64) {
        precondition(virtualNodes >= 1, "virtual_nodes must be at least 1")
        self.endpoints = endpoints
        self.hasher = RequestKeyHasher(hashKey)
        self.random = LoopOwnedCell(BalancerRandom(seed: seed))
        var ring: [(position: UInt64, owner: Int32)] = []
        ring.reserveCapacity(endpoints.weights.reduce(0, +) * virtualNodes)
        for (index, name) in endpoints.names.enumerated() {
            for replica in 0..<(virtualNodes * endpoints.weights[index]) {
                ring.append((Hash64.hash("\(name)_\(replica)"), Int32(index)))
            }
        }
        ring.sort { $0.position < $1.position || ($0.position == $1.position && $0.owner < $1.owner) }
        self.points = ring.map(\.position)
        self.owners = ring.map(\.owner)
    }

    /// The number of points on the ring.
    public var ringSize: Int { self.points.count }

    public func pick(request: HTTPRequestHead, clientAddressHash: UInt64, excluding: Int?) -> Int? {
        let key = self.hasher.hash(request, clientAddressHash: clientAddressHash) ?? self.random.value.next()
        return self.pick(hash: key, excluding: excluding)
    }

    /// The endpoint for a key hash.
    public func pick(hash: UInt64, excluding: Int?) -> Int? {
        let count = self.points.count
        guard count > 0 else { return nil }
        // The first point at or after `hash`, wrapping to the start.
        var lower = 0
        var upper = count
        while lower < upper {
            let middle = (lower + upper) / 2
            if self.points[middle] < hash {
                lower = middle + 1
            } else {
                upper = middle
            }
        }
        var index = lower == count ? 0 : lower
        let owner = Int(self.owners[index])
        if self.endpoints.isEligible(owner, excluding: excluding) { return owner }
        guard self.anyEligible(excluding: excluding) else { return self.endpoints.fallback(excluding) }
        // Walk on to the next point of an eligible endpoint (one exists).
        while true {
            index = index + 1 == count ? 0 : index + 1
            let next = Int(self.owners[index])
            if self.endpoints.isEligible(next, excluding: excluding) { return next }
        }
    }

    private func anyEligible(excluding: Int?) -> Bool {
        for index in 0..<self.endpoints.count where self.endpoints.isEligible(index, excluding: excluding) {
            return true
        }
        return false
    }
}

@available(*, unavailable)
extension RingHashBalancer: Sendable {}
