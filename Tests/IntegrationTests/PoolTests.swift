import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Upstream pools and balancing as the upstreams see them.
    @Suite struct Pools {
        @Test("pool.max_requests_per_connection retires an upstream connection after that many requests")
        func maxRequestsPerConnection() async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(to: upstream.port, cluster: "pool:\n  max_requests_per_connection: 10")
                try await withPeriscope(yaml) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    for index in 0..<25 {
                        #expect(try await client.request(.GET, "/r/\(index)").status == 200)
                    }
                    #expect(upstream.acceptedConnections == 3)
                    let perConnection = Dictionary(grouping: upstream.requests, by: \.connection).mapValues(\.count)
                    #expect(perConnection == [1: 10, 2: 10, 3: 5])
                }
            }
        }

        @Test("a pooled connection the upstream closed as it was reused: a bodiless GET is replayed, a POST is not")
        func staleKeepAliveReplay() async throws {
            // GET: replayed on a fresh connection, the client sees 200.
            try await self.withStaleSecondRequest(.GET) { status, upstream in
                #expect(status == 200)
                #expect(upstream.acceptedConnections == 2)
                #expect(upstream.requests.map(\.uri) == ["/first", "/second", "/second"])
                #expect(upstream.requests.map(\.connection) == [1, 1, 2])
            }
            // POST: not replayed (it may have had an effect), the client sees 502.
            try await self.withStaleSecondRequest(.POST) { status, upstream in
                #expect(status == 502)
                #expect(upstream.requests.map(\.uri) == ["/first", "/second"])
            }
        }

        /// Sends `GET /first`, then `method /second` on the same client connection, where the upstream closes
        /// its first connection without answering `/second` — what a client sees when the upstream's keep-alive
        /// timeout fires just as the pooled connection is reused. `check` gets the second response's status.
        private func withStaleSecondRequest(
            _ method: HTTPMethod,
            check: (Int, TestUpstream) -> Void
        ) async throws {
            try await withUpstream { upstream in
                upstream.setBehavior { request in
                    request.connection == 1 && request.uri.hasPrefix("/second") ? .closeWithoutResponse : .echo
                }
                let yaml = GatewayYAML.proxyAll(to: upstream.port)
                try await withPeriscope(yaml, environment: ["PERISCOPE_THREADS": "1"]) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    #expect(try await client.request(.GET, "/first").status == 200)
                    let second = try await client.request(method, "/second")
                    check(Int(second.status), upstream)
                }
            }
        }

        @Test("round robin spreads requests evenly over a cluster's endpoints")
        func roundRobin() async throws {
            try await withUpstream(name: "a") { first in
                try await withUpstream(name: "b") { second in
                    let yaml = """
                        listeners:
                          - name: public
                            address: 127.0.0.1:0
                            routes:
                              - name: all
                                match: { prefix: / }
                                cluster: pair
                        clusters:
                          - name: pair
                            endpoints: [127.0.0.1:\(first.port), 127.0.0.1:\(second.port)]

                        """
                    // One event loop: one balancer sees every request.
                    try await withPeriscope(yaml, environment: ["PERISCOPE_THREADS": "1"]) { gateway in
                        let client = try await HTTPTestClient.connect(port: try await gateway.port())
                        defer { client.close() }
                        var answeredBy: [String] = []
                        for _ in 0..<10 {
                            let response = try await client.request(.GET, "/rr")
                            answeredBy.append(
                                try JSONDecoder().decode(EchoReply.self, from: Data(response.body)).upstream)
                        }
                        #expect(first.requestCount == 5)
                        #expect(second.requestCount == 5)
                        #expect(zip(answeredBy, answeredBy.dropFirst()).allSatisfy { $0 != $1 }, "\(answeredBy)")
                    }
                }
            }
        }
    }
}
