import Foundation
import Logging
import NIOCore
import PeriscopeAdmin
import PeriscopeConfig
import PeriscopeGateway
import PeriscopeOTLP
import PeriscopeTelemetry
import ServiceLifecycle

/// Turns the `otlp` config section and the `OTEL_*` environment into the OTLP exporters (environment wins).
enum OTLPWiring {
    static let endpointVariables = [
        "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    ]

    /// Export is on when the config has an `otlp` section or an endpoint variable is set, and `OTEL_SDK_DISABLED`
    /// is not `true`.
    static func isEnabled(_ config: OTLPConfig, environment: [String: String]) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        return config.present || Self.endpointVariables.contains { !(environment[$0] ?? "").isEmpty }
    }

    static func fileSettings(_ config: OTLPConfig) -> OTLPFileSettings {
        var settings = OTLPFileSettings()
        settings.endpoint = config.endpoint
        settings.tracesEndpoint = config.tracesEndpoint
        settings.metricsEndpoint = config.metricsEndpoint
        settings.headers = config.headers
        settings.compression = config.compression.flatMap(OTLPCompression.init(rawValue:))
        settings.timeout = config.timeout
        settings.scheduleDelay = config.scheduleDelay
        settings.maxQueueSize = config.maxQueueSize
        settings.maxExportBatchSize = config.maxExportBatchSize
        settings.metricExportInterval = config.metricExportInterval
        return settings
    }

    /// The resource: detected attributes and the config's, overridden by `OTEL_RESOURCE_ATTRIBUTES` and then
    /// `OTEL_SERVICE_NAME`.
    static func resource(_ config: OTLPConfig, environment: [String: String], logger: Logger) -> OTLPResource {
        let base = OTLPResource.detect(
            serviceName: config.serviceName ?? "periscope",
            serviceVersion: PeriscopeBuild.version,
            attributes: config.resourceAttributes.sorted { $0.key < $1.key }.map {
                OTLPAttribute($0.key, $0.value)
            },
            environment: { _ in nil }
        )
        var fromEnvironment = OTLPResource()
        if let text = environment["OTEL_RESOURCE_ATTRIBUTES"], !text.isEmpty {
            switch OTLPResource.parseResourceAttributes(text) {
            case .success(let attributes): fromEnvironment = OTLPResource(attributes: attributes)
            case .failure(let error):
                logger.warning("OTEL_RESOURCE_ATTRIBUTES ignored", metadata: ["error": "\(error)"])
            }
        }
        if let name = environment["OTEL_SERVICE_NAME"], !name.isEmpty {
            fromEnvironment[OTLPResource.Key.serviceName] = .string(name)
        }
        return base.merging(fromEnvironment)
    }

    /// The metrics exporter, or nil when export is off. Problems with values are logged and defaults used.
    static func metricsExporter(
        config: OTLPConfig,
        registry: MetricsRegistry,
        eventLoop: any EventLoop,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> OTLPMetricsExporter? {
        guard Self.isEnabled(config, environment: environment) else { return nil }
        let (configuration, warnings) = OTLPExporterConfiguration.resolve(
            file: Self.fileSettings(config),
            environment: environment
        )
        for warning in warnings { logger.warning("\(warning)") }
        var temporality = OTLPAggregationTemporality.cumulative
        if let preference = environment["OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE"]
            ?? config.metricsTemporality,
            !preference.isEmpty
        {
            if let chosen = OTLPAggregationTemporality(preference: preference) {
                temporality = chosen
            } else {
                logger.warning("unknown metrics temporality '\(preference)'; using cumulative")
            }
        }
        do {
            let exporter = try OTLPMetricsExporter(
                registry: registry,
                configuration: configuration,
                encoder: OTLPMetricsEncoder.Configuration(
                    resource: Self.resource(config, environment: environment, logger: logger),
                    scopeVersion: PeriscopeBuild.version,
                    temporality: temporality
                ),
                eventLoop: eventLoop,
                logger: logger
            )
            logger.info(
                "exporting OTLP metrics",
                metadata: [
                    "endpoint": "\(configuration.metrics.endpoint.url)",
                    "interval": "\(configuration.metricExportInterval)",
                ]
            )
            return exporter
        } catch {
            logger.error("OTLP metrics export disabled", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

extension OTLPWiring {
    /// The proxy's span recording, or nil when tracing is off (`tracing.enabled`, by default on exactly when
    /// OTLP export is on). `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` win over `tracing.sampler`/`ratio`.
    static func gatewayTracing(
        config: GatewayConfig,
        runtime: GatewayRuntime,
        loopCount: Int,
        registry: MetricsRegistry,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> GatewayTracing? {
        guard config.tracing.enabled ?? Self.isEnabled(config.otlp, environment: environment) else { return nil }
        let fromEnvironment = !(environment[Sampler.samplerVariable] ?? "").isEmpty
        let (sampler, issues) = Sampler.fromEnvironment(
            sampler: fromEnvironment ? environment[Sampler.samplerVariable] : config.tracing.sampler,
            argument: fromEnvironment ? environment[Sampler.samplerArgumentVariable] : String(config.tracing.ratio),
            trustIncomingSampled: config.tracing.trustIncomingSampled
        )
        for issue in issues { logger.warning("\(issue)") }
        return GatewayTracing(
            config: config.tracing,
            sampler: sampler,
            runtime: runtime,
            loopCount: loopCount,
            registry: registry
        )
    }
}

extension OTLPWiring {
    /// The span exporter for `tracing`'s buffer, or nil when OTLP export is off (spans are then only counted).
    static func spanExporter(
        config: OTLPConfig,
        tracing: GatewayTracing?,
        registry: MetricsRegistry,
        eventLoop: any EventLoop,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> OTLPSpanExporter? {
        guard let tracing, Self.isEnabled(config, environment: environment) else { return nil }
        let (configuration, _) = OTLPExporterConfiguration.resolve(
            file: Self.fileSettings(config),
            environment: environment
        )
        do {
            let exporter = try OTLPSpanExporter(
                buffer: tracing.buffer,
                strings: tracing.strings,
                configuration: configuration,
                encoder: OTLPTracesEncoder.Configuration(
                    resource: Self.resource(config, environment: environment, logger: logger),
                    scopeVersion: PeriscopeBuild.version,
                    clientPort: tracing.optInAttributes.contains("client.port")
                ),
                eventLoop: eventLoop,
                registry: registry,
                logger: logger
            )
            logger.info("exporting OTLP traces", metadata: ["endpoint": "\(configuration.traces.endpoint.url)"])
            return exporter
        } catch {
            logger.error("OTLP trace export disabled", metadata: ["error": "\(error)"])
            return nil
        }
    }
}

/// Runs the OTLP exporters until shutdown, then flushes them (after the gateway has drained).
struct OTLPService: Service {
    let metrics: OTLPMetricsExporter?
    let spans: OTLPSpanExporter?

    func run() async throws {
        self.metrics?.start()
        self.spans?.start()
        try? await gracefulShutdown()
        await self.spans?.shutdown(deadline: .now() + .seconds(5))
        await self.metrics?.shutdown(deadline: .now() + .seconds(5))
    }
}
