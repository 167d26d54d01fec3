/// Active health checking of a cluster's endpoints (the cluster's `health_check` key).
///
/// Every `interval` (plus up to `jitter` of it, so checks of many endpoints spread out) each endpoint gets an HTTP
/// `GET path`; an answer with an expected status within `timeout` is a success. An endpoint leaves rotation after
/// `unhealthy_threshold` failures in a row and returns after `healthy_threshold` successes in a row. Endpoints
/// start healthy, so a gateway serves at once.
public struct HealthCheckConfig: Sendable, Equatable {
    /// The path probed. Key `path`, required.
    public var path: String
    /// `Host` header of the probe; default the endpoint's `host:port`. Key `host`.
    public var host: String?
    /// Statuses that count as healthy, as inclusive ranges. Key `expected_statuses` (`[200, 204]`, `["200-399"]`),
    /// default `200-399`.
    public var expectedStatuses: [ClosedRange<Int>]
    /// Time between probes of one endpoint. Key `interval`, default 5s.
    public var interval: Duration
    /// Time a probe may take, connect included. Key `timeout`, default 1s; at most `interval`.
    public var timeout: Duration
    /// Successes in a row that bring an unhealthy endpoint back. Key `healthy_threshold`, default 2.
    public var healthyThreshold: Int
    /// Failures in a row that take an endpoint out. Key `unhealthy_threshold`, default 3.
    public var unhealthyThreshold: Int
    /// Fraction of `interval` added at random to each wait, in [0, 1). Key `jitter` (`10%` or `0.1`), default 10%.
    public var jitter: Double

    public init(
        path: String,
        host: String? = nil,
        expectedStatuses: [ClosedRange<Int>] = [200...399],
        interval: Duration = .seconds(5),
        timeout: Duration = .seconds(1),
        healthyThreshold: Int = 2,
        unhealthyThreshold: Int = 3,
        jitter: Double = 0.1
    ) {
        self.path = path
        self.host = host
        self.expectedStatuses = expectedStatuses
        self.interval = interval
        self.timeout = timeout
        self.healthyThreshold = healthyThreshold
        self.unhealthyThreshold = unhealthyThreshold
        self.jitter = jitter
    }

    /// Whether `status` counts as healthy.
    public func expects(_ status: Int) -> Bool {
        self.expectedStatuses.contains { $0.contains(status) }
    }
}

/// Passive outlier detection (the cluster's `outlier_detection` key): endpoints that fail requests in a row are
/// ejected from rotation for a while, longer each time they are ejected again, but never so many that less than
/// `100% - max_ejection_percent` of the cluster stays in rotation.
public struct OutlierDetectionConfig: Sendable, Equatable {
    /// 5xx responses in a row (the gateway's own 502/503/504 for the endpoint included) that eject an endpoint; 0
    /// disables. Key `consecutive_5xx`, default 5.
    public var consecutive5xx: Int
    /// Gateway errors in a row (connect failures, resets, timeouts, 502/503/504) that eject an endpoint; 0 disables.
    /// Key `consecutive_gateway_errors`, default 3.
    public var consecutiveGatewayErrors: Int
    /// Ejection time of the first ejection; the n-th ejection lasts n times as long (up to `max_ejection_time`).
    /// Key `base_ejection_time`, default 30s.
    public var baseEjectionTime: Duration
    /// Longest ejection. Key `max_ejection_time`, default 300s.
    public var maxEjectionTime: Duration
    /// Most endpoints of the cluster ejected at once, in percent (at least one may always be ejected when the cluster
    /// has two or more). Key `max_ejection_percent`, default 50.
    public var maxEjectionPercent: Int

    public init(
        consecutive5xx: Int = 5,
        consecutiveGatewayErrors: Int = 3,
        baseEjectionTime: Duration = .seconds(30),
        maxEjectionTime: Duration = .seconds(300),
        maxEjectionPercent: Int = 50
    ) {
        self.consecutive5xx = consecutive5xx
        self.consecutiveGatewayErrors = consecutiveGatewayErrors
        self.baseEjectionTime = baseEjectionTime
        self.maxEjectionTime = maxEjectionTime
        self.maxEjectionPercent = maxEjectionPercent
    }
}
