import NIOCore
import PeriscopeConfig

/// The failure-rate circuit breaker of one cluster on one event loop (see ``FailureRateBreakerConfig``): closed →
/// open when the failed share of the last `window` reaches `threshold` over at least `min_requests` outcomes; open →
/// half-open after `open_duration`; half-open → closed after `half_open_requests` successes, or open again on a
/// failure. Each loop judges the requests it proxies; plain mutable state, used on its loop only.
final class FailureRateBreaker {
    enum State: String, Sendable, CaseIterable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    /// Outcomes are counted in `bucketCount` slices of the window; a slice older than the window is reset before use.
    static let bucketCount = 10

    private struct Bucket {
        var start: NIODeadline = .uptimeNanoseconds(0)
        var requests = 0
        var failures = 0
    }

    let config: FailureRateBreakerConfig
    private(set) var state = State.closed
    private var buckets = [Bucket](repeating: Bucket(), count: FailureRateBreaker.bucketCount)
    private let bucketWidth: Int64
    private var openedAt = NIODeadline.uptimeNanoseconds(0)
    private var probesInFlight = 0
    private var probeSuccesses = 0
    /// Called with each new state.
    var onTransition: (State) -> Void = { _ in }

    init(config: FailureRateBreakerConfig) {
        self.config = config
        self.bucketWidth = max(1, TimeAmount(config.window).nanoseconds / Int64(Self.bucketCount))
    }

    /// Whether a request may go now; `false` means reject it (the breaker is open, or half-open with every probe
    /// slot taken). An allowed request must be followed by one ``record(failed:now:)``.
    func allow(now: NIODeadline) -> Bool {
        switch self.state {
        case .closed:
            return true
        case .open:
            guard now >= self.openedAt + TimeAmount(self.config.openDuration) else { return false }
            self.transition(to: .halfOpen)
            self.probesInFlight = 0
            self.probeSuccesses = 0
            fallthrough
        case .halfOpen:
            guard self.probesInFlight < self.config.halfOpenRequests else { return false }
            self.probesInFlight += 1
            return true
        }
    }

    /// The outcome of a request ``allow(now:)`` let through.
    func record(failed: Bool, now: NIODeadline) {
        switch self.state {
        case .closed:
            let index = Int((now.uptimeNanoseconds / UInt64(self.bucketWidth)) % UInt64(Self.bucketCount))
            let start = NIODeadline.uptimeNanoseconds(
                now.uptimeNanoseconds - now.uptimeNanoseconds % UInt64(self.bucketWidth))
            if self.buckets[index].start != start {
                self.buckets[index] = Bucket(start: start)
            }
            self.buckets[index].requests += 1
            if failed { self.buckets[index].failures += 1 }
            let windowStart = now - TimeAmount(self.config.window)
            var requests = 0
            var failures = 0
            for bucket in self.buckets where bucket.start > windowStart {
                requests += bucket.requests
                failures += bucket.failures
            }
            if requests >= self.config.minRequests && Double(failures) >= self.config.threshold * Double(requests) {
                self.open(now: now)
            }
        case .open:
            // A request let through before the breaker opened.
            break
        case .halfOpen:
            self.probesInFlight = max(0, self.probesInFlight - 1)
            if failed {
                self.open(now: now)
            } else {
                self.probeSuccesses += 1
                if self.probeSuccesses >= self.config.halfOpenRequests {
                    self.buckets = [Bucket](repeating: Bucket(), count: Self.bucketCount)
                    self.transition(to: .closed)
                }
            }
        }
    }

    /// A request ``allow(now:)`` let through ended without a verdict (the client left): frees its probe slot.
    func abandon() {
        if self.state == .halfOpen { self.probesInFlight = max(0, self.probesInFlight - 1) }
    }

    private func open(now: NIODeadline) {
        self.openedAt = now
        self.transition(to: .open)
    }

    private func transition(to state: State) {
        guard state != self.state else { return }
        self.state = state
        self.onTransition(state)
    }
}

@available(*, unavailable)
extension FailureRateBreaker: Sendable {}
