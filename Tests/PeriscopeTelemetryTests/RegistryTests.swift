import Testing

@testable import PeriscopeTelemetry

@Suite struct RegistryTests {
    @Test func registeringAnIdenticalDefinitionReturnsTheSameFamily() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let first = registry.counter(name: "a_total", help: "A.", labelNames: ["x"])
        let second = registry.counter(name: "a_total", help: "A.", labelNames: ["x"])
        #expect(first === second)
        let histogram = registry.histogram(name: "h_seconds", help: "H.", buckets: [1, 2, .infinity])
        #expect(histogram === registry.histogram(name: "h_seconds", help: "H.", buckets: [1, 2]))
        #expect(histogram.buckets == [1, 2])
        let gauge = registry.gauge(name: "g", help: "G.")
        #expect(gauge === registry.gauge(name: "g", help: "G."))
        // Series bound through either reference are the same series.
        first.bind(["1"]).increment()
        second.bind(["1"]).increment()
        #expect(registry.renderString(.prometheusText).contains("a_total{x=\"1\"} 2\n"))
        #expect(first.seriesCount == 1)
    }

    @Test func bindingTheSameLabelValuesReturnsTheSameCells() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = registry.histogram(name: "h", help: "H.", labelNames: ["a", "b"], buckets: [1])
        let first = family.bind(["x", "y"])
        let again = family.bind(["x", "y"])
        #expect(first.cells == again.cells)
        #expect(family.bind(["y", "x"]).cells != first.cells)
        #expect(family.seriesCount == 2)
    }

    @Test func shardsAreOnePerEventLoop() {
        let registry = MetricsRegistry(eventLoopCount: 3)
        #expect((0..<3).map { registry.shard(forEventLoop: $0).index } == [0, 1, 2])
        #expect(registry.eventLoopCount == 3)
    }

    @Test func shardsNeverShareACacheLine() {
        let registry = MetricsRegistry(eventLoopCount: 3)
        let counters = registry.counter(name: "c_total", help: "C.", labelNames: ["i"])
        let histograms = registry.histogram(name: "h", help: "H.", labelNames: ["i"], buckets: [1, 2, 3])
        var linesByShard: [Set<Int>] = Array(repeating: [], count: 4)
        for index in 0..<300 {
            let counter = counters.bind([String(index)])
            let histogram = histograms.bind([String(index)])
            for shard in 0..<4 {
                for (base, stride, cellCount) in [
                    (counter.cells, counter.shardStride, 2), (histogram.cells, histogram.shardStride, 5),
                ] {
                    for cell in 0..<cellCount {
                        let address = Int(bitPattern: base + shard * stride + cell)
                        linesByShard[shard].insert(address / 64)
                    }
                }
            }
        }
        for first in 0..<4 {
            for second in (first + 1)..<4 {
                let shared = linesByShard[first].intersection(linesByShard[second])
                #expect(shared.isEmpty, "shards \(first) and \(second) share \(shared.count) lines")
            }
        }
    }

    @Test func exemplarFamiliesAreAcceptedAndRenderNoExemplarYet() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = registry.histogram(name: "x_seconds", help: "X.", buckets: [1], exemplars: true)
        family.bind().observe(0.5)
        #expect(family.exemplars)
        #expect(!registry.renderString(.openMetrics).contains(" # {"))
    }

    @Test func bucketHelpers() {
        #expect(Buckets.exponential(start: 0.001, factor: 10, count: 4).count == 4)
        #expect(Buckets.exponential(start: 1, factor: 2, count: 5) == [1, 2, 4, 8, 16])
        #expect(Buckets.linear(start: 0, width: 0.5, count: 4) == [0, 0.5, 1, 1.5])
        #expect(Buckets.linear(start: 0.1, width: 0.1, count: 10).last == 0.1 + 9 * 0.1)
        let defaults = Buckets.defaultDuration
        #expect(defaults.first == 0.0001 && defaults.last == 60)
        #expect(zip(defaults, defaults.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func contentTypes() {
        #expect(ExpositionFormat.prometheusText.contentType == "text/plain; version=0.0.4; charset=utf-8")
        #expect(
            ExpositionFormat.openMetrics.contentType == "application/openmetrics-text; version=1.0.0; charset=utf-8")
    }

    @Test func redefiningAFamilyDifferentlyTraps() async {
        await #expect(processExitsWith: .failure) {
            let registry = MetricsRegistry(eventLoopCount: 1)
            _ = registry.counter(name: "a_total", help: "A.", labelNames: ["x"])
            _ = registry.counter(name: "a_total", help: "A.", labelNames: ["y"])
        }
        await #expect(processExitsWith: .failure) {
            let registry = MetricsRegistry(eventLoopCount: 1)
            _ = registry.counter(name: "a_total", help: "A.")
            _ = registry.gauge(name: "a_total", help: "A.")
        }
    }

    @Test func invalidDefinitionsTrap() async {
        await #expect(processExitsWith: .failure) {
            _ = MetricsRegistry(eventLoopCount: 1).counter(name: "requests", help: "No _total.")
        }
        await #expect(processExitsWith: .failure) {
            _ = MetricsRegistry(eventLoopCount: 1).histogram(name: "h", help: "H.", labelNames: ["le"])
        }
        await #expect(processExitsWith: .failure) {
            _ = MetricsRegistry(eventLoopCount: 1).histogram(name: "h", help: "H.", buckets: [2, 1])
        }
        await #expect(processExitsWith: .failure) {
            _ = MetricsRegistry(eventLoopCount: 1).gauge(name: "g_bytes", help: "G.", unit: "seconds")
        }
        await #expect(processExitsWith: .failure) {
            // A histogram `h` emits `h_count`; a gauge with that name would clash.
            let registry = MetricsRegistry(eventLoopCount: 1)
            _ = registry.histogram(name: "h", help: "H.")
            _ = registry.gauge(name: "h_count", help: "G.")
        }
        await #expect(processExitsWith: .failure) {
            let registry = MetricsRegistry(eventLoopCount: 1)
            _ = registry.counter(name: "a_total", help: "A.", labelNames: ["x"]).bind(["1", "2"])
        }
    }

    @Test func aShardOfALargerRegistryTraps() async {
        await #expect(processExitsWith: .failure) {
            let big = MetricsRegistry(eventLoopCount: 4)
            let small = MetricsRegistry(eventLoopCount: 1)
            small.counter(name: "a_total", help: "A.").bind().increment(shard: big.shard(forEventLoop: 3))
        }
    }
}
