/// Polls `condition` every `interval` until it holds; throws ``TimedOut`` if `timeout` passes first.
///
/// This is how tests wait for readiness or for a side effect: a deadline, never a blind sleep.
func waitUntil(
    _ what: @autoclosure () -> String,
    timeout: Duration = .seconds(10),
    interval: Duration = .milliseconds(5),
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while true {
        if try await condition() { return }
        if clock.now >= deadline { throw TimedOut(what: what()) }
        try await Task.sleep(for: interval)
    }
}

/// Milliseconds elapsed since `start`, for readable expectations.
func millisecondsSince(_ start: ContinuousClock.Instant) -> Double {
    (ContinuousClock.now - start).seconds * 1000
}
