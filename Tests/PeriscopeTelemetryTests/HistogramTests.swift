import Testing

@testable import PeriscopeTelemetry

@Suite struct HistogramTests {
    @Test func bucketsAreCumulativeAndCountEqualsInf() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let family = registry.histogram(name: "h_seconds", help: "H.", labelNames: ["route"])
        let handle = family.bind(["r"])
        let values = [0.00005, 0.0001, 0.0003, 0.002, 0.02, 0.2, 2, 20, 59.9, 60, 61, 1e9]
        for (index, value) in values.enumerated() {
            handle.observe(value, shard: registry.shard(forEventLoop: index % 2))
        }
        let samples = ExpositionSamples.parse(registry.render(format: .prometheusText))
        let check = ExpositionSamples.checkHistograms(samples, name: "h_seconds")
        #expect(check.problems.isEmpty)
        #expect(check.counts["route=r"] == UInt64(values.count))
        let buckets = samples.filter { $0.name == "h_seconds_bucket" }
        #expect(buckets.first { $0.label("le") == "0.0001" }?.value == "2")  // inclusive upper bound
        #expect(buckets.first { $0.label("le") == "60" }?.value == "10")
        #expect(buckets.first { $0.label("le") == "+Inf" }?.value == "12")
    }

    @Test func nanObservationsAreDropped() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let handle = registry.histogram(name: "h", help: "H.", buckets: [1]).bind()
        handle.observe(.nan, shard: registry.shard(forEventLoop: 0))
        handle.observe(.nan)
        handle.observe(.infinity)
        let samples = ExpositionSamples.parse(registry.render(format: .prometheusText))
        #expect(samples.first { $0.name == "h_count" }?.value == "1")
        #expect(samples.first { $0.name == "h_sum" }?.value == "+Inf")
    }

    @Test(arguments: [0, 1, 5, 32, 33, 100])
    func bucketSearchMatchesAPlainScan(boundCount: Int) {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let bounds = (0..<boundCount).map { Double($0) * 0.5 - 3 }
        let handle = registry.histogram(name: "h", help: "H.", buckets: bounds).bind()
        var probes = bounds.flatMap { [$0, $0.nextDown, $0.nextUp] }
        probes += [-.infinity, .infinity, -1e9, 1e9, 0]
        for value in probes {
            let expected = bounds.firstIndex { value <= $0 } ?? bounds.count
            #expect(handle.bucketIndex(value) == expected, "value \(value)")
        }
    }

    @Test func sharedAndShardedObservationsAddUp() {
        let registry = MetricsRegistry(eventLoopCount: 3)
        let handle = registry.histogram(name: "h", help: "H.", buckets: [1, 2]).bind()
        for loop in 0..<3 {
            for _ in 0..<10 { handle.observe(1.5, shard: registry.shard(forEventLoop: loop)) }
        }
        for _ in 0..<5 { handle.observe(0.5) }
        let samples = ExpositionSamples.parse(registry.render(format: .prometheusText))
        #expect(samples.map(\.value) == ["5", "35", "35", "47.5", "35"])
    }
}
