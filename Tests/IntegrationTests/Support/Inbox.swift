import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Thrown when something a test waits for does not happen before its deadline.
struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(self.what)" }
}

/// An unbounded queue that NIO handlers push into and one test task pops from, with a timeout per wait.
///
/// Events pushed while nobody waits are kept; a wait that times out leaves later events in the queue.
/// `finish()` marks the end (the connection closed): once the queue is empty, `next` returns nil.
final class Inbox<Element: Sendable>: Sendable {
    private struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<Element?, any Error>
        var timeout: Scheduled<Void>?
    }

    private struct State {
        var items = CircularBuffer<Element>()
        var finished = false
        var waiter: Waiter?
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// Adds an event; wakes the waiting task if there is one.
    func push(_ element: Element) {
        let waiter = self.state.withLockedValue { state -> Waiter? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.items.append(element)
            return nil
        }
        if let waiter {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: element)
        }
    }

    /// Marks the end of the stream; a waiting task gets nil once the queue is empty.
    func finish() {
        let waiter = self.state.withLockedValue { state -> Waiter? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        if let waiter {
            waiter.timeout?.cancel()
            waiter.continuation.resume(returning: nil)
        }
    }

    /// Whether `finish()` was called and every event was taken.
    var isDrained: Bool {
        self.state.withLockedValue { $0.finished && $0.items.isEmpty }
    }

    /// The next event, nil after `finish()`, or ``TimedOut`` after `timeout`.
    func next(timeout: Duration, what: @autoclosure () -> String = "an event") async throws -> Element? {
        let description = what()
        let id = self.state.withLockedValue { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return try await withCheckedThrowingContinuation { continuation in
            let immediate = self.state.withLockedValue { state -> Element?? in
                if let first = state.items.popFirst() { return .some(first) }
                if state.finished { return .some(nil) }
                precondition(state.waiter == nil, "Inbox supports one waiting task at a time")
                state.waiter = Waiter(id: id, continuation: continuation, timeout: nil)
                return nil
            }
            if let immediate {
                continuation.resume(returning: immediate)
                return
            }
            let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .nanoseconds(timeout.nanoseconds))
            {
                self.expire(id: id, what: description)
            }
            let stillWaiting = self.state.withLockedValue { state -> Bool in
                guard state.waiter?.id == id else { return false }
                state.waiter?.timeout = timer
                return true
            }
            if !stillWaiting { timer.cancel() }
        }
    }

    private func expire(id: Int, what: String) {
        let waiter = self.state.withLockedValue { state -> Waiter? in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.continuation.resume(throwing: TimedOut(what: what))
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product + attoseconds / 1_000_000_000
    }

    /// The duration in seconds as a `Double` (for messages and comparisons).
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
