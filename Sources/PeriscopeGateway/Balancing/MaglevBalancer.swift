import NIOHTTP1
import PeriscopeConfig

/// Maglev consistent hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
/// NSDI 2016; Envoy's `MAGLEV`): a lookup table of a prime number of slots, filled so that each endpoint owns a
/// share of the slots proportional to its weight.
///
/// Each endpoint has its own permutation of the slots, `(offset + j × skip) mod size` with offset and skip from
/// two hashes of its name. Endpoints take turns claiming their next free slot in that order until the table is
/// full; an endpoint of weight w takes a turn in w of every `max weight` rounds. A request's key hash picks a
/// slot: one modulo and one load. The table holds only endpoints in rotation and is rebuilt in place (no
/// allocation) when the availability view changes; removing one endpoint moves its keys and only few others.
/// With `excluding` set, the slots after the key's are tried in turn. Requests without a key get a random slot.
public final class MaglevBalancer: LoadBalancer {
    private let endpoints: BalancerEndpoints
    private let hasher: RequestKeyHasher
    private let tableSize: Int
    /// The endpoint of each slot (all -1 when no endpoint is in rotation).
    private let table: LoopOwnedBuffer<Int32>
    private let offsets: [Int]
    private let skips: [Int]
    /// Scratch for building: each endpoint's next position in its permutation, and its turn credit.
    private let positions: LoopOwnedBuffer<Int>
    private let credits: LoopOwnedBuffer<Int>
    /// Endpoints in the table, and the availability generation it was built for.
    private let state: LoopOwnedCell<(inRotation: Int, generation: UInt64)>
    private let random: LoopOwnedCell<BalancerRandom>

    /// - Parameters:
    ///   - endpoints: the cluster's endpoints.
    ///   - hashKey: what to hash.
    ///   - tableSize: slots, a prime larger than the endpoint count (the config requires ≥ 7 × endpoints).
    ///   - seed: seeds the random slots of requests without a key.
    public init(endpoints: BalancerEndpoints, hashKey: HashKey, tableSize: Int, seed: UInt64) {
        precondition(tableSize > endpoints.count && tableSize >= 2, "the table needs more slots than endpoints")
        self.endpoints = endpoints
        self.hasher = RequestKeyHasher(hashKey)
        self.tableSize = tableSize
        self.table = LoopOwnedBuffer(repeating: -1, count: tableSize)
        self.offsets = endpoints.names.map { Int(Hash64.hash($0, seed: 0x6f66_6673_6574) % UInt64(tableSize)) }
        self.skips = endpoints.names.map { Int(Hash64.hash($0, seed: 0x736b_6970) % UInt64(tableSize - 1)) + 1 }
        self.positions = LoopOwnedBuffer(repeating: 0, count: endpoints.count)
        self.credits = LoopOwnedBuffer(repeating: 0, count: endpoints.count)
        self.state = LoopOwnedCell((0, endpoints.availability.generation))
        self.random = LoopOwnedCell(BalancerRandom(seed: seed))
        self.build()
    }

    public func pick(request: HTTPRequestHead, clientAddressHash: UInt64, excluding: Int?) -> Int? {
        let key = self.hasher.hash(request, clientAddressHash: clientAddressHash) ?? self.random.value.next()
        return self.pick(hash: key, excluding: excluding)
    }

    /// The endpoint for a key hash.
    public func pick(hash: UInt64, excluding: Int?) -> Int? {
        let generation = self.endpoints.availability.generation
        if generation != self.state.value.generation {
            self.state.value.generation = generation
            self.build()
        }
        let inRotation = self.state.value.inRotation
        guard inRotation > 0 else { return nil }
        var slot = Int(hash % UInt64(self.tableSize))
        let owner = Int(self.table[slot])
        guard owner == excluding && inRotation > 1 else { return owner }
        while true {
            slot = slot + 1 == self.tableSize ? 0 : slot + 1
            let next = Int(self.table[slot])
            if next != excluding { return next }
        }
    }

    /// The endpoint of each slot (-1: none in rotation), for tests.
    var slots: [Int32] { (0..<self.tableSize).map { self.table[$0] } }

    /// Fills the table with the endpoints in rotation.
    private func build() {
        let endpoints = self.endpoints
        let size = self.tableSize
        var maxWeight = 0
        var inRotation = 0
        for index in 0..<endpoints.count where endpoints.isAvailable(index) {
            maxWeight = max(maxWeight, endpoints.weights[index])
            inRotation += 1
            self.positions[index] = self.offsets[index]
            self.credits[index] = 0
        }
        self.state.value.inRotation = inRotation
        let skips = self.skips
        for slot in 0..<size { self.table[slot] = -1 }
        guard inRotation > 0 else { return }
        var filled = 0
        while true {
            for index in 0..<endpoints.count where endpoints.isAvailable(index) {
                self.credits[index] += endpoints.weights[index]
                guard self.credits[index] >= maxWeight else { continue }
                self.credits[index] -= maxWeight
                let skip = skips[index]
                var slot = self.positions[index]
                while self.table[slot] >= 0 {
                    slot += skip
                    if slot >= size { slot -= size }
                }
                self.table[slot] = Int32(index)
                slot += skip
                if slot >= size { slot -= size }
                self.positions[index] = slot
                filled += 1
                if filled == size { return }
            }
        }
    }
}

@available(*, unavailable)
extension MaglevBalancer: Sendable {}
