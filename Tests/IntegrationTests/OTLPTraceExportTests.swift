import Foundation
import NIOCore
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Spans exported over OTLP/HTTP, decoded by the official `opentelemetry-proto` package.
    @Suite struct OTLPTraceExport {
        /// A decoded span: ids as lowercase hex, attributes as text.
        struct DecodedSpan {
            var traceID: String
            var spanID: String
            var parentSpanID: String
            var name: String
            var kind: String
            var statusCode: String
            var attributes: [String: String]
            /// Unix nanoseconds (the decoder's JSON writes 64-bit integers as strings).
            var start: UInt64
            var end: UInt64

            init(_ json: [String: Any]) {
                func hex(_ key: String) -> String {
                    guard let text = json[key] as? String, let data = Data(base64Encoded: text) else { return "" }
                    return data.map { String(format: "%02x", $0) }.joined()
                }
                self.traceID = hex("trace_id")
                self.spanID = hex("span_id")
                self.parentSpanID = hex("parent_span_id")
                self.name = json["name"] as? String ?? ""
                self.kind = json["kind"] as? String ?? ""
                self.statusCode = (json["status"] as? [String: Any])?["code"] as? String ?? "STATUS_CODE_UNSET"
                self.attributes = OTLPReceiver.attributes(json["attributes"])
                self.start = UInt64(json["start_time_unix_nano"] as? String ?? "") ?? 0
                self.end = UInt64(json["end_time_unix_nano"] as? String ?? "") ?? 0
            }
        }

        static func spans(_ exports: [[String: Any]]) -> [DecodedSpan] {
            exports.flatMap { export -> [DecodedSpan] in
                let body = export["body"] as? [String: Any] ?? [:]
                return (body["resource_spans"] as? [[String: Any]] ?? []).flatMap { resource in
                    (resource["scope_spans"] as? [[String: Any]] ?? []).flatMap { scope in
                        (scope["spans"] as? [[String: Any]] ?? []).map(DecodedSpan.init)
                    }
                }
            }
        }

        @Test("N requests give N SERVER spans with HTTP attributes, each with its CLIENT child; trace ids are kept")
        func serverAndClientSpans() async throws {
            let receiver = try await OTLPReceiver.start()
            try await receiver.server.use { _ in
                try await withUpstream(.respond(status: 200)) { upstream in
                    let yaml = GatewayYAML.proxyAll(
                        to: upstream.port,
                        top: """
                            otlp:
                              endpoint: http://127.0.0.1:\(receiver.server.port)
                              schedule_delay: 200ms
                              metric_export_interval: 1h
                            """
                    )
                    try await withPeriscope(yaml) { gateway in
                        let port = try await gateway.port()
                        let client = try await HTTPTestClient.connect(port: port)
                        defer { client.close() }
                        let count = 20
                        let before = UInt64(Date().timeIntervalSince1970 * 1e9)
                        for index in 0..<count {
                            // The first request names a host and port; the others send `Host: localhost`.
                            let host = index == 0 ? "api.example.com:8443" : "localhost"
                            let response = try await client.request(
                                .GET,
                                "/items/\(index)?q=1",
                                headers: [("user-agent", "periscope-test/1"), ("host", host)]
                            )
                            #expect(response.status == 200)
                        }
                        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                        #expect(
                            try await client.request(.GET, "/traced", headers: [("traceparent", incoming)]).status
                                == 200)

                        var spans: [DecodedSpan] = []
                        try await waitUntil(
                            "\(count + 1) server spans", timeout: .seconds(15), interval: .milliseconds(100)
                        ) {
                            spans = Self.spans(try await receiver.received().traces)
                            return spans.filter { $0.kind == "SPAN_KIND_SERVER" }.count >= count + 1
                        }
                        let after = UInt64(Date().timeIntervalSince1970 * 1e9)
                        let servers = spans.filter { $0.kind == "SPAN_KIND_SERVER" }
                        let clients = spans.filter { $0.kind == "SPAN_KIND_CLIENT" }
                        #expect(servers.count == count + 1)
                        #expect(clients.count == count + 1)
                        for server in servers {
                            let children = clients.filter { $0.parentSpanID == server.spanID }
                            #expect(children.count == 1, "server span \(server.spanID) has \(children.count) clients")
                            #expect(children.first?.traceID == server.traceID)
                            // Wall-clock times (the start read from the wall clock, later times from the monotonic
                            // clock since): within the test's own readings, and each CLIENT span inside its SERVER.
                            // (A millisecond of slack: the two clocks are read at slightly different moments.)
                            #expect(server.start + 1_000_000 >= before && server.end <= after + 1_000_000)
                            #expect(server.start <= server.end)
                            if let child = children.first {
                                #expect(server.start <= child.start && child.start <= child.end)
                                #expect(child.end <= server.end, "CLIENT ends after its SERVER span")
                            }
                            #expect(server.name == "GET /")
                            #expect(server.attributes["http.request.method"] == "GET")
                            #expect(server.attributes["http.route"] == "/")
                            #expect(server.attributes["url.scheme"] == "http")
                            #expect(server.attributes["http.response.status_code"] == "200")
                            #expect(server.attributes["network.protocol.version"] == "1.1")
                            #expect(server.attributes["client.address"] == "127.0.0.1")
                            // Opt-in in the HTTP conventions; not asked for here.
                            #expect(server.attributes["client.port"] == nil)
                            // The listener's configured name, not its bind address.
                            #expect(server.attributes["periscope.listener"] == "public")
                            #expect(server.attributes["server.port"] != nil)
                            #expect(children.first?.attributes["server.port"] == String(upstream.port))
                            #expect(children.first?.attributes["http.response.status_code"] == "200")
                            // url.full: the endpoint and the path sent upstream (the record keeps no query string).
                            #expect(
                                children.first?.attributes["url.full"]
                                    == "http://127.0.0.1:\(upstream.port)\(server.attributes["url.path"] ?? "?")")
                        }
                        let first = try #require(servers.first { $0.attributes["url.path"] == "/items/0" })
                        #expect(first.attributes["user_agent.original"] == "periscope-test/1")
                        // server.address / server.port from Host; the listener's port when Host names none.
                        #expect(first.attributes["server.address"] == "api.example.com")
                        #expect(first.attributes["server.port"] == "8443")
                        let second = try #require(servers.first { $0.attributes["url.path"] == "/items/1" })
                        #expect(second.attributes["server.address"] == "localhost")
                        #expect(second.attributes["server.port"] == String(port))
                        #expect(first.parentSpanID.isEmpty)
                        // The incoming trace is continued: its parent is the caller's span.
                        let traced = try #require(servers.first { $0.attributes["url.path"] == "/traced" })
                        #expect(traced.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
                        #expect(traced.parentSpanID == "00f067aa0ba902b7")
                        // The upstream got a traceparent whose parent is the CLIENT span.
                        let tracedClient = try #require(clients.first { $0.parentSpanID == traced.spanID })
                        let sent = upstream.requests.last?.headers.first { $0.name.lowercased() == "traceparent" }?
                            .value
                        #expect(sent == "00-4bf92f3577b34da6a3ce929d0e0e4736-\(tracedClient.spanID)-01")
                        // recorded = exported (nothing dropped on the way).
                        let exposition = try await gateway.scrapeText().exposition
                        let recorded = exposition.sum("periscope_spans_recorded_total", by: [])[""] ?? 0
                        let exported =
                            exposition.sum("periscope_otlp_items_exported_total", by: ["signal"])["traces"] ?? 0
                        #expect(recorded == Double(2 * (count + 1)))
                        #expect(exported == recorded)
                    }
                }
            }
        }

        @Test(
            "a burst larger than the export queue is exported whole: the span rings hold what the queue cannot take yet"
        )
        func burstLargerThanTheQueue() async throws {
            let receiver = try await OTLPReceiver.start()
            try await receiver.server.use { _ in
                try await withUpstream(.respond(status: 200)) { upstream in
                    let yaml = GatewayYAML.proxyAll(
                        to: upstream.port,
                        top: """
                            otlp:
                              endpoint: http://127.0.0.1:\(receiver.server.port)
                              schedule_delay: 50ms
                              max_queue_size: 16
                              max_export_batch_size: 8
                              metric_export_interval: 1h
                            """
                    )
                    try await withPeriscope(yaml) { gateway in
                        let port = try await gateway.port()
                        let client = try await HTTPTestClient.connect(port: port)
                        defer { client.close() }
                        // Many times the queue's 16 spans between two drains: a drain that offered everything would
                        // overflow the queue while the collector is healthy.
                        let count = 150
                        for index in 0..<count {
                            #expect(try await client.request(.GET, "/burst/\(index)").status == 200)
                        }
                        var books: (recorded: Double, exported: Double, dropped: Double) = (0, 0, 0)
                        try await waitUntil(
                            "every span exported", timeout: .seconds(60), interval: .milliseconds(100)
                        ) {
                            let exposition = try await gateway.scrapeText().exposition
                            books = (
                                exposition.sum("periscope_spans_recorded_total", by: [])[""] ?? 0,
                                exposition.sum("periscope_otlp_items_exported_total", by: ["signal"])["traces"] ?? 0,
                                (exposition.sum("periscope_otlp_items_dropped_total", by: ["signal"])["traces"] ?? 0)
                                    + (exposition.sum("periscope_spans_dropped_total", by: [])[""] ?? 0)
                            )
                            return books.recorded == Double(2 * count)
                                && books.exported + books.dropped == books.recorded
                        }
                        #expect(books.dropped == 0, "\(books.dropped) spans dropped with a healthy collector")
                        #expect(books.exported == Double(2 * count))
                        try await waitUntil(
                            "the receiver to decode every span", timeout: .seconds(60), interval: .milliseconds(200)
                        ) {
                            try await receiver.spanCount() == 2 * count
                        }
                    }
                }
            }
        }

        @Test("errors are exported with ERROR status and error.type even when the head sampler says no (keep_errors)")
        func keepErrors() async throws {
            let receiver = try await OTLPReceiver.start()
            try await receiver.server.use { _ in
                try await withUpstream(.respond(status: 503)) { upstream in
                    let yaml = GatewayYAML.proxyAll(
                        to: upstream.port,
                        top: """
                            tracing:
                              ratio: 0
                              keep_errors: true
                              opt_in_attributes: [client.port]
                            otlp:
                              endpoint: http://127.0.0.1:\(receiver.server.port)
                              schedule_delay: 200ms
                              metric_export_interval: 1h
                            """
                    )
                    try await withPeriscope(yaml) { gateway in
                        let client = try await HTTPTestClient.connect(port: try await gateway.port())
                        defer { client.close() }
                        for _ in 0..<3 { #expect(try await client.request(.GET, "/x").status == 503) }
                        var spans: [DecodedSpan] = []
                        try await waitUntil("3 error spans", timeout: .seconds(15), interval: .milliseconds(100)) {
                            spans = Self.spans(try await receiver.received().traces)
                            return spans.filter { $0.kind == "SPAN_KIND_SERVER" }.count >= 3
                        }
                        let servers = spans.filter { $0.kind == "SPAN_KIND_SERVER" }
                        #expect(servers.allSatisfy { $0.statusCode == "STATUS_CODE_ERROR" })
                        #expect(servers.allSatisfy { $0.attributes["error.type"] == "503" })
                        // Asked for: the client connection's own port.
                        let clientPort = client.channel.localAddress?.port.map(String.init)
                        #expect(clientPort != nil)
                        #expect(servers.allSatisfy { $0.attributes["client.port"] == clientPort })
                        // Not sampled at the head: the upstream saw flags 00 (random bit aside).
                        let flags = upstream.requests.compactMap { request in
                            request.headers.first { $0.name.lowercased() == "traceparent" }?.value.suffix(2)
                        }
                        #expect(flags.allSatisfy { $0 == "02" })
                    }
                }
            }
        }
    }
}

extension EndToEnd.OTLPTraceExport {
    @Test("a 30 s collector outage under load: traffic is served, memory stays bounded, every span is counted")
    func collectorOutage() async throws {
        let receiver = try await OTLPReceiver.start()
        try await receiver.server.use { _ in
            try await withUpstream(.respond(status: 200)) { upstream in
                let yaml = GatewayYAML.proxyAll(
                    to: upstream.port,
                    top: """
                        otlp:
                          endpoint: http://127.0.0.1:\(receiver.server.port)
                          schedule_delay: 100ms
                          max_queue_size: 200
                          max_export_batch_size: 50
                          metric_export_interval: 1h
                        """
                )
                try await withPeriscope(yaml) { gateway in
                    let port = try await gateway.port()
                    let client = try await HTTPTestClient.connect(port: port)
                    defer { client.close() }
                    func load(for duration: Duration) async throws -> Int {
                        let end = ContinuousClock.now + duration
                        var sent = 0
                        while ContinuousClock.now < end {
                            #expect(try await client.request(.GET, "/load").status == 200)
                            sent += 1
                        }
                        return sent
                    }
                    _ = try await load(for: .seconds(1))
                    let before = try gateway.memory().rss
                    // The collector answers 503 for 30 s while requests keep coming.
                    try await receiver.control(status: 503, retryAfter: nil)
                    let during = try await load(for: .seconds(30))
                    let after = try gateway.memory().rss
                    #expect(during > 100)
                    #expect(after - before < 64 << 20, "RSS grew by \(after - before) bytes during the outage")
                    try await receiver.control(status: 200, retryAfter: nil)
                    _ = try await load(for: .seconds(1))

                    // Export resumes (with backoff); then the books balance exactly.
                    func books() async throws -> (
                        recorded: Double, accounted: Double, exported: Double, dropped: Double
                    ) {
                        let exposition = try await gateway.scrapeText().exposition
                        let recorded = exposition.sum("periscope_spans_recorded_total", by: [])[""] ?? 0
                        let ringDrops = exposition.sum("periscope_spans_dropped_total", by: [])[""] ?? 0
                        let exported =
                            exposition.sum("periscope_otlp_items_exported_total", by: ["signal"])["traces"] ?? 0
                        let dropped =
                            exposition.sum("periscope_otlp_items_dropped_total", by: ["signal"])["traces"] ?? 0
                        let queued = exposition.sum("periscope_otlp_queue_length", by: ["signal"])["traces"] ?? 0
                        let buffered = exposition.sum("periscope_span_buffer_length", by: [])[""] ?? 0
                        return (
                            recorded, exported + dropped + ringDrops + queued + buffered, exported, dropped + ringDrops
                        )
                    }
                    var last = try await books()
                    try await waitUntil(
                        "the queue to drain after the outage", timeout: .seconds(60), interval: .milliseconds(250)
                    ) {
                        last = try await books()
                        let queued =
                            try await gateway.scrapeText().exposition.sum("periscope_otlp_queue_length", by: [])[""]
                            ?? 0
                        return queued == 0 && last.recorded == last.exported + last.dropped
                    }
                    #expect(last.dropped > 0, "the outage should have overflowed the 200-span queue")
                    #expect(last.exported > 0)
                    #expect(Double(try await receiver.spanCount()) == last.exported)
                    let exports = try await gateway.scrapeText().exposition.sum(
                        "periscope_otlp_exports_total", by: ["signal", "result"])
                    #expect((exports["traces|retryable_failure"] ?? 0) >= 1)
                }
            }
        }
    }
}
