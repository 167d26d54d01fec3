import PeriscopeConfig
import PeriscopeTelemetry

/// The families of active health checks and outlier detection, with handles bound per endpoint of the clusters that
/// use them: `periscope_upstream_health_checks_total{cluster,endpoint,result}`,
/// `periscope_upstream_health_transitions_total{cluster,endpoint,to}` and
/// `periscope_upstream_ejections_total{cluster,endpoint,reason}`.
struct HealthMetrics: Sendable {
    /// The `result` label values of a health check, in ``HealthMetrics/resultIndex(_:success:)`` order.
    static let results = ["success", "unexpected_status", "timeout", "connect_failed", "protocol_error"]

    /// By global endpoint index: one handle per ``results`` entry (empty for clusters without health checks).
    let checks: [[CounterHandle]]
    /// By global endpoint index: `to="healthy"`, `to="unhealthy"` (empty without health checks).
    let transitions: [[CounterHandle]]
    /// By global endpoint index: one per ``OutlierDetector/Reason`` (empty without outlier detection).
    let ejections: [[CounterHandle]]
    /// `periscope_upstream_endpoint_healthy` by global endpoint index.
    let healthy: [GaugeHandle]
    /// By cluster index: `periscope_upstream_rejections_total` per ``LoopAdmission/Rejection``.
    let rejections: [[CounterHandle]]
    /// By cluster index: `periscope_upstream_breaker_transitions_total` per ``FailureRateBreaker/State`` (empty without
    /// a failure-rate breaker).
    let breakerTransitions: [[CounterHandle]]
    /// By cluster index: `periscope_upstream_breakers_open` (empty without a failure-rate breaker).
    let breakersOpen: [GaugeHandle?]
    /// By cluster index: `periscope_upstream_retries_total` per ``retryReasons`` entry.
    let retries: [[CounterHandle]]
    /// By cluster index: `periscope_upstream_retried_requests_total`, `outcome="success"` then `"failure"`.
    let retriedRequests: [[CounterHandle]]
    /// By cluster index: `periscope_upstream_retry_budget_exhausted_total`.
    let retryBudgetExhausted: [CounterHandle]
    /// By cluster index: `periscope_upstream_hedges_total` for `outcome` = `sent`, `primary_won`, `hedge_won`,
    /// `hedge_failed`.
    let hedges: [[CounterHandle]]

    /// The `reason` label values of a retry: the ``PeriscopeConfig/RetryCondition`` names, then `status` (a status
    /// `retry_on` lists by number).
    static let retryReasons = RetryCondition.allCases.map(\.rawValue) + ["status"]

    init(configured: ConfiguredRegistry, runtime: GatewayRuntime, endpointHealthy: GaugeFamily) {
        let checks = configured.counter(
            name: "periscope_upstream_health_checks_total",
            help: "Active health checks by result (success, unexpected_status, timeout, connect_failed, "
                + "protocol_error).",
            labelNames: ["cluster", "endpoint", "result"]
        )
        let transitions = configured.counter(
            name: "periscope_upstream_health_transitions_total",
            help: "Endpoints going in and out of rotation by their active health checks, by the state they moved to.",
            labelNames: ["cluster", "endpoint", "to"]
        )
        let ejections = configured.counter(
            name: "periscope_upstream_ejections_total",
            help: "Endpoints ejected by outlier detection, by reason (consecutive_5xx, consecutive_gateway_errors).",
            labelNames: ["cluster", "endpoint", "reason"]
        )
        let rejections = configured.counter(
            name: "periscope_upstream_rejections_total",
            help: "Requests refused with an immediate 503 before reaching the cluster, by reason (max_requests, "
                + "circuit_open).",
            labelNames: ["cluster", "reason"]
        )
        let breakerTransitions = configured.counter(
            name: "periscope_upstream_breaker_transitions_total",
            help: "Failure-rate circuit breaker state changes, by the state entered (open, half_open, closed); "
                + "each event loop has its own breaker.",
            labelNames: ["cluster", "to"]
        )
        let breakersOpen = configured.gauge(
            name: "periscope_upstream_breakers_open",
            help: "Event loops whose failure-rate circuit breaker for the cluster is open or half-open.",
            labelNames: ["cluster"]
        )
        self.rejections = runtime.clusters.map { cluster in
            LoopAdmission.Rejection.allCases.map { rejections.bind([cluster.name, $0.rawValue]) }
        }
        self.breakerTransitions = runtime.clusters.map { cluster in
            cluster.circuitBreaker?.failureRate == nil
                ? [] : FailureRateBreaker.State.allCases.map { breakerTransitions.bind([cluster.name, $0.rawValue]) }
        }
        self.breakersOpen = runtime.clusters.map { cluster in
            cluster.circuitBreaker?.failureRate == nil ? nil : breakersOpen.bind([cluster.name])
        }
        let retries = configured.counter(
            name: "periscope_upstream_retries_total",
            help: "Attempts sent again, by the failure that caused it (connect_failure, reset, 5xx, gateway_error, "
                + "per_try_timeout, status).",
            labelNames: ["cluster", "reason"]
        )
        let retriedRequests = configured.counter(
            name: "periscope_upstream_retried_requests_total",
            help: "Requests that were retried at least once, by how they ended (success: a response below 500).",
            labelNames: ["cluster", "outcome"]
        )
        let budgetExhausted = configured.counter(
            name: "periscope_upstream_retry_budget_exhausted_total",
            help: "Retries not made because the cluster's retry budget was spent.",
            labelNames: ["cluster"]
        )
        self.retries = runtime.clusters.map { cluster in Self.retryReasons.map { retries.bind([cluster.name, $0]) } }
        self.retriedRequests = runtime.clusters.map { cluster in
            ["success", "failure"].map { retriedRequests.bind([cluster.name, $0]) }
        }
        self.retryBudgetExhausted = runtime.clusters.map { budgetExhausted.bind([$0.name]) }
        let hedges = configured.counter(
            name: "periscope_upstream_hedges_total",
            help: "Hedged requests: hedges sent, and which attempt answered first (primary_won, hedge_won) or "
                + "hedge_failed.",
            labelNames: ["cluster", "outcome"]
        )
        self.hedges = runtime.clusters.map { cluster in
            ["sent", "primary_won", "hedge_won", "hedge_failed"].map { hedges.bind([cluster.name, $0]) }
        }
        var checkHandles: [[CounterHandle]] = []
        var transitionHandles: [[CounterHandle]] = []
        var ejectionHandles: [[CounterHandle]] = []
        var healthy: [GaugeHandle] = []
        for cluster in runtime.clusters {
            for endpoint in cluster.endpoints {
                let labels = [cluster.name, endpoint.name]
                checkHandles.append(
                    cluster.healthCheck == nil ? [] : Self.results.map { checks.bind(labels + [$0]) })
                transitionHandles.append(
                    cluster.healthCheck == nil ? [] : ["healthy", "unhealthy"].map { transitions.bind(labels + [$0]) })
                ejectionHandles.append(
                    cluster.outlierDetection == nil
                        ? [] : OutlierDetector.Reason.allCases.map { ejections.bind(labels + [$0.rawValue]) })
                healthy.append(endpointHealthy.bind(labels))
            }
        }
        self.checks = checkHandles
        self.transitions = transitionHandles
        self.ejections = ejectionHandles
        self.healthy = healthy
    }

    /// The index in ``results`` of a probe's outcome.
    static func resultIndex(_ result: HealthProbeResult, success: Bool) -> Int {
        if success { return 0 }
        switch result {
        case .status: return 1
        case .timeout: return 2
        case .connectFailed: return 3
        case .protocolError: return 4
        }
    }
}
