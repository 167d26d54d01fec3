import Foundation
import NIOCore
import NIOHTTP1
import Testing

extension EndToEnd {
    /// In-process rules: the rules/alerts API, `ALERTS` on `/metrics`, failing rules counted, a real
    /// Alertmanager receiving and resolving the gateway's alert, an unreachable one retried and counted.
    @Suite struct Alerting {
        static let rules = """
            groups:
              - name: gateway
                interval: 1s
                rules:
                  - record: route:errors:rate10s
                    expr: sum by (route) (rate(periscope_http_requests_total{code=~"5.."}[10s]))
                  - alert: RouteFailing
                    expr: route:errors:rate10s > 0
                    for: 2s
                    labels:
                      severity: page
                    annotations:
                      summary: 'route {{ $labels.route }} is failing'
                      rate: '{{ $value | humanize }} errors/s'
              - name: health
                interval: 1s
                rules:
                  - alert: AlwaysOn
                    expr: sum(periscope_build_info) > 0
                    labels: {team: edge}
                  - record: broken
                    expr: label_replace(vector(1), "a", "x", "", "") or label_replace(vector(2), "a", "y", "", "")
                    labels: {a: same}
                  - record: after_broken
                    expr: vector(7)
            """

        static func yaml(upstream: Int, alertmanager: String?) -> String {
            GatewayYAML.proxyAll(
                to: upstream,
                top: """
                    rules:
                      files: [rules.yml]
                      evaluation_interval: 1s
                      resend_delay: 1s
                      external_labels: {cluster: it}
                    """ + (alertmanager.map { "\n  alertmanagers:\n    - url: \($0)\n      timeout: 1s" } ?? "")
            )
        }

        static func json(_ gateway: PeriscopeProcess, _ path: String) async throws -> [String: Any] {
            let response = try await gateway.admin(path)
            #expect(response.status == 200, "\(path): \(response.status)")
            #expect(response.header("content-type") == "application/json")
            let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            #expect(object?["status"] as? String == "success")
            return object?["data"] as? [String: Any] ?? [:]
        }

        /// Sends requests that the upstream answers with 503 until `stop` is set.
        static func failingTraffic(port: Int, until deadline: ContinuousClock.Instant) async throws -> Int {
            var sent = 0
            let client = try await HTTPTestClient.connect(port: port)
            defer { client.close() }
            while ContinuousClock.now < deadline {
                let response = try await client.request(.GET, "/orders")
                #expect(response.status == 503)
                sent += 1
                try await Task.sleep(for: .milliseconds(20))
            }
            return sent
        }

        @Test("rules and alerts API in Prometheus' shapes, ALERTS on /metrics, a failing rule is counted")
        func apiAndExposition() async throws {
            try await withUpstream(.respond(status: 200)) { upstream in
                try await withPeriscope(
                    Self.yaml(upstream: upstream.port, alertmanager: nil), files: ["rules.yml": Self.rules]
                ) {
                    gateway in
                    // AlwaysOn has no `for`: it fires on the health group's first evaluation.
                    var alerts: [[String: Any]] = []
                    // Both groups evaluated at least once (each runs at its own offset within the second).
                    try await waitUntil("AlwaysOn firing", timeout: .seconds(10), interval: .milliseconds(100)) {
                        alerts = try await Self.json(gateway, "/api/v1/alerts")["alerts"] as? [[String: Any]] ?? []
                        let groups = try await Self.json(gateway, "/api/v1/rules")["groups"] as? [[String: Any]] ?? []
                        let evaluated = groups.allSatisfy {
                            ($0["lastEvaluation"] as? String)?.hasPrefix("0001") == false
                        }
                        return evaluated
                            && alerts.contains { ($0["labels"] as? [String: String])?["alertname"] == "AlwaysOn" }
                    }
                    let always = alerts.first { ($0["labels"] as? [String: String])?["alertname"] == "AlwaysOn" }
                    #expect(always?["labels"] as? [String: String] == ["alertname": "AlwaysOn", "team": "edge"])
                    #expect(always?["state"] as? String == "firing")
                    #expect(always?["value"] as? String == "1e+00")
                    #expect((always?["activeAt"] as? String)?.hasSuffix("Z") == true)

                    let data = try await Self.json(gateway, "/api/v1/rules")
                    let groups = data["groups"] as? [[String: Any]] ?? []
                    #expect(groups.map { $0["name"] as? String } == ["gateway", "health"])
                    #expect(groups.first?["interval"] as? Double == 1)
                    #expect((groups.first?["file"] as? String)?.hasSuffix("/rules.yml") == true)
                    let rules = groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
                    #expect(
                        rules.map { $0["type"] as? String } == [
                            "recording", "alerting", "alerting", "recording", "recording",
                        ])
                    #expect(
                        rules[0]["query"] as? String
                            == "sum by (route) (rate(periscope_http_requests_total{code=~\"5..\"}[10s]))")
                    #expect(rules[1]["duration"] as? Double == 2)
                    #expect(
                        (rules[1]["annotations"] as? [String: String])?["summary"]
                            == "route {{ $labels.route }} is failing")
                    #expect(rules[2]["state"] as? String == "firing")
                    #expect(rules[3]["health"] as? String == "err")
                    #expect((rules[3]["lastError"] as? String)?.contains("same labelset") == true)
                    // The rule after the failing one still ran.
                    #expect(rules[4]["health"] as? String == "ok")
                    // Filters.
                    let onlyRecording = try await Self.json(
                        gateway, "/api/v1/rules?type=record&rule_group%5B%5D=health")
                    let filtered = (onlyRecording["groups"] as? [[String: Any]] ?? []).flatMap {
                        $0["rules"] as? [[String: Any]] ?? []
                    }
                    #expect(filtered.map { $0["name"] as? String } == ["broken", "after_broken"])
                    let bad = try await gateway.admin("/api/v1/rules?type=both")
                    #expect(bad.status == 400)
                    #expect(bad.bodyText.contains("\"errorType\":\"bad_data\""))

                    let (text, exposition) = try await gateway.scrapeText()
                    #expect(text.contains("ALERTS{alertname=\"AlwaysOn\",alertstate=\"firing\",team=\"edge\"} 1\n"))
                    #expect(exposition.samples(named: "ALERTS_FOR_STATE").count == 1)
                    let failures = exposition.sum("periscope_rule_evaluation_failures_total", by: ["group", "rule"])
                    #expect((failures["health|broken"] ?? 0) >= 1)
                    #expect((failures["health|after_broken"] ?? -1) == 0)
                    let evaluations = exposition.sum("periscope_rule_group_evaluations_total", by: ["group"])
                    #expect((evaluations["gateway"] ?? 0) >= 1)
                    #expect((exposition.sum("periscope_rule_store_series", by: [])[""] ?? 0) > 10)
                }
            }
        }

        @Test("a real Alertmanager receives the firing alert with its labels and annotations, then sees it resolve")
        func alertmanagerReceivesAndResolves() async throws {
            let binary = try requireAlertmanager()
            let alertmanager = try await AlertmanagerServer.start(binary: binary)
            try await alertmanager.server.use { _ in
                try await withUpstream(.respond(status: 503)) { upstream in
                    let yaml = Self.yaml(
                        upstream: upstream.port, alertmanager: "http://127.0.0.1:\(alertmanager.server.port)")
                    try await withPeriscope(yaml, files: ["rules.yml": Self.rules]) { gateway in
                        let port = try await gateway.port()
                        // Errors for 6 s: the rate becomes > 0, pending for 2 s, then firing and sent.
                        let traffic = Task { try await Self.failingTraffic(port: port, until: .now + .seconds(6)) }
                        var received: [String: Any] = [:]
                        try await waitUntil(
                            "the alert in Alertmanager", timeout: .seconds(20), interval: .milliseconds(200)
                        ) {
                            let alerts = try await alertmanager.alerts()
                            received =
                                alerts.first { ($0["labels"] as? [String: String])?["alertname"] == "RouteFailing" }
                                ?? [:]
                            return !received.isEmpty
                        }
                        #expect(
                            received["labels"] as? [String: String]
                                == ["alertname": "RouteFailing", "route": "all", "severity": "page", "cluster": "it"]
                        )
                        let annotations = received["annotations"] as? [String: String] ?? [:]
                        #expect(annotations["summary"] == "route all is failing")
                        #expect(annotations["rate"]?.hasSuffix(" errors/s") == true)
                        #expect((received["status"] as? [String: Any])?["state"] as? String == "active")
                        #expect((received["generatorURL"] as? String)?.contains("/graph?g0.expr=") == true)
                        let gatewayAlerts =
                            try await Self.json(gateway, "/api/v1/alerts")["alerts"] as? [[String: Any]] ?? []
                        #expect(
                            gatewayAlerts.contains {
                                ($0["labels"] as? [String: String])?["alertname"] == "RouteFailing"
                                    && $0["state"] as? String == "firing"
                            })
                        _ = try await traffic.value

                        // No more errors: after the 10 s window the rate is 0, the alert resolves and is sent with
                        // endsAt in the past; Alertmanager stops listing it as active.
                        try await waitUntil(
                            "the alert to resolve in Alertmanager", timeout: .seconds(30), interval: .milliseconds(250)
                        ) {
                            let alerts = try await alertmanager.alerts()
                            return !alerts.contains {
                                ($0["labels"] as? [String: String])?["alertname"] == "RouteFailing"
                            }
                        }
                        let sent = try await gateway.scrapeText().exposition.sum(
                            "periscope_alert_notifications_sent_total", by: [])
                        #expect((sent[""] ?? 0) >= 2)
                    }
                }
            }
        }

        @Test("an unreachable Alertmanager is retried and counted; evaluation and traffic carry on")
        func unreachableAlertmanager() async throws {
            let closedPort = try await freeLoopbackPort()
            try await withUpstream(.respond(status: 200)) { upstream in
                let yaml = Self.yaml(upstream: upstream.port, alertmanager: "http://127.0.0.1:\(closedPort)")
                try await withPeriscope(yaml, files: ["rules.yml": Self.rules]) { gateway in
                    try await waitUntil("notification errors", timeout: .seconds(15), interval: .milliseconds(200)) {
                        let errors = try await gateway.scrapeText().exposition.sum(
                            "periscope_alert_notification_errors_total", by: [])
                        return (errors[""] ?? 0) >= 2
                    }
                    let before =
                        try await gateway.scrapeText().exposition.sum(
                            "periscope_rule_group_evaluations_total", by: ["group"])["health"] ?? 0
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    #expect(try await client.request(.GET, "/x").status == 200)
                    try await waitUntil("more evaluations", timeout: .seconds(10), interval: .milliseconds(200)) {
                        let now =
                            try await gateway.scrapeText().exposition.sum(
                                "periscope_rule_group_evaluations_total", by: ["group"])["health"] ?? 0
                        return now > before + 1
                    }
                }
            }
        }

        @Test("check and run refuse a bad rule file, naming file, line, group and rule")
        func badRuleFileIsRefused() async throws {
            let yaml = GatewayYAML.proxyAll(to: 9, top: "rules:\n  files: [bad.yml, missing.yml]")
            let bad = """
                groups:
                  - name: g
                    rules:
                      - alert: Broken
                        expr: sum(rate(x[5m])
                      - record: ok
                        expr: up
                        annotations: {a: b}
                """
            let (directory, path) = try PeriscopeProcess.writeConfig(yaml, files: ["bad.yml": bad])
            defer { try? FileManager.default.removeItem(at: directory) }
            for command in ["check", "run"] {
                let result = try await PeriscopeProcess.runToExit(
                    arguments: [command, "--config", path], directory: directory)
                #expect(result.status == 1, "\(command): \(result.stderr)")
                #expect(result.stderr.contains("bad.yml:5:"), "\(result.stderr)")
                #expect(result.stderr.contains("groups[0].rules[0].expr: group \"g\", alert \"Broken\": expr:"))
                #expect(
                    result.stderr.contains(
                        "group \"g\", record \"ok\": 'annotations' is only allowed on alerting rules"))
                #expect(result.stderr.contains("missing.yml: cannot read the rule file"))
            }
        }
    }
}

/// The Debian `prometheus-alertmanager` binary on a free loopback port, clustering off, routing every alert to a
/// receiver that does nothing.
struct AlertmanagerServer {
    let server: ExternalServer

    static func start(binary: String) async throws -> AlertmanagerServer {
        let config = """
            route:
              receiver: blackhole
              group_wait: 1s
            receivers:
              - name: blackhole
            """
        let server = try await ExternalServer.start(
            name: "alertmanager",
            binary: binary,
            readyPath: "/-/ready",
            files: { _, _ in ["alertmanager.yml": config] },
            arguments: { port, directory in
                [
                    "--config.file=\(directory.appendingPathComponent("alertmanager.yml").path)",
                    "--storage.path=\(directory.appendingPathComponent("data").path)",
                    "--web.listen-address=127.0.0.1:\(port)",
                    "--cluster.listen-address=",
                    "--log.level=info",
                ]
            }
        )
        return AlertmanagerServer(server: server)
    }

    /// `GET /api/v2/alerts`: the alerts Alertmanager holds as active (resolved ones are not listed).
    func alerts() async throws -> [[String: Any]] {
        try await self.server.getJSON("/api/v2/alerts") as? [[String: Any]] ?? []
    }
}

/// Finds Alertmanager or fails the test with how to install it (never skips).
func requireAlertmanager() throws -> String {
    guard let path = findTool("prometheus-alertmanager") ?? findTool("alertmanager") else {
        throw ToolMissing(
            "prometheus-alertmanager not found on PATH. Install it with `Scripts/install-system-deps.sh --for test` "
                + "(or `apt-get install -y prometheus-alertmanager`)."
        )
    }
    return path
}
