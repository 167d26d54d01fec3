import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// A 1 GiB body each way streams through the gateway with backpressure instead of being buffered.
    @Suite struct Streaming {
        static let gibibyte: Int64 = 1 << 30
        /// Largest growth of the gateway's memory for one 1 GiB transfer: its peak RSS (`VmHWM`) afterwards minus
        /// its RSS before.
        static let rssBudget = 64 << 20

        @Test("1 GiB request body reaches the upstream whole, RSS growth < 64 MiB", arguments: [false, true])
        func upload(chunked: Bool) async throws {
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    // Warm up the pools and allocator first, so the baseline is a running gateway.
                    #expect(try await client.request(.GET, "/warm").status == 200)
                    let before = try gateway.memory()
                    let response = try await client.request(
                        .POST, "/upload", body: .generated(count: Self.gibibyte, chunked: chunked),
                        timeout: .seconds(180))
                    let after = try gateway.memory()

                    #expect(response.status == 200)
                    let echo = try JSONDecoder().decode(EchoReply.self, from: Data(response.body))
                    #expect(echo.bodyBytes == Self.gibibyte)
                    let received = try #require(upstream.requests.last)
                    #expect(received.uri == "/upload")
                    #expect(received.bodyBytes == Self.gibibyte)
                    #expect(received.complete)
                    if chunked {
                        #expect(received.values("transfer-encoding") == ["chunked"])
                        #expect(received.values("content-length").isEmpty)
                    } else {
                        #expect(received.values("content-length") == [String(Self.gibibyte)])
                    }
                    #expect(
                        after.peak - before.rss < Self.rssBudget,
                        "RSS grew by \((after.peak - before.rss) >> 20) MiB (before \(before.rss >> 20) MiB)")
                }
            }
        }

        @Test("1 GiB response body reaches the client whole, RSS growth < 64 MiB", arguments: [false, true])
        func download(chunked: Bool) async throws {
            try await withUpstream(.download(count: Self.gibibyte, chunked: chunked)) { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    upstream.setBehavior { request in
                        request.uri == "/warm" ? .echo : .download(count: Self.gibibyte, chunked: chunked)
                    }
                    #expect(try await client.request(.GET, "/warm").status == 200)
                    let before = try gateway.memory()
                    let response = try await client.request(.GET, "/download", timeout: .seconds(180))
                    let after = try gateway.memory()

                    #expect(response.status == 200)
                    #expect(response.bodyBytes == Self.gibibyte)
                    if chunked {
                        #expect(response.header("transfer-encoding") == "chunked")
                    } else {
                        #expect(response.header("content-length") == String(Self.gibibyte))
                    }
                    #expect(upstream.requestCount == 2)
                    #expect(
                        after.peak - before.rss < Self.rssBudget,
                        "RSS grew by \((after.peak - before.rss) >> 20) MiB (before \(before.rss >> 20) MiB)")
                }
            }
        }

        @Test("a slowly produced response reaches the client piece by piece, not after the upstream finished")
        func slowResponseStreams() async throws {
            try await withUpstream(.slowBody(chunkSize: 100, count: 5, interval: .milliseconds(200))) { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await RawClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let start = ContinuousClock.now
                    try await client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
                    // The head and the first 100 bytes come after ~200 ms; the whole body only after ~1 s.
                    let firstPiece = try await client.read(timeout: .seconds(3)) { bytes in
                        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return false }
                        return bytes.count - end.upperBound >= 100
                    }
                    let firstAfter = millisecondsSince(start)
                    #expect(firstPiece)
                    #expect(
                        firstAfter < 700, "the first 100 bytes took \(firstAfter) ms; the upstream sent them at 200 ms")
                    let response = try await client.readResponse(timeout: .seconds(5))
                    #expect(response.status == 200)
                    #expect(response.body.count == 500)
                    #expect(millisecondsSince(start) >= 900)
                }
            }
        }
    }
}
