import Benchmark
import PeriscopeAlerting
import PeriscopeConfig
import PeriscopeTelemetry

/// A registry shaped like a busy gateway's: 50 routes × 2 methods × 5 codes of request counters (500 series) and
/// 50 routes × 2 methods × 3 code classes of duration histograms (300 series × 21 samples: 19 buckets, sum,
/// count): 6,800 series as the store sees them, before the rules add their own outputs.
struct GatewayLikeRegistry {
    let registry = MetricsRegistry(eventLoopCount: 1)
    private let requests: [CounterHandle]
    private let durations: [HistogramHandle]

    init() {
        let requests = self.registry.counter(
            name: "periscope_http_requests_total",
            help: "r",
            labelNames: ["route", "method", "code"]
        )
        let durations = self.registry.histogram(
            name: "periscope_http_request_duration_seconds",
            help: "d",
            labelNames: ["route", "method", "code_class"]
        )
        var counters: [CounterHandle] = []
        var histograms: [HistogramHandle] = []
        for route in 0..<50 {
            for method in ["GET", "POST"] {
                for code in ["200", "201", "404", "500", "503"] {
                    counters.append(requests.bind(["r\(route)", method, code]))
                }
                for codeClass in ["2xx", "4xx", "5xx"] {
                    histograms.append(durations.bind(["r\(route)", method, codeClass]))
                }
            }
        }
        self.requests = counters
        self.durations = histograms
    }

    /// Roughly 15 s of traffic.
    func traffic(step: Int) {
        for (index, counter) in self.requests.enumerated() { counter.add(1 + (index + step) % 7) }
        for (index, histogram) in self.durations.enumerated() {
            histogram.observe(Double((index + step) % 100) / 100)
        }
    }
}

/// 50 rules in one group: 20 recording rules (request rates, error ratios, p99 latencies over 5m and 1h windows)
/// and 30 alerts on them.
func fiftyRules() -> String {
    var rules: [String] = []
    for window in ["5m", "30m"] {
        rules.append(
            "  - record: route:requests:rate\(window)\n    expr: sum by (route) (rate(periscope_http_requests_total[\(window)]))"
        )
        rules.append(
            "  - record: route:errors:ratio_rate\(window)\n    expr: sum by (route) (rate(periscope_http_requests_total{code=~\"5..\"}[\(window)])) / on (route) route:requests:rate\(window)"
        )
        for quantile in ["0.5", "0.9", "0.99"] {
            rules.append(
                "  - record: route:latency:p\(quantile.dropFirst(2))_\(window)\n    expr: histogram_quantile(\(quantile), sum by (route, le) (rate(periscope_http_request_duration_seconds_bucket[\(window)])))"
            )
        }
        rules.append(
            "  - record: method:requests:rate\(window)\n    expr: sum by (method) (rate(periscope_http_requests_total[\(window)]))"
        )
        rules.append(
            "  - record: code:requests:increase\(window)\n    expr: sum by (code) (increase(periscope_http_requests_total[\(window)]))"
        )
        rules.append(
            "  - record: all:requests:rate\(window)\n    expr: sum(rate(periscope_http_requests_total[\(window)]))")
        rules.append(
            "  - record: route:requests:max_over_time\(window)\n    expr: max by (route) (max_over_time(periscope_http_requests_total[\(window)]))"
        )
        rules.append("  - record: route:requests:topk\(window)\n    expr: topk(5, route:requests:rate\(window))")
    }
    for index in 0..<30 {
        let source = ["route:errors:ratio_rate5m", "route:latency:p99_5m", "route:requests:rate30m"][index % 3]
        rules.append(
            "  - alert: Alert\(index)\n    expr: \(source) > \(Double(index) / 100)\n    for: 5m\n    labels: {severity: page}\n    annotations: {summary: '{{ $labels.route }} at {{ $value | humanize }}'}"
        )
    }
    return "groups:\n- name: bench\n  interval: 15s\n  rules:\n"
        + rules.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n")
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 50
    )

    // The store after one hour of 15 s snapshots (240 of them), and the 50-rule group evaluated once per snapshot
    // on the way, as the gateway would.
    let gateway = GatewayLikeRegistry()
    let store = SampleStore(retention: 3_600_000 + 30_000)
    let file = try! RuleFileLoader.parse(yaml: fiftyRules(), file: "bench.yml", checks: RuleCompiler.checks)
    let group = try! RuleCompiler.compile([file], defaultInterval: 15_000)[0]
    let context = RuleEvaluationContext(engine: PromQLEngine(), source: store)
    var t: Int64 = 1_700_000_000_000
    for step in 0..<240 {
        gateway.traffic(step: step)
        store.ingest(gateway.registry.snapshot(), at: t)
        _ = group.evaluate(at: t, context: context)
        t += 15_000
    }
    let statistics = store.statistics
    print(
        "sample store after 1 h at 15 s: \(statistics.series) series, \(statistics.samples) samples, "
            + "\(statistics.bytes / 1_048_576) MiB estimated"
    )
    let now = t - 15_000

    Benchmark("Rules.Group50Rules.6800InputSeries.evaluate") { benchmark in
        for _ in benchmark.scaledIterations {
            let outcome = group.evaluate(at: now, context: context)
            precondition(outcome.failures.isEmpty, "\(outcome.failures)")
            blackHole(outcome)
        }
    }

    Benchmark("Rules.SampleStore.6800InputSeries.ingestSnapshot") { benchmark in
        var time = now
        for _ in benchmark.scaledIterations {
            time += 15_000
            store.ingest(gateway.registry.snapshot(), at: time)
        }
    }
}
