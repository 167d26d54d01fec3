import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Upstream connections are pooled and reused across requests.
    @Suite struct KeepAlive {
        @Test("1000 sequential requests on one client connection use exactly one upstream connection")
        func oneUpstreamConnection() async throws {
            try await withUpstream { upstream in
                try await withPeriscope(GatewayYAML.proxyAll(to: upstream.port)) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    let count = 1000
                    var failures = 0
                    for index in 0..<count {
                        let response = try await client.request(.GET, "/ka/\(index)")
                        if response.status != 200 || response.closesConnection { failures += 1 }
                    }
                    #expect(failures == 0)
                    #expect(upstream.requestCount == count)
                    #expect(upstream.completeRequestCount == count)
                    #expect(upstream.acceptedConnections == 1)
                    #expect(Set(upstream.requests.map(\.connection)) == [1])
                    #expect(upstream.requests.map(\.uri) == (0..<count).map { "/ka/\($0)" })
                }
            }
        }
    }
}
