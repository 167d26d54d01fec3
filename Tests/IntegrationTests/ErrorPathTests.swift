import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

extension EndToEnd {
    /// Upstream failures, timeouts and limits each get their status, and a cut response never looks complete.
    @Suite struct ErrorPaths {
        /// The JSON `error` code of a gateway-made response.
        static func errorCode(_ response: RawResponse) -> String? {
            let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            return object?["error"] as? String
        }

        /// A loopback port with nothing listening on it (bound once, then closed).
        static func closedPort() async throws -> Int {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0).get()
            let port = try #require(channel.localAddress?.port)
            try await channel.close()
            return port
        }

        @Test("upstream port closed → 502 upstream_connect_failed")
        func connectRefused() async throws {
            let port = try await Self.closedPort()
            try await withPeriscope(GatewayYAML.proxyAll(to: port)) { gateway in
                let client = try await RawClient.connect(port: try await gateway.port())
                defer { client.close() }
                try await client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try await client.readResponse()
                #expect(response.status == 502)
                #expect(Self.errorCode(response) == "upstream_connect_failed")
                #expect(response.header("content-type") == "application/json")
            }
        }

        @Test("upstream never answers → 504 after the route timeout; the client connection stays usable")
        func upstreamTimeout() async throws {
            try await withUpstream { upstream in
                upstream.setBehavior { $0.uri == "/hang" ? .neverRespond : .echo }
                let yaml = GatewayYAML.proxyAll(to: upstream.port, route: "timeout: 300ms")
                try await withPeriscope(yaml) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let start = ContinuousClock.now
                    try await client.send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")
                    let response = try await client.readResponse(timeout: .seconds(5))
                    let elapsed = millisecondsSince(start)
                    #expect(response.status == 504)
                    #expect(Self.errorCode(response) == "upstream_timeout")
                    #expect(elapsed >= 280 && elapsed < 2000, "504 after \(elapsed) ms; the route timeout is 300 ms")
                    // The stuck upstream connection is abandoned, not reused.
                    try await waitUntil("the gateway to close the stuck upstream connection", timeout: .seconds(3)) {
                        upstream.openConnections == 0
                    }
                    try await client.send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try await client.readResponse().status == 200)
                }
            }
        }

        @Test("upstream closes mid-body (content-length) → the client's connection closes before the full length")
        func cutSizedResponse() async throws {
            try await withUpstream(.cutBody(contentLength: 100_000, sending: 10_000)) { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("GET /cut HTTP/1.1\r\nHost: x\r\n\r\n")
                    let closed = try await client.readUntilClose(timeout: .seconds(5))
                    #expect(closed, "the gateway kept the client connection open after the upstream cut the body")
                    #expect(client.bufferText.hasPrefix("HTTP/1.1 200"))
                    #expect(client.bufferText.contains("content-length: 100000"))
                    guard case .incomplete = RawResponse.parse(client.buffer[...], atEOF: true) else {
                        Issue.record(
                            "the client received a complete-looking response: \(client.bufferText.prefix(200))")
                        return
                    }
                }
            }
        }

        @Test("upstream closes mid-body (chunked) → no terminating chunk, the client's connection closes")
        func cutChunkedResponse() async throws {
            try await withUpstream(.cutChunked(sending: 5000)) { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("GET /cut HTTP/1.1\r\nHost: x\r\n\r\n")
                    let closed = try await client.readUntilClose(timeout: .seconds(5))
                    #expect(closed, "the gateway kept the client connection open after the upstream cut the body")
                    #expect(client.bufferText.hasPrefix("HTTP/1.1 200"))
                    #expect(!client.bufferText.contains("\r\n0\r\n\r\n"), "the cut body got a terminating chunk")
                    guard case .incomplete = RawResponse.parse(client.buffer[...], atEOF: true) else {
                        Issue.record(
                            "the client received a complete-looking response: \(client.bufferText.prefix(200))")
                        return
                    }
                }
            }
        }

        @Test("upstream closes without a response → 502 upstream_reset")
        func closedWithoutResponse() async throws {
            try await withUpstream(.closeWithoutResponse) { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
                    let response = try await client.readResponse()
                    #expect(response.status == 502)
                    #expect(Self.errorCode(response) == "upstream_reset")
                    #expect(upstream.requestCount == 1)
                }
            }
        }

        @Test("slowloris: a request head still incomplete after timeouts.request_header → 408, then close")
        func slowloris() async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(to: upstream.port, listener: "timeouts:\n  request_header: 300ms")
                try await withPeriscope(yaml) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let start = ContinuousClock.now
                    try await client.send("GET /slow HTTP/1.1\r\n")
                    var sent = 0
                    // One header byte every 40 ms, until the gateway answers or gives up (or 3 s pass).
                    let trickle = Array(
                        "Host: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                            .utf8)
                    while millisecondsSince(start) < 3000 && !client.isClosed {
                        if try await client.read(timeout: .milliseconds(40), until: { $0.count > 0 }) { break }
                        guard sent < trickle.count else { continue }
                        do { try await client.send([trickle[sent]]) } catch { break }
                        sent += 1
                    }
                    let answeredAfter = millisecondsSince(start)
                    let response = try await client.readResponse(timeout: .seconds(2))
                    #expect(response.status == 408)
                    #expect(
                        answeredAfter >= 280 && answeredAfter < 1500,
                        "408 after \(answeredAfter) ms; request_header is 300 ms")
                    #expect(try await client.readUntilClose(timeout: .seconds(2)), "connection not closed after 408")
                    #expect(upstream.requestCount == 0)
                }
            }
        }

        @Test("an idle keep-alive connection is closed after timeouts.idle")
        func idleKeepAlive() async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(to: upstream.port, listener: "timeouts:\n  idle: 500ms")
                try await withPeriscope(yaml) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try await client.readResponse().status == 200)
                    let idleStart = ContinuousClock.now
                    let closed = try await client.readUntilClose(timeout: .seconds(3))
                    let elapsed = millisecondsSince(idleStart)
                    #expect(closed, "idle connection still open after 3 s; timeouts.idle is 500 ms")
                    #expect(elapsed >= 400, "closed after \(elapsed) ms; timeouts.idle is 500 ms")
                    #expect(client.buffer.isEmpty, "bytes arrived on an idle connection: \(client.bufferText)")
                }
            }
        }

        @Test("a connection that keeps sending requests is not closed by timeouts.idle")
        func busyConnectionStaysOpen() async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(to: upstream.port, listener: "timeouts:\n  idle: 400ms")
                try await withPeriscope(yaml) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let start = ContinuousClock.now
                    var count = 0
                    while millisecondsSince(start) < 1200 {
                        #expect(try await client.request(.GET, "/busy").status == 200)
                        count += 1
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(upstream.requestCount == count)
                }
            }
        }

        @Test(
            "request head over limits.max_header_bytes / limits.max_headers → 431, nothing forwarded",
            arguments: [
                ("one large field", "X-Big: \(String(repeating: "a", count: 2000))\r\n"),
                (
                    "many fields, large in total",
                    (0..<9).map { "X-F\($0): \(String(repeating: "b", count: 200))\r\n" }.joined()
                ),
                ("too many fields", (0..<15).map { "X-N\($0): 1\r\n" }.joined()),
            ])
        func headerLimits(kind: String, fields: String) async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(
                    to: upstream.port, listener: "limits:\n  max_header_bytes: 1024\n  max_headers: 10")
                try await withPeriscope(yaml) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("GET /h HTTP/1.1\r\nHost: x\r\n\(fields)\r\n")
                    let response = try await client.readResponse()
                    #expect(response.status == 431, "\(kind)")
                    #expect(try await client.readUntilClose(timeout: .seconds(2)), "connection not closed after 431")
                    #expect(upstream.requestCount == 0)
                    // Just under the limits passes.
                    let ok = try await RawClient.connect(port: try await gateway.port())
                    defer { ok.close() }
                    try await ok.send(
                        "GET /ok HTTP/1.1\r\nHost: x\r\nX-A: \(String(repeating: "c", count: 500))\r\n\r\n")
                    #expect(try await ok.readResponse().status == 200)
                }
            }
        }

        @Test("content-length over max_body_bytes → 413 before the body is sent, nothing forwarded")
        func bodyLimitContentLength() async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(to: upstream.port, listener: "limits:\n  max_body_bytes: 1000")
                try await withPeriscope(yaml) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    // Only the head: the 413 must come without the body being read.
                    try await client.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n")
                    let response = try await client.readResponse(timeout: .seconds(3))
                    #expect(response.status == 413)
                    #expect(Self.errorCode(response) == "payload_too_large")
                    #expect(try await client.readUntilClose(timeout: .seconds(2)), "connection not closed after 413")
                    #expect(upstream.requestCount == 0)
                    // At the limit passes.
                    let ok = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { ok.close() }
                    let passed = try await ok.request(.POST, "/ok", body: .bytes(Array(repeating: 1, count: 1000)))
                    #expect(passed.status == 200)
                    #expect(upstream.requests.last?.bodyBytes == 1000)
                }
            }
        }

        @Test("chunked body over max_body_bytes → 413 mid-stream; the upstream never gets a complete request")
        func bodyLimitChunked() async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(to: upstream.port, listener: "limits:\n  max_body_bytes: 1000")
                // One event loop, so the warm pooled connection is the one the upload uses.
                try await withPeriscope(yaml, environment: ["PERISCOPE_THREADS": "1"]) { gateway in
                    // Warm the pool so the request head goes upstream at once and the body streams after it.
                    let warm = try await HTTPTestClient.connect(port: try await gateway.port())
                    #expect(try await warm.request(.GET, "/warm").status == 200)
                    warm.close()
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    let piece = "1f4\r\n" + String(repeating: "p", count: 500) + "\r\n"
                    var answered = false
                    for _ in 0..<6 {
                        do { try await client.send(piece) } catch { break }
                        if try await client.read(timeout: .milliseconds(30), until: { !$0.isEmpty }) {
                            answered = true
                            break
                        }
                    }
                    if !answered { try? await client.send("0\r\n\r\n") }
                    let response = try await client.readResponse(timeout: .seconds(3))
                    #expect(response.status == 413)
                    #expect(try await client.readUntilClose(timeout: .seconds(2)), "connection not closed after 413")
                    try await waitUntil("the gateway to drop the upstream connection", timeout: .seconds(3)) {
                        upstream.openConnections == 0
                    }
                    let uploads = upstream.requests.filter { $0.uri == "/upload" }
                    #expect(uploads.count <= 1)
                    #expect(uploads.allSatisfy { !$0.complete })
                    #expect(uploads.allSatisfy { $0.bodyBytes <= 1000 })
                }
            }
        }

        @Test("a route's max_body_bytes overrides the listener's")
        func routeBodyLimit() async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(
                    to: upstream.port, listener: "limits:\n  max_body_bytes: 1000", route: "max_body_bytes: 100")
                try await withPeriscope(yaml) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let response = try await client.request(.POST, "/r", body: .bytes(Array(repeating: 2, count: 200)))
                    #expect(response.status == 413)
                    #expect(upstream.requestCount == 0)
                }
            }
        }
    }
}
