import PeriscopeTelemetry
import Testing

@Suite struct GaugeTests {
    private func value(_ registry: MetricsRegistry, _ name: String) -> String? {
        ExpositionSamples.parse(registry.render(format: .prometheusText)).first { $0.name == name }?.value
    }

    @Test func setComposesWithShardedIncrements() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let gauge = registry.gauge(name: "g", help: "G.").bind()
        let loop0 = registry.shard(forEventLoop: 0)
        let loop1 = registry.shard(forEventLoop: 1)
        gauge.increment(shard: loop0)
        gauge.increment(shard: loop1)
        gauge.increment()
        #expect(self.value(registry, "g") == "3")
        gauge.set(10)
        #expect(self.value(registry, "g") == "10")
        gauge.decrement(shard: loop1)
        gauge.add(0.5)
        #expect(self.value(registry, "g") == "9.5")
        gauge.set(-1.25)
        #expect(self.value(registry, "g") == "-1.25")
        gauge.set(0)
        gauge.add(-4, shard: loop0)
        #expect(self.value(registry, "g") == "-4")
    }

    @Test func integerOnlyGaugesRenderAsIntegersInOpenMetrics() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let connections = registry.gauge(name: "open_connections", help: "C.").bind()
        connections.add(7, shard: registry.shard(forEventLoop: 0))
        let flag = registry.gauge(name: "draining", help: "D.").bind()
        flag.set(1)
        let text = registry.renderString(.openMetrics)
        #expect(text.contains("open_connections 7\n"))
        #expect(text.contains("draining 1.0\n"))
    }
}
