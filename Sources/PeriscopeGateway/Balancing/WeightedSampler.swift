/// Draws endpoints at random with probability proportional to their weight, among those in rotation, optionally
/// leaving out one or two (the `excluding` endpoint, the first of two choices).
///
/// It keeps the cumulative weights of the endpoints in rotation and rebuilds them (in place, without allocating)
/// when the availability view's generation moves. A draw is one random number and a binary search; left-out
/// endpoints are handled by drawing from the total minus their weights and stepping over their intervals. With
/// equal weights and every endpoint in rotation, a draw is a multiply.
final class WeightedSampler {
    private struct Summary {
        var memberCount = 0
        var total: UInt64 = 0
        var generation: UInt64 = 0
        /// Whether all weights are equal and every endpoint is in rotation.
        var isUniform = false
    }

    private let endpoints: BalancerEndpoints
    /// Endpoint indexes in rotation, in order.
    private let members: LoopOwnedBuffer<Int>
    /// `ends[i]`: the sum of the weights of `members[0...i]`.
    private let ends: LoopOwnedBuffer<UInt64>
    /// Position of each endpoint in `members`, or -1.
    private let positions: LoopOwnedBuffer<Int>
    private let summary: LoopOwnedCell<Summary>
    /// Whether all weights are equal.
    private let equalWeights: Bool

    init(endpoints: BalancerEndpoints) {
        self.endpoints = endpoints
        self.equalWeights = Set(endpoints.weights).count <= 1
        self.members = LoopOwnedBuffer(repeating: 0, count: endpoints.count)
        self.ends = LoopOwnedBuffer(repeating: 0, count: endpoints.count)
        self.positions = LoopOwnedBuffer(repeating: -1, count: endpoints.count)
        self.summary = LoopOwnedCell(Summary(generation: endpoints.availability.generation))
        self.rebuild()
    }

    /// Rebuilds the cumulative weights if endpoints went in or out of rotation since the last draw.
    @inline(__always)
    func refresh() {
        let generation = self.endpoints.availability.generation
        if generation != self.summary.value.generation {
            self.summary.value.generation = generation
            self.rebuild()
        }
    }

    private func rebuild() {
        var count = 0
        var total: UInt64 = 0
        for index in 0..<self.endpoints.count {
            if self.endpoints.isAvailable(index) {
                total += UInt64(self.endpoints.weights[index])
                self.members[count] = index
                self.ends[count] = total
                self.positions[index] = count
                count += 1
            } else {
                self.positions[index] = -1
            }
        }
        self.summary.value.memberCount = count
        self.summary.value.total = total
        self.summary.value.isUniform = self.equalWeights && count == self.endpoints.count
    }

    /// Start and width of `endpoint`'s interval, or `nil` if it is not in rotation (or not an endpoint).
    @inline(__always)
    private func interval(of endpoint: Int?) -> (start: UInt64, width: UInt64)? {
        guard let endpoint, endpoint >= 0, endpoint < self.positions.count else { return nil }
        let position = self.positions[endpoint]
        guard position >= 0 else { return nil }
        let end = self.ends[position]
        let width = UInt64(self.endpoints.weights[endpoint])
        return (end - width, width)
    }

    /// Two different random endpoints in rotation other than `excluding`, by weight (the second is `nil` when only
    /// one is eligible); `nil` if none is. Call ``refresh()`` before a pick's draws.
    @inline(__always)
    func drawTwo(excluding: Int?, random: inout BalancerRandom) -> (first: Int, second: Int?)? {
        guard self.summary.value.isUniform && excluding == nil else {
            guard let first = self.draw(skipping: excluding, nil, random: &random) else { return nil }
            return (first, self.draw(skipping: excluding, first, random: &random))
        }
        // Equal weights, all in rotation: two indexes from one random word (32 bits each, Lemire's reduction).
        let count = UInt64(self.summary.value.memberCount)
        if count < 2 { return count == 0 ? nil : (0, nil) }
        let bits = random.next()
        let first = Int(((bits & 0xffff_ffff) &* count) >> 32)
        var second = Int(((bits >> 32) &* (count - 1)) >> 32)
        if second >= first { second += 1 }
        return (first, second)
    }

    /// A random endpoint in rotation other than `first` and `second`, by weight; `nil` if there is none.
    /// Call ``refresh()`` before a pick's draws.
    @inline(__always)
    func draw(skipping first: Int?, _ second: Int?, random: inout BalancerRandom) -> Int? {
        var low = self.interval(of: first)
        var high = second == first ? nil : self.interval(of: second)
        if let lowStart = low?.start, let highStart = high?.start, highStart < lowStart {
            swap(&low, &high)
        }
        let skipped = (low?.width ?? 0) + (high?.width ?? 0)
        let total = self.summary.value.total
        guard total > skipped else { return nil }
        var target = random.next(below: total - skipped)
        if let low, target >= low.start { target += low.width }
        if let high, target >= high.start { target += high.width }
        // The first member whose interval ends after `target`.
        var lower = 0
        var upper = self.summary.value.memberCount - 1
        while lower < upper {
            let middle = (lower + upper) / 2
            if self.ends[middle] > target {
                upper = middle
            } else {
                lower = middle + 1
            }
        }
        return self.members[lower]
    }
}

@available(*, unavailable)
extension WeightedSampler: Sendable {}
