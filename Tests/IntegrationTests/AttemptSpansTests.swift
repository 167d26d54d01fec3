import Foundation
import NIOHTTP1
import Testing

extension EndToEnd.OTLPTraceExport {
    /// A two-endpoint cluster `pair` whose route has `policy` (unindented YAML), exporting spans to `receiver`.
    static func attemptsYAML(policy: String, ports: [Int], receiver: Int) -> String {
        GatewayYAML.proxyAll(
            toEndpoints: ports.map { "127.0.0.1:\($0)" },
            clusterName: "pair",
            route: "timeout: 10s\n" + policy,
            top: """
                otlp:
                  endpoint: http://127.0.0.1:\(receiver)
                  schedule_delay: 100ms
                  metric_export_interval: 1h
                """
        )
    }

    /// The span id in the `traceparent` a test upstream received (`""` when it got none).
    static func sentSpanID(_ request: ReceivedRequest) -> String {
        let value = request.headers.first { $0.name.lowercased() == "traceparent" }?.value ?? ""
        let parts = value.split(separator: "-")
        return parts.count == 4 ? String(parts[2]) : ""
    }

    @Test("every retry is a CLIENT span of its own, named in the traceparent of the request it sent")
    func retriesAreSpansOfTheirOwn() async throws {
        let receiver = try await OTLPReceiver.start()
        try await receiver.server.use { _ in
            try await withUpstream(name: "fine") { fine in
                try await withUpstream(name: "flaky", .respond(status: 503, body: "busy")) { flaky in
                    let yaml = Self.attemptsYAML(
                        policy: "retry: { retry_on: [gateway_error], attempts: 1 }",
                        ports: [fine.port, flaky.port],
                        receiver: receiver.server.port
                    )
                    try await withPeriscope(yaml) { gateway in
                        let client = try await HTTPTestClient.connect(port: try await gateway.port())
                        defer { client.close() }
                        let count = 8
                        for index in 0..<count {
                            #expect(try await client.request(.GET, "/r/\(index)").status == 200)
                        }
                        let refused = flaky.requestCount
                        #expect(refused >= 1, "round robin sends some first attempts to the flaky endpoint")
                        let expectedClients = count + refused
                        var spans: [DecodedSpan] = []
                        try await waitUntil("\(expectedClients) client spans", timeout: .seconds(15)) {
                            spans = Self.spans(try await receiver.received().traces)
                            return spans.filter { $0.kind == "SPAN_KIND_CLIENT" }.count >= expectedClients
                        }
                        let servers = spans.filter { $0.kind == "SPAN_KIND_SERVER" }
                        let clients = spans.filter { $0.kind == "SPAN_KIND_CLIENT" }
                        #expect(servers.count == count)
                        #expect(clients.count == expectedClients)
                        #expect(Set(clients.map(\.spanID)).count == clients.count, "every attempt has its own id")
                        for server in servers {
                            let attempts = clients.filter { $0.parentSpanID == server.spanID }
                            #expect(attempts.allSatisfy { $0.traceID == server.traceID })
                            #expect(server.statusCode == "STATUS_CODE_UNSET")
                            // The last attempt succeeded; one before it (if any) got the 503.
                            let last = try #require(
                                attempts.first { $0.attributes["http.response.status_code"] == "200" })
                            #expect(last.statusCode == "STATUS_CODE_UNSET")
                            #expect(last.attributes["server.port"] == String(fine.port))
                            if attempts.count == 2 {
                                let first = try #require(attempts.first { $0.spanID != last.spanID })
                                #expect(first.statusCode == "STATUS_CODE_ERROR")
                                #expect(first.attributes["error.type"] == "503")
                                #expect(first.attributes["http.response.status_code"] == "503")
                                #expect(first.attributes["server.port"] == String(flaky.port))
                                #expect(first.attributes["http.request.resend_count"] == nil)
                                #expect(last.attributes["http.request.resend_count"] == "1")
                            } else {
                                #expect(attempts.count == 1, "\(attempts.count) attempts")
                            }
                        }
                        // Each upstream request named the span of its own attempt: the 503s the failed ones, the
                        // 200s the successful ones.
                        let failedIDs = Set(clients.filter { $0.statusCode == "STATUS_CODE_ERROR" }.map(\.spanID))
                        let succeededIDs = Set(clients.filter { $0.statusCode != "STATUS_CODE_ERROR" }.map(\.spanID))
                        #expect(Set(flaky.requests.map(Self.sentSpanID)) == failedIDs)
                        #expect(Set(fine.requests.map(Self.sentSpanID)) == succeededIDs)
                        let exposition = try await gateway.scrapeText().exposition
                        let recorded = exposition.sum("periscope_spans_recorded_total", by: [])[""] ?? 0
                        #expect(recorded == Double(count + expectedClients))
                    }
                }
            }
        }
    }

    @Test("a hedge is a CLIENT span of its own; the attempt it beat ends as cancelled")
    func hedgesAreSpansOfTheirOwn() async throws {
        let receiver = try await OTLPReceiver.start()
        try await receiver.server.use { _ in
            try await withUpstream(name: "fast") { fast in
                try await withUpstream(name: "slow", .delay(.milliseconds(800), then: .echo)) { slow in
                    let yaml = Self.attemptsYAML(
                        policy: "hedge: { delay: 50ms }",
                        ports: [fast.port, slow.port],
                        receiver: receiver.server.port
                    )
                    try await withPeriscope(yaml) { gateway in
                        let client = try await HTTPTestClient.connect(port: try await gateway.port())
                        defer { client.close() }
                        let count = 6
                        for index in 0..<count {
                            #expect(try await client.request(.GET, "/h/\(index)").status == 200)
                        }
                        let hedged = slow.requestCount
                        #expect(hedged >= 1)
                        let expectedClients = count + hedged
                        var spans: [DecodedSpan] = []
                        try await waitUntil("\(expectedClients) client spans", timeout: .seconds(15)) {
                            spans = Self.spans(try await receiver.received().traces)
                            return spans.filter { $0.kind == "SPAN_KIND_CLIENT" }.count >= expectedClients
                        }
                        let clients = spans.filter { $0.kind == "SPAN_KIND_CLIENT" }
                        #expect(clients.count == expectedClients)
                        let cancelled = clients.filter { $0.attributes["error.type"] == "cancelled" }
                        #expect(cancelled.count == hedged)
                        #expect(cancelled.allSatisfy { $0.attributes["server.port"] == String(slow.port) })
                        #expect(cancelled.allSatisfy { $0.attributes["http.response.status_code"] == nil })
                        let answered = clients.filter { $0.attributes["http.response.status_code"] == "200" }
                        #expect(answered.count == count)
                        #expect(answered.allSatisfy { $0.attributes["server.port"] == String(fast.port) })
                        // The winning hedge is attempt 2 of its exchange.
                        let hedges = answered.filter { $0.attributes["http.request.resend_count"] == "1" }
                        #expect(hedges.count == hedged)
                        #expect(Set(slow.requests.map(Self.sentSpanID)) == Set(cancelled.map(\.spanID)))
                        #expect(Set(fast.requests.map(Self.sentSpanID)) == Set(answered.map(\.spanID)))
                    }
                }
            }
        }
    }
}
