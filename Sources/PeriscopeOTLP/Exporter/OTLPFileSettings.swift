/// The OTLP exporter settings of Periscope's config file. Every field is optional: an absent field leaves the
/// built-in default in place, and the matching `OTEL_*` environment variable, when set, overrides the field (see
/// ``OTLPExporterConfiguration/resolve(file:environment:fileKeyPrefix:)``).
///
/// The generic fields apply to both signals; a signal-specific field overrides its generic field for that
/// signal. Endpoints follow the environment variables' rules: ``endpoint`` is a base URL to which `v1/traces` or
/// `v1/metrics` is appended, while ``tracesEndpoint`` and ``metricsEndpoint`` are used as they are.
///
/// The config loader maps YAML keys to these fields; warnings name them as `<prefix>.<snake_case_name>`, e.g.
/// `otlp.max_queue_size`.
public struct OTLPFileSettings: Sendable, Equatable {
    /// Base URL for both signals (`endpoint`), like `OTEL_EXPORTER_OTLP_ENDPOINT`.
    public var endpoint: String?
    /// Full URL for traces (`traces_endpoint`), like `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    public var tracesEndpoint: String?
    /// Full URL for metrics (`metrics_endpoint`), like `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT`.
    public var metricsEndpoint: String?
    /// Request headers for both signals (`headers`).
    public var headers: [String: String]?
    /// Request headers for traces (`traces_headers`); replaces ``headers`` for traces.
    public var tracesHeaders: [String: String]?
    /// Request headers for metrics (`metrics_headers`); replaces ``headers`` for metrics.
    public var metricsHeaders: [String: String]?
    /// Body compression for both signals (`compression`).
    public var compression: OTLPCompression?
    /// Body compression for traces (`traces_compression`).
    public var tracesCompression: OTLPCompression?
    /// Body compression for metrics (`metrics_compression`).
    public var metricsCompression: OTLPCompression?
    /// Time limit of one export request for both signals (`timeout`); zero means no limit.
    public var timeout: Duration?
    /// Time limit of one trace export request (`traces_timeout`).
    public var tracesTimeout: Duration?
    /// Time limit of one metric export request (`metrics_timeout`).
    public var metricsTimeout: Duration?
    /// Longest wait before queued items are exported (`schedule_delay`), like `OTEL_BSP_SCHEDULE_DELAY`.
    public var scheduleDelay: Duration?
    /// Most items queued per signal (`max_queue_size`), like `OTEL_BSP_MAX_QUEUE_SIZE`.
    public var maxQueueSize: Int?
    /// Most items per export request (`max_export_batch_size`), like `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`.
    public var maxExportBatchSize: Int?
    /// Time between two metric collections (`metric_export_interval`), like `OTEL_METRIC_EXPORT_INTERVAL`.
    public var metricExportInterval: Duration?

    /// Settings with the given fields; every other field is absent.
    public init(
        endpoint: String? = nil,
        tracesEndpoint: String? = nil,
        metricsEndpoint: String? = nil,
        headers: [String: String]? = nil,
        tracesHeaders: [String: String]? = nil,
        metricsHeaders: [String: String]? = nil,
        compression: OTLPCompression? = nil,
        tracesCompression: OTLPCompression? = nil,
        metricsCompression: OTLPCompression? = nil,
        timeout: Duration? = nil,
        tracesTimeout: Duration? = nil,
        metricsTimeout: Duration? = nil,
        scheduleDelay: Duration? = nil,
        maxQueueSize: Int? = nil,
        maxExportBatchSize: Int? = nil,
        metricExportInterval: Duration? = nil
    ) {
        self.endpoint = endpoint
        self.tracesEndpoint = tracesEndpoint
        self.metricsEndpoint = metricsEndpoint
        self.headers = headers
        self.tracesHeaders = tracesHeaders
        self.metricsHeaders = metricsHeaders
        self.compression = compression
        self.tracesCompression = tracesCompression
        self.metricsCompression = metricsCompression
        self.timeout = timeout
        self.tracesTimeout = tracesTimeout
        self.metricsTimeout = metricsTimeout
        self.scheduleDelay = scheduleDelay
        self.maxQueueSize = maxQueueSize
        self.maxExportBatchSize = maxExportBatchSize
        self.metricExportInterval = metricExportInterval
    }

    /// The signal-specific endpoint field of `signal`.
    func endpoint(for signal: OTLPSignal) -> String? {
        switch signal {
        case .traces: self.tracesEndpoint
        case .metrics: self.metricsEndpoint
        }
    }

    /// The signal-specific headers field of `signal`.
    func headers(for signal: OTLPSignal) -> [String: String]? {
        switch signal {
        case .traces: self.tracesHeaders
        case .metrics: self.metricsHeaders
        }
    }

    /// The signal-specific compression field of `signal`.
    func compression(for signal: OTLPSignal) -> OTLPCompression? {
        switch signal {
        case .traces: self.tracesCompression
        case .metrics: self.metricsCompression
        }
    }

    /// The signal-specific timeout field of `signal`.
    func timeout(for signal: OTLPSignal) -> Duration? {
        switch signal {
        case .traces: self.tracesTimeout
        case .metrics: self.metricsTimeout
        }
    }
}
