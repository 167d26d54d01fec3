import Foundation
import PeriscopeConfig
import Testing

/// The files under Config/ are documentation users copy: they must load, and say what they claim.
@Suite("Shipped config files")
struct ShippedConfigTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // PeriscopeConfigTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String {
        Self.repositoryRoot.appendingPathComponent(relative).path
    }

    static var shippedFiles: [String] {
        ["Config", "Config/examples"].flatMap { directory -> [String] in
            let names = (try? FileManager.default.contentsOfDirectory(atPath: Self.path(directory))) ?? []
            return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(directory)/\($0)" }
        }
    }

    @Test func thereAreFilesToCheck() {
        #expect(Self.shippedFiles.contains("Config/periscope.yaml"))
        #expect(Self.shippedFiles.contains("Config/demo.yaml"))
        #expect(Self.shippedFiles.contains("Config/examples/single-upstream.yaml"))
    }

    @Test(arguments: Self.shippedFiles)
    func loadsWithoutErrors(file: String) {
        do {
            _ = try ConfigLoader.load(path: Self.path(file))
        } catch {
            Issue.record("\(file) does not load:\n\(error)")
        }
    }

    @Test func defaultFileSpellsOutTheDefaults() throws {
        let config = try ConfigLoader.load(path: Self.path("Config/periscope.yaml"))
        let listener = try #require(config.listeners.first)
        #expect(config.listeners.count == 1)
        #expect(listener == ListenerConfig(name: "public", routes: listener.routes))
        #expect(listener.routes == [RouteConfig(name: "default", match: RouteMatch(prefix: "/"), cluster: "backend")])
        #expect(
            config.clusters == [
                ClusterConfig(
                    name: "backend", endpoints: [EndpointConfig(address: HostPort(host: "127.0.0.1", port: 9001))])
            ]
        )
        #expect(config.admin == AdminConfig())
        #expect(config.drain == DrainConfig())
        #expect(config.logging == LoggingConfig())
        #expect(config.telemetry == TelemetryConfig())
    }

    @Test func defaultFileHasEveryKey() throws {
        let text = try String(contentsOfFile: Self.path("Config/periscope.yaml"), encoding: .utf8)
        let keys = [
            "admin:", "address:", "drain:", "delay:", "timeout:", "logging:", "level:", "format:", "listeners:",
            "name:", "timeouts:", "request_header:", "idle:", "limits:", "max_header_bytes:", "max_headers:",
            "max_body_bytes:", "routes:", "match:", "host:", "path:", "prefix:", "methods:", "cluster:",
            "idle_timeout:", "clusters:", "load_balancer:", "connect_timeout:", "endpoints:", "weight:", "pool:",
            "max_connections_per_endpoint:", "max_pending:", "max_requests_per_connection:", "telemetry:",
            "cardinality_limit:", "families:", "buckets:", "hash_key:", "virtual_nodes:", "maglev_table_size:",
            "ewma_decay:",
        ]
        for key in keys {
            #expect(text.contains(key), "Config/periscope.yaml does not mention \(key)")
        }
    }

    @Test func singleUpstreamExample() throws {
        let config = try ConfigLoader.load(path: Self.path("Config/examples/single-upstream.yaml"))
        #expect(config.listeners.map(\.address) == [HostPort(host: "0.0.0.0", port: 8080)])
        #expect(config.admin.address == HostPort(host: "127.0.0.1", port: 9901))
        #expect(
            config.listeners[0].routes == [RouteConfig(name: "app", match: RouteMatch(prefix: "/"), cluster: "app")])
        #expect(
            config.clusters == [
                ClusterConfig(
                    name: "app", endpoints: [EndpointConfig(address: HostPort(host: "127.0.0.1", port: 9001))])
            ]
        )
    }

    @Test func demoConfig() throws {
        let config = try ConfigLoader.load(path: Self.path("Config/demo.yaml"))
        #expect(config.admin.address == HostPort(host: "127.0.0.1", port: 9901))
        #expect(config.drain.delay == .seconds(1))
        let listener = try #require(config.listeners.first)
        #expect(config.listeners.count == 1)
        #expect(listener.name == "public")
        #expect(listener.address == HostPort(host: "0.0.0.0", port: 8080))
        #expect(
            listener.routes == [
                RouteConfig(
                    name: "users", match: RouteMatch(path: "/api/users/{id}", methods: ["GET"]), cluster: "users",
                    slo: RouteSLOConfig(
                        availability: 0.999, latency: LatencyObjective(threshold: .milliseconds(25), objective: 0.99))),
                RouteConfig(
                    name: "orders", match: RouteMatch(prefix: "/api/orders"), cluster: "orders",
                    slo: RouteSLOConfig(availability: 0.995)),
                RouteConfig(
                    name: "search", match: RouteMatch(prefix: "/api/search"), cluster: "search",
                    slo: RouteSLOConfig(latency: LatencyObjective(threshold: .milliseconds(250), objective: 0.95))),
            ]
        )
        func endpoints(_ ports: Int...) -> [EndpointConfig] {
            ports.map { EndpointConfig(address: HostPort(host: "127.0.0.1", port: $0)) }
        }
        #expect(
            config.clusters == [
                ClusterConfig(
                    name: "users", endpoints: endpoints(9111, 9112),
                    healthCheck: HealthCheckConfig(path: "/health", interval: .seconds(1), timeout: .milliseconds(500)),
                    outlierDetection: OutlierDetectionConfig(
                        consecutiveGatewayErrors: 3, baseEjectionTime: .seconds(10))
                ),
                ClusterConfig(name: "orders", endpoints: endpoints(9121)),
                ClusterConfig(name: "search", endpoints: endpoints(9131)),
            ]
        )
    }
}
