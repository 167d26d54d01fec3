import NIOCore
import NIOHTTP1
import PeriscopeConfig

/// A listener compiled from config.
public final class ListenerRuntime: Sendable {
    /// Configured name.
    public let name: String
    /// Index of the listener in config order.
    public let index: Int
    /// Route names by route index.
    public let routeNames: [String]
    /// Configured bind address.
    public let address: HostPort
    let router: Router
    let limits: RequestLimits
    let requestHeaderTimeout: TimeAmount
    let idleTimeout: TimeAmount
    /// Decoder limits derived from `limits`.
    let decoderLimits: NIOHTTPDecoderLimitConfiguration
    /// The routes, by index.
    public let routes: [RouteRuntime]

    init(config: ListenerConfig, index: Int, clustersByName: [String: ClusterRuntime]) {
        self.name = config.name
        self.index = index
        self.routeNames = config.routes.map(\.name)
        self.address = config.address
        self.limits = config.limits
        self.requestHeaderTimeout = TimeAmount(config.timeouts.requestHeader)
        self.idleTimeout = TimeAmount(config.timeouts.idle)
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = config.limits.maxHeaderBytes
        decoderLimits.maxHeaderListSize = config.limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldCount = config.limits.maxHeaderCount
        self.decoderLimits = decoderLimits
        var entries: [(pattern: PathPattern, hosts: [String], route: RouteRuntime)] = []
        for (index, route) in config.routes.enumerated() {
            guard let cluster = clustersByName[route.cluster] else {
                preconditionFailure("validated config names unknown cluster \(route.cluster)")
            }
            let runtime = RouteRuntime(config: route, index: index, cluster: cluster, listenerLimits: config.limits)
            let pattern = route.match.path.map(PathPattern.init(path:)) ?? .prefix(route.match.prefix ?? "/")
            entries.append((pattern, route.match.hosts, runtime))
        }
        self.routes = entries.map(\.route)
        self.router = Router(routes: entries)
    }
}

/// The immutable runtime tables compiled from one config snapshot.
public final class GatewayRuntime: Sendable {
    /// The config this was compiled from.
    public let config: GatewayConfig
    /// Listeners in config order.
    public let listeners: [ListenerRuntime]
    /// Clusters in config order.
    public let clusters: [ClusterRuntime]

    /// Compiles a validated config.
    public init(config: GatewayConfig) {
        self.config = config
        var endpointIndex = 0
        var clusters: [ClusterRuntime] = []
        for (index, cluster) in config.clusters.enumerated() {
            var endpoints: [EndpointRuntime] = []
            for endpoint in cluster.endpoints {
                endpoints.append(EndpointRuntime(index: endpointIndex, config: endpoint))
                endpointIndex += 1
            }
            clusters.append(ClusterRuntime(index: index, config: cluster, endpoints: endpoints))
        }
        self.clusters = clusters
        let byName = Dictionary(clusters.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.listeners = config.listeners.enumerated().map { index, listener in
            ListenerRuntime(config: listener, index: index, clustersByName: byName)
        }
    }
}
