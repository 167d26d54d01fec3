/// Compression of OTLP/HTTP request bodies.
public enum OTLPCompression: String, Sendable, Hashable, CaseIterable {
    /// The body is sent as it is (`none` in configuration). Not named `none`, which `Optional` would shadow.
    case identity = "none"
    /// The body is gzipped and sent with `Content-Encoding: gzip`.
    case gzip
}

/// Everything the OTLP/HTTP exporter needs: per-signal endpoint, headers, compression and timeout, the batching
/// of the export pipelines, and the metric export interval.
///
/// Build it with ``resolve(file:environment:fileKeyPrefix:)``: built-in defaults, overridden by the config file
/// (``OTLPFileSettings``), overridden by the standard `OTEL_*` environment variables — the environment wins, as
/// in the OpenTelemetry SDKs.
public struct OTLPExporterConfiguration: Sendable, Equatable {
    /// The settings of one signal's exporter.
    public struct SignalSettings: Sendable, Equatable {
        /// Where requests go.
        ///
        /// - Environment variables: `OTEL_EXPORTER_OTLP_<SIGNAL>_ENDPOINT` (used as it is),
        ///   `OTEL_EXPORTER_OTLP_ENDPOINT` (a base URL; `v1/traces` or `v1/metrics` is appended).
        /// - Default: `http://localhost:4318/v1/traces`, `http://localhost:4318/v1/metrics`.
        public var endpoint: OTLPEndpoint
        /// Extra request headers (an API key, a tenant id).
        ///
        /// - Environment variables: `OTEL_EXPORTER_OTLP_<SIGNAL>_HEADERS`, `OTEL_EXPORTER_OTLP_HEADERS`
        ///   (`key1=value1,key2=value2`, values percent-decoded); the signal-specific list replaces the generic one.
        /// - Default: none.
        public var headers: [String: String]
        /// Request body compression.
        ///
        /// - Environment variables: `OTEL_EXPORTER_OTLP_<SIGNAL>_COMPRESSION`, `OTEL_EXPORTER_OTLP_COMPRESSION`
        ///   (`none` or `gzip`, any case).
        /// - Default: `none` (``OTLPCompression/identity``; the collector is usually local; the specification leaves the default open).
        public var compression: OTLPCompression
        /// Time limit of one export request: connect, send, and the whole response. Zero means no limit.
        ///
        /// - Environment variables: `OTEL_EXPORTER_OTLP_<SIGNAL>_TIMEOUT`, `OTEL_EXPORTER_OTLP_TIMEOUT`
        ///   (milliseconds).
        /// - Default: 10 s.
        public var timeout: Duration

        /// Settings with the given values.
        public init(
            endpoint: OTLPEndpoint,
            headers: [String: String] = [:],
            compression: OTLPCompression = .identity,
            timeout: Duration = OTLPExporterConfiguration.defaultTimeout
        ) {
            self.endpoint = endpoint
            self.headers = headers
            self.compression = compression
            self.timeout = timeout
        }

        /// The defaults of `signal`: `http://localhost:4318/v1/<signal>`, no headers, no compression, 10 s.
        public static func defaults(for signal: OTLPSignal) -> SignalSettings {
            SignalSettings(endpoint: OTLPEndpoint(host: "localhost", port: 4318, target: "/" + signal.relativePath))
        }
    }

    /// How an export pipeline batches items (the batch span processor's settings, applied to both signals).
    public struct BatchSettings: Sendable, Equatable {
        /// Longest time an item waits in the queue before an export starts (unless a full batch starts one
        /// earlier).
        ///
        /// - Environment variable: `OTEL_BSP_SCHEDULE_DELAY` (milliseconds, ≥ 0).
        /// - Default: 5 s.
        public var scheduleDelay: Duration
        /// Most items waiting per signal; further items are dropped and counted.
        ///
        /// - Environment variable: `OTEL_BSP_MAX_QUEUE_SIZE` (> 0).
        /// - Default: 2048.
        public var maxQueueSize: Int
        /// Most items per export request; at most ``maxQueueSize``.
        ///
        /// - Environment variable: `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (> 0).
        /// - Default: 512.
        public var maxExportBatchSize: Int

        /// Settings with the given values (the defaults unless given).
        public init(
            scheduleDelay: Duration = .milliseconds(5000),
            maxQueueSize: Int = 2048,
            maxExportBatchSize: Int = 512
        ) {
            self.scheduleDelay = scheduleDelay
            self.maxQueueSize = maxQueueSize
            self.maxExportBatchSize = maxExportBatchSize
        }
    }

    /// The default request timeout, 10 s.
    public static let defaultTimeout: Duration = .milliseconds(10_000)
    /// The default metric export interval, 60 s.
    public static let defaultMetricExportInterval: Duration = .milliseconds(60_000)

    /// The trace exporter's settings.
    public var traces: SignalSettings
    /// The metric exporter's settings.
    public var metrics: SignalSettings
    /// The export pipelines' batching.
    public var batch: BatchSettings
    /// Time between two collections of the metrics registry for export.
    ///
    /// - Environment variable: `OTEL_METRIC_EXPORT_INTERVAL` (milliseconds, > 0).
    /// - Default: 60 s.
    public var metricExportInterval: Duration

    /// A configuration with the given values (the defaults unless given).
    public init(
        traces: SignalSettings = .defaults(for: .traces),
        metrics: SignalSettings = .defaults(for: .metrics),
        batch: BatchSettings = BatchSettings(),
        metricExportInterval: Duration = OTLPExporterConfiguration.defaultMetricExportInterval
    ) {
        self.traces = traces
        self.metrics = metrics
        self.batch = batch
        self.metricExportInterval = metricExportInterval
    }

    /// The settings of `signal`.
    public subscript(signal: OTLPSignal) -> SignalSettings {
        get {
            switch signal {
            case .traces: self.traces
            case .metrics: self.metrics
            }
        }
        set {
            switch signal {
            case .traces: self.traces = newValue
            case .metrics: self.metrics = newValue
            }
        }
    }

    /// Builds the configuration from the defaults, the config file, and the environment.
    ///
    /// For each setting the first valid value wins, in this order:
    /// 1. the signal-specific environment variable (`OTEL_EXPORTER_OTLP_TRACES_TIMEOUT`),
    /// 2. the generic environment variable (`OTEL_EXPORTER_OTLP_TIMEOUT`),
    /// 3. the signal-specific file field (`traces_timeout`),
    /// 4. the generic file field (`timeout`),
    /// 5. the default.
    ///
    /// So the environment wins over the file, and within each source a signal-specific value wins over the
    /// generic one. An empty environment variable counts as unset. An invalid value (an unparsable URL or
    /// number, a negative timeout, an unknown compression) adds a warning naming the variable or file key and
    /// is ignored: the next source in the list applies, in the end the default. Endpoint URLs are built as the
    /// OTLP exporter specification says: a signal-specific URL is used as it is (an empty path becomes `/`); a
    /// generic URL is a base to which `v1/traces` or `v1/metrics` is appended after a `/`.
    ///
    /// - Parameters:
    ///   - file: The config file's settings.
    ///   - environment: The process environment (`ProcessInfo.processInfo.environment` or `environ`).
    ///   - fileKeyPrefix: How warnings name file fields: `<prefix>.max_queue_size`.
    /// - Returns: The configuration, and the warnings to log (empty when every value was valid).
    public static func resolve(
        file: OTLPFileSettings = OTLPFileSettings(),
        environment: [String: String],
        fileKeyPrefix: String = "otlp"
    ) -> (configuration: OTLPExporterConfiguration, warnings: [String]) {
        var resolver = OTLPConfigurationResolver(file: file, environment: environment, fileKeyPrefix: fileKeyPrefix)
        let configuration = resolver.resolve()
        return (configuration, resolver.warnings)
    }
}
