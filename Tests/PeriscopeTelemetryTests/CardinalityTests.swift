import Testing

@testable import PeriscopeTelemetry

@Suite struct CardinalityTests {
    @Test func bindsBeyondTheLimitFoldIntoOtherAndAreCounted() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let family = registry.counter(
            name: "periscope_test_paths_total",
            help: "Paths.",
            labelNames: ["path", "method"],
            cardinalityLimit: 100
        )
        var bytesAtLimit = 0
        for index in 0..<5000 {
            family.bind(["/p/\(index)", "GET"]).increment()
            if index == 100 { bytesAtLimit = family.table.allocatedBytes }
        }
        // 100 regular series plus the overflow series; memory stopped growing once the limit was reached.
        #expect(family.seriesCount == 101)
        #expect(family.table.allocatedBytes == bytesAtLimit)
        #expect(family.table.allocatedBytes <= 101 * 2 * 8 * 3 + 6 * 3 * 128)

        let samples = ExpositionSamples.parse(registry.render(format: .prometheusText))
        let series = samples.filter { $0.name == "periscope_test_paths_total" }
        #expect(series.count == 101)
        #expect(series.filter { $0.label("path")!.hasPrefix("/p/") }.allSatisfy { $0.value == "1" })
        let other = series.first { $0.label("path") == "_other" }
        #expect(other?.label("method") == "_other")
        #expect(other?.value == "4900")
        let overflow = samples.first {
            $0.name == "periscope_metric_series_overflow_total" && $0.label("metric") == "periscope_test_paths_total"
        }
        #expect(overflow?.value == "4900")
    }

    @Test func rebindingAnExistingSeriesAtTheLimitIsNotAnOverflow() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = registry.gauge(name: "g", help: "G.", labelNames: ["k"], cardinalityLimit: 2)
        _ = family.bind(["a"])
        _ = family.bind(["b"])
        _ = family.bind(["a"])
        _ = family.bind(["c"])  // rejected: one overflow
        _ = family.bind(["c"])  // rejected again: counted per call
        _ = family.bind(["_other"])  // names the overflow series itself: not a rejection
        #expect(family.seriesCount == 3)
        #expect(
            registry.renderString(.prometheusText).contains("periscope_metric_series_overflow_total{metric=\"g\"} 2\n"))
    }

    @Test func histogramOverflowSeriesRecords() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = registry.histogram(name: "h", help: "H.", labelNames: ["k"], buckets: [1], cardinalityLimit: 1)
        _ = family.bind(["a"])
        family.bind(["b"]).observe(0.5)
        family.bind(["c"]).observe(2)
        let samples = ExpositionSamples.parse(registry.render(format: .prometheusText))
        #expect(samples.first { $0.name == "h_count" && $0.label("k") == "_other" }?.value == "2")
        #expect(family.seriesCount == 2)
    }

    @Test func familiesWithoutLabelsHaveOneSeriesAndNoOverflowCounter() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = registry.counter(name: "plain_total", help: "P.", cardinalityLimit: 1)
        family.bind().increment()
        family.bind().increment()
        #expect(family.seriesCount == 1)
        #expect(!registry.renderString(.prometheusText).contains("metric=\"plain_total\""))
    }
}
