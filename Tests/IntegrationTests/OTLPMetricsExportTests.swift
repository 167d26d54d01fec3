import Foundation
import NIOCore
import NIOHTTP1
import Testing

extension EndToEnd {
    /// OTLP metrics export against a receiver that decodes with the official `opentelemetry-proto` package.
    @Suite struct OTLPMetricsExport {
        static func yaml(upstream: Int, receiver: Int) -> String {
            GatewayYAML.proxyAll(
                to: upstream,
                top: """
                    otlp:
                      endpoint: http://127.0.0.1:\(receiver)
                      metric_export_interval: 300ms
                      resource_attributes: {deployment.environment: test}
                    """
            )
        }

        /// Every `periscope_http_requests` data point of the newest export, by (route, method, code).
        static func requestCounts(in export: [String: Any]) -> [String: Double] {
            var counts: [String: Double] = [:]
            for metric in OTLPReceiver.metrics(in: export) where metric["name"] as? String == "periscope_http_requests"
            {
                let sum = metric["sum"] as? [String: Any] ?? [:]
                for point in sum["data_points"] as? [[String: Any]] ?? [] {
                    let attributes = OTLPReceiver.attributes(point["attributes"])
                    let key = ["route", "method", "code"].map { attributes[$0] ?? "" }.joined(separator: "|")
                    counts[key] = point["as_double"] as? Double
                }
            }
            return counts
        }

        @Test("the metrics decoded from /v1/metrics equal what /metrics shows, with the resource and types")
        func metricsMatchTheExposition() async throws {
            let receiver = try await OTLPReceiver.start()
            try await receiver.server.use { _ in
                try await withUpstream(.respond(status: 200)) { upstream in
                    let yaml = Self.yaml(upstream: upstream.port, receiver: receiver.server.port)
                    try await withPeriscope(yaml, environment: ["OTEL_SERVICE_NAME": "edge-gateway"]) { gateway in
                        let client = try await HTTPTestClient.connect(port: try await gateway.port())
                        defer { client.close() }
                        for _ in 0..<40 { #expect(try await client.request(.GET, "/a").status == 200) }
                        var newest: [String: Any] = [:]
                        try await waitUntil(
                            "an export with 40 requests", timeout: .seconds(15), interval: .milliseconds(100)
                        ) {
                            newest = try await receiver.received().metrics.last?["body"] as? [String: Any] ?? [:]
                            return Self.requestCounts(in: newest)["all|GET|200"] == 40
                        }
                        // The same value on /metrics (traffic has stopped, so both are final).
                        let exposition = try await gateway.scrapeText().exposition
                        let exposed = exposition.sum("periscope_http_requests_total", by: ["route", "method", "code"])
                        #expect(exposed["all|GET|200"] == 40)
                        #expect(Self.requestCounts(in: newest) == exposed)

                        let resource = OTLPReceiver.attributes(
                            ((newest["resource_metrics"] as? [[String: Any]])?.first?["resource"] as? [String: Any])?[
                                "attributes"]
                        )
                        #expect(resource["service.name"] == "edge-gateway")
                        #expect(resource["service.version"] == "0.1.0")
                        #expect(resource["deployment.environment"] == "test")
                        #expect(resource["process.pid"] == String(gateway.pid))
                        #expect(resource["service.instance.id"]?.isEmpty == false)

                        let metrics = OTLPReceiver.metrics(in: newest)
                        let requests = metrics.first { $0["name"] as? String == "periscope_http_requests" }
                        let sum = requests?["sum"] as? [String: Any]
                        #expect(sum?["is_monotonic"] as? Bool == true)
                        #expect(sum?["aggregation_temporality"] as? String == "AGGREGATION_TEMPORALITY_CUMULATIVE")
                        let duration = metrics.first {
                            $0["name"] as? String == "periscope_http_request_duration_seconds"
                        }
                        #expect(duration?["unit"] as? String == "s")
                        let points =
                            (duration?["histogram"] as? [String: Any])?["data_points"] as? [[String: Any]] ?? []
                        let point = points.first { OTLPReceiver.attributes($0["attributes"])["code_class"] == "2xx" }
                        #expect(point?["count"] as? String == "40")
                        let buckets = (point?["bucket_counts"] as? [String] ?? []).compactMap { Int($0) }
                        #expect(buckets.reduce(0, +) == 40)
                        #expect((point?["explicit_bounds"] as? [Double])?.count == buckets.count - 1)
                        let gauge = metrics.first { $0["name"] as? String == "periscope_drain_active" }
                        #expect(gauge?["gauge"] != nil)
                    }
                }
            }
        }

        @Test("a collector answering 503 with Retry-After is retried, export resumes and failures are counted")
        func retriesThroughAnOutage() async throws {
            let receiver = try await OTLPReceiver.start()
            try await receiver.server.use { _ in
                try await receiver.control(status: 503, retryAfter: 1)
                try await withUpstream(.respond(status: 200)) { upstream in
                    let yaml = Self.yaml(upstream: upstream.port, receiver: receiver.server.port)
                    try await withPeriscope(yaml) { gateway in
                        try await waitUntil("failed attempts", timeout: .seconds(10), interval: .milliseconds(100)) {
                            try await receiver.received().attempts["metrics"] ?? 0 >= 2
                        }
                        #expect(try await receiver.received().metrics.isEmpty)
                        try await receiver.control(status: 200, retryAfter: nil)
                        try await waitUntil(
                            "an export after the outage", timeout: .seconds(15), interval: .milliseconds(100)
                        ) {
                            try await !receiver.received().metrics.isEmpty
                        }
                        let exports = try await gateway.scrapeText().exposition.sum(
                            "periscope_otlp_exports_total",
                            by: ["signal", "result"]
                        )
                        #expect((exports["metrics|retryable_failure"] ?? 0) >= 1)
                        #expect((exports["metrics|success"] ?? 0) >= 1)
                    }
                }
            }
        }

        @Test("a 400 is not retried: the batch is counted as failed")
        func badRequestIsNotRetried() async throws {
            let receiver = try await OTLPReceiver.start()
            try await receiver.server.use { _ in
                try await receiver.control(status: 400, retryAfter: nil)
                try await withUpstream(.respond(status: 200)) { upstream in
                    let yaml = Self.yaml(upstream: upstream.port, receiver: receiver.server.port)
                    try await withPeriscope(yaml) { gateway in
                        try await waitUntil("failed exports", timeout: .seconds(10), interval: .milliseconds(100)) {
                            let exports = try await gateway.scrapeText().exposition.sum(
                                "periscope_otlp_exports_total",
                                by: ["signal", "result"]
                            )
                            return (exports["metrics|failed"] ?? 0) >= 2
                        }
                        let exports = try await gateway.scrapeText().exposition.sum(
                            "periscope_otlp_exports_total",
                            by: ["signal", "result"]
                        )
                        // Every attempt was a first attempt of its own batch: attempts == batches.
                        let attempts = try await receiver.received().attempts["metrics"] ?? 0
                        #expect(exports["metrics|retryable_failure"] ?? 0 == 0)
                        #expect(Double(attempts) <= (exports["metrics|failed"] ?? 0) + 1)
                    }
                }
            }
        }
    }
}

/// `Support/otlp_receiver.py` run with the venv's Python (`PERISCOPE_OTLP_VENV`, default `.venv-otlp` at the
/// repository root, made by `Scripts/otlp-venv.sh`).
struct OTLPReceiver {
    let server: ExternalServer

    static let repository = Repository.root

    static func start() async throws -> OTLPReceiver {
        let environment = ProcessInfo.processInfo.environment
        let venv =
            environment["PERISCOPE_OTLP_VENV"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.repository.appendingPathComponent(".venv-otlp").path
        let python = venv + "/bin/python"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ToolMissing(
                "no Python venv with opentelemetry-proto at \(venv): run `Scripts/otlp-venv.sh` "
                    + "(it needs python3-venv: `Scripts/install-system-deps.sh --for test`)"
            )
        }
        let script = Self.repository.appendingPathComponent("Tests/IntegrationTests/Support/otlp_receiver.py").path
        let server = try await ExternalServer.start(
            name: "otlp-receiver",
            binary: python,
            readyPath: "/received",
            arguments: { port, _ in [script, String(port)] }
        )
        return OTLPReceiver(server: server)
    }

    /// What the receiver decoded so far.
    func received() async throws -> (metrics: [[String: Any]], traces: [[String: Any]], attempts: [String: Int]) {
        let object = try await self.server.getJSON("/received") as? [String: Any] ?? [:]
        return (
            object["metrics"] as? [[String: Any]] ?? [],
            object["traces"] as? [[String: Any]] ?? [],
            object["attempts"] as? [String: Int] ?? [:]
        )
    }

    /// How many spans the receiver decoded so far (without transferring them).
    func spanCount() async throws -> Int {
        let object = try await self.server.getJSON("/summary") as? [String: Any] ?? [:]
        return object["spans"] as? Int ?? -1
    }

    /// Makes the receiver answer every POST with `status` (and `Retry-After`), or normally with 200.
    func control(status: Int, retryAfter: Int?) async throws {
        let client = try await HTTPTestClient.connect(port: self.server.port)
        defer { client.close() }
        let body = "{\"status\": \(status), \"retry_after\": \(retryAfter.map(String.init) ?? "null")}"
        let response = try await client.request(.PUT, "/control", body: .bytes(Array(body.utf8)))
        guard response.status == 204 else { throw TrafficError("receiver /control answered \(response.status)") }
    }

    /// The metrics of an `ExportMetricsServiceRequest` decoded as JSON.
    static func metrics(in export: [String: Any]) -> [[String: Any]] {
        (export["resource_metrics"] as? [[String: Any]] ?? []).flatMap { resource in
            (resource["scope_metrics"] as? [[String: Any]] ?? []).flatMap { $0["metrics"] as? [[String: Any]] ?? [] }
        }
    }

    /// OTLP `KeyValue`s as a dictionary of their values' text.
    static func attributes(_ value: Any?) -> [String: String] {
        var result: [String: String] = [:]
        for entry in value as? [[String: Any]] ?? [] {
            guard let key = entry["key"] as? String, let any = entry["value"] as? [String: Any] else { continue }
            if let text = any["string_value"] as? String {
                result[key] = text
            } else if let number = any["int_value"] as? String {
                result[key] = number
            } else if let flag = any["bool_value"] as? Bool {
                result[key] = String(flag)
            } else if let double = any["double_value"] as? Double {
                result[key] = String(double)
            }
        }
        return result
    }
}
