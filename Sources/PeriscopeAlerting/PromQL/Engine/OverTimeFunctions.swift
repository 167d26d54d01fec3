/// The `<aggregation>_over_time` functions over one series' samples in a window (never empty).
enum OverTimeFunctions {
    /// `sum_over_time`: Kahan–Neumaier sum; an infinite sum is returned without its compensation.
    static func sum(_ samples: [Sample], semantics: PromQLSemantics) -> Double {
        var sum = 0.0
        var compensation = 0.0
        for sample in samples {
            (sum, compensation) = kahanSumInc(
                sample.v, sum, compensation, resetOnInfinity: semantics == .prometheus3)
        }
        return sum.isInfinite ? sum : sum + compensation
    }

    /// `avg_over_time`. 2.42: a Kahan-compensated incremental mean with Prometheus' special cases for infinities.
    /// Prometheus 3: the Kahan sum divided by the count, falling back to the incremental mean once the sum would
    /// overflow.
    static func avg(_ samples: [Sample], semantics: PromQLSemantics) -> Double {
        var accumulator = MeanAccumulator(semantics: semantics)
        for sample in samples { accumulator.add(sample.v) }
        return accumulator.result
    }

    /// `count_over_time`.
    static func count(_ samples: [Sample]) -> Double { Double(samples.count) }

    /// `max_over_time`: a NaN is replaced by any later value.
    static func max(_ samples: [Sample]) -> Double {
        var result = samples[0].v
        for sample in samples where sample.v > result || result.isNaN { result = sample.v }
        return result
    }

    /// `min_over_time`: a NaN is replaced by any later value.
    static func min(_ samples: [Sample]) -> Double {
        var result = samples[0].v
        for sample in samples where sample.v < result || result.isNaN { result = sample.v }
        return result
    }

    /// `stdvar_over_time`: population variance, Welford's method with Kahan-compensated running sums.
    static func stdvar(_ samples: [Sample], semantics: PromQLSemantics) -> Double {
        let resetOnInfinity = semantics == .prometheus3
        var count = 0.0
        var mean = 0.0
        var meanCompensation = 0.0
        var aux = 0.0
        var auxCompensation = 0.0
        for sample in samples {
            count += 1
            let delta = sample.v - (mean + meanCompensation)
            (mean, meanCompensation) = kahanSumInc(
                delta / count, mean, meanCompensation, resetOnInfinity: resetOnInfinity)
            (aux, auxCompensation) = kahanSumInc(
                delta * (sample.v - (mean + meanCompensation)), aux, auxCompensation,
                resetOnInfinity: resetOnInfinity)
        }
        return (aux + auxCompensation) / count
    }

    /// `stddev_over_time`: the square root of ``stdvar(_:semantics:)``.
    static func stddev(_ samples: [Sample], semantics: PromQLSemantics) -> Double {
        stdvar(samples, semantics: semantics).squareRoot()
    }

    /// `quantile_over_time(φ, ...)`: see ``quantile(_:_:)``.
    static func quantile(_ q: Double, _ samples: [Sample]) -> Double {
        OverTimeFunctions.quantile(q, samples.map(\.v))
    }

    /// Prometheus' `quantile`: sort (NaN first), `rank = φ(n-1)`, linear interpolation between the neighbours.
    /// φ < 0 gives -Inf, φ > 1 gives +Inf, an empty input or a NaN φ gives NaN.
    static func quantile(_ q: Double, _ values: [Double]) -> Double {
        if values.isEmpty || q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        let sorted = values.sorted { !$1.isNaN && ($0.isNaN || $0 < $1) }
        let n = Double(sorted.count)
        let rank = q * (n - 1)
        let lowerIndex = Swift.max(0, rank.rounded(.down))
        let upperIndex = Swift.min(n - 1, lowerIndex + 1)
        let weight = rank - rank.rounded(.down)
        return sorted[Int(lowerIndex)] * (1 - weight) + sorted[Int(upperIndex)] * weight
    }
}

/// Prometheus' mean of a sequence (`avg` and `avg_over_time`).
struct MeanAccumulator {
    let semantics: PromQLSemantics
    private(set) var count = 0.0
    private var mean = 0.0
    private var sum = 0.0
    private var compensation = 0.0
    private var incremental: Bool

    init(semantics: PromQLSemantics) {
        self.semantics = semantics
        self.incremental = semantics == .prometheus2
    }

    mutating func add(_ value: Double) {
        self.count += 1
        let resetOnInfinity = self.semantics == .prometheus3
        if !self.incremental {
            let (newSum, newCompensation) = kahanSumInc(value, self.sum, self.compensation, resetOnInfinity: true)
            if !newSum.isInfinite || self.count == 1 {
                (self.sum, self.compensation) = (newSum, newCompensation)
                return
            }
            // The sum would overflow: continue with the incremental mean from the mean so far.
            self.incremental = true
            self.mean = self.sum / (self.count - 1)
            self.compensation /= self.count - 1
        }
        if self.mean.isInfinite {
            // Inf of the same sign, or a finite value: the infinite mean stays as it is (an Inf - Inf would give NaN).
            if value.isInfinite && (self.mean > 0) == (value > 0) { return }
            if !value.isInfinite && !value.isNaN { return }
        }
        (self.mean, self.compensation) = kahanSumInc(
            value / self.count - (self.mean + (resetOnInfinity ? self.compensation : 0)) / self.count,
            self.mean, self.compensation, resetOnInfinity: resetOnInfinity)
    }

    var result: Double {
        if !self.incremental { return self.sum / self.count + self.compensation / self.count }
        return self.mean.isInfinite ? self.mean : self.mean + self.compensation
    }
}
