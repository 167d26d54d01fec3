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

    /// Reads the wall clock between two monotonic readings and keeps the offset to their midpoint.
    private mutating func calibrate() {
        let before = NIODeadline.now().uptimeNanoseconds
        let wall = WallClock.nowUnixNano()
        let after = NIODeadline.now().uptimeNanoseconds
        let monotonic = before &+ (after &- before) / 2
        self.offset = wall &- monotonic
        self.calibratedAt = .uptimeNanoseconds(monotonic)
    }
}
