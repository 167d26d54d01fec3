import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// The config's `telemetry` section reaches `/metrics`: bucket overrides become the `le` values, a family's
    /// series limit folds further label sets into `_other`; the startup config load is counted.
    @Suite struct TelemetryConfig {
        static let overrides = """
            telemetry:
              families:
                periscope_http_request_duration_seconds:
                  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]
                periscope_http_response_size_bytes:
                  buckets: [100, 1000]
                periscope_http_requests_total:
                  cardinality_limit: 3
            """

        /// Upstream answering `/status/NNN` with status NNN (and a small body), everything else with 200.
        static let statusByPath: @Sendable (ReceivedRequest) -> UpstreamBehavior = { request in
            let code = request.uri.split(separator: "/").last.flatMap { Int($0) } ?? 200
            return .respond(status: code, body: "status \(code)\n")
        }

        /// The `le` values of the buckets of `family`'s series whose labels include `labels`, in exposition order.
        static func bounds(_ exposition: Exposition, _ family: String, _ labels: [String: String]) -> [String] {
            exposition.samples(named: family + "_bucket")
                .filter { sample in labels.allSatisfy { sample.labels[$0.key] == $0.value } }
                .compactMap { $0.labels["le"] }
        }

        @Test("configured buckets are the le values of that histogram; other histograms keep theirs")
        func bucketOverride() async throws {
            try await withUpstream { upstream in
                upstream.setBehavior(Self.statusByPath)
                let yaml = GatewayYAML.proxyAll(to: upstream.port, top: Self.overrides)
                try await withPeriscope(yaml) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    #expect(try await client.request(.GET, "/hello").status == 200)

                    var exposition = Exposition()
                    try await waitUntil("the request to be recorded", timeout: .seconds(5)) {
                        exposition = try await gateway.scrapeText().exposition
                        return exposition.sum("periscope_http_requests_total", by: []) == ["": 1]
                    }
                    let route = ["route": "all"]
                    #expect(
                        Self.bounds(exposition, "periscope_http_request_duration_seconds", route)
                            == ["0.001", "0.005", "0.01", "0.05", "0.1", "0.5", "1", "5", "+Inf"]
                    )
                    #expect(
                        Self.bounds(exposition, "periscope_http_response_size_bytes", route) == ["100", "1000", "+Inf"]
                    )
                    let overhead = Self.bounds(exposition, "periscope_http_gateway_overhead_seconds", route)
                    #expect(overhead.first == "0.0001" && overhead.count == 19, "default buckets: \(overhead)")
                    let requestSize = Self.bounds(exposition, "periscope_http_request_size_bytes", route)
                    #expect(requestSize.first == "64" && requestSize.count == 11, "default buckets: \(requestSize)")
                    let upstreamDuration = Self.bounds(exposition, "periscope_upstream_request_duration_seconds", [:])
                    #expect(upstreamDuration.count == 19, "default buckets: \(upstreamDuration)")
                }
            }
        }

        @Test("a family's cardinality_limit caps its series; further label sets fold into _other")
        func cardinalityLimitOverride() async throws {
            let codes = [200, 201, 202, 203, 404, 500]
            try await withUpstream { upstream in
                upstream.setBehavior(Self.statusByPath)
                let yaml = GatewayYAML.proxyAll(to: upstream.port, top: Self.overrides)
                try await withPeriscope(yaml) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    for round in 0..<2 {
                        for code in codes {
                            let response = try await client.request(.GET, "/status/\(code)")
                            #expect(response.status == code, "round \(round)")
                        }
                    }
                    let sent = Double(2 * codes.count)

                    var exposition = Exposition()
                    try await waitUntil("every request to be recorded", timeout: .seconds(5)) {
                        exposition = try await gateway.scrapeText().exposition
                        return exposition.sum("periscope_http_requests_total", by: []) == ["": sent]
                    }
                    let series = exposition.samples(named: "periscope_http_requests_total")
                    let other = series.filter { $0.labels["code"] == "_other" }
                    let named = series.filter { $0.labels["code"] != "_other" }
                    #expect(named.count == 3, "series: \(series)")
                    #expect(named.allSatisfy { $0.labels["route"] == "all" && $0.labels["method"] == "GET" })
                    try #require(other.count == 1, "series: \(series)")
                    #expect(other[0].labels == ["route": "_other", "method": "_other", "code": "_other"])
                    #expect(other[0].value == sent - named.reduce(0) { $0 + $1.value })
                    #expect(other[0].value >= 3, "at least three codes did not fit: \(series)")

                    let overflow = exposition.samples(named: "periscope_metric_series_overflow_total")
                        .filter { $0.labels["metric"] == "periscope_http_requests_total" }
                    #expect(overflow.count == 1 && (overflow.first?.value ?? 0) > 0, "overflow: \(overflow)")
                    // The other families keep the default limit: every status class has its own series.
                    let classes = exposition.sum("periscope_http_request_duration_seconds_count", by: ["code_class"])
                    #expect(classes == ["2xx": 8, "4xx": 2, "5xx": 2])
                }
            }
        }

        @Test("the startup config load is counted as a success, with its time")
        func configLoadMetrics() async throws {
            let launched = Date().timeIntervalSince1970
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let (text, exposition) = try await gateway.scrapeText()
                    #expect(text.contains("periscope_config_loads_total{result=\"success\"} 1\n"))
                    #expect(text.contains("periscope_config_loads_total{result=\"failure\"} 0\n"))
                    let loaded = exposition.samples(named: "periscope_config_last_load_success_timestamp_seconds")
                    try #require(loaded.count == 1)
                    #expect(loaded[0].value >= launched - 1 && loaded[0].value <= Date().timeIntervalSince1970)
                }
            }
        }
    }
}
