import NIOCore
import PeriscopeConfig
import Testing

@testable import PeriscopeGateway

@Suite struct FailureRateBreakerTests {
    static let t0 = NIODeadline.uptimeNanoseconds(10_000_000_000)
    static let config = FailureRateBreakerConfig(
        threshold: 0.5, minRequests: 4, window: .seconds(10), openDuration: .seconds(5), halfOpenRequests: 2)

    @Test func opensAtTheThresholdOnlyWithEnoughRequests() {
        let breaker = FailureRateBreaker(config: Self.config)
        var states: [FailureRateBreaker.State] = []
        breaker.onTransition = { states.append($0) }
        for failed in [true, true, false] {
            #expect(breaker.allow(now: Self.t0))
            breaker.record(failed: failed, now: Self.t0)
        }
        #expect(breaker.state == .closed)  // 2 of 3 failed, but fewer than 4 requests
        #expect(breaker.allow(now: Self.t0))
        breaker.record(failed: false, now: Self.t0)  // 2 of 4: 50 %
        #expect(breaker.state == .open)
        #expect(!breaker.allow(now: Self.t0 + .seconds(4)))
        // After open_duration: half-open, two probes at a time.
        #expect(breaker.allow(now: Self.t0 + .seconds(5)))
        #expect(breaker.state == .halfOpen)
        #expect(breaker.allow(now: Self.t0 + .seconds(5)))
        #expect(!breaker.allow(now: Self.t0 + .seconds(5)))
        breaker.record(failed: false, now: Self.t0 + .seconds(5))
        breaker.record(failed: false, now: Self.t0 + .seconds(5))
        #expect(breaker.state == .closed)
        #expect(states == [.open, .halfOpen, .closed])
    }

    @Test func aFailedProbeOpensAgainForAnotherFullDuration() {
        let breaker = FailureRateBreaker(config: Self.config)
        for _ in 0..<4 {
            _ = breaker.allow(now: Self.t0)
            breaker.record(failed: true, now: Self.t0)
        }
        #expect(breaker.state == .open)
        #expect(breaker.allow(now: Self.t0 + .seconds(6)))
        breaker.record(failed: true, now: Self.t0 + .seconds(6))
        #expect(breaker.state == .open)
        #expect(!breaker.allow(now: Self.t0 + .seconds(10)))
        #expect(breaker.allow(now: Self.t0 + .seconds(11)))
    }

    @Test func outcomesOlderThanTheWindowDoNotCount() {
        let breaker = FailureRateBreaker(config: Self.config)
        for _ in 0..<3 {
            _ = breaker.allow(now: Self.t0)
            breaker.record(failed: true, now: Self.t0)
        }
        // 11 s later the three failures are out of the 10 s window: one more failure is 1 of 1.
        _ = breaker.allow(now: Self.t0 + .seconds(11))
        breaker.record(failed: true, now: Self.t0 + .seconds(11))
        #expect(breaker.state == .closed)
    }

    @Test func anAbandonedProbeFreesItsSlot() {
        let breaker = FailureRateBreaker(config: Self.config)
        for _ in 0..<4 {
            _ = breaker.allow(now: Self.t0)
            breaker.record(failed: true, now: Self.t0)
        }
        #expect(breaker.allow(now: Self.t0 + .seconds(5)))
        #expect(breaker.allow(now: Self.t0 + .seconds(5)))
        breaker.abandon()
        #expect(breaker.allow(now: Self.t0 + .seconds(5)))
    }
}
