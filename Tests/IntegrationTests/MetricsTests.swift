import Foundation
import NIOHTTP1
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// `/metrics` on the admin listener: formats and their negotiation, gzip, HEAD; exact request counts after
    /// concurrent load; `promtool check metrics`; the `process_*` values against what `/proc` says.
    @Suite struct Metrics {
        static let textType = "text/plain; version=0.0.4; charset=utf-8"
        static let openMetricsType = "application/openmetrics-text; version=1.0.0; charset=utf-8"

        /// `Accept` headers and the format each must get (`true`: OpenMetrics).
        static let acceptCases: [(accept: String?, openMetrics: Bool)] = [
            (nil, false),
            ("*/*", false),
            ("text/plain", false),
            ("text/plain; version=0.0.4", false),
            ("application/openmetrics-text", true),
            ("application/openmetrics-text; version=1.0.0", true),
            ("application/openmetrics-text;version=0.0.1", true),
            ("APPLICATION/OpenMetrics-Text; Version=1.0.0", true),
            // What Prometheus 2.42 sends.
            (
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                    + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1", true
            ),
            // What Prometheus 3 sends by default (protobuf first, which Periscope does not offer).
            (
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,"
                    + "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.4,"
                    + "application/openmetrics-text;version=0.0.1;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1",
                true
            ),
            // Prometheus 3 with `scrape_protocols: [PrometheusText0.0.4]`.
            ("text/plain;version=0.0.4;q=0.5,*/*;q=0.1", false),
            // q-values order the ranges, not their position.
            ("text/plain;version=0.0.4;q=0.9, application/openmetrics-text;q=0.5", false),
            ("application/openmetrics-text;q=0.5, text/plain", false),
            ("*/*;q=0.1, application/openmetrics-text;q=0.2", true),
            ("text/plain;q=0.2, application/openmetrics-text;version=1.0.0;q=0.8", true),
            // Refused or unknown: fall back to text.
            ("application/openmetrics-text;q=0, text/plain;q=0.1", false),
            ("application/openmetrics-text;q=0", false),
            ("application/openmetrics-text; version=2.0.0", false),
            ("text/plain; version=1.0.0, application/openmetrics-text; version=0.0.1; q=0.1", true),
            ("application/json", false),
            ("text/html, application/xhtml+xml", false),
        ]

        @Test("content type follows the Accept header (q-values, versions, fallback to text 0.0.4)")
        func contentNegotiation() async throws {
            try await withMetricsGateway { gateway, _ in
                for (accept, openMetrics) in Self.acceptCases {
                    let response = try await gateway.scrape(headers: accept.map { [("Accept", $0)] } ?? [])
                    let expected = openMetrics ? Self.openMetricsType : Self.textType
                    #expect(response.status == 200, "Accept: \(accept ?? "(none)")")
                    #expect(response.header("content-type") == expected, "Accept: \(accept ?? "(none)")")
                    #expect(response.header("content-encoding") == nil)
                    #expect(response.header("content-length") == String(response.body.count))
                    let body = response.bodyText
                    if openMetrics {
                        #expect(body.hasSuffix("\n# EOF\n"), "Accept: \(accept ?? "(none)")")
                        #expect(body.contains("# TYPE periscope_http_requests counter\n"))
                        #expect(body.contains("# UNIT periscope_http_request_duration_seconds seconds\n"))
                    } else {
                        #expect(!body.contains("# EOF"), "Accept: \(accept ?? "(none)")")
                        #expect(body.contains("# TYPE periscope_http_requests_total counter\n"))
                        #expect(!body.contains("# UNIT"))
                        _ = try Exposition.parse(body)
                    }
                }
                // Two Accept header lines count as one list.
                let split = try await gateway.scrape(headers: [
                    ("Accept", "text/plain;q=0.3"), ("Accept", "application/openmetrics-text;q=0.6"),
                ])
                #expect(split.header("content-type") == Self.openMetricsType)
            }
        }

        @Test("gzip when Accept-Encoding allows it; the decompressed body is the exposition")
        func gzip() async throws {
            try await withMetricsGateway { gateway, proxyPort in
                _ = try await MetricsTraffic.send(count: 50, connections: 2, port: proxyPort)
                for openMetrics in [false, true] {
                    var headers: [(String, String)] = [("Accept-Encoding", "gzip, deflate;q=0.5")]
                    if openMetrics { headers.append(("Accept", "application/openmetrics-text; version=1.0.0")) }
                    let compressed = try await gateway.scrape(headers: headers)
                    let plain = try await gateway.scrape(headers: Array(headers.dropFirst()))
                    #expect(compressed.status == 200)
                    #expect(compressed.header("content-encoding") == "gzip")
                    #expect(compressed.header("content-type") == (openMetrics ? Self.openMetricsType : Self.textType))
                    #expect(compressed.header("content-length") == String(compressed.body.count))
                    #expect(compressed.header("vary")?.lowercased().contains("accept-encoding") == true)
                    #expect(compressed.body.starts(with: [0x1f, 0x8b]), "not a gzip stream")
                    #expect(compressed.body.count * 4 < plain.body.count, "gzip should shrink the text a lot")
                    #expect(plain.header("content-encoding") == nil)
                    let inflated = String(decoding: try await gunzip(compressed.body), as: UTF8.self)
                    // Only the process_* values and the exporter's hand-over move between two scrapes; everything else
                    // is idle and must match.
                    #expect(Self.withoutMovingLines(inflated) == Self.withoutMovingLines(plain.bodyText))
                    #expect(
                        inflated.contains("periscope_http_requests_total{route=\"api\",method=\"GET\",code=\"200\"} "))
                    if openMetrics { #expect(inflated.hasSuffix("# EOF\n")) }
                }
                for refusing in ["identity", "gzip;q=0", "br", "gzip;q=0, identity"] {
                    let response = try await gateway.scrape(headers: [("Accept-Encoding", refusing)])
                    #expect(response.header("content-encoding") == nil, "Accept-Encoding: \(refusing)")
                    #expect(response.bodyText.contains("# TYPE process_cpu_seconds_total counter\n"))
                }
                // Other admin endpoints are never compressed.
                let client = try await HTTPTestClient.connect(port: gateway.adminPort)
                defer { client.close() }
                let livez = try await client.request(.GET, "/livez", headers: [("Accept-Encoding", "gzip")])
                #expect(livez.status == 200)
                #expect(livez.header("content-encoding") == nil)
                #expect(livez.bodyText == "livez check passed\n")
            }
        }

        @Test("one keep-alive connection serves scrapes in any mix of formats and encodings; HEAD; 405")
        func keepAliveHeadAndMethods() async throws {
            try await withMetricsGateway { gateway, _ in
                let client = try await HTTPTestClient.connect(port: gateway.adminPort)
                defer { client.close() }
                for round in 0..<12 {
                    let openMetrics = round % 3 == 1
                    let gzip = round % 2 == 0
                    var headers: [(String, String)] = []
                    if openMetrics { headers.append(("Accept", "application/openmetrics-text")) }
                    if gzip { headers.append(("Accept-Encoding", "gzip")) }
                    let response = try await client.request(.GET, "/metrics", headers: headers)
                    #expect(response.status == 200)
                    #expect(!response.closesConnection)
                    #expect(response.header("content-encoding") == (gzip ? "gzip" : nil), "round \(round)")
                    let body = gzip ? try await gunzip(response.body) : response.body
                    let text = String(decoding: body, as: UTF8.self)
                    #expect(text.hasSuffix("# EOF\n") == openMetrics, "round \(round)")
                    #expect(text.contains("periscope_build_info{version="), "round \(round)")
                }
                for openMetrics in [false, true] {
                    var headers = [("Accept-Encoding", "gzip")]
                    if openMetrics { headers.append(("Accept", "application/openmetrics-text")) }
                    let head = try await client.request(.HEAD, "/metrics", headers: headers)
                    let get = try await client.request(.GET, "/metrics", headers: Array(headers.dropFirst()))
                    #expect(head.status == 200)
                    #expect(head.bodyBytes == 0)
                    #expect(head.header("content-type") == (openMetrics ? Self.openMetricsType : Self.textType))
                    #expect(head.header("content-encoding") == nil)
                    // The length of the GET answer, up to the process_* values that moved in between.
                    let length = try #require(head.header("content-length").flatMap(Int.init))
                    #expect(abs(length - get.body.count) < 64, "HEAD length \(length), GET \(get.body.count)")
                }
                for method in [HTTPMethod.POST, .PUT, .DELETE] {
                    let response = try await client.request(method, "/metrics", body: .text("x"))
                    #expect(response.status == 405, "\(method)")
                    #expect(response.header("allow") == "GET, HEAD")
                }
                let after = try await client.request(.GET, "/metrics")
                #expect(after.status == 200)
            }
        }

        @Test("after 2000 requests over 8 connections, requests_total per route and code is exactly what was sent")
        func exactCountsAfterLoad() async throws {
            let count = 2000
            try await withMetricsGateway { gateway, proxyPort in
                let answered = try await MetricsTraffic.send(count: count, connections: 8, port: proxyPort)
                let expected = MetricsTraffic.expected(count: count)
                #expect(answered == expected)
                #expect(expected.keys.sorted() == ["_none|404", "api|200", "api|404", "static|200"])

                // The gateway records a request as its response completes; poll briefly for the last few.
                var exposition = Exposition()
                var counted: [String: Double] = [:]
                do {
                    try await waitUntil("requests_total to reach the requests sent", timeout: .seconds(5)) {
                        exposition = try await gateway.scrapeText().exposition
                        counted = exposition.sum("periscope_http_requests_total", by: ["route", "code"])
                        return counted == expected
                    }
                } catch is TimedOut {}
                #expect(counted == expected, "periscope_http_requests_total by route and code")

                // The same requests seen by the other families.
                let durations = exposition.sum("periscope_http_request_duration_seconds_count", by: ["route"])
                #expect(durations == Self.byRoute(expected), "request_duration_seconds_count by route")
                let infBuckets = exposition.samples(named: "periscope_http_request_duration_seconds_bucket")
                    .filter { $0.labels["le"] == "+Inf" }
                    .reduce(0) { $0 + $1.value }
                #expect(infBuckets == Double(count))
                let proxied = expected.filter { !$0.key.hasPrefix("_none|") }.values.reduce(0, +)
                let upstream = exposition.sum("periscope_upstream_requests_total", by: ["cluster", "code"])
                #expect(
                    upstream == [
                        "up|200": expected["api|200"]! + expected["static|200"]!, "up|404": expected["api|404"]!,
                    ]
                )
                #expect(upstream.values.reduce(0, +) == proxied)
                let methods = exposition.sum("periscope_http_requests_total", by: ["method"])
                let posts = Double((0..<count).filter { MetricsTraffic.request($0).method == .POST }.count)
                #expect(methods == ["GET": Double(count) - posts, "POST": posts])
                let noRoute = exposition.sum("periscope_http_local_responses_total", by: ["reason"])
                #expect(noRoute["no_route"] == expected["_none|404"])
                let inFlight = exposition.sum("periscope_http_requests_in_flight", by: [])
                #expect(inFlight == ["": 0])
                let connections = exposition.sum("periscope_downstream_connections_total", by: ["listener"])
                #expect(connections == ["public": 8])
            }
        }

        @Test("promtool check metrics: no errors and no lint problems after load")
        func promtoolCheckMetrics() async throws {
            let promtool = try requirePrometheusTool("promtool")
            try await withMetricsGateway { gateway, proxyPort in
                _ = try await MetricsTraffic.send(count: 500, connections: 4, port: proxyPort)
                for accept in [nil, "text/plain; version=0.0.4", "*/*"] {
                    let response = try await gateway.scrape(headers: accept.map { [("Accept", $0)] } ?? [])
                    #expect(response.header("content-type") == Self.textType)
                    let result = try await runTool(promtool, ["check", "metrics"], stdin: Data(response.body))
                    #expect(result.status == 0, "promtool exit \(result.status): \(result.stdout)\(result.stderr)")
                    #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
                }
                // The checker itself works here: a broken exposition is reported.
                let broken = "# TYPE bad_ms counter\nbad_ms 1\n"
                let result = try await runTool(promtool, ["check", "metrics"], stdin: Data(broken.utf8))
                #expect(result.status != 0, "promtool accepted a counter without _total")
            }
        }

        @Test("process_* values agree with /proc; periscope_build_info is 1")
        func processMetrics() async throws {
            let launched = Date().timeIntervalSince1970
            try await withMetricsGateway { gateway, proxyPort in
                let clockTicks = Double(sysconf(Int32(_SC_CLK_TCK)))
                func cpuSeconds() throws -> Double {
                    let stat = try String(contentsOfFile: "/proc/\(gateway.pid)/stat", encoding: .utf8)
                    let fields = stat[stat.range(of: ")", options: .backwards)!.upperBound...].split(separator: " ")
                    return (Double(fields[11])! + Double(fields[12])!) / clockTicks
                }
                func value(_ exposition: Exposition, _ name: String) throws -> Double {
                    let samples = exposition.samples(named: name)
                    try #require(samples.count == 1, "\(name): \(samples)")
                    #expect(exposition.type(of: name) == (name.hasSuffix("_total") ? "counter" : "gauge"))
                    return samples[0].value
                }

                let first = try await gateway.scrapeText().exposition
                _ = try await MetricsTraffic.send(count: 1000, connections: 4, port: proxyPort)
                let before = try cpuSeconds()
                let second = try await gateway.scrapeText().exposition
                let after = try cpuSeconds()

                let cpu = try value(second, "process_cpu_seconds_total")
                #expect(cpu >= before - 1e-9 && cpu <= after + 1e-9, "cpu \(cpu) not within [\(before), \(after)]")
                #expect(cpu > (try value(first, "process_cpu_seconds_total")), "1000 requests used no CPU?")

                let start = try value(second, "process_start_time_seconds")
                #expect(start >= launched - 2 && start <= Date().timeIntervalSince1970, "start \(start)")

                let memory = try gateway.memory()
                let resident = try value(second, "process_resident_memory_bytes")
                #expect(resident > Double(memory.rss) / 2 && resident < Double(memory.rss) * 2, "rss \(resident)")
                #expect(try value(second, "process_virtual_memory_bytes") > resident)

                let openFDs = try value(second, "process_open_fds")
                let listed = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(gateway.pid)/fd").count
                #expect(openFDs > 5 && abs(openFDs - Double(listed)) <= 8, "open fds \(openFDs), /proc lists \(listed)")

                let limits = try String(contentsOfFile: "/proc/\(gateway.pid)/limits", encoding: .utf8)
                let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
                let soft = line.dropFirst("Max open files".count).split(separator: " ").first.map(String.init)
                let maxFDs = try value(second, "process_max_fds")
                #expect(soft == "unlimited" ? maxFDs > 1e18 : Double(soft ?? "") == maxFDs, "\(line) vs \(maxFDs)")

                let build = second.samples(named: "periscope_build_info")
                #expect(build.count == 1)
                #expect(build.first?.value == 1)
                let version = build.first?.labels["version"] ?? ""
                #expect(version.split(separator: ".").count == 3 && version.allSatisfy { $0.isNumber || $0 == "." })
            }
        }

        /// `route|code` counts summed per route.
        static func byRoute(_ counts: [String: Double]) -> [String: Double] {
            var routes: [String: Double] = [:]
            for (key, value) in counts {
                routes[String(key.split(separator: "|")[0]), default: 0] += value
            }
            return routes
        }

        /// `text` without the lines that move on their own between two scrapes of an idle gateway: the process's
        /// `process_*` values, and the span exporter's hand-over (every 100 ms it moves spans from the span buffer
        /// into its queue: `periscope_span_buffer_length`, `periscope_otlp_*`).
        static func withoutMovingLines(_ text: String) -> String {
            text.split(separator: "\n").filter {
                !$0.contains("process_") && !$0.contains("periscope_span_buffer_length")
                    && !$0.contains("periscope_otlp_")
            }.joined(separator: "\n")
        }
    }
}
