import PeriscopeConfig
import PeriscopeTelemetry

/// The configured route SLOs as gauges, for the SLO rules in `alerts/`:
/// `periscope_slo_availability_objective_ratio{route}` and `periscope_slo_latency_objective_ratio{route,threshold}`,
/// where `threshold` is the latency bound written as the `le` label of its histogram bucket in OpenMetrics (`0.25`,
/// `1.0`), so rules can join the objective to the bucket with `label_replace`.
enum SLOMetrics {
    static func register(in configured: ConfiguredRegistry, config: GatewayConfig) {
        let availability = configured.gauge(
            name: "periscope_slo_availability_objective_ratio",
            help: "The route's availability objective: the fraction of requests that must not get a 5xx.",
            labelNames: ["route"]
        )
        let latency = configured.gauge(
            name: "periscope_slo_latency_objective_ratio",
            help: "The route's latency objective: the fraction of requests that must finish within threshold seconds.",
            labelNames: ["route", "threshold"]
        )
        for listener in config.listeners {
            for route in listener.routes {
                guard let slo = route.slo else { continue }
                if let objective = slo.availability {
                    availability.bind([route.name]).set(objective)
                }
                if let objective = slo.latency {
                    let bound = Self.bucketBound(
                        objective.thresholdSeconds, of: config.telemetry.requestDurationBuckets)
                    latency.bind([route.name, Buckets.canonicalText(bound)]).set(objective.objective)
                }
            }
        }
    }

    /// The configured bucket bound equal to `seconds` (the config checked there is one), so the label is written
    /// from exactly the value the histogram's `le` is.
    private static func bucketBound(_ seconds: Double, of bounds: [Double]) -> Double {
        bounds.min { abs($0 - seconds) < abs($1 - seconds) } ?? seconds
    }
}
