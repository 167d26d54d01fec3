import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

extension EndToEnd.Metrics {
    @Test("a real Prometheus scrapes the gateway: up == 1 and requests_total by route and code is exact")
    func prometheusScrapesTheGateway() async throws {
        let count = 10_000
        let binary = try requirePrometheusTool("prometheus")
        try await withMetricsGateway { gateway, proxyPort in
            try await withPrometheus(binary: binary, scraping: "127.0.0.1:\(gateway.adminPort)") { prometheus in
                try await prometheus.waitForValue("up{job=\"periscope\"}", equals: ["": 1], timeout: .seconds(20))

                let answered = try await MetricsTraffic.send(count: count, connections: 16, port: proxyPort)
                let expected = MetricsTraffic.expected(count: count)
                #expect(answered == expected)

                // The counters land in Prometheus with the next scrapes (every second).
                let query = "sum by (route, code) (periscope_http_requests_total{job=\"periscope\"})"
                try await prometheus.waitForValue(
                    query, labels: ["route", "code"], equals: expected, timeout: .seconds(20))
                let total = try await prometheus.query("sum(periscope_http_requests_total{job=\"periscope\"})")
                #expect(total.map(\.value) == [Double(count)])

                let up = try await prometheus.query("up{job=\"periscope\"}")
                #expect(up.map(\.value) == [1])
                let target = try await prometheus.target()
                #expect(target.health == "up")
                #expect(target.lastError == "", "last scrape error: \(target.lastError)")
                // Prometheus 2.x asks for OpenMetrics first: it parsed our OpenMetrics, with exemplar slots.
                let samples = try await prometheus.query("scrape_samples_scraped{job=\"periscope\"}")
                #expect((samples.first?.value ?? 0) > 100)
            }
        }
    }
}

// MARK: - a Prometheus server for the test

/// One sample of an instant-query result.
struct PrometheusSample {
    var labels: [String: String]
    var value: Double
}

/// The Debian `prometheus` binary, run on a free loopback port with a temporary data directory, scraping one
/// target every second as job `periscope`.
struct PrometheusServer {
    let server: ExternalServer

    var port: Int { self.server.port }
    /// The server's log so far (for failure messages).
    var log: String { self.server.log }

    /// Starts Prometheus and waits until `/-/ready` answers 200. `ruleFiles` (absolute paths) are loaded and
    /// evaluated every second; `flags` are added to the command line.
    static func start(
        binary: String,
        target: String,
        ruleFiles: [String] = [],
        flags: [String] = []
    ) async throws -> PrometheusServer {
        let rules = ruleFiles.isEmpty ? "" : "rule_files:\n" + ruleFiles.map { "  - '\($0)'\n" }.joined()
        let config = """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            \(rules)scrape_configs:
              - job_name: periscope
                static_configs:
                  - targets: ['\(target)']
            """
        let server = try await ExternalServer.start(
            name: "prometheus",
            binary: binary,
            readyPath: "/-/ready",
            files: { _, _ in ["prometheus.yml": config] },
            arguments: { port, directory in
                [
                    "--config.file=\(directory.appendingPathComponent("prometheus.yml").path)",
                    "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                    "--web.listen-address=127.0.0.1:\(port)",
                    "--log.level=info",
                ] + flags
            }
        )
        return PrometheusServer(server: server)
    }

    func stop() async {
        await self.server.stop()
    }

    func get(_ pathAndQuery: String) async throws -> ClientResponse {
        try await self.server.get(pathAndQuery)
    }

    /// GET `path` with `parameters` form-encoded in the query string.
    func get(_ path: String, _ parameters: [(String, String)]) async throws -> ClientResponse {
        var components = URLComponents()
        components.path = path
        components.queryItems = parameters.map { URLQueryItem(name: $0.0, value: $0.1) }
        // URLComponents leaves `+` alone, which a query string would read as a space.
        return try await self.get(components.string!.replacingOccurrences(of: "+", with: "%2B"))
    }

    /// `/api/v1/query` with `promql` at the current time; the result must be a vector.
    func query(_ promql: String) async throws -> [PrometheusSample] {
        let response = try await self.get("/api/v1/query", [("query", promql)])
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard response.status == 200, object?["status"] as? String == "success",
            let data = object?["data"] as? [String: Any], data["resultType"] as? String == "vector",
            let result = data["result"] as? [[String: Any]]
        else {
            throw TrafficError("query \(promql) failed: \(response.status) \(response.bodyText)")
        }
        return try result.map { entry in
            guard let labels = entry["metric"] as? [String: String], let pair = entry["value"] as? [Any],
                pair.count == 2, let text = pair[1] as? String, let value = Double(text)
            else { throw TrafficError("unexpected query result entry \(entry)") }
            return PrometheusSample(labels: labels, value: value)
        }
    }

    /// Polls `promql` until its result, keyed by the values of `labels` joined with `|`, equals `expected`; fails
    /// with the last result seen otherwise.
    func waitForValue(
        _ promql: String,
        labels: [String] = [],
        equals expected: [String: Double],
        timeout: Duration
    ) async throws {
        var seen: [String: Double] = [:]
        do {
            try await waitUntil("\(promql) == \(expected)", timeout: timeout, interval: .milliseconds(100)) {
                seen = [:]
                for sample in try await self.query(promql) {
                    seen[labels.map { sample.labels[$0] ?? "" }.joined(separator: "|"), default: 0] += sample.value
                }
                return seen == expected
            }
        } catch is TimedOut {
            Issue.record("\(promql): expected \(expected), Prometheus has \(seen); log: \(self.log.suffix(2000))")
            throw TimedOut(what: "\(promql) to equal \(expected)")
        }
    }

    /// The scrape target's state from `/api/v1/targets`.
    func target() async throws -> (health: String, lastError: String) {
        let response = try await self.get("/api/v1/targets")
        let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard let data = object?["data"] as? [String: Any],
            let targets = data["activeTargets"] as? [[String: Any]], targets.count == 1
        else { throw TrafficError("unexpected /api/v1/targets: \(response.bodyText)") }
        return (targets[0]["health"] as? String ?? "", targets[0]["lastError"] as? String ?? "?")
    }
}

/// Runs `body` with a Prometheus scraping `target`; always stops it afterwards.
func withPrometheus<R>(
    binary: String,
    scraping target: String,
    ruleFiles: [String] = [],
    flags: [String] = [],
    _ body: (PrometheusServer) async throws -> R
) async throws -> R {
    let prometheus = try await PrometheusServer.start(
        binary: binary, target: target, ruleFiles: ruleFiles, flags: flags)
    return try await prometheus.server.use { _ in try await body(prometheus) }
}

/// A loopback port that was free a moment ago (bound to port 0, read, closed).
func freeLoopbackPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0)
        .get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    guard port != 0 else { throw TimedOut(what: "a free loopback port") }
    return port
}
