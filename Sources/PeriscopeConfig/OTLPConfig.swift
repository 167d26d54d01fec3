/// The `otlp` section: where and how the gateway exports OTLP/HTTP (protobuf). Every field is optional; the
/// standard `OTEL_*` environment variables win over it, as OpenTelemetry SDKs do. See docs/otlp.md.
public struct OTLPConfig: Sendable, Equatable {
    /// Whether the section was present (with any key): export is on when it is, or when an
    /// `OTEL_EXPORTER_OTLP_*ENDPOINT` variable is set.
    public var present = false
    /// Base URL for both signals (`/v1/traces` and `/v1/metrics` are appended), e.g. `http://127.0.0.1:4318`.
    public var endpoint: String?
    /// Full URL for traces, used as it is.
    public var tracesEndpoint: String?
    /// Full URL for metrics, used as it is.
    public var metricsEndpoint: String?
    /// Request headers (e.g. an API key).
    public var headers: [String: String]?
    /// `none` or `gzip`.
    public var compression: String?
    /// Time limit of one export request.
    public var timeout: Duration?
    /// Longest wait before queued spans are exported.
    public var scheduleDelay: Duration?
    /// Most spans (or metric collections) waiting to be exported; more are dropped and counted.
    public var maxQueueSize: Int?
    /// Most spans per export request.
    public var maxExportBatchSize: Int?
    /// Time between two metric exports.
    public var metricExportInterval: Duration?
    /// `cumulative` (default) or `delta`.
    public var metricsTemporality: String?
    /// `service.name` of the resource (`OTEL_SERVICE_NAME` wins).
    public var serviceName: String?
    /// Extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES` wins per key).
    public var resourceAttributes: [String: String] = [:]

    public init() {}
}
