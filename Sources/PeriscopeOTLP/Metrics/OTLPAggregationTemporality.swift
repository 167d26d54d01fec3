/// How an ``OTLPMetricsEncoder`` reports counters (OTLP Sums) and histograms: as running totals since the start time
/// (cumulative), or as the change since the previous export (delta). Gauges have no temporality.
public struct OTLPAggregationTemporality: Sendable, Hashable, CustomStringConvertible {
    enum Backing: Hashable {
        case cumulative
        case delta
    }

    let backing: Backing

    /// Totals since the encode call's start time; the default, and what Prometheus-style backends expect.
    public static let cumulative = OTLPAggregationTemporality(backing: .cumulative)

    /// The change since the previous export, with the previous collection time as each point's start time. The
    /// encoder keeps the previous values of every counter and histogram series to compute it.
    public static let delta = OTLPAggregationTemporality(backing: .delta)

    /// Reads an `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE` value, case-insensitively: `cumulative`, `delta`,
    /// or `lowmemory`, which selects delta because every Periscope counter and histogram is recorded synchronously
    /// (the case for which the spec's LowMemory preference picks delta). `nil` for anything else, which the spec says
    /// to warn about and ignore.
    public init?(preference: String) {
        switch preference.lowercased() {
        case "cumulative": self = .cumulative
        case "delta", "lowmemory": self = .delta
        default: return nil
        }
    }

    private init(backing: Backing) {
        self.backing = backing
    }

    /// `cumulative` or `delta`.
    public var description: String {
        switch self.backing {
        case .cumulative: "cumulative"
        case .delta: "delta"
        }
    }
}
