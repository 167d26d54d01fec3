/// A route's service-level objectives (the route's `slo` key), over a 30-day period.
///
/// The gateway exposes them as `periscope_slo_availability_objective_ratio{route}` and
/// `periscope_slo_latency_objective_ratio{route,threshold}`; the SLO rules in `alerts/` turn them into SLIs, error
/// budgets and burn-rate alerts, so changing an objective needs no rule change.
public struct RouteSLOConfig: Sendable, Equatable {
    /// The fraction of requests that must not be answered with a 5xx, in (0, 1). Key `availability`, written
    /// `99.9%` or `0.999`.
    public var availability: Double?
    /// The latency objective. Key `latency`.
    public var latency: LatencyObjective?

    public init(availability: Double? = nil, latency: LatencyObjective? = nil) {
        self.availability = availability
        self.latency = latency
    }
}

/// "`objective` of requests finish within `threshold`" (a route's `slo.latency`).
public struct LatencyObjective: Sendable, Equatable {
    /// The latency bound; it must be a bucket bound of `periscope_http_request_duration_seconds` so the SLI can be
    /// read from the histogram. Key `threshold`.
    public var threshold: Duration
    /// The fraction of requests that must finish within `threshold`, in (0, 1). Key `objective`, written `99%` or
    /// `0.99`.
    public var objective: Double

    public init(threshold: Duration, objective: Double) {
        self.threshold = threshold
        self.objective = objective
    }

    /// The threshold in seconds.
    public var thresholdSeconds: Double {
        let (seconds, attoseconds) = self.threshold.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension TelemetryConfig {
    /// The default bucket bounds of `periscope_http_request_duration_seconds` (PeriscopeTelemetry's
    /// `Buckets.defaultDuration`; a gateway test keeps the two equal).
    public static let defaultDurationBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
    ]

    /// The bucket bounds `periscope_http_request_duration_seconds` has with these settings.
    public var requestDurationBuckets: [Double] {
        self.buckets(for: "periscope_http_request_duration_seconds") ?? Self.defaultDurationBuckets
    }
}
