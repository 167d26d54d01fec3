/// `rate`, `increase` and `delta`: Prometheus' `extrapolatedRate`.
enum ExtrapolatedRate {
    /// The extrapolated change over the window `[rangeStart, rangeEnd]`, or nil with fewer than two samples.
    ///
    /// - `isCounter` (rate, increase): resets add the value before the drop, and the extrapolation towards the window
    ///   start stops where the counter would reach zero.
    /// - `isRate` (rate): per second of the window.
    /// - 2.42 applies the zero-point clamp before the `1.1 × average interval` threshold test; Prometheus 3 (v2.51+)
    ///   tests the threshold first and clamps afterwards.
    static func compute(
        _ samples: [Sample],
        rangeStart: Timestamp,
        rangeEnd: Timestamp,
        range: Int64,
        isCounter: Bool,
        isRate: Bool,
        semantics: PromQLSemantics
    ) -> Double? {
        guard samples.count >= 2, let first = samples.first, let last = samples.last else { return nil }
        var result = last.v - first.v
        if isCounter {
            var previous = first.v
            for sample in samples.dropFirst() {
                if sample.v < previous { result += previous }
                previous = sample.v
            }
        }

        var durationToStart = Double(first.t - rangeStart) / 1000
        var durationToEnd = Double(rangeEnd - last.t) / 1000
        let sampledInterval = Double(last.t - first.t) / 1000
        let averageDurationBetweenSamples = sampledInterval / Double(samples.count - 1)
        let threshold = averageDurationBetweenSamples * 1.1
        let clampsAtZero = isCounter && result > 0 && first.v >= 0

        var factor: Double
        switch semantics {
        case .prometheus2:
            if clampsAtZero {
                let durationToZero = sampledInterval * (first.v / result)
                if durationToZero < durationToStart { durationToStart = durationToZero }
            }
            var extrapolateToInterval = sampledInterval
            extrapolateToInterval += durationToStart < threshold ? durationToStart : averageDurationBetweenSamples / 2
            extrapolateToInterval += durationToEnd < threshold ? durationToEnd : averageDurationBetweenSamples / 2
            factor = extrapolateToInterval / sampledInterval
        case .prometheus3:
            if durationToStart >= threshold { durationToStart = averageDurationBetweenSamples / 2 }
            if clampsAtZero {
                let durationToZero = sampledInterval * (first.v / result)
                if durationToZero < durationToStart { durationToStart = durationToZero }
            }
            if durationToEnd >= threshold { durationToEnd = averageDurationBetweenSamples / 2 }
            factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval
        }
        if isRate { factor /= GoMath.seconds(milliseconds: range) }
        return result * factor
    }

    /// `irate` and `idelta`: the last two samples only; for `irate` a drop counts as a reset (the result is the last
    /// value). Nil with fewer than two samples or when they share a timestamp.
    static func instant(_ samples: [Sample], isRate: Bool) -> Double? {
        guard samples.count >= 2 else { return nil }
        let last = samples[samples.count - 1]
        let previous = samples[samples.count - 2]
        var result = isRate && last.v < previous.v ? last.v : last.v - previous.v
        let sampledInterval = last.t - previous.t
        if sampledInterval == 0 { return nil }
        if isRate { result /= Double(sampledInterval) / 1000 }
        return result
    }
}
