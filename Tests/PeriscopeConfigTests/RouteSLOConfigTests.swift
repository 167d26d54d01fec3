import PeriscopeConfig
import Testing

/// A route's `slo`: objectives as percentages or fractions, a latency threshold that must be a histogram bound.
@Suite("Route SLOs")
struct RouteSLOConfigTests {
    /// A document whose only route carries `slo` (written as the YAML under the `slo:` key, unindented).
    static func document(slo: String, telemetry: String = "") -> String {
        let indented = slo.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n")
        return telemetry + """
            listeners:
              - name: public
                routes:
                  - name: orders
                    match: {prefix: /}
                    cluster: users
                    slo:
            \(indented)

            """ + Fixture.usersCluster
    }

    static func slo(_ text: String, telemetry: String = "") throws -> RouteSLOConfig? {
        try ConfigLoader.parse(yaml: Self.document(slo: text, telemetry: telemetry), file: "t.yaml")
            .listeners[0].routes[0].slo
    }

    @Test func percentagesAndFractionsReadAsTheNumberWritten() throws {
        let slo = try #require(try Self.slo("availability: 99.9%\nlatency: {threshold: 250ms, objective: 0.99}"))
        #expect(slo.availability == 0.999)
        #expect(slo.latency == LatencyObjective(threshold: .milliseconds(250), objective: 0.99))
        #expect(try Self.slo("availability: 0.995")?.availability == 0.995)
        #expect(try Self.slo("availability: 99.95%")?.availability == 0.9995)
        #expect(try Self.slo("availability: 5%")?.availability == 0.05)
        #expect(try Self.slo("latency: {threshold: 1s, objective: 99.99%}")?.latency?.objective == 0.9999)
    }

    @Test func routesWithoutSLOHaveNone() throws {
        let config = try ConfigLoader.parse(yaml: Fixture.publicListener + Fixture.usersCluster, file: "t.yaml")
        #expect(config.listeners[0].routes[0].slo == nil)
    }

    @Test(
        "bad objectives and thresholds name their key path",
        arguments: [
            ("availability: 100%", "listeners[0].routes[0].slo.availability", "below 100%"),
            ("availability: 0", "listeners[0].routes[0].slo.availability", "above 0"),
            ("availability: 1.5", "listeners[0].routes[0].slo.availability", "below 100%"),
            ("availability: high", "listeners[0].routes[0].slo.availability", "expected a ratio"),
            (
                "latency: {threshold: 300ms, objective: 99%}", "listeners[0].routes[0].slo.latency.threshold",
                "not a bucket bound"
            ),
            ("latency: {objective: 99%}", "listeners[0].routes[0].slo.latency.threshold", "threshold"),
            ("latency: {threshold: 1s, objective: 99%, p: 1}", "listeners[0].routes[0].slo.latency.p", "unknown key"),
            ("{}", "listeners[0].routes[0].slo", "availability, latency or both"),
        ])
    func badValues(slo: String, keyPath: String, message: String) {
        let errors = Fixture.errors(Self.document(slo: slo))
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.keyPath == keyPath, "\(errors)")
        #expect(errors.first?.message.contains(message) == true, "\(errors)")
    }

    @Test func aThresholdMayBeAConfiguredBucketBound() throws {
        let telemetry = """
            telemetry:
              families:
                periscope_http_request_duration_seconds:
                  buckets: [0.1, 0.3, 1]

            """
        let slo = try Self.slo("latency: {threshold: 300ms, objective: 99%}", telemetry: telemetry)
        #expect(slo?.latency?.thresholdSeconds == 0.3)
        let errors = Fixture.errors(
            Self.document(slo: "latency: {threshold: 250ms, objective: 99%}", telemetry: telemetry))
        #expect(errors.first?.hint?.contains("0.1s, 0.3s, 1s") == true, "\(errors)")
    }
}

/// A route's `deadline_header`.
@Suite("Route deadline header")
struct RouteDeadlineHeaderTests {
    static func document(_ value: String) -> String {
        """
        listeners:
          - name: public
            routes:
              - name: all
                match: {prefix: /}
                cluster: users
                deadline_header: \(value)

        """ + Fixture.usersCluster
    }

    @Test func aTokenIsKeptLowerCased() throws {
        let config = try ConfigLoader.parse(yaml: Self.document("X-Request-Timeout-Ms"), file: "t.yaml")
        #expect(config.listeners[0].routes[0].deadlineHeader == "x-request-timeout-ms")
    }

    @Test func aNameThatIsNoTokenIsAnError() {
        let errors = Fixture.errors(Self.document("'bad header:'"))
        #expect(errors.map(\.keyPath) == ["listeners[0].routes[0].deadline_header"], "\(errors)")
        #expect(errors.first?.message.contains("not a valid header name") == true)
    }
}

/// A route's `retry` and a cluster's `circuit_breaker.retry_budget`.
@Suite("Retry policy")
struct RetryConfigTests {
    static func document(_ retry: String) -> String {
        let indented = retry.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n")
        return """
            listeners:
              - name: public
                routes:
                  - name: all
                    match: {prefix: /}
                    cluster: users
            \(indented)

            """ + Fixture.usersCluster
    }

    @Test func everyKeyLoads() throws {
        let config = try ConfigLoader.parse(
            yaml: Self.document(
                """
                retry:
                  retry_on: [5xx, reset, 429, per_try_timeout]
                  attempts: 3
                  per_try_timeout: 800ms
                  backoff: {base: 10ms, max: 1s}
                  max_body_bytes: 1MiB
                """), file: "t.yaml")
        #expect(
            config.listeners[0].routes[0].retry
                == RetryConfig(
                    retryOn: [.serverError, .reset, .perTryTimeout], statuses: [429], attempts: 3,
                    perTryTimeout: .milliseconds(800), backoffBase: .milliseconds(10), backoffMax: .seconds(1),
                    maxBodyBytes: 1024 * 1024))
        #expect(
            try ConfigLoader.parse(yaml: Self.document("retry: {}"), file: "t.yaml").listeners[0].routes[0].retry
                == RetryConfig())
    }

    @Test(
        "bad values name their key path",
        arguments: [
            ("retry: {retry_on: [resets]}", "listeners[0].routes[0].retry.retry_on[0]", "unknown retry condition"),
            ("retry: {retry_on: [200]}", "listeners[0].routes[0].retry.retry_on[0]", "not a 4xx or 5xx"),
            ("retry: {attempts: 0}", "listeners[0].routes[0].retry.attempts", "at least 1"),
            ("retry: {backoff: {base: 1s, max: 10ms}}", "listeners[0].routes[0].retry.backoff.max", "shorter"),
        ])
    func badValues(retry: String, keyPath: String, message: String) {
        let errors = Fixture.errors(Self.document(retry))
        #expect(errors.count == 1, "\(errors)")
        #expect(errors.first?.keyPath == keyPath, "\(errors)")
        #expect(errors.first?.message.contains(message) == true, "\(errors)")
    }
}

extension RetryConfigTests {
    @Test func hedgeNeedsADelay() throws {
        let config = try ConfigLoader.parse(yaml: Self.document("hedge: {delay: 50ms}"), file: "t.yaml")
        #expect(config.listeners[0].routes[0].hedge == HedgeConfig(delay: .milliseconds(50)))
        let errors = Fixture.errors(Self.document("hedge: {}"))
        #expect(errors.map(\.keyPath) == ["listeners[0].routes[0].hedge.delay"], "\(errors)")
    }
}
