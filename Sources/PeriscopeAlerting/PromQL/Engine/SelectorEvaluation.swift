import Foundation

extension Evaluator {
    /// The selector's matchers, with a `__name__` equality matcher for its name if the parser left it out, and regular
    /// expressions adjusted to Go's matching (see ``GoRegex/goAnchored(_:semantics:)``).
    func matchers(of selector: VectorSelector) -> [LabelMatcher] {
        var matchers = selector.matchers.map { matcher in
            matcher.kind == .regex || matcher.kind == .notRegex
                ? RegexMatcherCache.shared.goMatcher(matcher, semantics: self.semantics) : matcher
        }
        if let name = selector.name,
            !selector.matchers.contains(where: { $0.name == Labels.metricName && $0.kind == .equal })
        {
            // Equality matchers never fail to build (only regular expressions can).
            matchers.insert(try! LabelMatcher(.equal, Labels.metricName, name), at: 0)
        }
        return matchers
    }

    /// The time a selector reads at: the `@` time (or the evaluation time) minus the offset.
    ///
    /// `slidingFrom` reproduces a Prometheus quirk: it turns `@` into an offset relative to the start of the
    /// innermost subquery, which pins the selector only where the engine evaluates it once per subquery (step-invariant
    /// subexpressions). Range arguments of calls that are not step-invariant (`predict_linear`, or a call with another
    /// non-constant argument) and `timestamp(x @ t)` are evaluated at every step, so inside a subquery their `@` time
    /// moves along with the step: `@ t` at step `s` reads at `t + (s - first step)`.
    func referenceTime(of selector: VectorSelector, at ts: Timestamp, slidingFrom base: Timestamp? = nil) -> Timestamp {
        guard let at = self.atTime(of: selector) else { return ts - selector.offset }
        return at - selector.offset + (base.map { ts - $0 } ?? 0)
    }

    /// The selector's `@` time, with the parser's sentinels for `@ start()` (`Int64.min`) and `@ end()`
    /// (`Int64.max`) resolved to the query time.
    func atTime(of selector: VectorSelector) -> Timestamp? {
        guard let at = selector.at else { return nil }
        return at == Int64.min || at == Int64.max ? self.queryTime : at
    }

    /// An instant selector: per series, the newest sample at or before the reference time and within the lookback
    /// window (2.42: `[ref-lookback, ref]`; 3: `(ref-lookback, ref]`), unless that sample is a stale marker.
    /// The elements carry the samples' own timestamps (callers other than `timestamp()` replace them).
    func selectInstant(_ selector: VectorSelector, at ts: Timestamp, slidingFrom base: Timestamp? = nil)
        -> [VectorElement]
    {
        let reference = self.referenceTime(of: selector, at: ts, slidingFrom: base)
        let earliest = reference - self.lookbackDelta
        let (low, high) = self.storageBounds(
            selector, start: earliest, end: reference, window: self.lookbackDelta, base)
        guard low <= high else { return [] }
        let selected = self.source.select(self.matchers(of: selector), mint: low, maxt: high)
        var out: [VectorElement] = []
        out.reserveCapacity(selected.count)
        for series in selected {
            var index = series.samples.count - 1
            while index >= 0 && series.samples[index].t > high { index -= 1 }
            guard index >= 0 else { continue }
            let sample = series.samples[index]
            if sample.t < low || (self.leftOpen && sample.t == earliest) { continue }
            if StaleNaN.isStale(sample.v) { continue }
            out.append(VectorElement(labels: series.labels, t: sample.t, v: sample.v))
        }
        return out
    }

    /// A range selector: per series, the samples in `[ref-range, ref]` (2.42) or `(ref-range, ref]` (3) without stale
    /// markers; series with no such sample are left out.
    func selectRange(_ selector: VectorSelector, range: Int64, at ts: Timestamp, slidingFrom base: Timestamp? = nil)
        -> RangeVector
    {
        let reference = self.referenceTime(of: selector, at: ts, slidingFrom: base)
        let start = reference - range
        let (low, high) = self.storageBounds(selector, start: start, end: reference, window: range, base)
        var out: [Series] = []
        if low <= high {
            let selected = self.source.select(self.matchers(of: selector), mint: low, maxt: high)
            out.reserveCapacity(selected.count)
            let lowest = self.leftOpen && low == start ? low + 1 : low
            for series in selected {
                let keep = { (sample: Sample) in
                    sample.t >= lowest && sample.t <= high && !StaleNaN.isStale(sample.v)
                }
                // Usually the source returned exactly the window: keep its array instead of copying it.
                if series.samples.allSatisfy(keep) {
                    if !series.samples.isEmpty { out.append(series) }
                    continue
                }
                let samples = series.samples.filter(keep)
                if !samples.isEmpty { out.append(Series(labels: series.labels, samples: samples)) }
            }
        }
        return RangeVector(series: out, rangeStart: start, rangeEnd: reference, range: range)
    }

    /// The closed interval of samples a selector can see. Prometheus selects the samples of a selector with `@` only
    /// around the `@` time (`[t-offset-window, t-offset]`), so a sliding window (see
    /// ``referenceTime(of:at:slidingFrom:)``) sees no samples after that time.
    private func storageBounds(
        _ selector: VectorSelector, start: Timestamp, end: Timestamp, window: Int64, _ base: Timestamp?
    ) -> (Timestamp, Timestamp) {
        guard base != nil, let at = self.atTime(of: selector) else { return (start, end) }
        let pinned = at - selector.offset
        return (Swift.max(start, pinned - window), Swift.min(end, pinned))
    }

    @inline(__always)
    func inWindow(_ t: Timestamp, start: Timestamp, end: Timestamp) -> Bool {
        t <= end && (self.leftOpen ? t > start : t >= start)
    }

    /// The most steps one subquery may evaluate (a guard against `x[30d:1s]`; Prometheus limits the samples a query
    /// loads instead).
    static let maximumSubquerySteps: Int64 = 100_000

    /// A subquery `inner[range:step] offset o`: `inner` evaluated at every multiple of `step` inside the window
    /// ending at `ts - o`, collected into one series per label set.
    func evaluateSubquery(_ expr: Expr, range: Int64, step: Int64?, offset: Int64, at ts: Timestamp)
        throws(PromQLEvaluationError) -> RangeVector
    {
        let step = Swift.max(1, step ?? self.defaultSubqueryStep)
        let end = ts - offset
        let start = end - range
        // The first multiple of the step at or after the window start (Go's truncating division, then one up).
        var t = (start / step) * step
        if t < start { t += step }
        if t <= end && (end - t) / step >= Self.maximumSubquerySteps {
            throw PromQLEvaluationError(
                "subquery would be evaluated at \((end - t) / step + 1) steps, more than the limit of "
                    + "\(Self.maximumSubquerySteps)")
        }
        var index: [Labels: Int] = [:]
        var series: [Series] = []
        var inner = self
        inner.subqueryStart = self.leftOpen && t == start ? t + step : t
        while t <= end {
            if self.inWindow(t, start: start, end: end) {
                switch try inner.eval(expr, at: t) {
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

extension Evaluator {
    /// Whether Prometheus treats `expr` as step-invariant (evaluated once per subquery): literals, selectors with
    /// `@`, and operators and functions (other than the time-dependent ones) over step-invariant operands.
    static func isStepInvariant(_ expr: Expr) -> Bool {
        switch expr {
        case .number, .string: return true
        case .vectorSelector(let selector), .matrixSelector(let selector, _): return selector.at != nil
        case .subquery: return false
        case .paren(let inner), .unaryMinus(let inner): return isStepInvariant(inner)
        case .aggregate(_, _, _, let inner): return isStepInvariant(inner)
        case .binary(_, let lhs, let rhs, _, _): return isStepInvariant(lhs) && isStepInvariant(rhs)
        case .call(let function, let args):
            return !atModifierUnsafeFunctions.contains(function) && args.allSatisfy(isStepInvariant)
        }
    }

    /// Functions whose result depends on the evaluation time even when their arguments do not.
    static let atModifierUnsafeFunctions: Set<String> = [
        "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year",
        "predict_linear", "time", "timestamp",
    ]

    /// The base for ``referenceTime(of:at:slidingFrom:)`` of a range argument of the call `function(args)`, or nil.
    func slidingBase(forCall function: String, _ args: [Expr]) -> Timestamp? {
        guard let start = self.subqueryStart else { return nil }
        return Self.isStepInvariant(.call(function: function, args: args)) ? nil : start
    }
}

/// Regex matchers rewritten for Go's semantics, cached so that rules evaluated every interval do not recompile them.
final class RegexMatcherCache: @unchecked Sendable {
    // @unchecked: `entries` is only touched under `lock`.
    static let shared = RegexMatcherCache()

    private struct Key: Hashable {
        var kind: String
        var name: String
        var value: String
        var semantics: PromQLSemantics
    }

    private let lock = NSLock()
    private var entries: [Key: LabelMatcher] = [:]

    func goMatcher(_ matcher: LabelMatcher, semantics: PromQLSemantics) -> LabelMatcher {
        let key = Key(kind: matcher.kind.rawValue, name: matcher.name, value: matcher.value, semantics: semantics)
        self.lock.lock()
        if let cached = self.entries[key] {
            self.lock.unlock()
            return cached
        }
        self.lock.unlock()
        let adjusted =
            (try? LabelMatcher(matcher.kind, matcher.name, GoRegex.goAnchored(matcher.value, semantics: semantics)))
            ?? matcher
        self.lock.lock()
        if self.entries.count >= 10_000 { self.entries.removeAll() }
        self.entries[key] = adjusted
        self.lock.unlock()
        return adjusted
    }
}
