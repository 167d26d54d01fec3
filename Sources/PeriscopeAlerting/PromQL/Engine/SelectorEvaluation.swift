extension Evaluator {
    /// The selector's matchers, with a `__name__` equality matcher for its name if the parser left it out.
    func matchers(of selector: VectorSelector) -> [LabelMatcher] {
        guard let name = selector.name,
            !selector.matchers.contains(where: { $0.name == Labels.metricName && $0.kind == .equal })
        else { return selector.matchers }
        // Equality matchers never fail to build (only regular expressions can).
        return [try! LabelMatcher(.equal, Labels.metricName, name)] + selector.matchers
    }

    /// The time a selector reads at: the `@` time (or the evaluation time) minus the offset.
    func referenceTime(of selector: VectorSelector, at ts: Timestamp) -> Timestamp {
        (selector.at ?? ts) - selector.offset
    }

    /// An instant selector: per series, the newest sample at or before the reference time and within the lookback
    /// window (2.42: `[ref-lookback, ref]`; 3: `(ref-lookback, ref]`), unless that sample is a stale marker.
    /// The elements carry the samples' own timestamps (callers other than `timestamp()` replace them).
    func selectInstant(_ selector: VectorSelector, at ts: Timestamp) -> [VectorElement] {
        let reference = self.referenceTime(of: selector, at: ts)
        let earliest = reference - self.lookbackDelta
        let selected = self.source.select(self.matchers(of: selector), mint: earliest, maxt: reference)
        var out: [VectorElement] = []
        out.reserveCapacity(selected.count)
        for series in selected {
            var index = series.samples.count - 1
            while index >= 0 && series.samples[index].t > reference { index -= 1 }
            guard index >= 0 else { continue }
            let sample = series.samples[index]
            if sample.t < earliest || (self.leftOpen && sample.t == earliest) { continue }
            if StaleNaN.isStale(sample.v) { continue }
            out.append(VectorElement(labels: series.labels, t: sample.t, v: sample.v))
        }
        return out
    }

    /// A range selector: per series, the samples in `[ref-range, ref]` (2.42) or `(ref-range, ref]` (3) without stale
    /// markers; series with no such sample are left out.
    func selectRange(_ selector: VectorSelector, range: Int64, at ts: Timestamp) -> RangeVector {
        let reference = self.referenceTime(of: selector, at: ts)
        let start = reference - range
        let selected = self.source.select(self.matchers(of: selector), mint: start, maxt: reference)
        var out: [Series] = []
        out.reserveCapacity(selected.count)
        for series in selected {
            let samples = series.samples.filter { self.inWindow($0.t, start: start, end: reference) && !StaleNaN.isStale($0.v) }
            if !samples.isEmpty { out.append(Series(labels: series.labels, samples: samples)) }
        }
        return RangeVector(series: out, rangeStart: start, rangeEnd: reference, range: range)
    }

    @inline(__always)
    func inWindow(_ t: Timestamp, start: Timestamp, end: Timestamp) -> Bool {
        t <= end && (self.leftOpen ? t > start : t >= start)
    }

    /// A subquery `inner[range:step] offset o`: `inner` evaluated at every multiple of `step` inside the window
    /// ending at `ts - o`, collected into one series per label set.
    func evaluateSubquery(_ inner: Expr, range: Int64, step: Int64?, offset: Int64, at ts: Timestamp)
        throws(PromQLEvaluationError) -> RangeVector
    {
        let step = Swift.max(1, step ?? self.defaultSubqueryStep)
        let end = ts - offset
        let start = end - range
        // The first multiple of the step at or after the window start (Go's truncating division, then one up).
        var t = (start / step) * step
        if t < start { t += step }
        var index: [Labels: Int] = [:]
        var series: [Series] = []
        while t <= end {
            if self.inWindow(t, start: start, end: end) {
                switch try self.eval(inner, at: t) {
                case .vector(let elements):
                    for element in elements {
                        if let position = index[element.labels] {
                            series[position].samples.append(Sample(t: t, v: element.v))
                        } else {
                            index[element.labels] = series.count
                            series.append(Series(labels: element.labels, samples: [Sample(t: t, v: element.v)]))
                        }
                    }
                case let other:
                    throw PromQLEvaluationError("subquery is only allowed on instant vector, got \(other.typeName)")
                }
            }
            t += step
        }
        return RangeVector(series: series, rangeStart: start, rangeEnd: end, range: range)
    }
}
