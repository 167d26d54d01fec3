import PeriscopeTelemetry

/// The rule evaluator's own metrics, bound per group (and per rule for failures) at load.
struct RuleMetrics: Sendable {
    let evaluations: [CounterHandle]
    /// Per group, per rule.
    let failures: [[CounterHandle]]
    let duration: [HistogramHandle]
    let missed: [CounterHandle]
    let lastEvaluation: [GaugeHandle]
    let storeSeries: GaugeHandle
    let storeSamples: GaugeHandle
    let storeBytes: GaugeHandle
    let storeRejected: GaugeHandle
    private let groupIndex: [ObjectIdentifier: Int]

    init(registry: MetricsRegistry, groups: [RuleGroup]) {
        let names = groups.map(\.name)
        let evaluations = registry.counter(
            name: "periscope_rule_group_evaluations_total",
            help: "Evaluations of a rule group.",
            labelNames: ["group"]
        )
        let failures = registry.counter(
            name: "periscope_rule_evaluation_failures_total",
            help: "Rule evaluations that failed (the other rules of the group still ran).",
            labelNames: ["group", "rule"]
        )
        let duration = registry.histogram(
            name: "periscope_rule_group_duration_seconds",
            help: "Time one evaluation of a rule group took, snapshot of the registry included.",
            labelNames: ["group"],
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
            unit: "seconds"
        )
        let missed = registry.counter(
            name: "periscope_rule_group_iterations_missed_total",
            help: "Scheduled evaluations of a rule group skipped because the previous one overran.",
            labelNames: ["group"]
        )
        let last = registry.gauge(
            name: "periscope_rule_group_last_evaluation_timestamp_seconds",
            help: "Unix time of the last evaluation of a rule group.",
            labelNames: ["group"],
            unit: "seconds"
        )
        self.evaluations = names.map { evaluations.bind([$0]) }
        self.failures = groups.map { group in group.rules.map { failures.bind([group.name, $0.name]) } }
        self.duration = names.map { duration.bind([$0]) }
        self.missed = names.map { missed.bind([$0]) }
        self.lastEvaluation = names.map { last.bind([$0]) }
        self.storeSeries = registry.gauge(
            name: "periscope_rule_store_series",
            help: "Series held by the rule evaluator's short-term sample store."
        ).bind()
        self.storeSamples = registry.gauge(
            name: "periscope_rule_store_samples",
            help: "Samples held by the rule evaluator's short-term sample store."
        ).bind()
        self.storeBytes = registry.gauge(
            name: "periscope_rule_store_bytes",
            help: "Estimated memory of the rule evaluator's short-term sample store (samples and labels).",
            unit: "bytes"
        ).bind()
        self.storeRejected = registry.gauge(
            name: "periscope_rule_store_rejected_series",
            help: "Series the sample store refused since start because it held rules.max_stored_series series."
        ).bind()
        self.groupIndex = Dictionary(uniqueKeysWithValues: groups.enumerated().map { (ObjectIdentifier($1), $0) })
    }

    func record(_ group: RuleGroup, outcome: RuleGroup.Outcome) {
        guard let index = self.groupIndex[ObjectIdentifier(group)] else { return }
        self.evaluations[index].increment()
        for failure in outcome.failures { self.failures[index][failure.rule].increment() }
        self.duration[index].observe(group.evaluationTime)
        self.lastEvaluation[index].set(Double(group.lastEvaluation ?? 0) / 1000)
    }

    func update(_ statistics: SampleStore.Statistics) {
        self.storeSeries.set(Double(statistics.series))
        self.storeSamples.set(Double(statistics.samples))
        self.storeBytes.set(Double(statistics.bytes))
        self.storeRejected.set(Double(statistics.rejectedSeries))
    }
}
