import NIOCore
import Testing

@testable import PeriscopeGateway

@Suite struct AnchoredWallClockTests {
    @Test func timesAreWallClockTimes() {
        var clock = AnchoredWallClock()
        for _ in 0..<3 {
            let before = WallClock.nowUnixNano()
            let time = clock.unixNanoseconds(at: .now())
            let after = WallClock.nowUnixNano()
            // The offset is read between two monotonic readings; allow a few µs for that read's own duration.
            #expect(time + 5_000 >= before)
            #expect(time <= after + 5_000)
        }
    }

    @Test func monotonicDifferencesArePreservedExactly() {
        var clock = AnchoredWallClock()
        let start = NIODeadline.now()
        let first = clock.unixNanoseconds(at: start)
        let later = clock.unixNanoseconds(at: start + .milliseconds(7))
        #expect(later - first == 7_000_000)
    }

    @Test func aReadingOutsideTheIntervalRecalibrates() {
        var clock = AnchoredWallClock()
        // `now`'s wall-clock time lies between these two readings.
        let before = WallClock.nowUnixNano()
        let now = NIODeadline.now()
        _ = clock.unixNanoseconds(at: now)
        // A reading from before the calibration, or one interval after it, reads the clocks again; either way the
        // result is still that monotonic time's wall-clock time.
        let earlier = now - .milliseconds(3)
        let time = clock.unixNanoseconds(at: earlier)
        let after = WallClock.nowUnixNano()
        #expect(time + 3_000_000 + 5_000 >= before)
        #expect(time + 3_000_000 <= after + 5_000)
        let future = NIODeadline.now() + AnchoredWallClock.recalibrationInterval + .milliseconds(1)
        #expect(clock.unixNanoseconds(at: future) > WallClock.nowUnixNano() + 1_000_000_000)
    }
}
