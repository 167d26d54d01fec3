import Benchmark
import Dispatch
import PeriscopeTelemetry
import Prometheus

/// Runs `body(threadIndex, iterations)` on `threads` threads at once and waits for all of them.
private func onThreads(_ threads: Int, _ iterations: Int, _ body: @Sendable (Int, Int) -> Void) {
    DispatchQueue.concurrentPerform(iterations: threads) { index in
        body(index, iterations / threads)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 20
    )

    // MARK: counters

    Benchmark("Periscope.Counter.increment.1thread") { benchmark in
        let registry = MetricsRegistry(eventLoopCount: 2)
        let counter = registry.counter(name: "bench_total", help: "b", labelNames: ["route"]).bind(["a"])
        let shard = registry.shard(forEventLoop: 0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { counter.increment(shard: shard) }
    }

    Benchmark("Periscope.Counter.increment.2threads") { benchmark in
        let registry = MetricsRegistry(eventLoopCount: 2)
        let counter = registry.counter(name: "bench_total", help: "b", labelNames: ["route"]).bind(["a"])
        let count = benchmark.scaledIterations.count
        benchmark.startMeasurement()
        onThreads(2, count) { index, iterations in
            let shard = registry.shard(forEventLoop: index)
            for _ in 0..<iterations { counter.increment(shard: shard) }
        }
    }

    Benchmark("Prometheus.Counter.increment.1thread") { benchmark in
        let registry = PrometheusCollectorRegistry()
        let counter = registry.makeCounter(name: "bench_total", labels: [("route", "a")])
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { counter.increment() }
    }

    Benchmark("Prometheus.Counter.increment.2threads") { benchmark in
        let registry = PrometheusCollectorRegistry()
        let counter = registry.makeCounter(name: "bench_total", labels: [("route", "a")])
        let count = benchmark.scaledIterations.count
        benchmark.startMeasurement()
        onThreads(2, count) { _, iterations in
            for _ in 0..<iterations { counter.increment() }
        }
    }

    // MARK: histograms

    Benchmark("Periscope.Histogram.observe.1thread") { benchmark in
        let registry = MetricsRegistry(eventLoopCount: 2)
        let histogram = registry.histogram(name: "bench_seconds", help: "b", labelNames: ["route"]).bind(["a"])
        let shard = registry.shard(forEventLoop: 0)
        benchmark.startMeasurement()
        var value = 0.0001
        for _ in benchmark.scaledIterations {
            histogram.observe(value, shard: shard)
            value = value < 30 ? value * 1.7 : 0.0001
        }
    }

    Benchmark("Periscope.Histogram.observe.2threads") { benchmark in
        let registry = MetricsRegistry(eventLoopCount: 2)
        let histogram = registry.histogram(name: "bench_seconds", help: "b", labelNames: ["route"]).bind(["a"])
        let count = benchmark.scaledIterations.count
        benchmark.startMeasurement()
        onThreads(2, count) { index, iterations in
            let shard = registry.shard(forEventLoop: index)
            var value = 0.0001
            for _ in 0..<iterations {
                histogram.observe(value, shard: shard)
                value = value < 30 ? value * 1.7 : 0.0001
            }
        }
    }

    // The same loop as `observe.1thread`, on a family with exemplars, every observation carrying one (the cost a
    // sampled request adds: the bucket's seqlocked slot, six relaxed stores and two sequence stores).
    Benchmark("Periscope.Histogram.observeWithExemplar.1thread") { benchmark in
        let registry = MetricsRegistry(eventLoopCount: 2)
        let histogram = registry.histogram(
            name: "bench_seconds",
            help: "b",
            labelNames: ["route"],
            exemplars: true
        ).bind(["a"])
        let shard = registry.shard(forEventLoop: 0)
        benchmark.startMeasurement()
        var value = 0.0001
        var id: UInt64 = 0x9e37_79b9_7f4a_7c15
        for _ in benchmark.scaledIterations {
            id &+= 1
            let exemplar = Exemplar(traceIDHigh: id, traceIDLow: ~id, spanID: id, timeUnixNano: id)
            histogram.observe(value, shard: shard, exemplar: exemplar)
            value = value < 30 ? value * 1.7 : 0.0001
        }
    }

    Benchmark("Prometheus.Histogram.observe.1thread") { benchmark in
        let registry = PrometheusCollectorRegistry()
        let histogram = registry.makeValueHistogram(name: "bench_seconds", buckets: Buckets.defaultDuration)
        benchmark.startMeasurement()
        var value = 0.0001
        for _ in benchmark.scaledIterations {
            histogram.record(value)
            value = value < 30 ? value * 1.7 : 0.0001
        }
    }

    Benchmark("Prometheus.Histogram.observe.2threads") { benchmark in
        let registry = PrometheusCollectorRegistry()
        let histogram = registry.makeValueHistogram(name: "bench_seconds", buckets: Buckets.defaultDuration)
        let count = benchmark.scaledIterations.count
        benchmark.startMeasurement()
        onThreads(2, count) { _, iterations in
            var value = 0.0001
            for _ in 0..<iterations {
                histogram.record(value)
                value = value < 30 ? value * 1.7 : 0.0001
            }
        }
    }

    // MARK: rendering

    for series in [1000, 10000] {
        Benchmark(
            "Periscope.render.\(series)series",
            configuration: .init(scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 200)
        ) { benchmark in
            let registry = MetricsRegistry(eventLoopCount: 2)
            let family = registry.counter(
                name: "bench_requests_total",
                help: "b",
                labelNames: ["route", "code"],
                cardinalityLimit: series + 1
            )
            for index in 0..<series { family.bind(["route\(index / 10)", "\(200 + index % 10)"]).add(index) }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(series * 64)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                buffer.removeAll(keepingCapacity: true)
                registry.render(format: .prometheusText, into: &buffer)
                blackHole(buffer.count)
            }
        }

        Benchmark(
            "Prometheus.render.\(series)series",
            configuration: .init(scalingFactor: .one, maxDuration: .seconds(3), maxIterations: 200)
        ) { benchmark in
            let registry = PrometheusCollectorRegistry()
            for index in 0..<series {
                registry.makeCounter(
                    name: "bench_requests_total",
                    labels: [("route", "route\(index / 10)"), ("code", "\(200 + index % 10)")]
                ).increment(by: Int64(index))
            }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(series * 64)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                buffer.removeAll(keepingCapacity: true)
                registry.emit(into: &buffer)
                blackHole(buffer.count)
            }
        }
    }
}
