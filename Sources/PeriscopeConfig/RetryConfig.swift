/// A route's retry policy (the route's `retry` key).
///
/// A failed attempt is tried again — on another endpoint when the cluster has one — when its failure is listed in
/// `retry_on`, attempts are left, the request is complete and can be sent again, and the cluster's retry budget
/// allows it. Only idempotent methods (GET, HEAD, OPTIONS, TRACE, PUT, DELETE) are retried after the request reached
/// the upstream; a connect failure is retried for any method (nothing was sent). A request body is replayed from
/// a copy kept while it streamed, so only bodies up to `max_body_bytes` can be retried. Retries wait an exponential
/// backoff with full jitter: a random time up to `base × 2^(n-1)`, capped at `max`.
public struct RetryConfig: Sendable, Equatable {
    /// Failures that are retried. Key `retry_on`, default `[connect_failure, reset, gateway_error]`.
    public var retryOn: Set<RetryCondition>
    /// Status codes that are retried besides those `retry_on` names. Key `retry_on` (numbers), default none.
    public var statuses: Set<Int>
    /// Retries after the first attempt. Key `attempts`, default 2.
    public var attempts: Int
    /// Time one attempt may take to its response head; then it is abandoned (and retried if allowed). Key
    /// `per_try_timeout`, default none (the route's `timeout` bounds each attempt).
    public var perTryTimeout: Duration?
    /// First backoff cap. Key `backoff.base`, default 25ms.
    public var backoffBase: Duration
    /// Largest backoff cap. Key `backoff.max`, default 250ms.
    public var backoffMax: Duration
    /// Largest request body kept for replay. Key `max_body_bytes`, default 64KiB.
    public var maxBodyBytes: Int64

    public init(
        retryOn: Set<RetryCondition> = [.connectFailure, .reset, .gatewayError],
        statuses: Set<Int> = [],
        attempts: Int = 2,
        perTryTimeout: Duration? = nil,
        backoffBase: Duration = .milliseconds(25),
        backoffMax: Duration = .milliseconds(250),
        maxBodyBytes: Int64 = 64 * 1024
    ) {
        self.retryOn = retryOn
        self.statuses = statuses
        self.attempts = attempts
        self.perTryTimeout = perTryTimeout
        self.backoffBase = backoffBase
        self.backoffMax = backoffMax
        self.maxBodyBytes = maxBodyBytes
    }
}

/// A kind of failure a retry policy can retry.
public enum RetryCondition: String, Sendable, CaseIterable, Hashable {
    /// The TCP connection could not be made (refused, unreachable, connect timeout).
    case connectFailure = "connect_failure"
    /// The connection closed or broke before a response head.
    case reset
    /// Any 5xx response.
    case serverError = "5xx"
    /// A 502, 503 or 504 response.
    case gatewayError = "gateway_error"
    /// No response head within `per_try_timeout`.
    case perTryTimeout = "per_try_timeout"
}

/// A cluster's retry budget (`circuit_breaker.retry_budget`): retries in flight may be at most `percent` of the
/// cluster's requests in flight, or `min_concurrency`, whichever is more — so that retries cannot multiply the load
/// of a failing cluster.
public struct RetryBudgetConfig: Sendable, Equatable {
    /// Share of the requests in flight that may be retries. Key `percent`, default 20%.
    public var percent: Double
    /// Retries always allowed in flight. Key `min_concurrency`, default 3.
    public var minConcurrency: Int

    public init(percent: Double = 0.2, minConcurrency: Int = 3) {
        self.percent = percent
        self.minConcurrency = minConcurrency
    }
}

/// Request hedging for a route that is safe to send twice (the route's `hedge` key): when the first attempt has no
/// response head after `delay`, a second attempt goes to another endpoint; the first response head wins and the
/// other attempt is cancelled (its connection closed). Only complete requests whose body was kept (see
/// ``RetryConfig/maxBodyBytes``) are hedged.
public struct HedgeConfig: Sendable, Equatable {
    /// Time the first attempt gets before the hedge is sent. Key `delay`, required.
    public var delay: Duration

    public init(delay: Duration) {
        self.delay = delay
    }
}
