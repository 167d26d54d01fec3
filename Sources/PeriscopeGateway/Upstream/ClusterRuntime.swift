import NIOCore
import PeriscopeConfig

/// An upstream endpoint compiled from config.
public final class EndpointRuntime: Sendable {
    /// Dense index over all endpoints of all clusters (indexes per-loop pools).
    public let index: Int
    /// `host:port` as configured (the `endpoint` label).
    public let name: String
    let host: String
    let port: Int
    /// Pre-resolved address when the host is an IP literal; host names are resolved at connect time.
    let socketAddress: SocketAddress?
    /// Relative weight.
    public let weight: Int

    init(index: Int, config: EndpointConfig) {
        self.index = index
        self.name = config.address.description
        self.host = config.address.host
        self.port = config.address.port
        self.socketAddress = try? SocketAddress(ipAddress: config.address.host, port: config.address.port)
        self.weight = config.weight
    }
}

/// An upstream cluster compiled from config.
public final class ClusterRuntime: Sendable {
    /// Configured name (the `cluster` label).
    public let name: String
    /// Dense index of the cluster.
    public let index: Int
    /// Endpoints in config order.
    public let endpoints: [EndpointRuntime]
    let loadBalancer: LoadBalancerKind
    let hashKey: HashKey
    let virtualNodes: Int
    let maglevTableSize: Int
    let ewmaDecay: Duration
    let connectTimeout: TimeAmount
    let maxConnectionsPerEndpoint: Int
    let maxPending: Int
    let idleTimeout: TimeAmount
    let maxRequestsPerConnection: Int
    /// Active health checking, when configured.
    let healthCheck: HealthCheckConfig?
    /// Passive outlier detection, when configured.
    let outlierDetection: OutlierDetectionConfig?
    /// Circuit breaking, when configured.
    let circuitBreaker: CircuitBreakerConfig?
    /// Connections and pending requests over every loop (`max_connections`, `max_pending`).
    let concurrency: ClusterConcurrency

    init(index: Int, config: ClusterConfig, endpoints: [EndpointRuntime]) {
        self.healthCheck = config.healthCheck
        self.outlierDetection = config.outlierDetection
        self.circuitBreaker = config.circuitBreaker
        self.concurrency = ClusterConcurrency(config: config.circuitBreaker)
        self.name = config.name
        self.index = index
        self.endpoints = endpoints
        self.loadBalancer = config.loadBalancer
        self.hashKey = config.hashKey
        self.virtualNodes = config.virtualNodes
        self.maglevTableSize = config.maglevTableSize
        self.ewmaDecay = config.ewmaDecay
        self.connectTimeout = TimeAmount(config.connectTimeout)
        self.maxConnectionsPerEndpoint = config.pool.maxConnectionsPerEndpoint
        self.maxPending = config.pool.maxPending
        self.idleTimeout = TimeAmount(config.pool.idleTimeout)
        self.maxRequestsPerConnection = config.pool.maxRequestsPerConnection
    }
}
