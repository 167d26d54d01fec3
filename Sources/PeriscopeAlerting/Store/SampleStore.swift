import NIOConcurrencyHelpers
import PeriscopeTelemetry

/// The short-term sample store the gateway's rules read: registry snapshots taken at each evaluation plus the
/// series the rules record, kept for `retention` milliseconds.
///
/// Bounded: at most `maxSeries` series (new ones beyond it are not stored and are counted in
/// ``Statistics/rejectedSeries``), and samples older than the retention are trimmed on every ingest. The retention
/// is derived from the rules (see ``RuleSet/retention``). Thread-safe (one lock; the rule evaluator is its only
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
    }

    private struct State {
        var series: [Labels: StoredSeries] = [:]
        var byName: [String: Set<Labels>] = [:]
        var statistics = Statistics()
    }

    public let retention: Int64
    public let maxSeries: Int
    private let state = NIOLockedValueBox(State())

    public init(retention: Int64, maxSeries: Int = 100_000) {
        self.retention = retention
        self.maxSeries = maxSeries
    }

    public var statistics: Statistics {
        self.state.withLockedValue { state in
            var statistics = state.statistics
            statistics.series = state.series.count
            return statistics
        }
    }

    public func append(labels: Labels, t: Timestamp, v: Double) {
        self.state.withLockedValue { Self.append(labels: labels, t: t, v: v, maxSeries: self.maxSeries, to: &$0) }
    }

    /// Stores one sample per series of the registry snapshot at `t`, the way a Prometheus scrape of `/metrics`
    /// (text format) would name them: counters and gauges under their name, histograms as `_bucket{le}` (bounds
    /// written as Go's `%g`: `0.005`, `1`, `+Inf`), `_sum` and `_count`. Then trims samples older than the
    /// retention.
    public func ingest(_ families: [MetricFamilySnapshot], at t: Timestamp) {
        self.state.withLockedValue { state in
            for family in families {
                let bounds = family.buckets.map { GoFloat.format($0, .g) } + ["+Inf"]
                for series in family.series {
                    var labels = Labels(Array(zip(family.labelNames, series.labelValues)))
                    switch family.kind {
                    case .counter, .gauge:
                        labels[Labels.metricName] = family.name
                        Self.append(labels: labels, t: t, v: series.value, maxSeries: self.maxSeries, to: &state)
                    case .histogram:
                        labels[Labels.metricName] = family.name + "_bucket"
                        for (bound, count) in zip(bounds, series.cumulativeBuckets) {
                            labels["le"] = bound
                            Self.append(labels: labels, t: t, v: Double(count), maxSeries: self.maxSeries, to: &state)
                        }
                        labels["le"] = nil
                        labels[Labels.metricName] = family.name + "_sum"
                        Self.append(labels: labels, t: t, v: series.value, maxSeries: self.maxSeries, to: &state)
                        labels[Labels.metricName] = family.name + "_count"
                        Self.append(
                            labels: labels,
                            t: t,
                            v: Double(series.count),
                            maxSeries: self.maxSeries,
                            to: &state
                        )
                    }
                }
            }
            Self.trim(before: t - self.retention, state: &state)
        }
    }

    /// Drops samples older than `t - retention`, and series left without samples.
    public func trim(now t: Timestamp) {
        self.state.withLockedValue { Self.trim(before: t - self.retention, state: &$0) }
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

    private static func append(labels: Labels, t: Timestamp, v: Double, maxSeries: Int, to state: inout State) {
        if state.series[labels] != nil {
            state.series[labels]!.samples.appendOrReplace(Sample(t: t, v: v), statistics: &state.statistics)
            return
        }
        guard state.series.count < maxSeries else {
            state.statistics.rejectedSeries += 1
            return
        }
        let labelBytes = labels.items.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 }
        state.series[labels] = StoredSeries(labels: labels, samples: [Sample(t: t, v: v)], labelBytes: labelBytes)
        state.byName[labels.name ?? "", default: []].insert(labels)
        state.statistics.samples += 1
        state.statistics.bytes += labelBytes + MemoryLayout<Sample>.stride
    }

    private static func trim(before cutoff: Timestamp, state: inout State) {
        for labels in Array(state.series.keys) {
            let samples = state.series[labels]!.samples
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
