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

/// Circuit breaking for a cluster (the cluster's `circuit_breaker` key): a cap on its requests in flight, and a
/// breaker that stops sending to it while too many of its requests fail.
public struct CircuitBreakerConfig: Sendable, Equatable {
    /// Most requests in flight to the cluster at once, over every event loop; more get an immediate 503 with
    /// `x-periscope-rejected: max_requests`. Key `max_requests`, default none (no cap).
    public var maxRequests: Int?
    /// The failure-rate breaker. Key `failure_rate`, default none.
    public var failureRate: FailureRateBreakerConfig?
    /// The budget of retries routes to this cluster may make. Key `retry_budget`, default 20 % / 3.
    public var retryBudget: RetryBudgetConfig
    /// Most retries in flight to the cluster at once, whatever the budget allows. Key `max_retries`, default none.
    public var maxRetries: Int?
    /// Most connections to the cluster's endpoints at once, over every event loop; a request that needs one more
    /// waits as pending. Key `max_connections`, default none.
    public var maxConnections: Int?
    /// Most requests waiting for a connection to the cluster at once, over every event loop; more get an
    /// immediate 503 with `x-periscope-rejected: max_pending`. Key `max_pending`, default none.
    public var maxPending: Int?

    public init(
        maxRequests: Int? = nil,
        failureRate: FailureRateBreakerConfig? = nil,
        retryBudget: RetryBudgetConfig = .init(),
        maxRetries: Int? = nil
    ) {
        self.maxRetries = maxRetries
        self.maxRequests = maxRequests
        self.failureRate = failureRate
        self.retryBudget = retryBudget
    }
}

/// A closed → open → half-open breaker on a cluster's failure ratio (the `circuit_breaker.failure_rate` key).
///
/// Closed, it counts the outcomes of the last `window`; once at least `min_requests` ended there and the share that
/// failed (5xx, connect failures, resets, timeouts) reaches `threshold`, it opens: every request gets an immediate 503
/// (`x-periscope-rejected: circuit_open`) for `open_duration`. Then it half-opens: `half_open_requests` requests go
/// through; if all succeed it closes, and the first failure opens it again.
public struct FailureRateBreakerConfig: Sendable, Equatable {
    /// Failure share that opens the breaker, in (0, 1]. Key `threshold` (`50%`), default 50 %.
    public var threshold: Double
    /// Fewest outcomes in the window before the ratio counts. Key `min_requests`, default 20.
    public var minRequests: Int
    /// The rolling window the ratio is taken over. Key `window`, default 10s.
    public var window: Duration
    /// How long the breaker stays open. Key `open_duration`, default 30s.
    public var openDuration: Duration
    /// Requests let through while half-open (and successes needed to close). Key `half_open_requests`, default 3.
    public var halfOpenRequests: Int

    public init(
        threshold: Double = 0.5,
        minRequests: Int = 20,
        window: Duration = .seconds(10),
        openDuration: Duration = .seconds(30),
        halfOpenRequests: Int = 3
    ) {
        self.threshold = threshold
        self.minRequests = minRequests
        self.window = window
        self.openDuration = openDuration
        self.halfOpenRequests = halfOpenRequests
    }
}
