import Dispatch
import PeriscopeTelemetry
import Testing

/// Real threads recording while others render: exact totals and consistent histograms.
@Suite(.serialized) struct ConcurrencyTests {
    /// Runs `body(index)` on `count` threads at once and waits for all of them.
    private func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> DispatchGroup {
        let group = DispatchGroup()
        for index in 0..<count {
            DispatchQueue(label: "writer-\(index)").async(group: group) { body(index) }
        }
        return group
    }

    @Test func threadsRecordingOnTheirOwnShardsEndWithTheExactTotal() {
        let threads = 4
        let perThread = 1_000_000
        let registry = MetricsRegistry(eventLoopCount: threads)
        let counter = registry.counter(name: "c_total", help: "C.").bind()
        let fractional = registry.counter(name: "f_seconds_total", help: "F.").bind()
        let inFlight = registry.gauge(name: "in_flight", help: "G.").bind()
        let shared = registry.counter(name: "shared_total", help: "S.").bind()
        let sharedGauge = registry.gauge(name: "shared_gauge", help: "S.").bind()
        let shards = (0..<threads).map { registry.shard(forEventLoop: $0) }

        self.onThreads(threads) { index in
            let shard = shards[index]
            for iteration in 0..<perThread {
                counter.increment(shard: shard)
                inFlight.increment(shard: shard)
                if iteration % 4 == 0 { fractional.add(0.25, shard: shard) }
                inFlight.decrement(shard: shard)
                // The shard-less path: atomic read-modify-writes on the shared extra shard, contended on purpose.
                if iteration % 4 == 0 {
                    shared.increment()
                    sharedGauge.increment()
                    sharedGauge.add(0.5)
                }
            }
        }.wait()

        let samples = ExpositionSamples.parse(registry.render(format: .prometheusText))
        let values = Dictionary(samples.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(values["c_total"] == String(threads * perThread))
        #expect(values["f_seconds_total"] == String(threads * perThread / 16))
        #expect(values["in_flight"] == "0")
        #expect(values["shared_total"] == String(threads * perThread / 4))
        #expect(Double(values["shared_gauge"] ?? "") == Double(threads * perThread / 4) * 1.5)
    }

    @Test func histogramStaysConsistentInEveryRenderWhileThreadsObserve() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let family = registry.histogram(
            name: "h_seconds",
            help: "H.",
            labelNames: ["route"],
            buckets: [0.1, 0.3, 1, 5, 50]
        )
        let handles = [family.bind(["a"]), family.bind(["b"])]
        let shards = [registry.shard(forEventLoop: 0), registry.shard(forEventLoop: 1)]
        // Binary fractions, so the final sum is exact whatever the order of additions.
        let values: [Double] = [0.0625, 0.25, 0.5, 4, 100]
        let perThread = 400_000

        let writers = self.onThreads(3) { index in
            for iteration in 0..<perThread {
                let value = values[iteration % values.count]
                if index < 2 {
                    handles[iteration & 1].observe(value, shard: shards[index])
                } else if iteration % 8 == 0 {
                    handles[iteration & 1].observe(value)
                }
            }
        }

        let total = 2 * perThread + perThread / 8
        var renders = 0
        var rendersWhileRecording = 0
        var previous: [String: UInt64] = [:]
        var problems: [String] = []
        var buffer: [UInt8] = []
        repeat {
            buffer.removeAll(keepingCapacity: true)
            registry.render(format: renders % 2 == 0 ? .prometheusText : .openMetrics, into: &buffer)
            let check = ExpositionSamples.checkHistograms(ExpositionSamples.parse(buffer), name: "h_seconds")
            problems += check.problems
            for (series, count) in check.counts {
                if count < previous[series, default: 0] { problems.append("count of \(series) went down") }
            }
            previous = check.counts
            let observed = check.counts.values.reduce(0, +)
            if observed > 0 && observed < UInt64(total) { rendersWhileRecording += 1 }
            renders += 1
        } while writers.wait(timeout: .now()) == .timedOut || renders < 50
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect(renders >= 50)
        // The point of the test: most renders raced with the writers.
        #expect(rendersWhileRecording >= 10, "only \(rendersWhileRecording) of \(renders) renders overlapped")

        let final = ExpositionSamples.parse(registry.render(format: .prometheusText))
        let counts = final.filter { $0.name == "h_seconds_count" }.compactMap { UInt64($0.value) }
        #expect(counts.reduce(0, +) == UInt64(total))
        let sums = final.filter { $0.name == "h_seconds_sum" }.compactMap { Double($0.value) }
        let cycles = Double(total / values.count)
        #expect(sums.reduce(0, +) == cycles * values.reduce(0, +))
    }
}
