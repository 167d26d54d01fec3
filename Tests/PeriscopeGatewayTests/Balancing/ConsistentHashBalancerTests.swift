import NIOHTTP1
import PeriscopeConfig
import Testing

@testable import PeriscopeGateway

/// `ring_hash` and `maglev`: stable mappings, little movement when an endpoint leaves, weights.
@Suite struct ConsistentHashBalancerTests {
    static let hashing: [LoadBalancerKind] = [.ringHash, .maglev]

    /// 10,000 key hashes.
    static let keys = (0..<10_000).map { Hash64.hash("user-\($0)") }

    static func pick(_ balancer: any LoadBalancer, hash: UInt64, excluding: Int? = nil) -> Int? {
        switch balancer {
        case let ring as RingHashBalancer: ring.pick(hash: hash, excluding: excluding)
        case let maglev as MaglevBalancer: maglev.pick(hash: hash, excluding: excluding)
        default: nil
        }
    }

    @Test("a key maps to the same endpoint every time, on every loop", arguments: Self.hashing)
    func stableMapping(kind: LoadBalancerKind) {
        let cluster = BalancerFixture.cluster(kind, weights: [Int](repeating: 1, count: 10))
        let loops = (0..<2).map { index in
            kind.makeBalancer(
                cluster: cluster, loopIndex: index, availability: EndpointAvailability(count: 10), seed: UInt64(index))
        }
        let first = Self.keys.map { Self.pick(loops[0], hash: $0) }
        #expect(!first.contains(nil))
        #expect(Self.keys.map { Self.pick(loops[0], hash: $0) } == first)
        #expect(Self.keys.map { Self.pick(loops[1], hash: $0) } == first)
        let counts = BalancerFixture.histogram(first, count: 10)
        #expect(counts.allSatisfy { $0 > 500 && $0 < 1_500 }, "\(counts)")
    }

    @Test("taking one of ten endpoints out keeps at least 85 % of 10,000 keys where they were", arguments: Self.hashing)
    func removalMovesFewKeys(kind: LoadBalancerKind) {
        let (balancer, availability) = BalancerFixture.balancer(kind, weights: [Int](repeating: 1, count: 10))
        let before = Self.keys.map { Self.pick(balancer, hash: $0)! }
        availability.setAvailable(4, false)
        let after = Self.keys.map { Self.pick(balancer, hash: $0)! }
        #expect(!after.contains(4))
        let kept = zip(before, after).filter { $0 == $1 }.count
        #expect(Double(kept) / Double(Self.keys.count) >= 0.85, "kept \(kept)")
        // Keys of the other endpoints mostly stay (ring hash: all of them).
        let othersMoved = zip(before, after).filter { $0 != 4 && $0 != $1 }.count
        #expect(kind == .ringHash ? othersMoved == 0 : othersMoved < 500, "\(othersMoved) keys of others moved")
        // Back in rotation: the original mapping returns.
        availability.setAvailable(4, true)
        #expect(Self.keys.map { Self.pick(balancer, hash: $0)! } == before)
    }

    @Test(
        "a cluster configured without the endpoint maps keys as taking it out of rotation does", arguments: Self.hashing
    )
    func removalFromConfig(kind: LoadBalancerKind) {
        let (full, availability) = BalancerFixture.balancer(kind, weights: [Int](repeating: 1, count: 10))
        let before = Self.keys.map { Self.pick(full, hash: $0)! }
        // The last endpoint removed from the config: the same names for the other nine.
        let (nine, _) = BalancerFixture.balancer(kind, weights: [Int](repeating: 1, count: 9))
        let after = Self.keys.map { Self.pick(nine, hash: $0)! }
        let kept = zip(before, after).filter { $0 == $1 }.count
        #expect(Double(kept) / Double(Self.keys.count) >= 0.85, "kept \(kept)")
        availability.setAvailable(9, false)
        #expect(Self.keys.map { Self.pick(full, hash: $0)! } == after)
    }

    @Test("weights 1:3 give the heavy endpoint about three quarters of the keys", arguments: Self.hashing)
    func weights(kind: LoadBalancerKind) {
        let (balancer, _) = BalancerFixture.balancer(kind, weights: [1, 3])
        let counts = BalancerFixture.histogram(Self.keys.map { Self.pick(balancer, hash: $0) }, count: 2)
        let share = Double(counts[1]) / Double(Self.keys.count)
        #expect(abs(share - 0.75) <= 0.05, "heavy endpoint got \(share)")
    }

    @Test("with excluding, a key goes to the same other endpoint every time", arguments: Self.hashing)
    func excludingIsStable(kind: LoadBalancerKind) {
        let (balancer, _) = BalancerFixture.balancer(kind, weights: [Int](repeating: 1, count: 5))
        for key in Self.keys.prefix(500) {
            let owner = Self.pick(balancer, hash: key)!
            let second = Self.pick(balancer, hash: key, excluding: owner)
            #expect(second != nil && second != owner)
            #expect(Self.pick(balancer, hash: key, excluding: owner) == second)
        }
    }

    @Test("the Maglev table is full and each endpoint owns its share of slots within one")
    func maglevTableShares() {
        let cluster = BalancerFixture.cluster(.maglev, weights: [Int](repeating: 1, count: 10), tableSize: 65537)
        let balancer = MaglevBalancer(
            endpoints: BalancerEndpoints(cluster: cluster, availability: EndpointAvailability(count: 10)),
            hashKey: .clientIP, tableSize: 65537, seed: 1)
        let counts = BalancerFixture.histogram(balancer.slots.map { Int($0) }, count: 10)
        #expect(counts.reduce(0, +) == 65537)
        #expect(counts.allSatisfy { $0 == 6553 || $0 == 6554 }, "\(counts)")
        let weighted = MaglevBalancer(
            endpoints: BalancerEndpoints(weights: [1, 3]), hashKey: .path, tableSize: 7, seed: 1)
        #expect(BalancerFixture.histogram(weighted.slots.map { Int($0) }, count: 2).sorted() == [2, 5])
    }

    @Test("the ring has virtual_nodes points per unit of weight")
    func ringSize() {
        let ring = RingHashBalancer(
            endpoints: BalancerEndpoints(weights: [1, 2, 3]), hashKey: .clientIP, virtualNodes: 50, seed: 1)
        #expect(ring.ringSize == 300)
    }

    @Test("requests are hashed by the configured key; requests without one are spread at random")
    func hashKeys() {
        func head(_ uri: String, _ headers: [(String, String)] = []) -> HTTPRequestHead {
            HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders(headers))
        }
        let byUser = RingHashBalancer(
            endpoints: BalancerEndpoints(count: 10), hashKey: .header("X-User"), virtualNodes: 100, seed: 1)
        for user in 0..<100 {
            let picks = Set(
                (0..<5).map { request in
                    byUser.pick(
                        request: head("/r/\(request)", [("x-user", "u\(user)")]), clientAddressHash: UInt64(request),
                        excluding: nil)
                })
            #expect(picks.count == 1)
        }
        let anonymous = Set(
            (0..<200).map { _ in byUser.pick(request: head("/"), clientAddressHash: 1, excluding: nil) })
        #expect(anonymous.count > 5)

        let byIP = MaglevBalancer(endpoints: BalancerEndpoints(count: 10), hashKey: .clientIP, tableSize: 101, seed: 1)
        #expect(
            Set((0..<50).map { byIP.pick(request: head("/\($0)"), clientAddressHash: 77, excluding: nil) }).count == 1)
    }

    @Test("RequestKeyHasher reads paths without the query, headers case-insensitively and cookies by exact name")
    func requestKeyHasher() {
        func head(_ uri: String, _ headers: [(String, String)] = []) -> HTTPRequestHead {
            HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: HTTPHeaders(headers))
        }
        let path = RequestKeyHasher(.path)
        #expect(path.hash(head("/a/b?x=1"), clientAddressHash: 0) == Hash64.hash("/a/b"))
        #expect(path.hash(head("/a/b#f"), clientAddressHash: 0) == Hash64.hash("/a/b"))

        let header = RequestKeyHasher(.header("X-User"))
        #expect(
            header.hash(head("/", [("X-USER", "alice"), ("x-user", "bob")]), clientAddressHash: 0)
                == Hash64.hash("alice"))
        #expect(header.hash(head("/", [("X-Users", "alice")]), clientAddressHash: 0) == nil)

        let cookie = RequestKeyHasher(.cookie("session"))
        let cookies = [("Cookie", "theme=dark; session = abc123 ;x=1"), ("cookie", "session=zzz")]
        #expect(cookie.hash(head("/", cookies), clientAddressHash: 0) == Hash64.hash("abc123"))
        #expect(cookie.hash(head("/", [("Cookie", "Session=abc; sessionid=1")]), clientAddressHash: 0) == nil)
        #expect(cookie.hash(head("/", [("Cookie", "a=1; session=")]), clientAddressHash: 0) == Hash64.hash(""))

        let client = RequestKeyHasher(.clientIP)
        #expect(client.hash(head("/"), clientAddressHash: 99) == 99)
        #expect(client.hash(head("/"), clientAddressHash: 0) == nil)
    }
}
