#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A mutex over `pthread_mutex_t`, for the registry's setup-time paths (register, bind, render).
///
/// The recording path never takes it. `Synchronization.Mutex` would do, but it needs macOS 15 and the package
/// supports macOS 14; NIO's lock would pull NIOCore into a module that otherwise needs only Atomics.
final class Lock: @unchecked Sendable {
    // @unchecked Sendable: the mutex lives at a stable heap address allocated here and is only touched through
    // pthread_mutex_* calls, which are thread-safe by definition.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    init() {
        self.mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        self.mutex.initialize(to: pthread_mutex_t())
        let result = pthread_mutex_init(self.mutex, nil)
        precondition(result == 0, "pthread_mutex_init failed: \(result)")
    }

    deinit {
        let result = pthread_mutex_destroy(self.mutex)
        precondition(result == 0, "pthread_mutex_destroy failed: \(result)")
        self.mutex.deinitialize(count: 1)
        self.mutex.deallocate()
    }

    /// Runs `body` with the mutex held.
    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        let lockResult = pthread_mutex_lock(self.mutex)
        precondition(lockResult == 0, "pthread_mutex_lock failed: \(lockResult)")
        defer {
            let unlockResult = pthread_mutex_unlock(self.mutex)
            precondition(unlockResult == 0, "pthread_mutex_unlock failed: \(unlockResult)")
        }
        return try body()
    }
}

/// A value guarded by a ``Lock``; the only way to reach the value is `withLockedValue`.
final class LockedBox<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is read and written only inside `lock.withLock`, so accesses from different
    // threads are serialised by the mutex (which also orders the memory effects).
    private let lock = Lock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    func withLockedValue<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try self.lock.withLock { try body(&self.value) }
    }
}
