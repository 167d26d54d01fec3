/// Draws endpoints at random with probability proportional to their weight, among those in rotation, optionally
/// leaving out one or two (the `excluding` endpoint, the first of two choices).
///
/// It keeps the cumulative weights of the endpoints in rotation and rebuilds them (in place, without allocating)
/// when the availability view's generation moves. A draw is one random number and a binary search; left-out
/// endpoints are handled by drawing from the total minus their weights and stepping over their intervals.
struct WeightedSampler {
    private let endpoints: BalancerEndpoints
    /// Endpoint indexes in rotation, in order.
    private var members: [Int]
    /// `ends[i]`: the sum of the weights of `members[0...i]`.
    private var ends: [UInt64]
    /// Position of each endpoint in `members`, or -1.
    private var positions: [Int]
    private var memberCount = 0
    private var total: UInt64 = 0
    private var generation: UInt64

    init(endpoints: BalancerEndpoints) {
        self.endpoints = endpoints
        self.members = [Int](repeating: 0, count: endpoints.count)
        self.ends = [UInt64](repeating: 0, count: endpoints.count)
        self.positions = [Int](repeating: -1, count: endpoints.count)
        self.generation = endpoints.availability.generation
        self.rebuild()
    }

    /// Rebuilds the cumulative weights if endpoints went in or out of rotation since the last draw.
    @inline(__always)
    mutating func refresh() {
        let generation = self.endpoints.availability.generation
        if generation != self.generation {
            self.generation = generation
            self.rebuild()
        }
    }

    private mutating func rebuild() {
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
        self.memberCount = count
        self.total = total
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
        guard self.total > skipped else { return nil }
        var target = random.next(below: self.total - skipped)
        if let low, target >= low.start { target += low.width }
        if let high, target >= high.start { target += high.width }
        // The first member whose interval ends after `target`.
        var lower = 0
        var upper = self.memberCount - 1
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
