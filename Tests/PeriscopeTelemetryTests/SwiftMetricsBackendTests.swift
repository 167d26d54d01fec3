import CoreMetrics
import Dispatch
import Testing

@testable import PeriscopeTelemetry

/// The swift-metrics backend, used through swift-metrics' own API with an explicit factory (not the global
/// bootstrap, except in the one test about it).
@Suite struct SwiftMetricsBackendTests {
    /// Collects `onConflict` messages.
    final class ConflictLog: Sendable {
        private let box = LockedBox<[String]>([])
        var messages: [String] { self.box.withLockedValue { $0 } }
        func append(_ message: String) { self.box.withLockedValue { $0.append(message) } }
    }

    private func samples(_ registry: MetricsRegistry, named name: String) -> [Sample] {
        ExpositionSamples.parse(registry.render(format: .prometheusText)).filter { $0.name == name }
    }

    @Test func countersBecomeCounterFamiliesWithSortedLabels() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let factory = PeriscopeMetricsFactory(registry: registry)
        let counter = Counter(
            label: "http.client.requestCount",
            dimensions: [("status", "200"), ("method", "GET")],
            factory: factory
        )
        counter.increment(by: 3)
        counter.increment()
        counter.increment(by: -5)  // dropped: counters cannot go down
        counter.reset()  // a no-op
        // The same dimensions in another order are the same series.
        Counter(
            label: "http.client.requestCount", dimensions: [("method", "GET"), ("status", "200")], factory: factory
        )
        .increment()
        FloatingPointCounter(
            label: "http.client.requestCount",
            dimensions: [("method", "GET"), ("status", "200")],
            factory: factory
        ).increment(by: 0.5)

        let text = registry.renderString(.prometheusText)
        #expect(text.contains("# TYPE http_client_request_count_total counter\n"))
        #expect(
            text.contains(
                "# HELP http_client_request_count_total Reported through swift-metrics (counter "
                    + "\"http.client.requestCount\").\n"
            )
        )
        #expect(text.contains("http_client_request_count_total{method=\"GET\",status=\"200\"} 5.5\n"))
        #expect(self.samples(registry, named: "http_client_request_count_total").count == 1)

        Counter(label: "jobs_total", factory: factory).increment(by: 7)
        #expect(registry.renderString(.prometheusText).contains("\njobs_total 7\n"))
    }

    @Test func metersAndNonAggregatingRecordersBecomeGauges() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let factory = PeriscopeMetricsFactory(registry: registry)
        let meter = Meter(label: "pool.idleConnections", dimensions: [("pool", "db")], factory: factory)
        meter.set(5)
        meter.increment(by: 2.5)
        meter.decrement(by: 1)
        meter.increment(by: Double.nan)  // dropped
        Recorder(label: "queue_depth", aggregate: false, factory: factory).record(42)

        let text = registry.renderString(.prometheusText)
        #expect(text.contains("# TYPE pool_idle_connections gauge\n"))
        #expect(text.contains("pool_idle_connections{pool=\"db\"} 6.5\n"))
        #expect(text.contains("# TYPE queue_depth gauge\n"))
        #expect(text.contains("\nqueue_depth 42\n"))
    }

    @Test func aggregatingRecordersBecomeHistogramsWithTheConfiguredBuckets() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let factory = PeriscopeMetricsFactory(registry: registry, recorderBuckets: [1, 10, 100, .infinity])
        let recorder = Recorder(label: "payload size", dimensions: [("le", "x")], factory: factory)
        for value in [0.5, 5, 50, 500] {
            recorder.record(value)
        }
        recorder.record(Int64(7))

        let text = registry.renderString(.prometheusText)
        #expect(text.contains("# TYPE payload_size histogram\n"))
        // `le` is the bucket label: the dimension is renamed.
        #expect(text.contains("payload_size_bucket{le_=\"x\",le=\"1\"} 1\n"))
        #expect(text.contains("payload_size_bucket{le_=\"x\",le=\"10\"} 3\n"))
        #expect(text.contains("payload_size_bucket{le_=\"x\",le=\"100\"} 4\n"))
        #expect(text.contains("payload_size_bucket{le_=\"x\",le=\"+Inf\"} 5\n"))
        #expect(text.contains("payload_size_sum{le_=\"x\"} 562.5\n"))
        #expect(text.contains("payload_size_count{le_=\"x\"} 5\n"))

        Recorder(label: "batch_size", factory: PeriscopeMetricsFactory(registry: registry)).record(3)
        let defaults = self.samples(registry, named: "batch_size_bucket")
        #expect(defaults.count == PeriscopeMetricsFactory.defaultRecorderBuckets.count + 1)
        #expect(defaults.first { $0.label("le") == "2.5" }?.value == "0")
        #expect(defaults.first { $0.label("le") == "5" }?.value == "1")
    }

    @Test func timersBecomeHistogramsInSeconds() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let factory = PeriscopeMetricsFactory(registry: registry)
        let timer = Timer(label: "db.query", dimensions: [("table", "users")], factory: factory)
        timer.recordMilliseconds(3)
        timer.recordNanoseconds(-1)  // dropped
        Timer(label: "upstream_latency_ms", factory: factory).recordSeconds(2)
        Timer(label: "fetch_seconds", factory: factory).recordMicroseconds(50)

        let buckets = self.samples(registry, named: "db_query_seconds_bucket")
        #expect(buckets.count == Buckets.defaultDuration.count + 1)
        #expect(buckets.first { $0.label("le") == "0.0025" }?.value == "0")
        #expect(buckets.first { $0.label("le") == "0.005" }?.value == "1")
        #expect(buckets.allSatisfy { $0.label("table") == "users" })
        let text = registry.renderString(.prometheusText)
        #expect(text.contains("db_query_seconds_sum{table=\"users\"} 0.003\n"))
        #expect(text.contains("db_query_seconds_count{table=\"users\"} 1\n"))
        #expect(text.contains("upstream_latency_seconds_bucket{le=\"2.5\"} 1\n"))
        #expect(text.contains("fetch_seconds_bucket{le=\"0.0001\"} 1\n"))
        let openMetrics = registry.renderString(.openMetrics)
        #expect(openMetrics.contains("# UNIT db_query_seconds seconds\n"))
        #expect(openMetrics.contains("db_query_seconds_sum{table=\"users\"} 0.003\n"))
    }

    @Test(arguments: [
        ("http.client.requestCount", "http_client_request_count"),
        ("HTTPRequests", "http_requests"),
        ("__weird--name__", "weird_name"),
        ("a:b c", "a_b_c"),
        ("5xx", "_5xx"),
        ("", "unnamed"),
        ("caf\u{E9}Orders", "caf_orders"),
        ("already_snake_case_2", "already_snake_case_2"),
    ])
    func metricNamesAreSanitized(label: String, expected: String) {
        #expect(SwiftMetricsNaming.metricName(label) == expected)
    }

    @Test func labelAndSuffixRules() {
        #expect(SwiftMetricsNaming.labelName("_private", forHistogram: false) == "private")
        #expect(SwiftMetricsNaming.labelName("1st", forHistogram: false) == "label_1st")
        #expect(SwiftMetricsNaming.labelName("le", forHistogram: false) == "le")
        #expect(SwiftMetricsNaming.labelName("le", forHistogram: true) == "le_")
        #expect(SwiftMetricsNaming.labelName("peer.Address", forHistogram: false) == "peer_address")
        #expect(SwiftMetricsNaming.counterName("jobs") == "jobs_total")
        #expect(SwiftMetricsNaming.counterName("jobs_total") == "jobs_total")
        #expect(SwiftMetricsNaming.counterName("total") == "total_total")
        #expect(SwiftMetricsNaming.timerName("rpc") == "rpc_seconds")
        #expect(SwiftMetricsNaming.timerName("rpc.latencyMs") == "rpc_latency_seconds")
        #expect(SwiftMetricsNaming.timerName("rpc_seconds") == "rpc_seconds")
        // Keys that sanitize alike: the first wins.
        let labels = SwiftMetricsNaming.labels([("b", "1"), ("a.x", "2"), ("a_x", "3")], forHistogram: false)
        #expect(labels.names == ["a_x", "b"])
        #expect(labels.values == ["2", "1"])
    }

    @Test func conflictingDefinitionsAreDroppedAndReportedOnce() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let native = registry.counter(name: "periscope_jobs_total", help: "Jobs.", labelNames: ["queue"])
        native.bind(["a"]).add(10)
        let log = ConflictLog()
        let factory = PeriscopeMetricsFactory(registry: registry, onConflict: { log.append($0) })

        Counter(label: "jobs", dimensions: [("queue", "a")], factory: factory).increment()
        // Same name, another key set: dropped, reported once however often it is created.
        for _ in 0..<3 {
            Counter(label: "jobs", dimensions: [("queue", "a"), ("worker", "1")], factory: factory).increment(by: 5)
        }
        // Same name, another kind: a gauge `jobs_total`, and a gauge `jobs` (the counter's OpenMetrics name).
        Meter(label: "jobs_total", dimensions: [("queue", "a")], factory: factory).set(99)
        Meter(label: "jobs", factory: factory).set(98)
        // A name Periscope registered itself with other labels.
        Counter(label: "periscope_jobs_total", factory: factory).increment(by: 1000)
        // A timer and an aggregating recorder that both end up as `wait_seconds`.
        Timer(label: "wait", factory: factory).recordSeconds(1)
        Recorder(label: "wait_seconds", factory: factory).record(1)

        let jobs = self.samples(registry, named: "jobs_total")
        #expect(jobs.count == 1)
        #expect(jobs.first?.labels.map(\.0) == ["queue"])
        #expect(jobs.first?.value == "1")
        #expect(self.samples(registry, named: "jobs").isEmpty)
        #expect(self.samples(registry, named: "periscope_jobs_total").map(\.value) == ["10"])
        #expect(self.samples(registry, named: "wait_seconds_count").map(\.value) == ["1"])

        let messages = log.messages
        #expect(messages.count == 5)
        #expect(messages.filter { $0.contains("'jobs_total' with labels [\"queue\", \"worker\"]") }.count == 1)
        #expect(messages.contains { $0.contains("gauge 'jobs'") })
        #expect(messages.contains { $0.contains("counter 'periscope_jobs_total'") })
        #expect(messages.contains { $0.contains("histogram 'wait_seconds'") })
    }

    @Test func labelValuesAreBoundedByTheCardinalityLimit() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let factory = PeriscopeMetricsFactory(registry: registry, cardinalityLimit: 3)
        for index in 0..<10 {
            Counter(label: "paths", dimensions: [("path", "/p/\(index)")], factory: factory).increment()
        }
        let paths = self.samples(registry, named: "paths_total")
        #expect(paths.count == 4)
        #expect(paths.first { $0.label("path") == MetricsRegistry.overflowLabelValue }?.value == "7")
        let overflow = self.samples(registry, named: MetricsRegistry.overflowMetricName)
        #expect(overflow.first { $0.label("metric") == "paths_total" }?.value == "7")

        let defaults = PeriscopeMetricsFactory(registry: MetricsRegistry(eventLoopCount: 1))
        #expect(defaults.cardinalityLimit == MetricsRegistry.defaultCardinalityLimit)
    }

    @Test func creatingTheFactoryRegistersNothingAndDestroyKeepsTheSeries() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let before = registry.renderString(.prometheusText)
        let factory = PeriscopeMetricsFactory(registry: registry)
        #expect(registry.renderString(.prometheusText) == before)

        let counter = Counter(label: "retries", factory: factory)
        counter.increment()
        counter.destroy()
        Timer(label: "t", factory: factory).destroy()
        Counter(label: "retries", factory: factory).increment()
        #expect(self.samples(registry, named: "retries_total").map(\.value) == ["2"])
        #expect(self.samples(registry, named: "t_seconds_count").map(\.value) == ["0"])
    }

    @Test func concurrentRecordingThroughOneHandlerKeepsEveryEvent() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let factory = PeriscopeMetricsFactory(registry: registry)
        let counter = Counter(label: "events", factory: factory)
        let timer = Timer(label: "work", factory: factory)
        let threads = 4
        let perThread = 50_000
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<perThread {
                counter.increment()
                timer.recordNanoseconds(1_000)
            }
        }
        #expect(self.samples(registry, named: "events_total").map(\.value) == [String(threads * perThread)])
        #expect(self.samples(registry, named: "work_seconds_count").map(\.value) == [String(threads * perThread)])
    }

    @Test func bootstrapHappensOnlyOnce() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let bootstrapped = bootstrapSwiftMetrics(registry: registry)
        let other = MetricsRegistry(eventLoopCount: 1)
        #expect(!bootstrapSwiftMetrics(registry: other))
        // Whoever bootstrapped first (this test, unless another one in the process did), swift-metrics' global
        // API now reports into a Periscope registry — never into `other`.
        Counter(label: "swift_metrics_bootstrap_probe").increment()
        if bootstrapped {
            #expect(self.samples(registry, named: "swift_metrics_bootstrap_probe_total").map(\.value) == ["1"])
        }
        #expect(self.samples(other, named: "swift_metrics_bootstrap_probe_total").isEmpty)
    }
}
