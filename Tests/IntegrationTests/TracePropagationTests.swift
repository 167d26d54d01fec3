import Foundation
import NIOCore
import NIOHTTP1
import Testing

extension EndToEnd {
    /// The gateway's spans in the request path: W3C trace context continued or started, the upstream gets a
    /// `traceparent` whose parent is the gateway's CLIENT span, malformed headers never break a request, and
    /// every finished request records its spans.
    @Suite struct TracePropagation {
        static func yaml(_ upstream: Int) -> String {
            GatewayYAML.proxyAll(to: upstream, top: "tracing:\n  enabled: true\n  ratio: 1")
        }

        /// `version-traceid-parentid-flags` of a valid traceparent, or nil.
        static func parse(_ value: String?) -> (trace: String, parent: String, flags: String)? {
            guard let value else { return nil }
            let parts = value.split(separator: "-").map(String.init)
            guard parts.count == 4, parts[0] == "00", parts[1].count == 32, parts[2].count == 16, parts[3].count == 2,
                (parts[1] + parts[2] + parts[3]).allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
                parts[1] != String(repeating: "0", count: 32), parts[2] != String(repeating: "0", count: 16)
            else { return nil }
            return (parts[1], parts[2], parts[3])
        }

        static func header(_ request: ReceivedRequest, _ name: String) -> [String] {
            request.headers.filter { $0.name.lowercased() == name }.map(\.value)
        }

        @Test("an incoming traceparent's trace id is kept; the upstream's parent is a new span; tracestate passes")
        func continuesIncomingTrace() async throws {
            try await withUpstream(.respond(status: 200)) { upstream in
                try await withPeriscope(Self.yaml(upstream.port)) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                    let response = try await client.request(
                        .GET,
                        "/a?x=1",
                        headers: [("traceparent", incoming), ("tracestate", "vendor=abc,other=1")]
                    )
                    #expect(response.status == 200)
                    let received = try #require(upstream.requests.last)
                    let sent = Self.header(received, "traceparent")
                    #expect(sent.count == 1)
                    let parsed = try #require(Self.parse(sent.first), "upstream got \(sent)")
                    #expect(parsed.trace == "4bf92f3577b34da6a3ce929d0e0e4736")
                    #expect(parsed.parent != "00f067aa0ba902b7")
                    #expect(parsed.flags == "01")
                    #expect(Self.header(received, "tracestate") == ["vendor=abc,other=1"])

                    // The sampled request is an exemplar on the duration histograms (OpenMetrics only).
                    let scrape = try await gateway.scrape(headers: [("accept", "application/openmetrics-text")])
                    let lines = scrape.bodyText.split(separator: "\n")
                    let request = lines.filter {
                        $0.hasPrefix("periscope_http_request_duration_seconds_bucket")
                            && $0.contains("# {trace_id=\"4bf92f3577b34da6a3ce929d0e0e4736\",span_id=\"")
                    }
                    #expect(request.count == 1, "no exemplar line in \(lines.filter { $0.contains("# {") })")
                    let upstreamExemplar = lines.contains {
                        $0.hasPrefix("periscope_upstream_request_duration_seconds_bucket")
                            && $0.contains("span_id=\"\(parsed.parent)\"")
                    }
                    #expect(upstreamExemplar, "the upstream histogram's exemplar is the CLIENT span")
                    let text = try await gateway.scrapeText().text
                    #expect(!text.contains("# {trace_id="), "text 0.0.4 has no exemplars")
                }
            }
        }

        @Test("without trace context the gateway starts a trace; each request gets its own")
        func startsNewTraces() async throws {
            try await withUpstream(.respond(status: 200)) { upstream in
                try await withPeriscope(Self.yaml(upstream.port)) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    for _ in 0..<3 { #expect(try await client.request(.GET, "/b").status == 200) }
                    let traces = upstream.requests.compactMap { Self.parse(Self.header($0, "traceparent").first) }
                    #expect(traces.count == 3)
                    #expect(Set(traces.map(\.trace)).count == 3)
                    #expect(traces.allSatisfy { $0.flags == "03" })  // sampled (ratio 1) and random trace id
                    let spans = try await gateway.scrapeText().exposition.sum("periscope_spans_recorded_total", by: [])
                    #expect(spans[""] == 6)  // a SERVER and a CLIENT span per request
                }
            }
        }

        @Test(
            "malformed traceparent/tracestate never break a request: a new trace starts, tracestate is dropped",
            arguments: [
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
                "garbage",
                "",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-will-be-like",
            ]
        )
        func malformedHeaders(traceparent: String) async throws {
            try await withUpstream(.respond(status: 200)) { upstream in
                try await withPeriscope(Self.yaml(upstream.port)) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let response = try await client.request(
                        .GET,
                        "/c",
                        headers: [("traceparent", traceparent), ("tracestate", "k=v")]
                    )
                    #expect(response.status == 200)
                    let received = try #require(upstream.requests.last)
                    let sent = Self.parse(Self.header(received, "traceparent").first)
                    #expect(sent != nil, "upstream got \(Self.header(received, "traceparent"))")
                    #expect(sent?.trace != "4bf92f3577b34da6a3ce929d0e0e4736")
                    #expect(Self.header(received, "tracestate").isEmpty)
                }
            }
        }
    }
}
