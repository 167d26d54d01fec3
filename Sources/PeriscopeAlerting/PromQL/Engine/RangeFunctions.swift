import Foundation

/// The functions that take a range vector and return one element per input series.
enum RangeFunction: String, CaseIterable {
    case rate, increase, delta, irate, idelta, resets, changes, deriv
    case predictLinear = "predict_linear"
    case avgOverTime = "avg_over_time"
    case sumOverTime = "sum_over_time"
    case countOverTime = "count_over_time"
    case minOverTime = "min_over_time"
    case maxOverTime = "max_over_time"
    case lastOverTime = "last_over_time"
    case presentOverTime = "present_over_time"
    case stddevOverTime = "stddev_over_time"
    case stdvarOverTime = "stdvar_over_time"
    case quantileOverTime = "quantile_over_time"
    case holtWinters = "holt_winters"

    /// The position of the range-vector argument.
    var rangeArgumentIndex: Int { self == .quantileOverTime ? 1 : 0 }

    /// How many arguments the function takes.
    var arity: Int {
        switch self {
        case .predictLinear, .quantileOverTime: 2
        case .holtWinters: 3
        default: 1
        }
    }
}

extension Evaluator {
    /// A range-vector function: the scalar arguments, then the function applied to each series with samples in the
    /// window. Every function but `last_over_time` drops the metric name.
    func evaluateRangeFunction(_ function: RangeFunction, _ args: [Expr], at ts: Timestamp)
        throws(PromQLEvaluationError) -> [VectorElement]
    {
        try EngineHelpers.checkArity(function.rawValue, args, function.arity)
        var scalars: [Double] = []
        for (index, arg) in args.enumerated() where index != function.rangeArgumentIndex {
            scalars.append(try self.evalScalar(arg, at: ts))
        }
        let range: RangeVector
        if case .matrixSelector(let selector, let length) = args[function.rangeArgumentIndex].unwrappingParens {
            range = self.selectRange(
                selector, range: length, at: ts, slidingFrom: self.slidingBase(forCall: function.rawValue, args))
        } else {
            range = try self.evalRange(args[function.rangeArgumentIndex], at: ts)
        }
        var out: [VectorElement] = []
        out.reserveCapacity(range.series.count)
        for series in range.series where !series.samples.isEmpty {
            guard let value = try self.apply(function, series.samples, scalars: scalars, range: range, at: ts) else {
                continue
            }
            let labels = function == .lastOverTime ? series.labels : series.labels.droppingName()
            out.append(VectorElement(labels: labels, t: ts, v: value))
        }
        if function != .lastOverTime {
            try EngineHelpers.ensureUniqueAfterDroppingName(range.series.lazy.map(\.labels), out)
        }
        return out
    }

    private func apply(
        _ function: RangeFunction,
        _ samples: [Sample],
        scalars: [Double],
        range: RangeVector,
        at ts: Timestamp
    ) throws(PromQLEvaluationError) -> Double? {
        switch function {
        case .rate, .increase, .delta:
            return ExtrapolatedRate.compute(
                samples, rangeStart: range.rangeStart, rangeEnd: range.rangeEnd, range: range.range,
                isCounter: function != .delta, isRate: function == .rate, semantics: self.semantics)
        case .irate: return ExtrapolatedRate.instant(samples, isRate: true)
        case .idelta: return ExtrapolatedRate.instant(samples, isRate: false)
        case .resets:
            var resets = 0
            for index in samples.indices.dropFirst() where samples[index].v < samples[index - 1].v { resets += 1 }
            return Double(resets)
        case .changes:
            var changes = 0
            for index in samples.indices.dropFirst() {
                let current = samples[index].v
                let previous = samples[index - 1].v
                if current != previous && !(current.isNaN && previous.isNaN) { changes += 1 }
            }
            return Double(changes)
        case .deriv:
            guard samples.count >= 2 else { return nil }
            return self.linearRegression(samples, interceptTime: samples[0].t).slope
        case .predictLinear:
            guard samples.count >= 2 else { return nil }
            let (slope, intercept) = self.linearRegression(samples, interceptTime: ts)
            return slope * scalars[0] + intercept
        case .avgOverTime: return OverTimeFunctions.avg(samples, semantics: self.semantics)
        case .sumOverTime: return OverTimeFunctions.sum(samples, semantics: self.semantics)
        case .countOverTime: return OverTimeFunctions.count(samples)
        case .minOverTime: return OverTimeFunctions.min(samples)
        case .maxOverTime: return OverTimeFunctions.max(samples)
        case .lastOverTime: return samples[samples.count - 1].v
        case .presentOverTime: return 1
        case .stddevOverTime: return OverTimeFunctions.stddev(samples, semantics: self.semantics)
        case .stdvarOverTime: return OverTimeFunctions.stdvar(samples, semantics: self.semantics)
        case .quantileOverTime: return OverTimeFunctions.quantile(scalars[0], samples)
        case .holtWinters: return try Self.holtWinters(samples, smoothing: scalars[0], trend: scalars[1])
        }
    }

    /// Least squares with Kahan-compensated sums, x in seconds relative to `interceptTime`, as Prometheus'
    /// `linearRegression`. A constant series has slope 0 (NaN if the constant is infinite).
    func linearRegression(_ samples: [Sample], interceptTime: Timestamp) -> (slope: Double, intercept: Double) {
        let reset = self.semantics == .prometheus3
        var n = 0.0
        var (sumX, cX, sumY, cY, sumXY, cXY, sumX2, cX2) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        let initY = samples[0].v
        var constY = true
        for (index, sample) in samples.enumerated() {
            if constY && index > 0 && sample.v != initY { constY = false }
            n += 1
            let x = Double(sample.t - interceptTime) / 1e3
            (sumX, cX) = kahanSumInc(x, sumX, cX, resetOnInfinity: reset)
            (sumY, cY) = kahanSumInc(sample.v, sumY, cY, resetOnInfinity: reset)
            (sumXY, cXY) = kahanSumInc(x * sample.v, sumXY, cXY, resetOnInfinity: reset)
            (sumX2, cX2) = kahanSumInc(x * x, sumX2, cX2, resetOnInfinity: reset)
        }
        if constY {
            return initY.isInfinite ? (.nan, .nan) : (0, initY)
        }
        sumX += cX
        sumY += cY
        sumXY += cXY
        sumX2 += cX2
        let covXY = sumXY - sumX * sumY / n
        let varX = sumX2 - sumX * sumX / n
        let slope = covXY / varX
        let intercept = sumY / n - slope * sumX / n
        return (slope, intercept)
    }

    /// 2.42's `holt_winters(v, sf, tf)` (double exponential smoothing).
    static func holtWinters(_ samples: [Sample], smoothing: Double, trend: Double) throws(PromQLEvaluationError)
        -> Double?
    {
        if smoothing <= 0 || smoothing >= 1 {
            throw PromQLEvaluationError(
                "invalid smoothing factor. Expected: 0 < sf < 1, got: \(EngineHelpers.goFixed(smoothing))")
        }
        if trend <= 0 || trend >= 1 {
            throw PromQLEvaluationError(
                "invalid trend factor. Expected: 0 < tf < 1, got: \(EngineHelpers.goFixed(trend))")
        }
        guard samples.count >= 2 else { return nil }
        var s0 = 0.0
        var s1 = samples[0].v
        var b = samples[1].v - samples[0].v
        for index in 1..<samples.count {
            let x = smoothing * samples[index].v
            if index > 1 { b = trend * (s1 - s0) + (1 - trend) * b }
            let y = (1 - smoothing) * (s1 + b)
            (s0, s1) = (s1, x + y)
        }
        return s1
    }

    /// `absent_over_time(v[d])`: 1 (with labels derived from the selector's equality matchers) when no series has a
    /// sample in the window.
    func evaluateAbsentOverTime(_ args: [Expr], at ts: Timestamp) throws(PromQLEvaluationError) -> [VectorElement] {
        try EngineHelpers.checkArity("absent_over_time", args, 1)
        let range = try self.evalRange(args[0], at: ts)
        if range.series.contains(where: { !$0.samples.isEmpty }) { return [] }
        var labels = Labels()
        if case .matrixSelector(let selector, _) = args[0].unwrappingParens {
            labels = EngineHelpers.absentLabels(selector.matchers)
        }
        return [VectorElement(labels: labels, t: ts, v: 1)]
    }
}

extension EngineHelpers {
    /// Go's `%f`: six decimals.
    static func goFixed(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return String(format: "%f", value)
    }
}

extension EngineHelpers {
    /// Throws Prometheus' arity error unless `args` has `count` elements.
    static func checkArity(_ name: String, _ args: [Expr], _ count: Int) throws(PromQLEvaluationError) {
        if args.count != count {
            throw PromQLEvaluationError(
                "expected \(count) argument(s) in call to \"\(name)\", got \(args.count)")
        }
    }
}
