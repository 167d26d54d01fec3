import NIOCore

/// Wall-clock time (Unix nanoseconds) derived from a monotonic reading the caller already has: the offset between the
/// two clocks is read once and renewed every ``recalibrationInterval``, so a request's span needs no wall-clock
/// read of its own (≈ 50 ns in a VM), and a step or slew of the wall clock shows within that interval. Times of one
/// span stay monotonic among themselves (its later times are its start plus monotonic differences).
struct AnchoredWallClock {
    /// How long one offset is used before the two clocks are read again.
    static let recalibrationInterval = TimeAmount.seconds(1)

    /// Wall minus monotonic, in nanoseconds (wrapping arithmetic: only differences and sums are used).
    private var offset: UInt64 = 0
    /// The monotonic time of the last calibration; `nil` before the first.
    private var calibratedAt: NIODeadline?

    /// The wall-clock time of monotonic time `now` (a recent reading of `NIODeadline.now()`).
    mutating func unixNanoseconds(at now: NIODeadline) -> UInt64 {
        let current = self.calibratedAt.map { now >= $0 && now - $0 < Self.recalibrationInterval } ?? false
        if !current {
            self.calibrate()
        }
        return now.uptimeNanoseconds &+ self.offset
    }

    /// Reads the wall clock between two monotonic readings and keeps the offset to their midpoint. The offset is off
    /// by at most half the time between the two readings, so a reading the thread was preempted in is taken again
    /// (the narrowest of ``calibrationAttempts`` is kept, the first within ``calibrationWindow`` used at once).
    private mutating func calibrate() {
        var best: (window: UInt64, wall: UInt64, monotonic: UInt64)?
        for _ in 0..<Self.calibrationAttempts {
            let before = NIODeadline.now().uptimeNanoseconds
            let wall = WallClock.nowUnixNano()
            let after = NIODeadline.now().uptimeNanoseconds
            let window = after &- before
            if best.map({ window < $0.window }) ?? true {
                best = (window, wall, before &+ window / 2)
            }
            if window <= Self.calibrationWindow { break }
        }
        guard let best else { return }
        self.offset = best.wall &- best.monotonic
        self.calibratedAt = .uptimeNanoseconds(best.monotonic)
    }

    /// Readings taken at most to find a narrow one.
    static let calibrationAttempts = 4
    /// A window (ns) narrow enough to use at once: an offset error of at most half of it.
    static let calibrationWindow: UInt64 = 4_000
}
