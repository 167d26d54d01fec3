import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Circuit breaking and deadline propagation against a real upstream.
    @Suite(.timeLimit(.minutes(2))) struct CircuitBreaking {
        @Test("the failure-rate breaker opens at the threshold, rejects for open_duration, half-opens and closes")
        func failureRateBreaker() async throws {
            try await withUpstream(.respond(status: 500, body: "broken")) { upstream in
                let settings = """
                    circuit_breaker:
                      failure_rate:
                        threshold: 50%
                        min_requests: 4
                        window: 10s
                        open_duration: 1s
                        half_open_requests: 2
                    """
                try await withPeriscope(EndToEnd.HealthChecking.yaml(settings: settings, ports: [upstream.port])) {
                    gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    for index in 0..<4 { #expect(try await client.request(.GET, "/fail/\(index)").status == 500) }
                    let opened = ContinuousClock.now
                    let rejected = try await client.request(.GET, "/while-open")
                    #expect(rejected.status == 503)
                    #expect(rejected.header("x-periscope-rejected") == "circuit_open")
                    #expect(upstream.requestCount == 4, "a request reached the upstream while the breaker was open")

                    upstream.setBehavior(.respond(status: 200, body: "ok"))
                    var firstThrough: ContinuousClock.Instant?
                    try await waitUntil("the breaker to half-open", timeout: .seconds(5), interval: .milliseconds(50)) {
                        let response = try await client.request(.GET, "/probe")
                        if response.status == 200 { firstThrough = .now }
                        return response.status == 200
                    }
                    let openFor = try #require(firstThrough) - opened
                    #expect(openFor >= .seconds(1), "let a request through after \(openFor), before open_duration")
                    // The second probe closes it; traffic flows again.
                    for index in 0..<5 { #expect(try await client.request(.GET, "/ok/\(index)").status == 200) }

                    let exposition = try await gateway.scrapeText().exposition
                    let transitions = exposition.sum("periscope_upstream_breaker_transitions_total", by: ["to"])
                    #expect(transitions == ["open": 1, "half_open": 1, "closed": 1])
                    let rejections = exposition.sum("periscope_upstream_rejections_total", by: ["reason"])
                    #expect((rejections["circuit_open"] ?? 0) >= 1)
                    #expect(rejections["max_requests"] == 0)
                    #expect(exposition.sum("periscope_upstream_breakers_open", by: []) == ["": 0])
                }
            }
        }

        @Test("max_requests: of 6 concurrent requests with a cap of 2, exactly 4 get 503 max_requests")
        func maxRequestsRejectsTheExcess() async throws {
            try await withUpstream(.delay(.seconds(1), then: .echo)) { upstream in
                let settings = "circuit_breaker: {max_requests: 2}"
                try await withPeriscope(
                    EndToEnd.HealthChecking.yaml(settings: settings, ports: [upstream.port]),
                    environment: ["PERISCOPE_THREADS": "2"]
                ) { gateway in
                    let port = try await gateway.port()
                    // Two slow requests take both slots...
                    let slow = try await withThrowingTaskGroup(of: Int.self) { group in
                        for index in 0..<2 {
                            group.addTask {
                                let client = try await HTTPTestClient.connect(port: port)
                                defer { client.close() }
                                return try await client.request(.GET, "/slow/\(index)").status
                            }
                        }
                        try await waitUntil("both slow requests at the upstream", timeout: .seconds(5)) {
                            upstream.requestCount == 2
                        }
                        // ...so four more, on other connections (and loops), are refused at once.
                        var refused = 0
                        for index in 0..<4 {
                            let client = try await HTTPTestClient.connect(port: port)
                            defer { client.close() }
                            let response = try await client.request(.GET, "/extra/\(index)")
                            if response.status == 503 && response.header("x-periscope-rejected") == "max_requests" {
                                refused += 1
                            }
                        }
                        #expect(refused == 4)
                        var statuses: [Int] = []
                        for try await status in group { statuses.append(status) }
                        return statuses
                    }
                    #expect(slow == [200, 200])
                    #expect(upstream.requestCount == 2)
                    // The slots are free again.
                    let client = try await HTTPTestClient.connect(port: port)
                    defer { client.close() }
                    #expect(try await client.request(.GET, "/after").status == 200)
                    let rejections = try await gateway.scrapeText().exposition.sum(
                        "periscope_upstream_rejections_total", by: ["reason"])
                    #expect(rejections["max_requests"] == 4)
                }
            }
        }

        @Test("deadline_header: the upstream learns the route timeout, or the client's smaller deadline")
        func deadlineHeader() async throws {
            try await withUpstream { upstream in
                let yaml = GatewayYAML.proxyAll(
                    to: upstream.port, route: "timeout: 3s\ndeadline_header: X-Request-Timeout-Ms")
                try await withPeriscope(yaml) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    #expect(try await client.request(.GET, "/a").status == 200)
                    #expect(
                        try await client.request(.GET, "/b", headers: [("X-Request-Timeout-Ms", "1200")]).status == 200)
                    #expect(
                        try await client.request(.GET, "/c", headers: [("X-Request-Timeout-Ms", "60000")]).status == 200
                    )
                    let seen = upstream.requests.map { $0.values("x-request-timeout-ms") }
                    #expect(seen == [["3000"], ["1200"], ["3000"]])
                }
            }
        }
    }
}

extension EndToEnd.CircuitBreaking {
    @Test("max_connections 1, max_pending 1: one request is sent, one waits, the third gets 503 max_pending")
    func connectionAndPendingCaps() async throws {
        try await withUpstream(.delay(.milliseconds(700), then: .echo)) { upstream in
            let settings = "circuit_breaker: {max_connections: 1, max_pending: 1}"
            try await withPeriscope(
                EndToEnd.HealthChecking.yaml(settings: settings, ports: [upstream.port]),
                // One event loop: the waiting request is on the loop whose connection frees up.
                environment: ["PERISCOPE_THREADS": "1"]
            ) { gateway in
                let port = try await gateway.port()
                let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                    for index in 0..<2 {
                        group.addTask {
                            let client = try await HTTPTestClient.connect(port: port)
                            defer { client.close() }
                            let response = try await client.request(.GET, "/held/\(index)")
                            return (response.status, response.header("x-periscope-rejected"))
                        }
                        // In order: the first takes the connection, the second waits for it.
                        try await waitUntil("request \(index) at the gateway", timeout: .seconds(5)) {
                            let text = try await gateway.scrapeText().text
                            return text.contains("periscope_http_requests_in_flight{listener=\"public\"} \(index + 1)")
                        }
                    }
                    let client = try await HTTPTestClient.connect(port: port)
                    defer { client.close() }
                    let third = try await client.request(.GET, "/third")
                    var all = [(third.status, third.header("x-periscope-rejected"))]
                    for try await result in group { all.append(result) }
                    return all
                }
                #expect(statuses.filter { $0.0 == 200 }.count == 2)
                #expect(statuses.filter { $0.0 == 503 && $0.1 == "max_pending" }.count == 1, "\(statuses)")
                #expect(upstream.requestCount == 2)
                #expect(upstream.acceptedConnections == 1)
                let rejections = try await gateway.scrapeText().exposition.sum(
                    "periscope_upstream_rejections_total", by: ["reason"])
                #expect(rejections["max_pending"] == 1)
            }
        }
    }
}
