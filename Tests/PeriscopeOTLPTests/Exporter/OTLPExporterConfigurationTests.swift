import Testing

@testable import PeriscopeOTLP

@Suite struct OTLPExporterConfigurationTests {
    private func resolve(
        _ environment: [String: String],
        file: OTLPFileSettings = OTLPFileSettings()
    ) -> (configuration: OTLPExporterConfiguration, warnings: [String]) {
        OTLPExporterConfiguration.resolve(file: file, environment: environment)
    }

    @Test func defaultsFollowTheSpecification() {
        let (configuration, warnings) = self.resolve([:])
        #expect(warnings.isEmpty)
        #expect(configuration.traces.endpoint.url == "http://localhost:4318/v1/traces")
        #expect(configuration.metrics.endpoint.url == "http://localhost:4318/v1/metrics")
        for signal in OTLPSignal.allCases {
            #expect(configuration[signal].timeout == .seconds(10))
            #expect(configuration[signal].compression == .identity)
            #expect(configuration[signal].headers.isEmpty)
        }
        #expect(configuration.batch == OTLPExporterConfiguration.BatchSettings())
        #expect(configuration.batch.scheduleDelay == .milliseconds(5000))
        #expect(configuration.batch.maxQueueSize == 2048)
        #expect(configuration.batch.maxExportBatchSize == 512)
        #expect(configuration.metricExportInterval == .seconds(60))
        #expect(configuration == OTLPExporterConfiguration())
    }

    /// The specification's examples of per-signal URL construction.
    @Test(arguments: [
        (
            ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318"], "http://collector:4318/v1/traces",
            "http://collector:4318/v1/metrics"
        ),
        (
            ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/"], "http://collector:4318/v1/traces",
            "http://collector:4318/v1/metrics"
        ),
        (
            ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/mycollector/"],
            "http://collector:4318/mycollector/v1/traces", "http://collector:4318/mycollector/v1/metrics"
        ),
        (
            ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/mycollector"],
            "http://collector:4318/mycollector/v1/traces", "http://collector:4318/mycollector/v1/metrics"
        ),
        // A signal-specific URL is used as it is: no /v1/traces appended, an empty path becomes "/".
        (
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318"], "http://collector:4318/",
            "http://localhost:4318/v1/metrics"
        ),
        (
            ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "https://collector.example.com/v1/metrics/"],
            "http://localhost:4318/v1/traces", "https://collector.example.com:443/v1/metrics/"
        ),
        (
            [
                "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/mycollector/",
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "https://collector.example.com/v1/metrics/",
            ], "http://collector:4318/mycollector/v1/traces", "https://collector.example.com:443/v1/metrics/"
        ),
        // An empty value counts as unset.
        (
            ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:1"],
            "http://c:1/v1/traces", "http://c:1/v1/metrics"
        ),
        // An empty port is the scheme's default.
        (
            ["OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector"], "http://collector:80/v1/traces",
            "http://collector:80/v1/metrics"
        ),
    ])
    func endpointsAreBuiltAsTheSpecificationSays(environment: [String: String], traces: String, metrics: String) {
        let (configuration, warnings) = self.resolve(environment)
        #expect(warnings.isEmpty)
        #expect(configuration.traces.endpoint.url == traces)
        #expect(configuration.metrics.endpoint.url == metrics)
    }

    /// Precedence, per signal: signal env > generic env > signal file > generic file > default.
    @Test(
        arguments: [
            // (generic env, traces env, generic file, traces file) -> traces timeout, metrics timeout (ms)
            (nil, nil, nil, nil, 10_000, 10_000),
            (nil, nil, 100, nil, 100, 100),
            (nil, nil, 100, 200, 200, 100),
            ("300", nil, 100, 200, 300, 300),  // the environment wins over the file, even its signal field
            ("300", "400", 100, 200, 400, 300),
            (nil, "400", 100, 200, 400, 100),
            (nil, "400", nil, nil, 400, 10_000),
            ("", "", 100, nil, 100, 100),  // empty variables are unset
            ("0", nil, nil, nil, 0, 0),  // zero means no limit
        ] as [(String?, String?, Int?, Int?, Int, Int)])
    func precedenceTable(
        genericEnvironment: String?,
        tracesEnvironment: String?,
        genericFile: Int?,
        tracesFile: Int?,
        expectedTraces: Int,
        expectedMetrics: Int
    ) {
        var environment: [String: String] = [:]
        environment["OTEL_EXPORTER_OTLP_TIMEOUT"] = genericEnvironment
        environment["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"] = tracesEnvironment
        let file = OTLPFileSettings(
            timeout: genericFile.map { .milliseconds($0) },
            tracesTimeout: tracesFile.map { .milliseconds($0) }
        )
        let (configuration, warnings) = self.resolve(environment, file: file)
        #expect(warnings.isEmpty)
        #expect(configuration.traces.timeout == .milliseconds(expectedTraces))
        #expect(configuration.metrics.timeout == .milliseconds(expectedMetrics))
    }

    @Test func endpointPrecedenceAcrossFileAndEnvironment() {
        let file = OTLPFileSettings(endpoint: "http://file:1", metricsEndpoint: "http://file-metrics:2/m")
        let fromFile = self.resolve([:], file: file).configuration
        #expect(fromFile.traces.endpoint.url == "http://file:1/v1/traces")
        #expect(fromFile.metrics.endpoint.url == "http://file-metrics:2/m")
        // The generic variable beats even the file's signal-specific endpoint.
        let fromEnvironment = self.resolve(["OTEL_EXPORTER_OTLP_ENDPOINT": "http://env:3"], file: file).configuration
        #expect(fromEnvironment.traces.endpoint.url == "http://env:3/v1/traces")
        #expect(fromEnvironment.metrics.endpoint.url == "http://env:3/v1/metrics")
    }

    @Test func compressionIsCaseInsensitiveAndSignalSpecific() {
        let (configuration, warnings) = self.resolve([
            "OTEL_EXPORTER_OTLP_COMPRESSION": "GZIP",
            "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION": "none",
        ])
        #expect(warnings.isEmpty)
        #expect(configuration.traces.compression == .gzip)
        #expect(configuration.metrics.compression == .identity)
        let file = OTLPFileSettings(compression: .gzip)
        #expect(self.resolve([:], file: file).configuration.metrics.compression == .gzip)
    }

    @Test func batchAndIntervalVariables() {
        let (configuration, warnings) = self.resolve([
            "OTEL_BSP_SCHEDULE_DELAY": "250",
            "OTEL_BSP_MAX_QUEUE_SIZE": "100",
            "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "10",
            "OTEL_METRIC_EXPORT_INTERVAL": "15000",
        ])
        #expect(warnings.isEmpty)
        #expect(configuration.batch.scheduleDelay == .milliseconds(250))
        #expect(configuration.batch.maxQueueSize == 100)
        #expect(configuration.batch.maxExportBatchSize == 10)
        #expect(configuration.metricExportInterval == .seconds(15))
        let file = OTLPFileSettings(
            scheduleDelay: .seconds(1),
            maxQueueSize: 64,
            maxExportBatchSize: 8,
            metricExportInterval: .seconds(5)
        )
        let fromFile = self.resolve(["OTEL_BSP_MAX_QUEUE_SIZE": "128"], file: file).configuration
        #expect(fromFile.batch.scheduleDelay == .seconds(1))
        #expect(fromFile.batch.maxQueueSize == 128)
        #expect(fromFile.batch.maxExportBatchSize == 8)
        #expect(fromFile.metricExportInterval == .seconds(5))
    }

    /// Invalid values are ignored with a warning naming the variable: the next source applies, finally the default.
    @Test(arguments: [
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "ten"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "-5"),
        ("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "1.5"),
        ("OTEL_EXPORTER_OTLP_COMPRESSION", "brotli"),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318"),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:99999/v1/traces"),
        ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://:4318/"),
        ("OTEL_BSP_SCHEDULE_DELAY", "-1"),
        ("OTEL_BSP_MAX_QUEUE_SIZE", "0"),
        ("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "many"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "0"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "novalue"),
    ])
    func invalidValuesWarnAndFallBackToTheDefault(name: String, value: String) {
        let (configuration, warnings) = self.resolve([name: value])
        #expect(configuration == OTLPExporterConfiguration())
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix(name) == true, "\(warnings)")
        #expect(warnings.first?.contains("using the default") == true, "\(warnings)")
    }

    @Test func anInvalidVariableFallsBackToTheNextSource() {
        let file = OTLPFileSettings(timeout: .seconds(3))
        let (configuration, warnings) = self.resolve(
            ["OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "soon", "OTEL_EXPORTER_OTLP_TIMEOUT": "-1"],
            file: file
        )
        #expect(configuration.traces.timeout == .seconds(3))
        #expect(configuration.metrics.timeout == .seconds(3))
        // Each invalid variable is reported once, though the generic one is looked at for both signals.
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT=\"soon\"") })
        #expect(warnings.contains { $0.hasPrefix("OTEL_EXPORTER_OTLP_TIMEOUT=\"-1\"") })
        #expect(warnings.allSatisfy { $0.contains("using 3000 ms from otlp.timeout") }, "\(warnings)")
    }

    @Test func credentialsInEndpointURLsAreNotLogged() {
        let (_, warnings) = self.resolve(["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://user:hunter2@collector:0/"])
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=\"http://***@collector:0/\"") == true)
        #expect(!warnings.joined().contains("hunter2"))
    }

    @Test func invalidFileValuesAreNamedByKey() {
        let file = OTLPFileSettings(maxQueueSize: 0, metricExportInterval: .zero)
        let (configuration, warnings) = OTLPExporterConfiguration.resolve(
            file: file,
            environment: [:],
            fileKeyPrefix: "exporter.otlp"
        )
        #expect(configuration.batch.maxQueueSize == 2048)
        #expect(configuration.metricExportInterval == .seconds(60))
        #expect(warnings.contains { $0.hasPrefix("exporter.otlp.max_queue_size=\"0\"") }, "\(warnings)")
        #expect(warnings.contains { $0.hasPrefix("exporter.otlp.metric_export_interval") }, "\(warnings)")
    }

    @Test func aBatchLargerThanTheQueueIsLowered() {
        let (configuration, warnings) = self.resolve([
            "OTEL_BSP_MAX_QUEUE_SIZE": "100", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": "500",
        ])
        #expect(configuration.batch.maxExportBatchSize == 100)
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("OTEL_BSP_MAX_EXPORT_BATCH_SIZE") == true)
    }

    @Test func headersArePercentDecodedAndSignalSpecificListsReplaceTheGenericOne() {
        let (configuration, warnings) = self.resolve([
            "OTEL_EXPORTER_OTLP_HEADERS": " api-key = secret%20value , tenant=a%2Cb%3Dc,empty=",
            "OTEL_EXPORTER_OTLP_METRICS_HEADERS": "x-metrics=1",
        ])
        #expect(warnings.isEmpty)
        #expect(configuration.traces.headers == ["api-key": "secret value", "tenant": "a,b=c", "empty": ""])
        #expect(configuration.metrics.headers == ["x-metrics": "1"])
    }

    @Test func badHeaderEntriesAreDroppedWithoutLeakingValues() {
        let (configuration, warnings) = self.resolve([
            "OTEL_EXPORTER_OTLP_HEADERS":
                "good=topsecret,evil=a%0D%0AInjected: 1,bad name=x,broken=%zz,noequals,content-type=text/plain"
        ])
        #expect(configuration.traces.headers == ["good": "topsecret"])
        #expect(warnings.count == 5, "\(warnings)")
        #expect(warnings.allSatisfy { $0.hasPrefix("OTEL_EXPORTER_OTLP_HEADERS") })
        #expect(!warnings.joined().contains("topsecret"))
        #expect(!warnings.joined().contains("Injected"))
    }

    @Test func fileHeadersAreValidated() {
        let file = OTLPFileSettings(headers: ["x-api-key": "k", "x-bad": "a\r\nb"], tracesHeaders: ["x-t": "t"])
        let (configuration, warnings) = self.resolve([:], file: file)
        #expect(configuration.traces.headers == ["x-t": "t"])
        #expect(configuration.metrics.headers == ["x-api-key": "k"])
        #expect(warnings == ["otlp.headers: entry ignored: the value of 'x-bad' contains CR, LF or NUL"])
    }

    @Test func unsupportedProtocolsWarn() {
        let (_, warnings) = self.resolve([
            "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "http/protobuf",
        ])
        #expect(warnings == ["OTEL_EXPORTER_OTLP_PROTOCOL=\"grpc\" is not supported; Periscope exports http/protobuf"])
    }
}

@Suite struct OTLPEndpointTests {
    @Test func parsesTheParts() throws {
        let endpoint = try OTLPEndpoint(url: "http://collector.local:4318/otlp/v1/traces?tenant=a#frag")
        #expect(endpoint.scheme == .http)
        #expect(endpoint.host == "collector.local")
        #expect(endpoint.port == 4318)
        #expect(endpoint.target == "/otlp/v1/traces?tenant=a")
        #expect(endpoint.hostHeader == "collector.local:4318")

        let ipv6 = try OTLPEndpoint(url: "http://[::1]:4318")
        #expect(ipv6.host == "::1")
        #expect(ipv6.target == "/")
        #expect(ipv6.url == "http://[::1]:4318/")

        let defaults = try OTLPEndpoint(url: "HTTPS://user:pw@example.com")
        #expect(defaults.scheme == .https)
        #expect(defaults.host == "example.com")
        #expect(defaults.port == 443)
        #expect(defaults.hostHeader == "example.com")
    }

    @Test(arguments: [
        "", "collector:4318", "ftp://x/", "http://", "http://:80/", "http://h:0/", "http://h:x/",
        "http://[::1/", "http://h/a b",
    ])
    func rejectsBadURLs(url: String) {
        #expect(throws: OTLPEndpointError.self) { try OTLPEndpoint(url: url) }
    }

    @Test func signalURLAppendsTheRelativePath() {
        #expect(OTLPEndpoint.signalURL(base: "http://c:4318", signal: .traces) == "http://c:4318/v1/traces")
        #expect(OTLPEndpoint.signalURL(base: "http://c:4318/p/", signal: .metrics) == "http://c:4318/p/v1/metrics")
    }
}
