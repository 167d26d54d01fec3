extension Evaluator {
    /// An aggregation `op [by|without (...)] ([param,] expr)`.
    ///
    /// Groups are keyed by their output labels: `by` keeps only the listed labels, `without` removes the listed ones
    /// and `__name__`, no clause gives the empty label set. Groups come out in order of first appearance; `topk` and
    /// `bottomk` return the selected input elements with all their labels.
    func evaluateAggregation(_ op: AggregateOp, param: Expr?, grouping: Grouping, _ inner: Expr, at ts: Timestamp)
        throws(PromQLEvaluationError) -> [VectorElement]
    {
        var k: Int64 = 0
        var q = 0.0
        var valueLabel = ""
        switch op {
        case .topk, .bottomk, .quantile:
            guard let param else { throw PromQLEvaluationError("missing parameter for \(op.rawValue)") }
            let value = try self.evalScalar(param, at: ts)
            if op == .quantile {
                q = value
            } else {
                // Go's convertibleToInt64 compares with float64(MaxInt64), which rounds up to 2^63.
                guard value <= 9.223_372_036_854_775_808e18 && value >= -9.223_372_036_854_775_808e18 else {
                    throw PromQLEvaluationError("Scalar value \(GoFloat.format(value, .g)) overflows int64")
                }
                k = value >= 9.223_372_036_854_775_808e18 ? Int64.min : Int64(value.rounded(.towardZero))
            }
        case .countValues:
            guard let param else { throw PromQLEvaluationError("missing parameter for count_values") }
            valueLabel = try self.evalString(param, at: ts)
        default:
            break
        }
        let input = try self.evalVector(inner, at: ts)
        if op == .countValues && !self.isValidLabelName(valueLabel) {
            throw PromQLEvaluationError("invalid label name \(EngineHelpers.goQuote(valueLabel))")
        }
        if (op == .topk || op == .bottomk) && k < 1 { return [] }

        let groupLabels: (Labels) -> Labels
        switch grouping {
        case .none:
            groupLabels = op == .countValues ? { Labels().settingValue(valueLabel, from: $0) } : { _ in Labels() }
        case .by(let names):
            var kept = Set(names)
            if op == .countValues { kept.insert(valueLabel) }
            groupLabels = { $0.keeping(kept) }
        case .without(let names):
            let removed = Set(names).union([Labels.metricName])
            groupLabels = { $0.removing(removed) }
        }

        var aggregator = Aggregator(op: op, semantics: self.semantics, k: k)
        var groupIndex: [Labels: Int] = [:]
        for element in input {
            var element = element
            if op == .countValues {
                element.labels[valueLabel] = GoFloat.format(element.v, .f)
            }
            let labels = groupLabels(element.labels)
            if let index = groupIndex[labels] {
                aggregator.add(element, to: index)
            } else {
                groupIndex[labels] = aggregator.groups.count
                aggregator.start(labels, with: element)
            }
        }
        let out = aggregator.finish(q: q, at: ts)
        try EngineHelpers.ensureUniqueLabelsets(out)
        return out
    }
}

extension Labels {
    /// `count_values` without grouping: only the value label survives grouping.
    fileprivate func settingValue(_ name: String, from labels: Labels) -> Labels {
        var copy = self
        copy[name] = labels[name]
        return copy
    }
}

/// The running state of one aggregation over one instant vector.
struct Aggregator {
    struct Group {
        var labels: Labels
        var value: Double
        var mean: Double
        var count: Double
        var compensation = 0.0
        var mean3: MeanAccumulator?
        var heap: SelectionHeap?
        var values: [Double] = []
    }

    let op: AggregateOp
    let semantics: PromQLSemantics
    let k: Int64
    private(set) var groups: [Group] = []

    init(op: AggregateOp, semantics: PromQLSemantics, k: Int64) {
        self.op = op
        self.semantics = semantics
        self.k = k
    }

    mutating func start(_ labels: Labels, with element: VectorElement) {
        let v = element.v
        var group = Group(labels: labels, value: v, mean: v, count: 1)
        switch self.op {
        case .stddev, .stdvar: group.value = 0
        case .group: group.value = 1
        case .topk, .bottomk: group.heap = SelectionHeap(first: element, bottom: self.op == .bottomk)
        case .quantile: group.values = [v]
        case .avg where self.semantics == .prometheus3:
            var mean = MeanAccumulator(semantics: .prometheus3)
            mean.add(v)
            group.mean3 = mean
        default: break
        }
        self.groups.append(group)
    }

    mutating func add(_ element: VectorElement, to index: Int) {
        let v = element.v
        switch self.op {
        case .sum:
            if self.semantics == .prometheus3 {
                (self.groups[index].value, self.groups[index].compensation) = kahanSumInc(
                    v, self.groups[index].value, self.groups[index].compensation, resetOnInfinity: true)
            } else {
                self.groups[index].value += v
            }
        case .avg:
            self.groups[index].count += 1
            if self.semantics == .prometheus3 {
                self.groups[index].mean3!.add(v)
                return
            }
            let mean = self.groups[index].mean
            if mean.isInfinite {
                // An infinite mean stays as it is for a same-signed Inf or a finite value (Inf - Inf would be NaN).
                if v.isInfinite && (mean > 0) == (v > 0) { return }
                if !v.isInfinite && !v.isNaN { return }
            }
            let count = self.groups[index].count
            self.groups[index].mean += v / count - mean / count
        case .group:
            break
        case .max:
            if self.groups[index].value < v || self.groups[index].value.isNaN { self.groups[index].value = v }
        case .min:
            if self.groups[index].value > v || self.groups[index].value.isNaN { self.groups[index].value = v }
        case .count, .countValues:
            self.groups[index].count += 1
        case .stddev, .stdvar:
            self.groups[index].count += 1
            let delta = v - self.groups[index].mean
            self.groups[index].mean += delta / self.groups[index].count
            self.groups[index].value += delta * (v - self.groups[index].mean)
        case .topk, .bottomk:
            self.groups[index].heap!.offer(element, k: self.k, semantics: self.semantics)
        case .quantile:
            self.groups[index].values.append(v)
        }
    }

    func finish(q: Double, at ts: Timestamp) -> [VectorElement] {
        var out: [VectorElement] = []
        out.reserveCapacity(self.groups.count)
        for group in self.groups {
            let value: Double
            switch self.op {
            case .sum: value = self.semantics == .prometheus3 ? group.value + group.compensation : group.value
            case .avg: value = group.mean3?.result ?? group.mean
            case .count, .countValues: value = group.count
            case .stdvar: value = group.value / group.count
            case .stddev: value = (group.value / group.count).squareRoot()
            case .quantile: value = OverTimeFunctions.quantile(q, group.values)
            case .topk, .bottomk:
                for element in group.heap!.sortedElements() {
                    out.append(VectorElement(labels: element.labels, t: ts, v: element.v))
                }
                continue
            case .max, .min, .group: value = group.value
            }
            out.append(VectorElement(labels: group.labels, t: ts, v: value))
        }
        return out
    }
}

/// The per-group heap of `topk` (smallest on top) or `bottomk` (largest on top), with Go's `container/heap`
/// algorithms and Prometheus' ordering (a NaN counts as "less" than anything), so ties and NaNs select the same
/// elements as Prometheus for the same input order.
struct SelectionHeap {
    private(set) var items: [VectorElement]
    let bottom: Bool

    init(first: VectorElement, bottom: Bool) {
        self.items = [first]
        self.bottom = bottom
    }

    private func less(_ i: Int, _ j: Int) -> Bool {
        let (a, b) = (self.items[i].v, self.items[j].v)
        if a.isNaN { return true }
        return self.bottom ? a > b : a < b
    }

    /// Adds `element` if the heap holds fewer than `k` elements or it beats the current top.
    mutating func offer(_ element: VectorElement, k: Int64, semantics: PromQLSemantics) {
        let top = self.items[0].v
        let beatsTop = self.bottom ? top > element.v : top < element.v
        switch semantics {
        case .prometheus2:
            guard Int64(self.items.count) < k || beatsTop || top.isNaN else { return }
            if Int64(self.items.count) == k {
                if k == 1 {
                    self.items[0] = element
                    return
                }
                self.pop()
            }
            self.push(element)
        case .prometheus3:
            if Int64(self.items.count) < k {
                self.push(element)
            } else if beatsTop || (top.isNaN && !element.v.isNaN) {
                self.items[0] = element
                if k > 1 && !self.down(0, self.items.count) { self.up(0) }
            }
        }
    }

    /// `topk`: descending; `bottomk`: ascending; NaN last.
    func sortedElements() -> [VectorElement] {
        let bottom = self.bottom
        return self.items.enumerated().sorted { left, right in
            let (a, b) = (left.element.v, right.element.v)
            if a.isNaN || b.isNaN {
                if a.isNaN != b.isNaN { return b.isNaN }
                return left.offset < right.offset
            }
            if a != b { return bottom ? a < b : a > b }
            return left.offset < right.offset
        }.map(\.element)
    }

    private mutating func push(_ element: VectorElement) {
        self.items.append(element)
        self.up(self.items.count - 1)
    }

    private mutating func pop() {
        let last = self.items.count - 1
        self.items.swapAt(0, last)
        _ = self.down(0, last)
        self.items.removeLast()
    }

    private mutating func up(_ start: Int) {
        var j = start
        while true {
            let i = (j - 1) / 2
            if i == j || !self.less(j, i) { break }
            self.items.swapAt(i, j)
            j = i
        }
    }

    private mutating func down(_ start: Int, _ n: Int) -> Bool {
        var i = start
        while true {
            let j1 = 2 * i + 1
            if j1 >= n || j1 < 0 { break }
            var j = j1
            let j2 = j1 + 1
            if j2 < n && self.less(j2, j1) { j = j2 }
            if !self.less(j, i) { break }
            self.items.swapAt(i, j)
            i = j
        }
        return i > start
    }
}
