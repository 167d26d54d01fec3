/// Reads a cluster's `health_check` and `outlier_detection` mappings.
enum HealthDecoder {
    static let healthCheckKeys = [
        "path", "host", "expected_statuses", "interval", "timeout", "healthy_threshold", "unhealthy_threshold",
        "jitter",
    ]
    static let outlierKeys = [
        "consecutive_5xx", "consecutive_gateway_errors", "base_ejection_time", "max_ejection_time",
        "max_ejection_percent",
    ]

    static let circuitBreakerKeys = [
        "max_connections", "max_pending", "max_requests", "max_retries", "failure_rate", "retry_budget",
    ]
    static let retryBudgetKeys = ["percent", "min_concurrency"]
    static let retryKeys = ["retry_on", "attempts", "per_try_timeout", "backoff", "max_body_bytes"]
    static let backoffKeys = ["base", "max"]

    static func retry(_ mapping: MappingReader) -> RetryConfig {
        var retry = RetryConfig()
        if let list = mapping["retry_on"]?.scalarOrList() {
            var conditions: Set<RetryCondition> = []
            var statuses: Set<Int> = []
            let names = RetryCondition.allCases.map(\.rawValue)
            for node in list {
                guard let text = node.scalar(expected: "a retry condition or a status code") else { continue }
                if let status = Int(text) {
                    if (500...599).contains(status) || (400...499).contains(status) {
                        statuses.insert(status)
                    } else {
                        node.error("retry_on status \(status) is not a 4xx or 5xx status")
                    }
                } else if let condition = RetryCondition(rawValue: text.lowercased()) {
                    conditions.insert(condition)
                } else {
                    node.error(
                        "unknown retry condition '\(text)'",
                        hint: Suggestion.hint(for: text, validValues: names + ["or a status code such as 503"]))
                }
            }
            retry.retryOn = conditions
            retry.statuses = statuses
        }
        if let attempts = mapping["attempts"]?.int(minimum: 1) { retry.attempts = attempts }
        retry.perTryTimeout = mapping["per_try_timeout"]?.duration()
        if let backoff = mapping["backoff"]?.mapping(keys: Self.backoffKeys) {
            if let base = backoff["base"]?.duration() { retry.backoffBase = base }
            if let max = backoff["max"]?.duration() { retry.backoffMax = max }
            if retry.backoffMax < retry.backoffBase, let node = backoff["max"] {
                node.error("backoff.max is shorter than backoff.base (\(retry.backoffBase))")
            }
        }
        if let bytes = mapping["max_body_bytes"]?.byteSize(minimum: 0) { retry.maxBodyBytes = bytes }
        return retry
    }
    static let failureRateKeys = ["threshold", "min_requests", "window", "open_duration", "half_open_requests"]

    static func circuitBreaker(_ mapping: MappingReader) -> CircuitBreakerConfig {
        var breaker = CircuitBreakerConfig()
        breaker.maxRequests = mapping["max_requests"]?.int(minimum: 1)
        breaker.maxRetries = mapping["max_retries"]?.int(minimum: 0)
        breaker.maxConnections = mapping["max_connections"]?.int(minimum: 1)
        breaker.maxPending = mapping["max_pending"]?.int(minimum: 0)
        if let node = mapping["failure_rate"] {
            if node.isNull {
                breaker.failureRate = FailureRateBreakerConfig()
            } else if let settings = node.mapping(keys: Self.failureRateKeys) {
                var rate = FailureRateBreakerConfig()
                if let threshold = settings["threshold"] {
                    if let text = threshold.scalar(expected: "a ratio such as 50%"), text == "100%" || text == "1" {
                        rate.threshold = 1
                    } else if let value = RouteSLODecoder.fraction(threshold, allowZero: false) {
                        rate.threshold = value
                    }
                }
                if let value = settings["min_requests"]?.int(minimum: 1) { rate.minRequests = value }
                if let value = settings["window"]?.duration() { rate.window = value }
                if let value = settings["open_duration"]?.duration() { rate.openDuration = value }
                if let value = settings["half_open_requests"]?.int(minimum: 1) { rate.halfOpenRequests = value }
                breaker.failureRate = rate
            }
        }
        if let budget = mapping["retry_budget"]?.mapping(keys: Self.retryBudgetKeys) {
            if let percent = budget["percent"], let value = RouteSLODecoder.fraction(percent, allowZero: true) {
                breaker.retryBudget.percent = value
            }
            if let value = budget["min_concurrency"]?.int(minimum: 0) { breaker.retryBudget.minConcurrency = value }
        }
        return breaker
    }

    static func healthCheck(_ mapping: MappingReader) -> HealthCheckConfig? {
        var check = HealthCheckConfig(path: "/")
        guard let path = mapping.required("path")?.nonEmptyString() else { return nil }
        guard path.hasPrefix("/"), !path.contains(where: { $0 == " " || $0.isNewline }) else {
            mapping["path"]?.error("a health check path starts with / and has no spaces, found '\(path)'")
            return nil
        }
        check.path = path
        check.host = mapping["host"]?.nonEmptyString()
        if let statuses = mapping["expected_statuses"], let list = statuses.scalarOrList() {
            let ranges = list.compactMap(Self.statusRange)
            if ranges.count == list.count && !ranges.isEmpty { check.expectedStatuses = ranges }
            if list.isEmpty { statuses.error("expected_statuses is empty", hint: "e.g. [200] or [\"200-399\"]") }
        }
        if let interval = mapping["interval"]?.duration() { check.interval = interval }
        if let timeout = mapping["timeout"]?.duration() { check.timeout = timeout }
        if let healthy = mapping["healthy_threshold"]?.int(minimum: 1) { check.healthyThreshold = healthy }
        if let unhealthy = mapping["unhealthy_threshold"]?.int(minimum: 1) { check.unhealthyThreshold = unhealthy }
        if let jitter = mapping["jitter"] {
            if let value = RouteSLODecoder.fraction(jitter, allowZero: true) { check.jitter = value }
        }
        if check.timeout > check.interval, let timeout = mapping["timeout"] {
            timeout.error(
                "timeout \(check.timeout) is longer than the interval \(check.interval)",
                hint: "a probe must end before the next one starts")
        }
        return check
    }

    /// `200` or `"200-399"`.
    private static func statusRange(_ node: NodeReader) -> ClosedRange<Int>? {
        guard let text = node.scalar(expected: "a status such as 200 or a range such as \"200-399\"") else {
            return nil
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        let bounds = parts.map { Int($0.filter { $0 != " " }) }
        guard parts.count == 1 || parts.count == 2, let low = bounds.first ?? nil, let high = bounds.last ?? nil,
            (100...599).contains(low), (100...599).contains(high), low <= high
        else {
            node.error("expected a status (100-599) or a range such as \"200-399\", found '\(text)'")
            return nil
        }
        return low...high
    }

    static func outlierDetection(_ mapping: MappingReader) -> OutlierDetectionConfig {
        var outlier = OutlierDetectionConfig()
        if let value = mapping["consecutive_5xx"]?.int(minimum: 0) { outlier.consecutive5xx = value }
        if let value = mapping["consecutive_gateway_errors"]?.int(minimum: 0) {
            outlier.consecutiveGatewayErrors = value
        }
        if let value = mapping["base_ejection_time"]?.duration() { outlier.baseEjectionTime = value }
        if let value = mapping["max_ejection_time"]?.duration() { outlier.maxEjectionTime = value }
        if let node = mapping["max_ejection_percent"], let value = node.int(minimum: 0) {
            if value > 100 {
                node.error("max_ejection_percent is a percentage, at most 100, found \(value)")
            } else {
                outlier.maxEjectionPercent = value
            }
        }
        if outlier.maxEjectionTime < outlier.baseEjectionTime, let node = mapping["max_ejection_time"] {
            node.error("max_ejection_time is shorter than base_ejection_time (\(outlier.baseEjectionTime))")
        }
        return outlier
    }
}
