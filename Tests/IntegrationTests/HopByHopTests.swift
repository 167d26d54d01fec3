import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Hop-by-hop headers stay on their hop; every other header goes through in order, with duplicates.
    @Suite struct HopByHop {
        @Test("request: hop-by-hop and Connection-listed fields dropped, others kept in order, X-Forwarded-* set")
        func requestHeaders() async throws {
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send(
                        "GET /hop?x=1 HTTP/1.1\r\n"
                            + "Host: app.example.test\r\n"
                            + "Connection: keep-alive, X-Custom-Hop\r\n"
                            + "X-Custom-Hop: 1\r\n"
                            + "Keep-Alive: timeout=5\r\n"
                            + "Connection: X-Other-Hop\r\n"
                            + "X-Other-Hop: 2\r\n"
                            + "X-Dup: a\r\n"
                            + "TE: trailers\r\n"
                            + "Trailer: x\r\n"
                            + "Upgrade: foo\r\n"
                            + "Proxy-Authorization: Basic eDp5\r\n"
                            + "Proxy-Connection: keep-alive\r\n"
                            + "X-Forwarded-For: 203.0.113.7\r\n"
                            + "X-Forwarded-Proto: https\r\n"
                            + "Accept: */*\r\n"
                            + "X-Dup: b\r\n"
                            + "User-Agent: periscope-tests\r\n"
                            + "X-Dup: c\r\n"
                            + "\r\n")
                    let response = try await client.readResponse()
                    #expect(response.status == 200)

                    let received = try #require(upstream.requests.first)
                    #expect(upstream.requestCount == 1)
                    let names = received.headers.map { $0.name.lowercased() }
                    for hop in [
                        "connection", "x-custom-hop", "x-other-hop", "keep-alive", "te", "trailer", "upgrade",
                        "proxy-authorization",
                        "proxy-connection", "transfer-encoding",
                    ] {
                        #expect(!names.contains(hop), "\(hop) reached the upstream")
                    }
                    // End-to-end fields in their original order, duplicates kept, then the forwarding fields.
                    let endToEnd = received.headers.filter { !$0.name.lowercased().hasPrefix("x-forwarded-") }
                    #expect(
                        endToEnd.map { "\($0.name): \($0.value)" } == [
                            "Host: app.example.test", "X-Dup: a", "Accept: */*", "X-Dup: b",
                            "User-Agent: periscope-tests", "X-Dup: c",
                        ])
                    #expect(received.values("x-forwarded-for") == ["203.0.113.7, 127.0.0.1"])
                    #expect(received.values("x-forwarded-proto") == ["http"])
                    #expect(received.values("x-forwarded-host") == ["app.example.test"])
                    #expect(received.uri == "/hop?x=1")
                }
            }
        }

        @Test("request without X-Forwarded-For gets one with the client address")
        func forwardedForIsAdded() async throws {
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    _ = try await client.request(.GET, "/", headers: [("Host", "h.test:8080")])
                    let received = try #require(upstream.requests.first)
                    #expect(received.values("x-forwarded-for") == ["127.0.0.1"])
                    #expect(received.values("x-forwarded-proto") == ["http"])
                    #expect(received.values("x-forwarded-host") == ["h.test:8080"])
                }
            }
        }

        @Test("response: hop-by-hop and Connection-listed fields from the upstream are dropped, others kept in order")
        func responseHeaders() async throws {
            let upstreamHeaders: [(String, String)] = [
                ("Connection", "X-Resp-Hop"),
                ("X-Resp-Hop", "secret"),
                ("Keep-Alive", "timeout=99"),
                ("X-Keep", "1"),
                ("Proxy-Authenticate", "Basic"),
                ("Trailer", "x-checksum"),
                ("Set-Cookie", "a=1"),
                ("Upgrade", "foo"),
                ("Set-Cookie", "b=2"),
                ("Content-Type", "text/plain"),
            ]
            try await withUpstream(.respond(status: 200, headers: upstreamHeaders, body: "hello")) { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send("GET /r HTTP/1.1\r\nHost: x\r\n\r\n")
                    let response = try await client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.bodyText == "hello")
                    let names = response.headers.map { $0.name.lowercased() }
                    for hop in ["connection", "x-resp-hop", "keep-alive", "proxy-authenticate", "trailer", "upgrade"] {
                        #expect(!names.contains(hop), "\(hop) reached the client")
                    }
                    let kept = response.headers.filter {
                        ["x-keep", "set-cookie", "content-type"].contains($0.name.lowercased())
                    }
                    #expect(
                        kept.map { "\($0.name): \($0.value)" } == [
                            "X-Keep: 1", "Set-Cookie: a=1", "Set-Cookie: b=2", "Content-Type: text/plain",
                        ])
                    #expect(response.header("content-length") == "5")
                    // The connection stays usable.
                    try await client.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try await client.readResponse().status == 200)
                }
            }
        }
    }
}
