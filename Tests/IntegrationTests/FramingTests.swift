import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Message framing through the gateway: chunked and sized bodies, 100-continue, HEAD, 204/304, pipelining.
    @Suite struct Framing {
        @Test("chunked request body (extensions, odd sizes) reaches the upstream intact and chunked")
        func chunkedRequestBody() async throws {
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let pieces = ["Hello, ", "chunked", " world", String(repeating: "z", count: 5000), "!"]
                    var request = "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    for (index, piece) in pieces.enumerated() {
                        let size = String(piece.utf8.count, radix: 16, uppercase: index % 2 == 0)
                        request += index == 1 ? "\(size);name=value\r\n\(piece)\r\n" : "\(size)\r\n\(piece)\r\n"
                    }
                    request += "0\r\n\r\n"
                    try await client.send(request)
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    let received = try #require(upstream.requests.first)
                    #expect(received.complete)
                    #expect(received.body == Array(pieces.joined().utf8))
                    #expect(received.values("transfer-encoding") == ["chunked"])
                    #expect(received.values("content-length").isEmpty)
                }
            }
        }

        @Test("content-length request body reaches the upstream intact, with its content-length")
        func sizedRequestBody() async throws {
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let body = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
                    try await client.send(
                        Array("PUT /sized HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    let received = try #require(upstream.requests.first)
                    #expect(received.complete)
                    #expect(received.body == body)
                    #expect(received.values("content-length") == [String(body.count)])
                    #expect(received.values("transfer-encoding").isEmpty)
                }
            }
        }

        @Test("Expect: 100-continue: the client gets 100 Continue before sending the body; Expect is not forwarded")
        func expectContinue() async throws {
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send(
                        "POST /continue HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n")
                    let interim = try await client.readResponse(timeout: .seconds(5))
                    #expect(interim.status == 100)
                    #expect(interim.version == "HTTP/1.1")
                    #expect(upstream.completeRequestCount == 0)
                    try await client.send("hello world")
                    let final = try await client.readResponse()
                    #expect(final.status == 200)
                    let received = try #require(upstream.requests.first)
                    #expect(received.complete)
                    #expect(received.body == Array("hello world".utf8))
                    #expect(received.values("expect").isEmpty)
                }
            }
        }

        @Test("HEAD: no body, content-length of the GET kept, connection reusable")
        func head() async throws {
            try await withUpstream(.respond(status: 200, headers: [("content-length", "1234")])) { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("HEAD /thing HTTP/1.1\r\nHost: x\r\n\r\n")
                    let response = try await client.readResponse(requestWasHead: true)
                    #expect(response.status == 200)
                    #expect(response.header("content-length") == "1234")
                    #expect(response.header("transfer-encoding") == nil)
                    // Any body bytes after the HEAD response would corrupt the next response.
                    upstream.setBehavior(.respond(status: 200, body: "next"))
                    try await client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
                    let next = try await client.readResponse()
                    #expect(next.status == 200)
                    #expect(next.bodyText == "next")
                    #expect(upstream.requests.map(\.method) == ["HEAD", "GET"])
                }
            }
        }

        @Test("HEAD answered with a chunked head (no body) by the upstream: the client gets no body bytes")
        func headWithChunkedUpstream() async throws {
            try await withUpstream { upstream in
                upstream.setBehavior { request in
                    request.method == "HEAD"
                        // Written raw: the upstream's own encoder would not frame a HEAD response as chunked.
                        // It closes afterwards, because its encoder still counts the HEAD as unanswered.
                        ? .raw(
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\nX-Head: 1\r\n\r\n",
                            thenClose: true)
                        : .respond(status: 200, body: "next")
                }
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("HEAD /thing HTTP/1.1\r\nHost: x\r\n\r\n")
                    let response = try await client.readResponse(requestWasHead: true)
                    #expect(response.status == 200)
                    #expect(response.header("x-head") == "1")
                    try await client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
                    let next = try await client.readResponse()
                    #expect(next.status == 200)
                    #expect(next.bodyText == "next")
                }
            }
        }

        @Test("204 and 304 are passed on without a body; the connection stays usable", arguments: [204, 304])
        func noBodyStatuses(status: Int) async throws {
            try await withUpstream { upstream in
                upstream.setBehavior { request in
                    request.uri == "/empty" ? .respond(status: status, headers: [("etag", "\"v1\"")]) : .echo
                }
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n")
                    let response = try await client.readResponse()
                    #expect(response.status == status)
                    #expect(response.header("etag") == "\"v1\"")
                    #expect(response.header("transfer-encoding") == nil)
                    #expect(response.body.isEmpty)
                    try await client.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n")
                    let next = try await client.readResponse()
                    #expect(next.status == 200)
                    let echo = try JSONDecoder().decode(EchoReply.self, from: Data(next.body))
                    #expect(echo.uri == "/after")
                }
            }
        }

        @Test("pipelined requests on one connection are answered in order")
        func pipelining() async throws {
            try await withUpstream { upstream in
                // The first is the slowest, so answering out of order would show.
                upstream.setBehavior { request in
                    request.uri == "/p1" ? .delay(.milliseconds(150), then: .echo) : .echo
                }
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let uris = ["/p1", "/p2", "/p3", "/p4"]
                    try await client.send(uris.map { "GET \($0) HTTP/1.1\r\nHost: x\r\n\r\n" }.joined())
                    var answered: [String] = []
                    for _ in uris {
                        let response = try await client.readResponse(timeout: .seconds(5))
                        #expect(response.status == 200)
                        answered.append(try JSONDecoder().decode(EchoReply.self, from: Data(response.body)).uri)
                    }
                    #expect(answered == uris)
                }
            }
        }

        @Test("pipelined requests with bodies (content-length and chunked) are forwarded whole and answered in order")
        func pipeliningWithBodies() async throws {
            try await withUpstream { upstream in
                upstream.setBehavior { request in
                    request.uri == "/p1" ? .delay(.milliseconds(150), then: .echo) : .echo
                }
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send(
                        "GET /p1 HTTP/1.1\r\nHost: x\r\n\r\n"
                            + "POST /p2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                            + "POST /p3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n"
                            + "GET /p4 HTTP/1.1\r\nHost: x\r\n\r\n")
                    var answered: [String] = []
                    for _ in 0..<4 {
                        guard let response = try? await client.readResponse(timeout: .seconds(3)) else { break }
                        #expect(response.status == 200)
                        answered.append(try JSONDecoder().decode(EchoReply.self, from: Data(response.body)).uri)
                    }
                    #expect(answered == ["/p1", "/p2", "/p3", "/p4"])
                    let received = upstream.requests
                    #expect(received.map(\.uri) == ["/p1", "/p2", "/p3", "/p4"])
                    #expect(received.map(\.complete) == [true, true, true, true])
                    #expect(received.dropFirst().first?.body == Array("abc".utf8))
                }
            }
        }

        @Test(
            "HTTP/1.0 and Connection: close requests: answered with connection: close, then the connection closes",
            arguments: [
                "GET /old HTTP/1.0\r\nHost: x\r\n\r\n",
                "GET /close HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            ])
        func closeRequested(request: String) async throws {
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send(request)
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.version == (request.contains("HTTP/1.0") ? "HTTP/1.0" : "HTTP/1.1"))
                    #expect(response.connectionHas("close"))
                    #expect(try await client.readUntilClose(timeout: .seconds(2)), "connection left open")
                    // The upstream hop is HTTP/1.1 keep-alive whatever the client spoke.
                    #expect(upstream.requests.first?.values("connection").isEmpty == true)
                }
            }
        }
    }
}
