import PeriscopeOTLP
import PeriscopeTelemetry

/// A real `MetricsRegistry` with labelled counters, gauges, and histograms, and known values.
///
/// - `periscope_test_requests_total` (counter): `{route="/api",code="200"}` 3, `{route="/api",code="500"}` 1,
///   `{route="/health",code="200"}` 7
/// - `periscope_test_busy_seconds_total` (counter, seconds): 1.25
/// - `periscope_test_memory_bytes` (gauge, bytes): 1048576
/// - `periscope_test_in_flight` (gauge): `{route="/api"}` 2
/// - `periscope_test_request_duration_seconds` (histogram, bounds 0.1, 0.5, 1, seconds): `{route="/api"}` observed
///   0.05, 0.2, 0.3 and 2; `{route="/health"}` observed 0.01
/// - `periscope_test_unused_total` (counter): no series
///
/// The registry adds `periscope_metric_series_overflow_total{metric}` with a 0 series per labelled family.
struct SampleRegistry {
    static let startTime: UInt64 = 1_700_000_000_000_000_000
    static let collectionTime: UInt64 = 1_700_000_060_000_000_000
    static let durationBounds: [Double] = [0.1, 0.5, 1]

    let registry = MetricsRegistry(eventLoopCount: 1)
    let requests: CounterFamily
    let busy: CounterHandle
    let memory: GaugeHandle
    let inFlight: GaugeFamily
    let duration: HistogramFamily

    init() {
        self.requests = self.registry.counter(
            name: "periscope_test_requests_total",
            help: "Requests by route and status code.",
            labelNames: ["route", "code"]
        )
        self.busy = self.registry.counter(
            name: "periscope_test_busy_seconds_total",
            help: "Time spent busy.",
            unit: "seconds"
        ).bind()
        self.memory = self.registry.gauge(
            name: "periscope_test_memory_bytes",
            help: "Memory in use.",
            unit: "bytes"
        ).bind()
        self.inFlight = self.registry.gauge(
            name: "periscope_test_in_flight",
            help: "Requests in flight.",
            labelNames: ["route"]
        )
        self.duration = self.registry.histogram(
            name: "periscope_test_request_duration_seconds",
            help: "Request duration.",
            labelNames: ["route"],
            buckets: Self.durationBounds,
            unit: "seconds"
        )
        _ = self.registry.counter(name: "periscope_test_unused_total", help: "Never bound.", labelNames: ["x"])

        self.requests.bind(["/api", "200"]).add(3)
        self.requests.bind(["/api", "500"]).increment()
        self.requests.bind(["/health", "200"]).add(7)
        self.busy.add(1.25)
        self.memory.set(1_048_576)
        self.inFlight.bind(["/api"]).add(2)
        for value in [0.05, 0.2, 0.3, 2.0] {
            self.duration.bind(["/api"]).observe(value)
        }
        self.duration.bind(["/health"]).observe(0.01)
    }

    /// A resource with fixed values (no host name or random instance id), so requests are reproducible.
    static let resource = OTLPResource(attributes: [
        OTLPAttribute("service.name", "periscope-test"),
        OTLPAttribute("service.version", "1.2.3"),
        OTLPAttribute("service.instance.id", "instance-1"),
        OTLPAttribute("process.pid", .int(4242)),
    ])

    static func encoder(
        temporality: OTLPAggregationTemporality = .cumulative,
        naming: OTLPMetricNaming = .droppingTypeSuffix
    ) -> OTLPMetricsEncoder {
        OTLPMetricsEncoder(
            configuration: .init(
                resource: Self.resource,
                scopeVersion: "1.2.3",
                temporality: temporality,
                naming: naming
            )
        )
    }
}
