import PeriscopeConfig
import PeriscopeTelemetry
import Testing

@testable import PeriscopeGateway

/// GatewayMetrics registers its families with the config's `telemetry` settings, and the config module's list of
/// configurable families is exactly what GatewayMetrics registers.
@Suite struct GatewayMetricsTelemetryTests {
    static func metrics(_ telemetry: TelemetryConfig = .init()) -> GatewayMetrics {
        let config = GatewayConfig(
            listeners: [
                ListenerConfig(
                    name: "public", routes: [RouteConfig(name: "all", match: RouteMatch(prefix: "/"), cluster: "up")])
            ],
            clusters: [
                ClusterConfig(name: "up", endpoints: [EndpointConfig(address: HostPort(host: "127.0.0.1", port: 9001))])
            ],
            telemetry: telemetry
        )
        return GatewayMetrics(registry: MetricsRegistry(eventLoopCount: 1), runtime: GatewayRuntime(config: config))
    }

    /// `# TYPE` lines of the text exposition: (family, type) in order.
    static func families(_ metrics: GatewayMetrics) -> [(name: String, type: String)] {
        let text = String(decoding: metrics.registry.render(format: .prometheusText), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ")
            guard words.count == 4, words[0] == "#", words[1] == "TYPE" else { return nil }
            return (String(words[2]), String(words[3]))
        }
    }

    @Test func knownFamiliesAreWhatGatewayMetricsRegisters() {
        let registered = Self.families(Self.metrics()).filter { $0.name != MetricsRegistry.overflowMetricName }
        #expect(registered.map(\.name) == TelemetryConfig.knownFamilies)
        #expect(registered.filter { $0.type == "histogram" }.map(\.name) == TelemetryConfig.knownHistogramFamilies)
        #expect(TelemetryConfig.defaultCardinalityLimit == MetricsRegistry.defaultCardinalityLimit)
        #expect(TelemetryConfig.defaultDurationBuckets == Buckets.defaultDuration)
    }

    @Test("route SLOs become objective gauges; the threshold label is the bucket's OpenMetrics le")
    func sloObjectives() {
        func route(_ name: String, _ slo: RouteSLOConfig?) -> RouteConfig {
            RouteConfig(name: name, match: RouteMatch(prefix: "/" + name), cluster: "up", slo: slo)
        }
        let config = GatewayConfig(
            listeners: [
                ListenerConfig(
                    name: "public",
                    routes: [
                        route("a", RouteSLOConfig(availability: 0.999)),
                        route("b", RouteSLOConfig(latency: LatencyObjective(threshold: .seconds(1), objective: 0.99))),
                        route("c", nil),
                    ]
                )
            ],
            clusters: [
                ClusterConfig(name: "up", endpoints: [EndpointConfig(address: HostPort(host: "127.0.0.1", port: 9001))])
            ]
        )
        let metrics = GatewayMetrics(
            registry: MetricsRegistry(eventLoopCount: 1), runtime: GatewayRuntime(config: config))
        let text = String(decoding: metrics.registry.render(format: .prometheusText), as: UTF8.self)
        #expect(text.contains("periscope_slo_availability_objective_ratio{route=\"a\"} 0.999\n"))
        #expect(text.contains("periscope_slo_latency_objective_ratio{route=\"b\",threshold=\"1.0\"} 0.99\n"))
        #expect(!text.contains("objective_ratio{route=\"c\""))
        #expect(!text.contains("periscope_slo_availability_objective_ratio{route=\"b\"}"))
    }

    @Test func defaultsWithoutSettings() {
        let metrics = Self.metrics()
        #expect(metrics.requestDuration.buckets == Buckets.defaultDuration)
        #expect(metrics.requestSize.buckets == Buckets.exponential(start: 64, factor: 4, count: 10))
        #expect(metrics.requests.cardinalityLimit == MetricsRegistry.defaultCardinalityLimit)
        #expect(metrics.configLoads.cardinalityLimit == MetricsRegistry.defaultCardinalityLimit)
    }

    @Test func settingsApplyPerFamily() {
        let buckets: [Double] = [0.001, 0.01, 0.1, 1]
        let metrics = Self.metrics(
            TelemetryConfig(
                cardinalityLimit: 50,
                families: [
                    "periscope_http_request_duration_seconds": TelemetryFamilyConfig(buckets: buckets),
                    "periscope_http_response_size_bytes": TelemetryFamilyConfig(buckets: [100, 1000]),
                    "periscope_http_requests_total": TelemetryFamilyConfig(cardinalityLimit: 3),
                    "periscope_upstream_connect_duration_seconds": TelemetryFamilyConfig(
                        buckets: [0.5], cardinalityLimit: 7),
                ]
            )
        )
        #expect(metrics.requestDuration.buckets == buckets)
        #expect(metrics.requestDuration.cardinalityLimit == 50)
        #expect(metrics.responseSize.buckets == [100, 1000])
        #expect(metrics.requestSize.buckets == Buckets.exponential(start: 64, factor: 4, count: 10))
        #expect(metrics.overhead.buckets == Buckets.defaultDuration)
        #expect(metrics.upstreamConnectDuration.buckets == [0.5])
        #expect(metrics.upstreamConnectDuration.cardinalityLimit == 7)
        #expect(metrics.requests.cardinalityLimit == 3)
        #expect(metrics.inFlight.cardinalityLimit == 50)
        #expect(metrics.drainState.cardinalityLimit == 50)
    }

    @Test func configLoadSeriesExistFromTheStart() {
        let metrics = Self.metrics()
        var text = String(decoding: metrics.registry.render(format: .prometheusText), as: UTF8.self)
        #expect(text.contains("periscope_config_loads_total{result=\"success\"} 0\n"))
        #expect(text.contains("periscope_config_loads_total{result=\"failure\"} 0\n"))
        #expect(text.contains("periscope_config_last_load_success_timestamp_seconds 0\n"))

        metrics.recordConfigLoadSuccess(at: 1_700_000_000.5)
        metrics.recordConfigLoadFailure()
        metrics.recordConfigLoadFailure()
        text = String(decoding: metrics.registry.render(format: .prometheusText), as: UTF8.self)
        #expect(text.contains("periscope_config_loads_total{result=\"success\"} 1\n"))
        #expect(text.contains("periscope_config_loads_total{result=\"failure\"} 2\n"))
        #expect(text.contains("periscope_config_last_load_success_timestamp_seconds 1.7000000005e+09\n"))

        let now = GatewayMetrics.unixTimeNow()
        #expect(now > 1_700_000_000 && now < 4_000_000_000)
    }
}
