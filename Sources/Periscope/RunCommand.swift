import ArgumentParser
import Logging
import NIOCore
import NIOPosix
import PeriscopeAdmin
import PeriscopeAlerting
import PeriscopeConfig
import PeriscopeGateway
import PeriscopeTelemetry
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `periscope run --config FILE`: serves the config's listeners until SIGTERM/SIGINT or `POST /drain`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the gateway with a config file."
    )

    @Option(name: .shortAndLong, help: "The YAML config file.")
    var config: String

    func run() async throws {
        let loaded = try loadConfigOrExit(self.config)
        LogSetup.bootstrap(level: loaded.logging.level, format: loaded.logging.format)
        try await GatewayProcess.run(config: loaded, extraServices: [])
    }
}

/// Wires the gateway, the admin listener and the lifecycle together (shared by `run` and `demo`).
enum GatewayProcess {
    /// Number of traffic event loops: `PERISCOPE_THREADS` or one per core.
    static var threadCount: Int {
        if let value = getenv("PERISCOPE_THREADS").flatMap({ Int(String(cString: $0)) }), value > 0 {
            return value
        }
        return System.coreCount
    }

    static func run(config: GatewayConfig, extraServices: [any Service]) async throws {
        let logger = Logger(label: "periscope")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: self.threadCount)
        let adminGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let state = GatewayState()
        let registry = MetricsRegistry(eventLoopCount: self.threadCount)
        bootstrapSwiftMetrics(registry: registry, onConflict: { logger.warning("\($0)") })
        let runtime = GatewayRuntime(config: config)
        let tracing = OTLPWiring.gatewayTracing(
            config: config,
            runtime: runtime,
            loopCount: self.threadCount,
            registry: registry,
            logger: logger
        )
        var accessLog: AccessLogWriter?
        if config.accessLog.enabled {
            do {
                accessLog = try AccessLogWriter(config: config.accessLog, runtime: runtime, loopCount: self.threadCount)
            } catch {
                logger.critical("cannot open the access log", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
            accessLog?.start()
        }
        let gateway = try await Gateway(
            runtime: runtime,
            group: group,
            state: state,
            registry: registry,
            tracing: tracing,
            accessLog: accessLog,
            logger: logger
        )
        // Rule evaluation, alert notification and OTLP export run here, never on the traffic loops.
        let backgroundGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        await BackgroundPriority.lower(backgroundGroup.next(), logger: logger)
        let rules = try self.ruleManager(
            config: config,
            registry: registry,
            eventLoop: backgroundGroup.next(),
            logger: logger
        )
        let otlpMetrics = OTLPWiring.metricsExporter(
            config: config.otlp,
            registry: registry,
            eventLoop: backgroundGroup.next(),
            logger: logger
        )
        let trigger = DrainTrigger()
        let admin = AdminServer(
            address: config.admin.address,
            group: adminGroup,
            gatewayLoops: Array(group.makeIterator()),
            state: state,
            registry: registry,
            rules: rules,
            logger: logger,
            onDrain: { trigger.fire() }
        )
        logger.info(
            "starting periscope",
            metadata: ["config": "\(config.sourceFile)", "threads": "\(self.threadCount)"]
        )
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: AdminService(server: admin))
        ]
        if let rules {
            services.append(.init(service: RulesService(manager: rules)))
        }
        // Listed before the gateway, so it shuts down after the gateway has drained (reverse order).
        let spanExporter = OTLPWiring.spanExporter(
            config: config.otlp,
            tracing: tracing,
            registry: registry,
            eventLoop: backgroundGroup.next(),
            logger: logger
        )
        if otlpMetrics != nil || spanExporter != nil {
            services.append(.init(service: OTLPService(metrics: otlpMetrics, spans: spanExporter)))
        }
        for extra in extraServices {
            services.append(.init(service: extra))
        }
        services.append(
            .init(
                service: GatewayService(gateway: gateway, drain: config.drain, trigger: trigger, logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup,
                failureTerminationBehavior: .gracefullyShutdownGroup
            )
        )
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await serviceGroup.run()
        try? await group.shutdownGracefully()
        // After the traffic loops stopped: the last lines are written.
        accessLog?.shutdown()
        try? await adminGroup.shutdownGracefully()
        try? await backgroundGroup.shutdownGracefully()
        logger.info("stopped")
    }

    /// The rule evaluator when the config names rule files; exits with every error when they do not load.
    static func ruleManager(
        config: GatewayConfig,
        registry: MetricsRegistry,
        eventLoop: any EventLoop,
        logger: Logger
    ) throws -> RuleManager? {
        guard !config.rules.files.isEmpty else { return nil }
        do {
            return try RuleManager(
                config: config.rules,
                configDirectory: config.directory,
                registry: registry,
                eventLoop: eventLoop,
                logger: logger
            )
        } catch let errors as ConfigErrors {
            printErrors(errors)
            throw ExitCode(1)
        }
    }
}
