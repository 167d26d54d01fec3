/// The whole gateway configuration, as loaded and validated from one YAML file.
///
/// Values here are already checked: names are unique, every route names a known cluster,
/// addresses parse, durations are positive. The gateway compiles this into its runtime tables.
public struct GatewayConfig: Sendable, Equatable {
    /// The file this configuration was read from (used in messages).
    public var sourceFile: String
    /// The directory of ``sourceFile`` (relative paths in the config, such as rule files, are resolved
    /// against it); `.` when the file has no directory part.
    public var directory: String {
        guard let slash = self.sourceFile.lastIndex(of: "/") else { return "." }
        return slash == self.sourceFile.startIndex ? "/" : String(self.sourceFile[..<slash])
    }
    /// Traffic listeners, each with its own routes.
    public var listeners: [ListenerConfig]
    /// The admin listener (health, drain, later metrics).
    public var admin: AdminConfig
    /// Upstream clusters, referenced by name from routes.
    public var clusters: [ClusterConfig]
    /// Graceful drain timings.
    public var drain: DrainConfig
    /// Logging settings.
    public var logging: LoggingConfig
    /// Metric family settings: histogram buckets and series limits.
    public var telemetry: TelemetryConfig
    /// Rule files evaluated in the process and their Alertmanagers.
    public var rules: RulesConfig
    /// OTLP/HTTP export.
    public var otlp: OTLPConfig = OTLPConfig()
    /// Spans, propagation and sampling.
    public var tracing: TracingConfig = TracingConfig()
    /// The per-request JSON access log.
    public var accessLog: AccessLogConfig = AccessLogConfig()

    public init(
        sourceFile: String = "<memory>",
        listeners: [ListenerConfig],
        admin: AdminConfig = .init(),
        clusters: [ClusterConfig],
        drain: DrainConfig = .init(),
        logging: LoggingConfig = .init(),
        telemetry: TelemetryConfig = .init(),
        rules: RulesConfig = .init()
    ) {
        self.sourceFile = sourceFile
        self.listeners = listeners
        self.admin = admin
        self.clusters = clusters
        self.drain = drain
        self.logging = logging
        self.telemetry = telemetry
        self.rules = rules
    }
}

/// A `host:port` pair as written in the config (`0.0.0.0:8080`, `[::1]:9901`, `localhost:9001`).
public struct HostPort: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP literal, without IPv6 brackets.
    public var host: String
    /// TCP port, 0 lets the kernel choose (listeners only).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}

/// One traffic listener: an address, its limits and timeouts, and its routes.
public struct ListenerConfig: Sendable, Equatable {
    /// Unique listener name (`listeners[].name`).
    public var name: String
    /// Bind address. Default `0.0.0.0:8080`.
    public var address: HostPort
    /// Downstream timeouts.
    public var timeouts: ListenerTimeouts
    /// Request limits; routes may override `maxBodyBytes`.
    public var limits: RequestLimits
    /// Routes, in configuration order.
    public var routes: [RouteConfig]

    public init(
        name: String,
        address: HostPort = HostPort(host: "0.0.0.0", port: 8080),
        timeouts: ListenerTimeouts = .init(),
        limits: RequestLimits = .init(),
        routes: [RouteConfig]
    ) {
        self.name = name
        self.address = address
        self.timeouts = timeouts
        self.limits = limits
        self.routes = routes
    }
}

/// Downstream (client side) timeouts of a listener.
public struct ListenerTimeouts: Sendable, Equatable {
    /// Time allowed from the first byte of a request until its header is complete (slowloris guard) → 408.
    /// Key `request_header`, default 10s.
    public var requestHeader: Duration
    /// Time a keep-alive connection may sit with no request before it is closed. Key `idle`, default 60s.
    public var idle: Duration

    public init(requestHeader: Duration = .seconds(10), idle: Duration = .seconds(60)) {
        self.requestHeader = requestHeader
        self.idle = idle
    }
}

/// Limits on what a client may send.
public struct RequestLimits: Sendable, Equatable {
    /// Largest request head (request line and all header fields) in bytes → 431. Key `max_header_bytes`, default 16384.
    public var maxHeaderBytes: Int
    /// Most header fields in one request → 431. Key `max_headers`, default 100.
    public var maxHeaderCount: Int
    /// Largest request body in bytes → 413; `nil` means unlimited. Key `max_body_bytes`, default unlimited.
    public var maxBodyBytes: Int64?

    public init(maxHeaderBytes: Int = 16384, maxHeaderCount: Int = 100, maxBodyBytes: Int64? = nil) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// One route: what it matches and where it sends the request.
public struct RouteConfig: Sendable, Equatable {
    /// Unique (per listener) route name; becomes the `route` label of metrics.
    public var name: String
    /// What the route matches.
    public var match: RouteMatch
    /// Name of the cluster requests are proxied to.
    public var cluster: String
    /// Time allowed for the upstream to send its response head after the request was sent → 504.
    /// Key `timeout`, default 15s.
    public var timeout: Duration
    /// Longest gap with no bytes moving while a body streams, either way; the exchange is aborted after it.
    /// Key `idle_timeout`, default 60s.
    public var idleTimeout: Duration
    /// Overrides the listener's `max_body_bytes` for this route when set. Key `max_body_bytes`.
    public var maxBodyBytes: Int64?
    /// The route's service-level objectives, exposed as metrics for the SLO rules. Key `slo`, default none.
    public var slo: RouteSLOConfig?
    /// The retry policy. Key `retry`, default none (no retries).
    public var retry: RetryConfig?
    /// Request hedging. Key `hedge`, default none.
    public var hedge: HedgeConfig?
    /// A request header the upstream receives with the milliseconds left of the route's `timeout` (the smaller of
    /// that and the value the client sent in the same header). Key `deadline_header`, default none.
    public var deadlineHeader: String?

    public init(
        name: String,
        match: RouteMatch,
        cluster: String,
        timeout: Duration = .seconds(15),
        idleTimeout: Duration = .seconds(60),
        maxBodyBytes: Int64? = nil,
        slo: RouteSLOConfig? = nil
    ) {
        self.slo = slo
        self.name = name
        self.match = match
        self.cluster = cluster
        self.timeout = timeout
        self.idleTimeout = idleTimeout
        self.maxBodyBytes = maxBodyBytes
    }
}

/// The match part of a route.
///
/// Exactly one of `path` and `prefix` is set.
/// - `path: /health` matches exactly that path.
/// - `path: /api/users/{id}` matches one segment per `{param}`.
/// - `path: /static/*` matches `/static/` and everything below it (trailing wildcard).
/// - `prefix: /api/` matches every path that starts with the string.
public struct RouteMatch: Sendable, Equatable {
    /// Host patterns: exact (`api.example.com`) or a leading wildcard (`*.example.com`); empty matches any host.
    public var hosts: [String]
    /// Exact, parameterised or trailing-wildcard path pattern.
    public var path: String?
    /// Path prefix.
    public var prefix: String?
    /// Upper-case methods the route accepts; empty accepts all.
    public var methods: [String]

    public init(hosts: [String] = [], path: String? = nil, prefix: String? = nil, methods: [String] = []) {
        self.hosts = hosts
        self.path = path
        self.prefix = prefix
        self.methods = methods
    }
}

/// An upstream cluster: a set of endpoints behind one load balancer and pool policy.
public struct ClusterConfig: Sendable, Equatable {
    /// Unique cluster name; becomes the `cluster` label of metrics.
    public var name: String
    /// Endpoints, at least one.
    public var endpoints: [EndpointConfig]
    /// Load-balancing policy. Key `load_balancer`, default `round_robin`.
    public var loadBalancer: LoadBalancerKind
    /// What `ring_hash` and `maglev` hash to choose an endpoint. Key `hash_key`, default `client_ip`.
    public var hashKey: HashKey
    /// Points each unit of endpoint weight gets on the `ring_hash` ring. Key `virtual_nodes`, default 100.
    public var virtualNodes: Int
    /// Entries of the `maglev` lookup table, a prime at least 7 × the endpoint count. Key `maglev_table_size`,
    /// default 65537.
    public var maglevTableSize: Int
    /// Time constant of `peak_ewma`'s moving average: how fast an endpoint's latency estimate forgets old samples.
    /// Key `ewma_decay`, default 10s.
    public var ewmaDecay: Duration
    /// Time allowed to establish a TCP connection to an endpoint → 502. Key `connect_timeout`, default 2s.
    public var connectTimeout: Duration
    /// Connection-pool policy.
    public var pool: PoolConfig
    /// Active health checking. Key `health_check`, default none (endpoints are always healthy).
    public var healthCheck: HealthCheckConfig?
    /// Passive outlier detection. Key `outlier_detection`, default none.
    public var outlierDetection: OutlierDetectionConfig?
    /// Circuit breaking. Key `circuit_breaker`, default none.
    public var circuitBreaker: CircuitBreakerConfig?

    /// The default of ``virtualNodes``.
    public static let defaultVirtualNodes = 100
    /// The default of ``maglevTableSize`` (a prime).
    public static let defaultMaglevTableSize = 65537

    public init(
        name: String,
        endpoints: [EndpointConfig],
        loadBalancer: LoadBalancerKind = .roundRobin,
        hashKey: HashKey = .clientIP,
        virtualNodes: Int = Self.defaultVirtualNodes,
        maglevTableSize: Int = Self.defaultMaglevTableSize,
        ewmaDecay: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(2),
        pool: PoolConfig = .init(),
        healthCheck: HealthCheckConfig? = nil,
        outlierDetection: OutlierDetectionConfig? = nil,
        circuitBreaker: CircuitBreakerConfig? = nil
    ) {
        self.circuitBreaker = circuitBreaker
        self.healthCheck = healthCheck
        self.outlierDetection = outlierDetection
        self.name = name
        self.endpoints = endpoints
        self.loadBalancer = loadBalancer
        self.hashKey = hashKey
        self.virtualNodes = virtualNodes
        self.maglevTableSize = maglevTableSize
        self.ewmaDecay = ewmaDecay
        self.connectTimeout = connectTimeout
        self.pool = pool
    }
}

/// One upstream endpoint.
public struct EndpointConfig: Sendable, Equatable {
    /// `host:port` of the endpoint.
    public var address: HostPort
    /// Relative weight, 1 to ``maximumWeight``; default 1.
    public var weight: Int

    /// The largest weight an endpoint may have (balancers multiply weights by counts without overflow below it).
    public static let maximumWeight = 1_000_000

    public init(address: HostPort, weight: Int = 1) {
        self.address = address
        self.weight = weight
    }
}

/// Load-balancing policies (the cluster's `load_balancer` key).
public enum LoadBalancerKind: String, Sendable, Equatable, CaseIterable {
    /// Plain round robin (weights ignored).
    case roundRobin = "round_robin"
    /// Smooth weighted round robin, as nginx does it: each endpoint gets its weight's share, interleaved.
    case weightedRoundRobin = "weighted_round_robin"
    /// A random endpoint, with probability proportional to its weight.
    case random
    /// Power of two choices: of two endpoints drawn by weight, the one with fewer requests in flight per unit of
    /// weight.
    case leastRequest = "least_request"
    /// Power of two choices on a peak-sensitive moving average of latency × (requests in flight + 1).
    case peakEWMA = "peak_ewma"
    /// A consistent hash ring with virtual nodes, keyed by ``HashKey``.
    case ringHash = "ring_hash"
    /// A Maglev lookup table, keyed by ``HashKey``.
    case maglev

    /// Whether the policy hashes a request key (and so reads `hash_key`).
    public var usesHashKey: Bool {
        self == .ringHash || self == .maglev
    }
}

/// Per-event-loop keep-alive connection pool policy of a cluster.
public struct PoolConfig: Sendable, Equatable {
    /// Most connections to one endpoint from one event loop (busy + idle). Key `max_connections_per_endpoint`,
    /// default 1024.
    public var maxConnectionsPerEndpoint: Int
    /// Most requests waiting for a connection per endpoint and loop before new ones get 503. Key `max_pending`,
    /// default 1024.
    public var maxPending: Int
    /// An idle pooled connection is closed after this. Key `idle_timeout`, default 60s.
    public var idleTimeout: Duration
    /// A connection is retired after this many requests; 0 means no limit. Key `max_requests_per_connection`,
    /// default 0.
    public var maxRequestsPerConnection: Int

    public init(
        maxConnectionsPerEndpoint: Int = 1024,
        maxPending: Int = 1024,
        idleTimeout: Duration = .seconds(60),
        maxRequestsPerConnection: Int = 0
    ) {
        self.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint
        self.maxPending = maxPending
        self.idleTimeout = idleTimeout
        self.maxRequestsPerConnection = maxRequestsPerConnection
    }
}

/// The admin listener.
public struct AdminConfig: Sendable, Equatable {
    /// Bind address. Default `127.0.0.1:9901`.
    public var address: HostPort
    /// Clusters that must each have an endpoint in rotation for `/readyz` to pass. Key `ready_requires_clusters`,
    /// default none.
    public var readyRequiresClusters: [String]

    public init(address: HostPort = HostPort(host: "127.0.0.1", port: 9901), readyRequiresClusters: [String] = []) {
        self.address = address
        self.readyRequiresClusters = readyRequiresClusters
    }
}

/// Graceful drain timings.
public struct DrainConfig: Sendable, Equatable {
    /// How long listeners keep accepting after a drain starts (readiness already fails). Key `delay`, default 5s.
    public var delay: Duration
    /// How long in-flight requests get to finish after listeners close. Key `timeout`, default 30s.
    public var timeout: Duration

    public init(delay: Duration = .seconds(5), timeout: Duration = .seconds(30)) {
        self.delay = delay
        self.timeout = timeout
    }
}

/// Logging settings.
public struct LoggingConfig: Sendable, Equatable {
    /// Log level name (`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`). Default `info`.
    public var level: String
    /// `auto` (text on a TTY, JSON otherwise), `text` or `json`. Default `auto`.
    public var format: String

    public init(level: String = "info", format: String = "auto") {
        self.level = level
        self.format = format
    }
}

/// Metric family settings (the `telemetry` section).
///
/// Family names are those of the gateway's own families (``knownFamilies``); buckets apply to histogram families
/// only (``knownHistogramFamilies``). Bucket bounds are finite and strictly increasing (`+Inf` is always added);
/// limits are at least 1.
public struct TelemetryConfig: Sendable, Equatable {
    /// The series limit of a family with no override: 2000.
    public static let defaultCardinalityLimit = 2000

    /// Most series per family before new label sets fold into the family's `_other` series.
    /// Key `cardinality_limit`, default 2000.
    public var cardinalityLimit: Int
    /// Per-family overrides, by family name. Key `families`, default none.
    public var families: [String: TelemetryFamilyConfig]

    public init(
        cardinalityLimit: Int = TelemetryConfig.defaultCardinalityLimit,
        families: [String: TelemetryFamilyConfig] = [:]
    ) {
        self.cardinalityLimit = cardinalityLimit
        self.families = families
    }

    /// The series limit of family `name`: its override, else ``cardinalityLimit``.
    public func cardinalityLimit(for name: String) -> Int {
        self.families[name]?.cardinalityLimit ?? self.cardinalityLimit
    }

    /// The configured bucket bounds of histogram family `name`, or `nil` to keep the family's defaults.
    public func buckets(for name: String) -> [Double]? {
        self.families[name]?.buckets
    }
}

/// Settings of one metric family (`telemetry.families.<name>`); `nil` keeps the default.
public struct TelemetryFamilyConfig: Sendable, Equatable {
    /// Histogram bucket upper bounds, finite and strictly increasing. Key `buckets`.
    public var buckets: [Double]?
    /// Most series of this family. Key `cardinality_limit`.
    public var cardinalityLimit: Int?

    public init(buckets: [Double]? = nil, cardinalityLimit: Int? = nil) {
        self.buckets = buckets
        self.cardinalityLimit = cardinalityLimit
    }
}
