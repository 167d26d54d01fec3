/// Lets `POST /drain` start the same drain as SIGTERM.
///
/// `fire()` may be called any number of times from any thread; `wait()` returns after the first.
final class DrainTrigger: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func fire() {
        self.continuation.yield()
    }

    /// Returns once `fire()` was called (or the task is cancelled).
    func wait() async {
        for await _ in self.stream { return }
    }
}
