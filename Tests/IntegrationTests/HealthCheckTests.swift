import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Active health checks, passive outlier detection and cluster readiness against real upstreams that die, come
    /// back or fail, each checked through traffic and through /metrics.
    @Suite(.timeLimit(.minutes(2))) struct HealthChecking {
        /// A listener sending everything to cluster `pair` with `settings` (YAML, unindented) and `ports`.
        static func yaml(settings: String, ports: [Int], top: String = "") -> String {
            GatewayYAML.proxyAll(
                toEndpoints: ports.map { "127.0.0.1:\($0)" }, clusterName: "pair", cluster: settings, top: top)
        }

        static let checks = """
            health_check:
              path: /health
              interval: 250ms
              timeout: 200ms
              unhealthy_threshold: 2
              healthy_threshold: 2
              jitter: 0
            """

        /// The value of `name{cluster="pair",endpoint="127.0.0.1:port",…}` summed over the other labels.
        static func value(
            _ gateway: PeriscopeProcess,
            _ name: String,
            port: Int,
            where labels: [String: String] = [:]
        ) async throws -> Double {
            let exposition = try await gateway.scrapeText().exposition
            return exposition.samples(named: name).filter { sample in
                sample.labels["endpoint"] == "127.0.0.1:\(port)"
                    && labels.allSatisfy { sample.labels[$0.key] == $0.value }
            }.reduce(0) { $0 + $1.value }
        }

        @Test("a killed endpoint is out of rotation within a second (250 ms checks), gets nothing, and comes back")
        func killedEndpointLeavesAndReturns() async throws {
            try await withUpstream(name: "a") { a in
                let b = try await TestUpstream.start(name: "b")
                let bPort = b.port
                try await withPeriscope(Self.yaml(settings: Self.checks, ports: [a.port, bPort])) { gateway in
                    let port = try await gateway.port()
                    try await waitUntil("both endpoints probed healthy", timeout: .seconds(5)) {
                        a.requests.contains { $0.uri == "/health" } && b.requests.contains { $0.uri == "/health" }
                    }
                    let client = try await HTTPTestClient.connect(port: port)
                    defer { client.close() }
                    for index in 0..<10 { #expect(try await client.request(.GET, "/warm/\(index)").status == 200) }
                    #expect(b.requests.contains { $0.uri.hasPrefix("/warm/") })

                    await b.stop()
                    let killed = ContinuousClock.now
                    try await waitUntil("the dead endpoint to leave rotation", timeout: .seconds(5)) {
                        try await Self.value(gateway, "periscope_upstream_endpoint_healthy", port: bPort) == 0
                    }
                    let out = ContinuousClock.now - killed
                    #expect(out < .seconds(1), "out of rotation after \(out)")
                    // Every request now goes to a; one that reached the dead endpoint would get a 502.
                    let before = a.requests.filter { $0.uri.hasPrefix("/after/") }.count
                    for index in 0..<40 {
                        #expect(try await client.request(.GET, "/after/\(index)").status == 200)
                    }
                    #expect(a.requests.filter { $0.uri.hasPrefix("/after/") }.count - before == 40)
                    #expect(
                        try await Self.value(
                            gateway, "periscope_upstream_health_checks_total", port: bPort,
                            where: ["result": "connect_failed"]) >= 2)
                    #expect(
                        try await Self.value(
                            gateway, "periscope_upstream_health_transitions_total", port: bPort,
                            where: ["to": "unhealthy"]) == 1)

                    // b comes back on its port: two good checks put it back.
                    let back = try await TestUpstream.start(name: "b2", port: bPort)
                    try await waitUntil("the endpoint to return to rotation", timeout: .seconds(5)) {
                        try await Self.value(gateway, "periscope_upstream_endpoint_healthy", port: bPort) == 1
                    }
                    for index in 0..<10 { #expect(try await client.request(.GET, "/again/\(index)").status == 200) }
                    #expect(back.requests.contains { $0.uri.hasPrefix("/again/") })
                    #expect(
                        try await Self.value(
                            gateway, "periscope_upstream_health_transitions_total", port: bPort,
                            where: ["to": "healthy"]) == 1)
                    await back.stop()
                }
            }
        }

        @Test("outlier detection ejects an endpoint after 3 gateway errors in a row; the other takes the traffic")
        func outlierEjection() async throws {
            try await withUpstream(name: "good") { good in
                try await withUpstream(name: "bad", .respond(status: 503, body: "down")) { bad in
                    let settings = """
                        outlier_detection:
                          consecutive_gateway_errors: 3
                          consecutive_5xx: 0
                          base_ejection_time: 30s
                        """
                    try await withPeriscope(Self.yaml(settings: settings, ports: [good.port, bad.port])) { gateway in
                        let client = try await HTTPTestClient.connect(port: try await gateway.port())
                        defer { client.close() }
                        var failures = 0
                        for index in 0..<30 {
                            if try await client.request(.GET, "/r/\(index)").status == 503 { failures += 1 }
                        }
                        // Round robin alternates: the bad endpoint sees three requests, then none.
                        #expect(bad.requestCount == 3)
                        #expect(failures == 3)
                        #expect(good.requestCount == 27)
                        #expect(
                            try await Self.value(
                                gateway, "periscope_upstream_ejections_total", port: bad.port,
                                where: ["reason": "consecutive_gateway_errors"]) == 1)
                        #expect(
                            try await Self.value(gateway, "periscope_upstream_endpoint_healthy", port: bad.port) == 0)
                        #expect(
                            try await Self.value(gateway, "periscope_upstream_endpoint_healthy", port: good.port) == 1)
                    }
                }
            }
        }

        @Test("/readyz fails while a required cluster has no healthy endpoint, and passes again when one returns")
        func readinessFollowsRequiredClusters() async throws {
            let only = try await TestUpstream.start(name: "only")
            let port = only.port
            var revived: TestUpstream?
            let yaml = Self.yaml(
                settings: Self.checks,
                ports: [port],
                top: "admin:\n  address: 127.0.0.1:0\n  ready_requires_clusters: [pair]\n"
            )
            try await withPeriscope(yaml) { gateway in
                #expect(try await gateway.admin("/readyz").status == 200)
                await only.stop()
                try await waitUntil("/readyz to fail", timeout: .seconds(5)) {
                    try await gateway.admin("/readyz").status == 503
                }
                let verbose = try await gateway.admin("/readyz?verbose")
                #expect(verbose.bodyText.contains("[-]clusters"), "\(verbose.bodyText)")
                #expect(verbose.bodyText.contains("'pair'"), "\(verbose.bodyText)")
                #expect(try await gateway.admin("/livez").status == 200)
                revived = try await TestUpstream.start(name: "again", port: port)
                try await waitUntil("/readyz to pass again", timeout: .seconds(5)) {
                    try await gateway.admin("/readyz").status == 200
                }
            }
            await revived?.stop()
        }
    }
}
