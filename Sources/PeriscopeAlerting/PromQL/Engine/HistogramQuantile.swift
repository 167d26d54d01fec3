/// `histogram_quantile(φ, buckets)` over classic (`le`-labelled) buckets.
enum HistogramQuantile {
    struct Bucket {
        var upperBound: Double
        var count: Double
    }

    /// Groups the elements by their labels without `le` (elements without a parseable `le` are skipped) and returns
    /// one quantile per group, labelled without `le` and `__name__`, in order of first appearance.
    static func evaluate(_ q: Double, _ elements: [VectorElement], at ts: Timestamp, semantics: PromQLSemantics)
        -> [VectorElement]
    {
        var groupIndex: [Labels: Int] = [:]
        var groups: [(labels: Labels, buckets: [Bucket])] = []
        for element in elements {
            guard let bound = element.labels["le"].flatMap(GoMath.parseFloat) else { continue }
            let key = element.labels.removing(["le"])
            let bucket = Bucket(upperBound: bound, count: element.v)
            if let index = groupIndex[key] {
                groups[index].buckets.append(bucket)
            } else {
                groupIndex[key] = groups.count
                groups.append((key.droppingName(), [bucket]))
            }
        }
        return groups.map {
            VectorElement(labels: $0.labels, t: ts, v: bucketQuantile(q, $0.buckets, semantics: semantics))
        }
    }

    /// Prometheus' `bucketQuantile`: sort by bound, require a +Inf bucket, merge equal bounds, force monotonic counts
    /// (Prometheus 3 also irons out relative differences below 1e-12), then interpolate linearly inside the bucket
    /// holding rank φ×total. A rank in the +Inf bucket gives the second-highest bound.
    static func bucketQuantile(_ q: Double, _ input: [Bucket], semantics: PromQLSemantics) -> Double {
        if q.isNaN { return .nan }
        if q < 0 { return -.infinity }
        if q > 1 { return .infinity }
        var buckets = input.enumerated().sorted {
            $0.element.upperBound < $1.element.upperBound
                || (!($1.element.upperBound < $0.element.upperBound) && $0.offset < $1.offset)
        }.map(\.element)
        guard let highest = buckets.last, highest.upperBound == .infinity else { return .nan }

        // Coalesce buckets with the same bound.
        var merged: [Bucket] = []
        merged.reserveCapacity(buckets.count)
        for bucket in buckets {
            if let last = merged.last, last.upperBound == bucket.upperBound {
                merged[merged.count - 1].count += bucket.count
            } else {
                merged.append(bucket)
            }
        }
        buckets = merged

        switch semantics {
        case .prometheus2:
            var maximum = -Double.infinity
            for index in buckets.indices {
                if buckets[index].count > maximum {
                    maximum = buckets[index].count
                } else if buckets[index].count < maximum {
                    buckets[index].count = maximum
                }
            }
        case .prometheus3:
            var previous = buckets[0].count
            for index in buckets.indices.dropFirst() {
                let current = buckets[index].count
                if current == previous { continue }
                if almostEqual(previous, current, tolerance: 1e-12) || current < previous {
                    buckets[index].count = previous
                    continue
                }
                previous = current
            }
        }

        if buckets.count < 2 { return .nan }
        let observations = buckets[buckets.count - 1].count
        if observations == 0 { return .nan }
        var rank = q * observations
        let b = EngineHelpers.goSearch(buckets.count - 1) { buckets[$0].count >= rank }
        if b == buckets.count - 1 { return buckets[buckets.count - 2].upperBound }
        if b == 0 && buckets[0].upperBound <= 0 { return buckets[0].upperBound }
        var bucketStart = 0.0
        let bucketEnd = buckets[b].upperBound
        var count = buckets[b].count
        if b > 0 {
            bucketStart = buckets[b - 1].upperBound
            count -= buckets[b - 1].count
            rank -= buckets[b - 1].count
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count)
    }

    /// Prometheus' `almost.Equal`: relative difference below `tolerance`.
    static func almostEqual(_ a: Double, _ b: Double, tolerance: Double) -> Bool {
        let minNormal = Double.leastNormalMagnitude
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        let absSum = a.magnitude + b.magnitude
        let difference = (a - b).magnitude
        if a == 0 || b == 0 || absSum < minNormal { return difference < tolerance * minNormal }
        return difference / Swift.min(absSum, Double.greatestFiniteMagnitude) < tolerance
    }
}

extension EngineHelpers {
    /// Go's `sort.Search`: the smallest index in `0..<n` for which `predicate` holds (assuming it is monotonic), found
    /// by the same bisection as Go so that non-monotonic inputs give the same answer.
    static func goSearch(_ n: Int, _ predicate: (Int) -> Bool) -> Int {
        var low = 0
        var high = n
        while low < high {
            let middle = Int(UInt(bitPattern: low + high) >> 1)
            if !predicate(middle) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low
    }
}
