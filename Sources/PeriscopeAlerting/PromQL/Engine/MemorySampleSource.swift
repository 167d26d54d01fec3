import Foundation

/// An in-memory ``SampleSource``: series with their samples kept sorted by time, indexed by metric name.
///
/// Used by tests and by the `promtool test rules` runner, which appends input series and rule outputs. Thread-safe
/// (one lock).
public final class MemorySampleSource: SampleSource, @unchecked Sendable {
    // @unchecked: all mutable state is behind `lock`.
    private struct State {
        var series: [Series] = []
        var index: [Labels: Int] = [:]
        /// Series positions per metric name, sorted by labels.
        var byName: [String: [Int]] = [:]
        /// All series positions, sorted by labels.
        var sorted: [Int] = []
    }

    private let lock = NSLock()
    private var state = State()

    /// An empty source.
    public init() {}

    /// A source holding `series` (samples need not be sorted).
    public convenience init(_ series: [Series]) {
        self.init()
        for item in series {
            for sample in item.samples { self.append(labels: item.labels, t: sample.t, v: sample.v) }
        }
    }

    /// Adds one sample (a ``StaleNaN`` marks the series stale). A sample at a timestamp the series already has
    /// replaces it.
    public func append(labels: Labels, t: Timestamp, v: Double) {
        self.lock.lock()
        defer { self.lock.unlock() }
        let sample = Sample(t: t, v: v)
        if let position = self.state.index[labels] {
            Self.insert(sample, into: &self.state.series[position].samples)
            return
        }
        let position = self.state.series.count
        self.state.series.append(Series(labels: labels, samples: [sample]))
        self.state.index[labels] = position
        let series = self.state.series
        func insertSorted(_ list: inout [Int]) {
            var low = 0
            var high = list.count
            while low < high {
                let middle = (low + high) / 2
                if series[list[middle]].labels < labels { low = middle + 1 } else { high = middle }
            }
            list.insert(position, at: low)
        }
        insertSorted(&self.state.sorted)
        insertSorted(&self.state.byName[labels.name ?? "", default: []])
    }

    /// Every series (all samples), sorted by labels.
    public var allSeries: [Series] {
        self.lock.lock()
        defer { self.lock.unlock() }
        return self.state.sorted.map { self.state.series[$0] }
    }

    /// The series matching all `matchers` that have samples in `[mint, maxt]`, sorted by labels, each with just those
    /// samples.
    public func select(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) -> [Series] {
        self.lock.lock()
        defer { self.lock.unlock() }
        let candidates: [Int]
        if let nameMatcher = matchers.first(where: { $0.name == Labels.metricName && $0.kind == .equal }) {
            candidates = self.state.byName[nameMatcher.value] ?? []
        } else {
            candidates = self.state.sorted
        }
        var out: [Series] = []
        for position in candidates {
            let series = self.state.series[position]
            guard matchers.allSatisfy({ $0.matches(series.labels) }) else { continue }
            let samples = series.samples
            let end = Self.firstIndexFromEnd(in: samples, after: maxt)
            let start = Self.firstIndexFromEnd(in: samples, after: mint - 1, before: end)
            if end > start { out.append(Series(labels: series.labels, samples: Array(samples[start..<end]))) }
        }
        return out
    }

    private static func firstIndex(in samples: [Sample], atOrAfter t: Timestamp) -> Int {
        var low = 0
        var high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].t < t { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The first index in `0..<limit` whose sample is later than `t` (`limit` if none), searched by galloping back from
    /// `limit`: queries read recent windows, so this touches only a few samples near the end.
    private static func firstIndexFromEnd(in samples: [Sample], after t: Timestamp, before limit: Int? = nil) -> Int {
        let limit = limit ?? samples.count
        var high = limit
        var step = 1
        var low = high - step
        while low > 0 && samples[low].t > t {
            high = low
            step *= 2
            low = high - step
        }
        low = Swift.max(low, 0)
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].t > t { high = middle } else { low = middle + 1 }
        }
        return low
    }

    private static func insert(_ sample: Sample, into samples: inout [Sample]) {
        if let last = samples.last, last.t < sample.t {
            samples.append(sample)
            return
        }
        let index = firstIndex(in: samples, atOrAfter: sample.t)
        if index < samples.count && samples[index].t == sample.t {
            samples[index] = sample
        } else {
            samples.insert(sample, at: index)
        }
    }
}
