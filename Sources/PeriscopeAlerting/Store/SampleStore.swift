import NIOConcurrencyHelpers
import PeriscopeTelemetry

/// The short-term sample store the gateway's rules read: registry snapshots taken at each evaluation plus the
/// series the rules record, each kept as long as its name's retention (see ``RetentionPolicy``).
///
/// Bounded: at most `maxSeries` series (new ones beyond it are not stored and are counted in
/// ``Statistics/rejectedSeries``), and samples older than their series' retention are trimmed on every ingest. The
/// retention is derived from the rules: a name read over three days keeps three days, names no rule reads keep
/// only the lookback delta. Thread-safe (one lock; the rule evaluator is its only
/// heavy user, never the request path).
public final class SampleStore: WritableSampleSource {
    /// How many series and samples the store holds, and roughly how much memory.
    public struct Statistics: Sendable, Equatable {
        public var series = 0
        public var samples = 0
        /// Sample arrays plus label text, in bytes (an estimate of the heap in use).
        public var bytes = 0
        /// Appends dropped because the store was full of series.
        public var rejectedSeries = 0
    }

    private struct StoredSeries {
        var labels: Labels
        var samples: [Sample]
        let labelBytes: Int
        /// Milliseconds of samples kept (the retention of the series' name).
        let retention: Int64
    }

    private struct State {
        var series: [Labels: StoredSeries] = [:]
        var byName: [String: Set<Labels>] = [:]
        var statistics = Statistics()
    }

    /// How long series are kept, by name.
    public let retentionPolicy: RetentionPolicy
    public let maxSeries: Int
    private let state = NIOLockedValueBox(State())

    /// The longest any series is kept, in milliseconds.
    public var retention: Int64 { self.retentionPolicy.longest }

    public init(retention: RetentionPolicy, maxSeries: Int = 100_000) {
        self.retentionPolicy = retention
        self.maxSeries = maxSeries
    }

    /// A store that keeps every series `retention` milliseconds.
    public convenience init(retention: Int64, maxSeries: Int = 100_000) {
        self.init(retention: .uniform(retention), maxSeries: maxSeries)
    }

    public var statistics: Statistics {
        self.state.withLockedValue { state in
            var statistics = state.statistics
            statistics.series = state.series.count
            return statistics
        }
    }

    public func append(labels: Labels, t: Timestamp, v: Double) {
        self.state.withLockedValue { self.append(labels: labels, t: t, v: v, to: &$0) }
    }

    /// Stores one sample per series of the registry snapshot at `t`, the way a Prometheus scrape of `/metrics`
    /// would name them: counters and gauges under their name, histograms as `_bucket{le}`, `_sum` and `_count`.
    /// Bounds are written as OpenMetrics writes them (`0.005`, `1.0`, `+Inf`), which is what Prometheus 2 stores
    /// when it scrapes the gateway (it asks for OpenMetrics) and what Prometheus 3 stores always, so a rule that
    /// selects an `le` reads the same here as in Prometheus. Then trims samples older than their retention.
    public func ingest(_ families: [MetricFamilySnapshot], at t: Timestamp) {
        self.state.withLockedValue { state in
            for family in families {
                let bounds = family.buckets.map(Buckets.canonicalText) + ["+Inf"]
                for series in family.series {
                    var labels = Labels(Array(zip(family.labelNames, series.labelValues)))
                    switch family.kind {
                    case .counter, .gauge:
                        labels[Labels.metricName] = family.name
                        self.append(labels: labels, t: t, v: series.value, to: &state)
                    case .histogram:
                        labels[Labels.metricName] = family.name + "_bucket"
                        for (bound, count) in zip(bounds, series.cumulativeBuckets) {
                            labels["le"] = bound
                            self.append(labels: labels, t: t, v: Double(count), to: &state)
                        }
                        labels["le"] = nil
                        labels[Labels.metricName] = family.name + "_sum"
                        self.append(labels: labels, t: t, v: series.value, to: &state)
                        labels[Labels.metricName] = family.name + "_count"
                        self.append(labels: labels, t: t, v: Double(series.count), to: &state)
                    }
                }
            }
            Self.trim(now: t, state: &state)
        }
    }

    /// Drops samples older than `t` minus their series' retention, and series left without samples.
    public func trim(now t: Timestamp) {
        self.state.withLockedValue { Self.trim(now: t, state: &$0) }
    }

    public func select(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) -> [Series] {
        let name = matchers.first { $0.name == Labels.metricName && $0.kind == .equal }?.value
        return self.state.withLockedValue { state in
            var result: [Series] = []
            func consider(_ stored: StoredSeries) {
                guard matchers.allSatisfy({ $0.matches(stored.labels) }) else { return }
                let lower = stored.samples.partitioningIndex { $0.t >= mint }
                let upper = stored.samples.partitioningIndex { $0.t > maxt }
                guard lower < upper else { return }
                result.append(Series(labels: stored.labels, samples: Array(stored.samples[lower..<upper])))
            }
            if let name {
                for labels in state.byName[name] ?? [] {
                    if let stored = state.series[labels] { consider(stored) }
                }
            } else {
                for stored in state.series.values { consider(stored) }
            }
            return result
        }
    }

    private func append(labels: Labels, t: Timestamp, v: Double, to state: inout State) {
        if state.series[labels] != nil {
            state.series[labels]!.samples.appendOrReplace(Sample(t: t, v: v), statistics: &state.statistics)
            return
        }
        guard state.series.count < self.maxSeries else {
            state.statistics.rejectedSeries += 1
            return
        }
        let labelBytes = labels.items.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 }
        state.series[labels] = StoredSeries(
            labels: labels,
            samples: [Sample(t: t, v: v)],
            labelBytes: labelBytes,
            retention: self.retentionPolicy.retention(for: labels.name)
        )
        state.byName[labels.name ?? "", default: []].insert(labels)
        state.statistics.samples += 1
        state.statistics.bytes += labelBytes + MemoryLayout<Sample>.stride
    }

    private static func trim(now t: Timestamp, state: inout State) {
        for labels in Array(state.series.keys) {
            let stored = state.series[labels]!
            let cutoff = t - stored.retention
            let samples = stored.samples
            guard let first = samples.first, first.t < cutoff else { continue }
            let keep = samples.partitioningIndex { $0.t >= cutoff }
            state.statistics.samples -= keep
            state.statistics.bytes -= keep * MemoryLayout<Sample>.stride
            if keep == samples.count {
                state.statistics.bytes -= state.series[labels]!.labelBytes
                state.series[labels] = nil
                state.byName[labels.name ?? ""]?.remove(labels)
            } else {
                state.series[labels]!.samples.removeFirst(keep)
            }
        }
    }
}

extension Array where Element == Sample {
    /// Appends a newer sample, replaces one at the same time, ignores an older one.
    fileprivate mutating func appendOrReplace(_ sample: Sample, statistics: inout SampleStore.Statistics) {
        if let last = self.last {
            if sample.t == last.t {
                self[self.count - 1] = sample
                return
            }
            if sample.t < last.t { return }
        }
        self.append(sample)
        statistics.samples += 1
        statistics.bytes += MemoryLayout<Sample>.stride
    }

    /// The first index whose element satisfies `predicate` (which must be false then true along the array).
    func partitioningIndex(where predicate: (Sample) -> Bool) -> Int {
        var low = 0
        var high = self.count
        while low < high {
            let mid = (low + high) / 2
            if predicate(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
