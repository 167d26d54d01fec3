import PeriscopeTelemetry

/// What this build of Periscope is.
public enum PeriscopeBuild {
    /// The release version, exposed as `periscope_build_info{version}`.
    public static let version = "0.1.0"
}

/// Registers the process-level metrics in `registry`: the standard `process_*` families (see ``ProcessMetrics``,
/// refreshed before every render), `periscope_build_info{version}` set to 1, and
/// `periscope_metric_series{metric}` (the series each family holds, refreshed before every render).
///
/// ``AdminServer/init(address:group:gatewayLoops:state:registry:logger:onDrain:)`` calls it; calling it again for
/// the same registry changes nothing.
public func registerProcessMetrics(registry: MetricsRegistry, version: String = PeriscopeBuild.version) {
    ProcessMetrics.register(in: registry)
    registry.gauge(
        name: "periscope_build_info",
        help: "Always 1; the version label says which Periscope release is running.",
        labelNames: ["version"]
    ).bind([version]).set(1)
    let series = registry.gauge(
        name: "periscope_metric_series",
        help: "Series each metric family holds (its _other overflow series included), by family name.",
        labelNames: ["metric"]
    )
    registry.registerCollector(named: "periscope_metric_series") { [weak registry] in
        guard let registry else { return }
        // Bind every family's series first, so the count of this family's own series is final when it is read.
        for (name, _) in registry.seriesCounts() {
            _ = series.bind([name])
        }
        for (name, count) in registry.seriesCounts() {
            series.bind([name]).set(Double(count))
        }
    }
}
