/// A signal Periscope exports over OTLP/HTTP. Each signal has its own endpoint, headers, compression, timeout
/// and export pipeline (one export in flight per signal).
public enum OTLPSignal: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Spans, POSTed as `ExportTraceServiceRequest` to `/v1/traces`.
    case traces
    /// Metric data points, POSTed as `ExportMetricsServiceRequest` to `/v1/metrics`.
    case metrics

    /// The path appended to a base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`): `v1/traces` or `v1/metrics`.
    public var relativePath: String { "v1/\(self.rawValue)" }

    /// `traces` or `metrics`: the value of the `signal` label of the exporter's own metrics.
    public var description: String { self.rawValue }

    /// `TRACES` or `METRICS`, as in `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`.
    var environmentName: String { self.rawValue.uppercased() }
}
