import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Retries against real upstreams that reset, fail, hang or are all down, each checked through what the
    /// upstreams saw and through /metrics.
    @Suite(.timeLimit(.minutes(2))) struct Retries {
        /// A listener whose route `all` (with `retry`, unindented YAML) sends to cluster `pair` (`cluster` settings).
        static func yaml(retry: String, cluster: String = "", ports: [Int]) -> String {
            GatewayYAML.proxyAll(
                toEndpoints: ports.map { "127.0.0.1:\($0)" },
                clusterName: "pair",
                route: "timeout: 10s\n" + retry,
                cluster: cluster
            )
        }

        static func sum(_ gateway: PeriscopeProcess, _ name: String, by labels: [String]) async throws
            -> [String: Double]
        {
            try await gateway.scrapeText().exposition.sum(name, by: labels)
        }

        @Test(
            "an endpoint that drops requests: GETs and PUTs (with their bodies) are retried and succeed; POSTs get 502")
        func resetRetriesIdempotentOnly() async throws {
            try await withUpstream(name: "good") { good in
                try await withUpstream(name: "dead", .closeWithoutResponse) { dead in
                    let retry = "retry: { retry_on: [reset, connect_failure], attempts: 2 }"
                    try await withPeriscope(Self.yaml(retry: retry, ports: [good.port, dead.port])) { gateway in
                        let port = try await gateway.port()
                        for index in 0..<10 {
                            let client = try await HTTPTestClient.connect(port: port)
                            defer { client.close() }
                            #expect(try await client.request(.GET, "/get/\(index)").status == 200, "GET \(index)")
                        }
                        var postStatuses: [Int] = []
                        for index in 0..<6 {
                            let client = try await HTTPTestClient.connect(port: port)
                            defer { client.close() }
                            postStatuses.append(
                                try await client.request(.POST, "/post/\(index)", body: .text("payload")).status)
                        }
                        // PUT is idempotent: a dropped one is replayed with its body.
                        for index in 0..<6 {
                            let client = try await HTTPTestClient.connect(port: port)
                            defer { client.close() }
                            let status = try await client.request(.PUT, "/put/\(index)", body: .text("body-\(index)"))
                                .status
                            #expect(status == 200, "PUT \(index)")
                        }
                        let puts = good.requests.filter { $0.uri.hasPrefix("/put/") }
                        #expect(puts.count == 6)
                        #expect(
                            puts.allSatisfy {
                                String(decoding: $0.body, as: UTF8.self) == "body-" + $0.uri.dropFirst(5)
                            })
                        let deadPuts = dead.requests.filter { $0.uri.hasPrefix("/put/") }.count
                        let deadGets = dead.requests.filter { $0.uri.hasPrefix("/get/") }.count
                        let deadPosts = dead.requests.filter { $0.uri.hasPrefix("/post/") }.count
                        // Round robin (the retry's pick takes a turn too) sends first attempts to both.
                        #expect(deadGets >= 1 && deadPosts >= 1, "dead saw \(deadGets) GETs, \(deadPosts) POSTs")
                        // Every GET the dead endpoint dropped reached the good one; POSTs were not sent again.
                        #expect(good.requests.filter { $0.uri.hasPrefix("/get/") }.count == 10)
                        #expect(good.requests.filter { $0.uri.hasPrefix("/post/") }.count == 6 - deadPosts)
                        #expect(postStatuses.filter { $0 == 502 }.count == deadPosts)
                        #expect(postStatuses.filter { $0 == 200 }.count == 6 - deadPosts)
                        let retries = try await Self.sum(gateway, "periscope_upstream_retries_total", by: ["reason"])
                        #expect(retries["reset"] == Double(deadGets + deadPuts))
                        let retried = try await Self.sum(
                            gateway, "periscope_upstream_retried_requests_total", by: ["outcome"])
                        #expect(retried == ["success": Double(deadGets + deadPuts), "failure": 0])
                    }
                }
            }
        }

        @Test("a 503 is retried on the other endpoint; a hung attempt is abandoned after per_try_timeout")
        func statusAndPerTryTimeout() async throws {
            try await withUpstream(name: "fine") { fine in
                try await withUpstream(name: "flaky", .respond(status: 503, body: "busy")) { flaky in
                    let retry = """
                        retry:
                          retry_on: [gateway_error, per_try_timeout]
                          attempts: 1
                          per_try_timeout: 300ms
                        """
                    try await withPeriscope(Self.yaml(retry: retry, ports: [fine.port, flaky.port])) { gateway in
                        let client = try await HTTPTestClient.connect(port: try await gateway.port())
                        defer { client.close() }
                        for index in 0..<6 {
                            #expect(try await client.request(.GET, "/s/\(index)").status == 200)
                        }
                        #expect(fine.requests.filter { $0.uri.hasPrefix("/s/") }.count == 6)
                        let refused = flaky.requestCount
                        #expect(refused >= 1)
                        // Now the flaky endpoint hangs instead: its attempts are cut at 300 ms and sent to the other.
                        flaky.setBehavior(.neverRespond)
                        for index in 0..<4 {
                            let response = try await client.request(.GET, "/t/\(index)")
                            #expect(response.status == 200)
                        }
                        let hung = flaky.requests.filter { $0.uri.hasPrefix("/t/") }.count
                        #expect(hung >= 1)
                        #expect(fine.requests.filter { $0.uri.hasPrefix("/t/") }.count == 4)
                        let retries = try await Self.sum(gateway, "periscope_upstream_retries_total", by: ["reason"])
                        #expect(retries["gateway_error"] == Double(refused))
                        #expect(retries["per_try_timeout"] == Double(hung))
                        let upstream = try await Self.sum(gateway, "periscope_upstream_requests_total", by: ["code"])
                        #expect(upstream["503"] == Double(refused))
                    }
                }
            }
        }

        @Test("under a full outage the retry budget caps retries: 20 concurrent requests, budget of 1 retry in flight")
        func budgetCapsRetriesInAnOutage() async throws {
            let down = UpstreamBehavior.delay(.milliseconds(300), then: .respond(status: 503, body: "down"))
            try await withUpstream(name: "a", down) { a in
                try await withUpstream(name: "b", down) { b in
                    let retry = "retry: { retry_on: [gateway_error], attempts: 5, backoff: { base: 1ms, max: 2ms } }"
                    let cluster = "circuit_breaker: { retry_budget: { percent: 0%, min_concurrency: 1 } }"
                    try await withPeriscope(Self.yaml(retry: retry, cluster: cluster, ports: [a.port, b.port])) {
                        gateway in
                        let port = try await gateway.port()
                        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                            for index in 0..<20 {
                                group.addTask {
                                    let client = try await HTTPTestClient.connect(port: port)
                                    defer { client.close() }
                                    return try await client.request(.GET, "/o/\(index)").status
                                }
                            }
                            var all: [Int] = []
                            for try await status in group { all.append(status) }
                            return all
                        }
                        #expect(statuses.allSatisfy { $0 == 503 })
                        let seen = a.requestCount + b.requestCount
                        let retries = try await Self.sum(gateway, "periscope_upstream_retries_total", by: [])[""] ?? 0
                        let exhausted =
                            try await Self.sum(gateway, "periscope_upstream_retry_budget_exhausted_total", by: [])[""]
                            ?? 0
                        // Without a budget: 20 × 6 attempts. With one retry in flight at a time: the 20 first
                        // attempts and the retries of whichever request holds the slot.
                        #expect(Double(seen) == 20 + retries, "upstreams saw \(seen), retries \(retries)")
                        #expect(retries >= 1 && retries <= 10, "retries \(retries)")
                        #expect(exhausted >= 10, "budget exhausted \(exhausted) times")
                    }
                }
            }
        }
    }
}

extension EndToEnd.Retries {
    @Test("hedging: a request stuck on the slow endpoint is answered by the other; the slow attempt is cancelled")
    func hedgingCutsTheTail() async throws {
        try await withUpstream(name: "fast") { fast in
            try await withUpstream(name: "slow", .delay(.milliseconds(800), then: .echo)) { slow in
                let hedge = "hedge: { delay: 50ms }"
                try await withPeriscope(Self.yaml(retry: hedge, ports: [fast.port, slow.port])) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    var slowest = Duration.zero
                    for index in 0..<10 {
                        let start = ContinuousClock.now
                        let response = try await client.request(.GET, "/h/\(index)")
                        slowest = max(slowest, ContinuousClock.now - start)
                        #expect(response.status == 200)
                        let reply = try JSONDecoder().decode(EchoReply.self, from: Data(response.body))
                        #expect(reply.upstream == "fast", "request \(index) answered by \(reply.upstream)")
                    }
                    // Without hedging, every request that went to the slow endpoint would take 800 ms.
                    #expect(slowest < .milliseconds(800), "slowest request took \(slowest)")
                    let hedges = try await Self.sum(gateway, "periscope_upstream_hedges_total", by: ["outcome"])
                    let sent = hedges["sent"] ?? 0
                    #expect(sent >= 1)
                    #expect(hedges["hedge_won"] == sent)
                    #expect(Double(slow.requestCount) == sent)
                    // The slow attempts were cancelled: the gateway closed their connections.
                    try await waitUntil("the slow attempts' connections to close", timeout: .seconds(5)) {
                        slow.openConnections == 0
                    }
                }
            }
        }
    }
}
