import Yams

/// Reads the document root and the small top-level sections (`admin`, `drain`, `logging`, `telemetry`).
enum GatewayConfigDecoder {
    static let rootKeys = [
        "admin", "drain", "logging", "telemetry", "rules", "otlp", "tracing", "access_log", "listeners", "clusters",
    ]
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    static let logFormats = ["auto", "text", "json"]

    /// Decodes the whole document. Problems go to `diagnostics`; the result is only meaningful when
    /// there were none.
    static func decode(_ root: NodeReader, file: String) -> GatewayConfig {
        let diagnostics = root.diagnostics
        var config = GatewayConfig(sourceFile: file, listeners: [], clusters: [])
        guard let mapping = root.mapping(keys: Self.rootKeys) else {
            return config
        }
        if let admin = mapping["admin"]?.mapping(keys: ["address", "ready_requires_clusters"]) {
            config.admin = Self.admin(admin)
        }
        if let drain = mapping["drain"]?.mapping(keys: ["delay", "timeout"]) {
            config.drain = Self.drain(drain)
        }
        if let logging = mapping["logging"]?.mapping(keys: ["level", "format"]) {
            config.logging = Self.logging(logging)
        }
        if let telemetry = mapping["telemetry"]?.mapping(keys: TelemetryDecoder.keys) {
            config.telemetry = TelemetryDecoder.decode(telemetry)
        }
        if let rules = mapping["rules"]?.mapping(keys: RulesDecoder.keys) {
            config.rules = RulesDecoder.decode(rules)
        }
        if let tracing = mapping["tracing"]?.mapping(keys: TracingDecoder.keys) {
            config.tracing = TracingDecoder.decode(tracing)
        }
        if let accessLog = mapping["access_log"]?.mapping(keys: AccessLogDecoder.keys) {
            config.accessLog = AccessLogDecoder.decode(accessLog)
        }
        if let otlp = mapping["otlp"]?.mapping(keys: OTLPDecoder.keys) {
            config.otlp = OTLPDecoder.decode(otlp)
        }
        if let listeners = mapping.required("listeners") {
            config.listeners = Self.nonEmptyList(listeners, what: "listener").map(ListenerDecoder.decode)
        }
        if let clusters = mapping.required("clusters") {
            config.clusters = Self.nonEmptyList(clusters, what: "cluster").map(ClusterDecoder.decode)
        }
        SemanticValidator(config: config, diagnostics: diagnostics).validate()
        return config
    }

    /// The elements of a list that must have at least one; reports a wrong type or an empty list.
    static func nonEmptyList(_ node: NodeReader, what: String) -> [NodeReader] {
        guard let elements = node.list() else { return [] }
        if elements.isEmpty {
            node.error("at least one \(what) is required")
        }
        return elements
    }

    private static func admin(_ mapping: MappingReader) -> AdminConfig {
        var admin = AdminConfig()
        if let address = mapping["address"]?.address(allowPortZero: true) {
            admin.address = address
        }
        if let clusters = mapping["ready_requires_clusters"]?.scalarOrList() {
            admin.readyRequiresClusters = clusters.compactMap { $0.nonEmptyString() }
        }
        return admin
    }

    private static func drain(_ mapping: MappingReader) -> DrainConfig {
        var drain = DrainConfig()
        if let delay = mapping["delay"]?.duration() {
            drain.delay = delay
        }
        if let timeout = mapping["timeout"]?.duration() {
            drain.timeout = timeout
        }
        return drain
    }

    private static func logging(_ mapping: MappingReader) -> LoggingConfig {
        var logging = LoggingConfig()
        if let level = mapping["level"]?.oneOf(Self.logLevels) {
            logging.level = level
        }
        if let format = mapping["format"]?.oneOf(Self.logFormats) {
            logging.format = format
        }
        return logging
    }
}
