import Foundation
import NIOCore
import NIOHTTP1
import Testing

extension EndToEnd {
    /// The access log written by the real binary: one JSON line per request, with the trace and span ids.
    @Suite struct AccessLogEndToEnd {
        @Test("one JSON line per request with route, status, timing and the request's trace_id/span_id")
        func linesCarryTheTrace() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-al-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = directory.appendingPathComponent("access.log").path
            try await withUpstream(.respond(status: 201, body: "made")) { upstream in
                let yaml = GatewayYAML.proxyAll(
                    to: upstream.port,
                    top: "tracing:\n  enabled: true\naccess_log:\n  enabled: true\n  path: \(path)"
                )
                try await withPeriscope(yaml) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                    for index in 0..<3 {
                        let response = try await client.request(
                            .GET,
                            "/orders/\(index)?secret=1",
                            headers: [("traceparent", incoming), ("user-agent", "al-test \"quoted\"")]
                        )
                        #expect(response.status == 201)
                    }
                    var lines: [[String: Any]] = []
                    try await waitUntil("3 access log lines", timeout: .seconds(10), interval: .milliseconds(50)) {
                        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
                        lines = text.split(separator: "\n").compactMap {
                            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
                        }
                        return lines.count >= 3
                    }
                    #expect(lines.count == 3)
                    let line = try #require(lines.first)
                    #expect(line["method"] as? String == "GET")
                    #expect(line["path"] as? String == "/orders/0")
                    #expect(line["status"] as? Int == 201)
                    #expect(line["route"] as? String == "all")
                    #expect(line["cluster"] as? String == "up")
                    #expect(line["endpoint"] as? String == "127.0.0.1:\(upstream.port)")
                    #expect(line["user_agent"] as? String == "al-test \"quoted\"")
                    #expect(line["client"] as? String == "127.0.0.1")
                    #expect(line["bytes_out"] as? Int == 4)
                    #expect((line["duration_ms"] as? Double ?? -1) >= 0)
                    #expect(line["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
                    let spanID = line["span_id"] as? String ?? ""
                    #expect(spanID.count == 16 && spanID != "00f067aa0ba902b7")
                    // The upstream's parent is the CLIENT span, a child of the logged SERVER span: a different id.
                    let sent = upstream.requests.first?.headers.first { $0.name.lowercased() == "traceparent" }?.value
                    #expect(sent?.hasPrefix("00-4bf92f3577b34da6a3ce929d0e0e4736-") == true)
                    #expect(sent?.contains(spanID) == false)
                }
            }
        }
    }
}
