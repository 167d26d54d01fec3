import PeriscopeConfig
import Testing

/// `health_check`, `outlier_detection` and `admin.ready_requires_clusters`.
@Suite("Health checks and outlier detection")
struct HealthConfigTests {
    /// A document whose cluster `users` carries `settings` (unindented YAML).
    static func document(_ settings: String, top: String = "") -> String {
        let indented = settings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return top + Fixture.publicListener + """
            clusters:
              - name: users
                endpoints: [127.0.0.1:9001]
            \(indented)

            """
    }

    static func cluster(_ settings: String) throws -> ClusterConfig {
        try ConfigLoader.parse(yaml: Self.document(settings), file: "t.yaml").clusters[0]
    }

    @Test func everyKeyLoads() throws {
        let cluster = try Self.cluster(
            """
            health_check:
              path: /healthz
              host: users.internal
              expected_statuses: [200, "204-299"]
              interval: 2s
              timeout: 500ms
              healthy_threshold: 1
              unhealthy_threshold: 4
              jitter: 25%
            outlier_detection:
              consecutive_5xx: 7
              consecutive_gateway_errors: 0
              base_ejection_time: 10s
              max_ejection_time: 1m
              max_ejection_percent: 30
            """)
        #expect(
            cluster.healthCheck
                == HealthCheckConfig(
                    path: "/healthz", host: "users.internal", expectedStatuses: [200...200, 204...299],
                    interval: .seconds(2), timeout: .milliseconds(500), healthyThreshold: 1, unhealthyThreshold: 4,
                    jitter: 0.25))
        #expect(
            cluster.outlierDetection
                == OutlierDetectionConfig(
                    consecutive5xx: 7, consecutiveGatewayErrors: 0, baseEjectionTime: .seconds(10),
                    maxEjectionTime: .seconds(60), maxEjectionPercent: 30))
        #expect(cluster.healthCheck?.expects(250) == true && cluster.healthCheck?.expects(203) == false)
    }

    @Test func defaultsAndEmptyOutlierDetection() throws {
        let cluster = try Self.cluster("health_check: {path: /h}\noutlier_detection: {}")
        #expect(cluster.healthCheck == HealthCheckConfig(path: "/h"))
        #expect(cluster.outlierDetection == OutlierDetectionConfig())
        let none = try Self.cluster("")
        #expect(none.healthCheck == nil && none.outlierDetection == nil)
    }

    @Test(
        "bad values name their key path",
        arguments: [
            ("health_check: {interval: 1s}", "clusters[0].health_check.path", "path"),
            ("health_check: {path: health}", "clusters[0].health_check.path", "starts with /"),
            (
                "health_check: {path: /h, expected_statuses: [\"300-200\"]}",
                "clusters[0].health_check.expected_statuses[0]",
                "range"
            ),
            (
                "health_check: {path: /h, expected_statuses: [700]}", "clusters[0].health_check.expected_statuses[0]",
                "100-599"
            ),
            ("health_check: {path: /h, interval: 1s, timeout: 2s}", "clusters[0].health_check.timeout", "longer"),
            ("health_check: {path: /h, jitter: 100%}", "clusters[0].health_check.jitter", "below 100%"),
            (
                "health_check: {path: /h, healthy_threshold: 0}", "clusters[0].health_check.healthy_threshold",
                "at least 1"
            ),
            (
                "outlier_detection: {max_ejection_percent: 150}", "clusters[0].outlier_detection.max_ejection_percent",
                "at most 100"
            ),
            (
                "outlier_detection: {base_ejection_time: 1m, max_ejection_time: 10s}",
                "clusters[0].outlier_detection.max_ejection_time", "shorter"
            ),
            (
                "outlier_detection: {consecutive_errors: 3}", "clusters[0].outlier_detection.consecutive_errors",
                "unknown key"
            ),
        ])
    func badValues(settings: String, keyPath: String, message: String) {
        let errors = Fixture.errors(Self.document(settings))
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.keyPath == keyPath, "\(errors)")
        #expect(errors.first?.message.contains(message) == true, "\(errors)")
    }

    @Test func readinessClustersMustExist() throws {
        let config = try ConfigLoader.parse(
            yaml: Self.document("", top: "admin:\n  ready_requires_clusters: [users]\n"), file: "t.yaml")
        #expect(config.admin.readyRequiresClusters == ["users"])
        let errors = Fixture.errors(Self.document("", top: "admin:\n  ready_requires_clusters: [user]\n"))
        #expect(errors.map(\.keyPath) == ["admin.ready_requires_clusters[0]"], "\(errors)")
        #expect(errors.first?.hint?.contains("users") == true)
    }
}

extension HealthConfigTests {
    @Test func circuitBreakerKeys() throws {
        let cluster = try Self.cluster(
            """
            circuit_breaker:
              max_requests: 100
              max_retries: 4
              retry_budget: {percent: 50%, min_concurrency: 1}
              failure_rate:
                threshold: 100%
                min_requests: 5
                window: 30s
                open_duration: 5s
                half_open_requests: 1
            """)
        #expect(
            cluster.circuitBreaker
                == CircuitBreakerConfig(
                    maxRequests: 100,
                    failureRate: FailureRateBreakerConfig(
                        threshold: 1, minRequests: 5, window: .seconds(30), openDuration: .seconds(5),
                        halfOpenRequests: 1),
                    retryBudget: RetryBudgetConfig(percent: 0.5, minConcurrency: 1),
                    maxRetries: 4))
        #expect(try Self.cluster("circuit_breaker: {failure_rate: {}}").circuitBreaker?.failureRate == .init())
        let errors = Fixture.errors(Self.document("circuit_breaker: {max_requests: 0, failure_rate: {threshold: 0}}"))
        #expect(
            errors.map(\.keyPath) == [
                "clusters[0].circuit_breaker.max_requests", "clusters[0].circuit_breaker.failure_rate.threshold",
            ], "\(errors)")
    }
}
