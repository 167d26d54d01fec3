import NIOHTTP1
import PeriscopeConfig

@testable import PeriscopeGateway

/// Builds balancers the way the gateway does (config → runtime → `makeBalancer`) for the balancer tests.
enum BalancerFixture {
    /// A cluster of endpoints `10.0.0.<n+1>:80` with these weights and balancer settings.
    static func cluster(
        _ kind: LoadBalancerKind,
        weights: [Int],
        hashKey: HashKey = .path,
        virtualNodes: Int = ClusterConfig.defaultVirtualNodes,
        tableSize: Int = ClusterConfig.defaultMaglevTableSize
    ) -> ClusterRuntime {
        let endpoints = weights.enumerated().map { index, weight in
            EndpointConfig(address: HostPort(host: "10.0.0.\(index + 1)", port: 80), weight: weight)
        }
        let config = ClusterConfig(
            name: "c",
            endpoints: endpoints,
            loadBalancer: kind,
            hashKey: hashKey,
            virtualNodes: virtualNodes,
            maglevTableSize: tableSize
        )
        return GatewayRuntime(config: GatewayConfig(listeners: [], clusters: [config])).clusters[0]
    }

    /// A balancer of `kind` over endpoints with `weights`, and the availability view it reads.
    static func balancer(
        _ kind: LoadBalancerKind,
        weights: [Int],
        hashKey: HashKey = .path,
        tableSize: Int = ClusterConfig.defaultMaglevTableSize,
        seed: UInt64 = 42
    ) -> (balancer: any LoadBalancer, availability: EndpointAvailability) {
        let cluster = Self.cluster(kind, weights: weights, hashKey: hashKey, tableSize: tableSize)
        let availability = EndpointAvailability(count: weights.count)
        let balancer = kind.makeBalancer(cluster: cluster, loopIndex: 0, availability: availability, seed: seed)
        return (balancer, availability)
    }

    /// Request heads with paths `/k/0` … `/k/<count - 1>`.
    static func heads(_ count: Int) -> [HTTPRequestHead] {
        (0..<count).map { HTTPRequestHead(version: .http1_1, method: .GET, uri: "/k/\($0)") }
    }

    /// How many of `picks` went to each of `count` endpoints (`nil` picks are not counted).
    static func histogram(_ picks: [Int?], count: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: count)
        for case let pick? in picks { counts[pick] += 1 }
        return counts
    }
}
