/// A text exposition format the registry renders.
public enum ExpositionFormat: Sendable, Hashable, CaseIterable {
    /// Prometheus text format 0.0.4: `# HELP`/`# TYPE` lines, counters named with their `_total` suffix.
    case prometheusText
    /// OpenMetrics 1.0.0 text: `# TYPE`/`# UNIT`/`# HELP`, counter families named without `_total`, floats always
    /// written with a `.` or an exponent, canonical `le` values, and a final `# EOF`.
    case openMetrics

    /// The `Content-Type` header value for a response in this format.
    public var contentType: String {
        switch self {
        case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }
}
