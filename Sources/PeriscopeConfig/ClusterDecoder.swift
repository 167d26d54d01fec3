/// Reads one `clusters[]` entry with its endpoints and pool policy.
enum ClusterDecoder {
    static let keys = [
        "name", "load_balancer", "hash_key", "virtual_nodes", "maglev_table_size", "ewma_decay", "connect_timeout",
        "endpoints", "pool", "health_check", "outlier_detection", "circuit_breaker",
    ]
    static let endpointKeys = ["address", "weight"]
    static let poolKeys = [
        "max_connections_per_endpoint", "max_pending", "idle_timeout", "max_requests_per_connection",
    ]

    /// Decodes a cluster; on errors the result holds placeholders (and the errors are reported).
    static func decode(_ node: NodeReader) -> ClusterConfig {
        var cluster = ClusterConfig(name: "", endpoints: [])
        guard let mapping = node.mapping(keys: Self.keys) else {
            return cluster
        }
        cluster.name = mapping.required("name")?.nonEmptyString() ?? ""
        if let connectTimeout = mapping["connect_timeout"]?.duration() {
            cluster.connectTimeout = connectTimeout
        }
        if let endpoints = mapping.required("endpoints"), let elements = endpoints.list() {
            if elements.isEmpty {
                endpoints.error(
                    "cluster '\(cluster.name)' has no endpoints",
                    hint: "add at least one, e.g. - 127.0.0.1:9001"
                )
            }
            cluster.endpoints = elements.map(Self.endpoint)
        }
        if let pool = mapping["pool"]?.mapping(keys: Self.poolKeys) {
            cluster.pool = Self.pool(pool)
        }
        LoadBalancerDecoder.decode(mapping, into: &cluster)
        if let check = mapping["health_check"]?.mapping(keys: HealthDecoder.healthCheckKeys) {
            cluster.healthCheck = HealthDecoder.healthCheck(check)
        }
        if let breaker = mapping["circuit_breaker"]?.mapping(keys: HealthDecoder.circuitBreakerKeys) {
            cluster.circuitBreaker = HealthDecoder.circuitBreaker(breaker)
        }
        if let outlier = mapping["outlier_detection"] {
            // `outlier_detection: {}` (or an empty key) turns it on with the defaults.
            if outlier.isNull {
                cluster.outlierDetection = OutlierDetectionConfig()
            } else if let settings = outlier.mapping(keys: HealthDecoder.outlierKeys) {
                cluster.outlierDetection = HealthDecoder.outlierDetection(settings)
            }
        }
        return cluster
    }

    /// An endpoint written as `host:port` or as `{ address: host:port, weight: N }`.
    private static func endpoint(_ node: NodeReader) -> EndpointConfig {
        let placeholder = EndpointConfig(address: HostPort(host: "", port: 0))
        if node.isScalar {
            return node.address(allowPortZero: false).map { EndpointConfig(address: $0) } ?? placeholder
        }
        if node.isList {
            node.error("expected an address or a mapping, found a list", hint: "write - 127.0.0.1:9001")
            return placeholder
        }
        if node.isNull {
            node.error("empty endpoint", hint: "write - 127.0.0.1:9001")
            return placeholder
        }
        guard let mapping = node.mapping(keys: Self.endpointKeys) else {
            return placeholder
        }
        var endpoint = placeholder
        if let address = mapping.required("address")?.address(allowPortZero: false) {
            endpoint.address = address
        }
        if let weight = mapping["weight"]?.int(minimum: 1, maximum: EndpointConfig.maximumWeight) {
            endpoint.weight = weight
        }
        return endpoint
    }

    private static func pool(_ mapping: MappingReader) -> PoolConfig {
        var pool = PoolConfig()
        if let maxConnections = mapping["max_connections_per_endpoint"]?.int(minimum: 1) {
            pool.maxConnectionsPerEndpoint = maxConnections
        }
        if let maxPending = mapping["max_pending"]?.int(minimum: 1) {
            pool.maxPending = maxPending
        }
        if let idleTimeout = mapping["idle_timeout"]?.duration() {
            pool.idleTimeout = idleTimeout
        }
        if let maxRequests = mapping["max_requests_per_connection"]?.int(minimum: 0) {
            pool.maxRequestsPerConnection = maxRequests
        }
        return pool
    }
}
