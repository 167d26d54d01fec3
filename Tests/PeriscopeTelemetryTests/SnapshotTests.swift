import Testing

@testable import PeriscopeTelemetry

@Suite struct SnapshotTests {
    @Test func snapshotSumsShardsLikeTheExposition() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let counter = registry.counter(name: "req_total", help: "R.", labelNames: ["code"])
        let ok = counter.bind(["200"])
        ok.increment(shard: registry.shard(forEventLoop: 0))
        ok.increment(shard: registry.shard(forEventLoop: 1))
        ok.add(0.5)
        let gauge = registry.gauge(name: "inflight", help: "I.")
        gauge.bind().set(2.5)
        let histogram = registry.histogram(name: "lat_seconds", help: "L.", labelNames: ["r"], buckets: [0.1, 1])
        let series = histogram.bind(["/a"])
        series.observe(0.05, shard: registry.shard(forEventLoop: 0))
        series.observe(0.5, shard: registry.shard(forEventLoop: 1))
        series.observe(5, shard: registry.shard(forEventLoop: 1))

        let families = Dictionary(uniqueKeysWithValues: registry.snapshot().map { ($0.name, $0) })
        #expect(families["req_total"]?.kind == .counter)
        #expect(families["req_total"]?.series == [MetricSeriesSnapshot(labelValues: ["200"], value: 2.5)])
        #expect(families["inflight"]?.series.first?.value == 2.5)
        let latency = families["lat_seconds"]
        #expect(latency?.buckets == [0.1, 1])
        #expect(latency?.labelNames == ["r"])
        #expect(latency?.series.first?.cumulativeBuckets == [1, 2, 3])
        #expect(latency?.series.first?.count == 3)
        #expect(latency?.series.first?.value == 5.55)
        // The registry's own overflow counter comes last.
        #expect(registry.snapshot().last?.name == MetricsRegistry.overflowMetricName)
    }

    @Test func appendersRenderAfterTheFamiliesAndBeforeEOF() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        registry.counter(name: "a_total", help: "A.").bind().increment()
        #expect(
            registry.registerExpositionAppender(named: "alerts") { format, out in
                out.append(contentsOf: "# TYPE ALERTS gauge\nALERTS{alertname=\"X\"} 1\n".utf8)
                if format == .openMetrics { out.append(contentsOf: "# formatted for OpenMetrics\n".utf8) }
            }
        )
        #expect(!registry.registerExpositionAppender(named: "alerts") { _, _ in })
        let text = registry.renderString(.openMetrics)
        #expect(text.hasSuffix("ALERTS{alertname=\"X\"} 1\n# formatted for OpenMetrics\n# EOF\n"))
        #expect(registry.renderString(.prometheusText).hasSuffix("ALERTS{alertname=\"X\"} 1\n"))
    }
}
