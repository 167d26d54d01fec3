import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Malformed and ambiguous requests (request smuggling vectors) are refused; nothing of them reaches the
    /// upstream, in particular not a second request hidden in the body.
    @Suite struct BadInput {
        /// A request that must be refused, named for the test report.
        struct BadRequest: Sendable, CustomTestStringConvertible {
            var name: String
            var request: String
            var testDescription: String { self.name }
        }

        /// Requests that must be refused. Most carry a smuggled `GET /smuggled` behind their ambiguous framing.
        static let cases: [BadRequest] = [
            BadRequest(
                name: "Content-Length and Transfer-Encoding",
                request: "POST /cl-te HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "Transfer-Encoding and Content-Length",
                request: "POST /te-cl HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "two different Content-Lengths",
                request: "POST /cl-cl HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 37\r\n\r\n"
                    + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "a Content-Length list with different values",
                request: "POST /cl-list HTTP/1.1\r\nHost: x\r\nContent-Length: 0, 37\r\n\r\n"
                    + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "a negative Content-Length",
                request:
                    "POST /cl-neg HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "whitespace before the colon of Content-Length",
                request: "POST /cl-space HTTP/1.1\r\nHost: x\r\nContent-Length : 37\r\n\r\n"
                    + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "an invalid chunk size",
                request: "POST /chunk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "zz\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "a chunk size that overflows",
                request: "POST /chunk-big HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "10000000000000000000005\r\nhello\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "a transfer coding other than chunked last",
                request: "POST /te-gzip HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "an obs-fold header line",
                request: "GET /fold HTTP/1.1\r\nHost: x\r\nX-Folded: first\r\n second\r\n\r\n"
            ),
            BadRequest(
                name: "an obs-fold continuing Transfer-Encoding",
                request:
                    "POST /fold-te HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: identity\r\n chunked\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            ),
            BadRequest(
                name: "a bare LF line ending in the head",
                request: "GET /lf HTTP/1.1\r\nHost: x\nX-Bare: 1\r\n\r\n"
            ),
            BadRequest(
                name: "a NUL byte in a header value",
                request: "GET /nul HTTP/1.1\r\nHost: x\r\nX-Nul: a\u{0}b\r\n\r\n"
            ),
        ]

        @Test("malformed or ambiguous request → 400 and close; the upstream receives no request", arguments: Self.cases)
        func refused(_ bad: BadRequest) async throws {
            let (name, request) = (bad.name, bad.request)
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send(request)
                    let closed = try await client.readUntilClose(timeout: .seconds(3))
                    #expect(closed, "\(name): the connection was not closed")
                    let response = try await client.readResponse(timeout: .seconds(1))
                    // 501 is the gateway's answer to a transfer coding it does not implement.
                    #expect([400, 501].contains(response.status), "\(name): got \(response.status)")
                    #expect(client.buffer.isEmpty, "\(name): more than one response: \(client.bufferText)")
                    // Give a forwarded request time to arrive before asserting that none did.
                    try await Task.sleep(for: .milliseconds(100))
                    #expect(
                        upstream.requestCount == 0,
                        "\(name): the upstream received \(upstream.requests.map { "\($0.method) \($0.uri)" })")
                    #expect(!upstream.requests.contains { $0.uri == "/smuggled" }, "\(name): a request was smuggled")
                }
            }
        }

        @Test("an invalid chunk after a valid one, on a warm upstream connection: 400, the upstream request is cut")
        func invalidChunkMidStream() async throws {
            try await withUpstream { upstream in
                // One event loop, so the pooled connection is used and the head goes upstream at once.
                let yaml = GatewayYAML.proxyAll(to: upstream.port)
                try await withPeriscope(yaml, environment: ["PERISCOPE_THREADS": "1"]) { gateway in
                    let warm = try await HTTPTestClient.connect(port: try await gateway.port())
                    #expect(try await warm.request(.GET, "/warm").status == 200)
                    warm.close()
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send(
                        "POST /stream HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                    try await waitUntil("the first chunk to reach the upstream", timeout: .seconds(3)) {
                        upstream.requests.last?.bodyBytes == 5
                    }
                    try await client.send("zz\r\nworld\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try await client.readUntilClose(timeout: .seconds(3)), "the connection was not closed")
                    let response = try await client.readResponse(timeout: .seconds(1))
                    #expect(response.status == 400)
                    try await waitUntil("the gateway to drop the upstream connection", timeout: .seconds(3)) {
                        upstream.openConnections == 0
                    }
                    let uris = upstream.requests.map(\.uri)
                    #expect(uris == ["/warm", "/stream"])
                    #expect(upstream.requests.last?.complete == false)
                    #expect(upstream.requests.last?.bodyBytes == 5)
                }
            }
        }
    }
}
