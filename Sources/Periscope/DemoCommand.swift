import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import PeriscopeConfig
import PeriscopeDemo
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `periscope demo`: the gateway on `Config/demo.yaml`, its demo backends and a traffic generator.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the gateway with built-in demo backends and traffic, to see it working within a minute."
    )

    @Option(name: .shortAndLong, help: "The demo config (its clusters users/orders/search get built-in backends).")
    var config: String = "Config/demo.yaml"

    @Flag(help: "Do not start the built-in traffic generator.")
    var noTraffic = false

    @Option(help: "Requests per second the traffic generator sends.")
    var rate: Double = 40

    @Option(help: "Export OTLP/HTTP to this collector base URL, e.g. http://127.0.0.1:4318 (or OTEL_* variables).")
    var otlpEndpoint: String?

    /// The behaviour of each demo cluster's backends.
    static let profiles: [String: BackendProfile] = [
        "users": BackendProfile(medianMilliseconds: 5, p99Milliseconds: 12),
        "orders": BackendProfile(medianMilliseconds: 12, p99Milliseconds: 40, errorRate: 0.10, errorStatus: 503),
        "search": BackendProfile(medianMilliseconds: 80, p99Milliseconds: 300),
    ]

    /// Backends with recurring outages (seconds): users-2 fails everything for 15 s of every minute, so the users
    /// cluster shows outlier ejection and health checks taking it out of rotation and back.
    static let outages: [String: (every: Double, lasting: Double)] = ["users-2": (every: 60, lasting: 15)]

    func run() async throws {
        var loaded = try loadConfigOrExit(self.config)
        if let endpoint = self.otlpEndpoint {
            loaded.otlp.present = true
            loaded.otlp.endpoint = endpoint
            loaded.otlp.metricExportInterval = loaded.otlp.metricExportInterval ?? .seconds(10)
        }
        LogSetup.bootstrap(level: loaded.logging.level, format: loaded.logging.format)
        var backends: [DemoBackend] = []
        for cluster in loaded.clusters {
            let profile = Self.profiles[cluster.name] ?? BackendProfile(medianMilliseconds: 5, p99Milliseconds: 20)
            for (index, endpoint) in cluster.endpoints.enumerated() {
                let name = "\(cluster.name)-\(index + 1)"
                backends.append(
                    DemoBackend(
                        name: name,
                        host: endpoint.address.host,
                        port: endpoint.address.port,
                        profile: Self.outages[name].map { profile.withOutages(every: $0.every, lasting: $0.lasting) }
                            ?? profile
                    )
                )
            }
        }
        let listener = loaded.listeners[0].address
        let trafficHost = listener.host == "0.0.0.0" || listener.host == "::" ? "127.0.0.1" : listener.host
        let traffic =
            self.noTraffic
            ? nil
            : TrafficGenerator(
                host: trafficHost,
                port: listener.port,
                requestsPerSecond: self.rate,
                logger: Logger(label: "periscope.demo.traffic")
            )
        Self.printBanner(config: loaded, traffic: traffic != nil)
        try await GatewayProcess.run(
            config: loaded,
            extraServices: [DemoService(backends: backends, traffic: traffic)]
        )
    }

    static func printBanner(config: GatewayConfig, traffic: Bool) {
        let listener = config.listeners[0].address
        let host = listener.host == "0.0.0.0" ? "127.0.0.1" : listener.host
        let admin = config.admin.address
        let text = """

            Periscope demo
              gateway   http://\(host):\(listener.port)   try: curl -i http://\(host):\(listener.port)/api/users/42
                                                  curl -i http://\(host):\(listener.port)/api/orders   (fails ~10% with 503)
                                                  curl -i http://\(host):\(listener.port)/api/search   (slow: p99 ~300ms)
              admin     http://\(admin):  curl http://\(admin)/readyz?verbose   curl http://\(admin)/livez?verbose
              alerts    curl http://\(admin)/api/v1/alerts   (the orders error-ratio alert fires within a minute)
              health    users-2 fails for 15 s every minute: ejected, out of rotation, back
                        curl -s http://\(admin)/metrics | grep -E 'endpoint_healthy|ejections_total'
                        curl http://\(admin)/api/v1/rules
              drain     curl -X POST http://\(admin)/drain   (or Ctrl-C)
              traffic   \(traffic ? "built-in generator running (--no-traffic to turn it off)" : "off")
              otlp      \(config.otlp.present ? "metrics to \(config.otlp.endpoint ?? "the OTEL_* endpoint")" : "off (--otlp-endpoint URL)")

            """
        print(text)
    }
}

/// Starts the demo backends (and traffic), keeps them up until the gateway has drained.
struct DemoService: Service {
    let backends: [DemoBackend]
    let traffic: TrafficGenerator?

    func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var channels: [any Channel] = []
        for backend in self.backends {
            channels.append(try await backend.start(group: group))
        }
        self.traffic?.start(group: group)
        try? await gracefulShutdown()
        for channel in channels { try? await channel.close() }
        try? await group.shutdownGracefully()
    }
}
