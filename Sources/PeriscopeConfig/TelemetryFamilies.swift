extension TelemetryConfig {
    /// Every metric family `telemetry.families` may configure: the gateway's own families, in registration order.
    ///
    /// The gateway registers these (PeriscopeGateway's `GatewayMetrics`); a test there keeps the two lists in sync.
    /// Families registered elsewhere (`process_*`, `periscope_build_info`, the overflow counter) take no settings.
    public static let knownFamilies: [String] = [
        "periscope_http_requests_total",
        "periscope_http_request_duration_seconds",
        "periscope_http_gateway_overhead_seconds",
        "periscope_http_request_size_bytes",
        "periscope_http_response_size_bytes",
        "periscope_http_requests_in_flight",
        "periscope_downstream_connections_active",
        "periscope_downstream_connections_total",
        "periscope_http_local_responses_total",
        "periscope_upstream_requests_total",
        "periscope_upstream_request_duration_seconds",
        "periscope_upstream_connect_duration_seconds",
        "periscope_upstream_connections_active",
        "periscope_upstream_connections_created_total",
        "periscope_upstream_connections_closed_total",
        "periscope_upstream_errors_total",
        "periscope_upstream_endpoint_healthy",
        "periscope_upstream_picks_total",
        "periscope_drain_active",
        "periscope_config_loads_total",
        "periscope_config_last_load_success_timestamp_seconds",
        "periscope_slo_availability_objective_ratio",
        "periscope_slo_latency_objective_ratio",
        "periscope_upstream_health_checks_total",
        "periscope_upstream_health_transitions_total",
        "periscope_upstream_ejections_total",
        "periscope_upstream_rejections_total",
        "periscope_upstream_breaker_transitions_total",
        "periscope_upstream_breakers_open",
        "periscope_upstream_retries_total",
        "periscope_upstream_retried_requests_total",
        "periscope_upstream_retry_budget_exhausted_total",
        "periscope_upstream_hedges_total",
    ]

    /// The histogram families among ``knownFamilies``: the only ones that take `buckets`.
    public static let knownHistogramFamilies: [String] = [
        "periscope_http_request_duration_seconds",
        "periscope_http_gateway_overhead_seconds",
        "periscope_http_request_size_bytes",
        "periscope_http_response_size_bytes",
        "periscope_upstream_request_duration_seconds",
        "periscope_upstream_connect_duration_seconds",
    ]
}
