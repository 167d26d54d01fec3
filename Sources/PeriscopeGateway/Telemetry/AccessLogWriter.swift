import Atomics
import NIOConcurrencyHelpers
import NIOPosix
import PeriscopeConfig

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Writes the access log: one JSON line per request, without ever making a request wait.
///
/// Each event loop records finished exchanges into its own bounded single-producer ring
/// (``record(_:loop:)``: wait-free, no lock, no allocation; a full ring drops the entry and counts it). One
/// background thread drains every ring every flush interval (50 ms by default), formats the lines and writes each
/// batch with one `write(2)` to stdout, stderr or a file opened with `O_APPEND | O_CREAT`.
///
/// Lifecycle: ``start()`` once, then ``shutdown()`` (from outside the event loops: it waits for the final flush).
/// Entries recorded after `shutdown()` are never written.
public final class AccessLogWriter: Sendable {
    /// Where the lines go.
    public enum Destination: Sendable, Equatable {
        /// File descriptor 1.
        case standardOutput
        /// File descriptor 2.
        case standardError
        /// A file, opened for appending and created (mode 0644) if missing.
        case file(String)

        /// `stdout`, `stderr`, or a file path, as in the `access_log.path` config key.
        public init(path: String) {
            switch path {
            case "stdout": self = .standardOutput
            case "stderr": self = .standardError
            default: self = .file(path)
            }
        }
    }

    /// The access log file could not be opened.
    public struct OpenError: Error, CustomStringConvertible {
        /// The path that failed.
        public let path: String
        /// `errno` of the failed `open(2)`.
        public let errno: Int32

        /// Names the path and the system error.
        public var description: String {
            "cannot open access log '\(self.path)': \(String(cString: strerror(self.errno)))"
        }
    }

    private enum State: Equatable {
        case idle, running, stopping, stopped
    }

    /// Signals between ``shutdown()`` and the background thread.
    private enum Signal {
        static let none = 0
        static let stopRequested = 1
        static let consumerExited = 2
        static let closed = 3
    }

    let rings: [AccessLogRing<AccessLogEntry>]
    private let formatter: AccessLogFormatter
    private let fileDescriptor: Int32
    private let ownsFileDescriptor: Bool
    private let flushIntervalSeconds: Double
    private let lifecycle = NIOLockedValueBox<State>(.idle)
    private let signal = ConditionLock<Int>(value: Signal.none)
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let writtenCount = ManagedAtomic<UInt64>(0)
    private let failedCount = ManagedAtomic<UInt64>(0)

    /// A writer for `config` (``AccessLogConfig/path``, ``AccessLogConfig/bufferSize``) with one ring per event loop.
    ///
    /// - Throws: ``OpenError`` when the file cannot be opened.
    public convenience init(config: AccessLogConfig, runtime: GatewayRuntime, loopCount: Int) throws {
        try self.init(
            destination: Destination(path: config.path),
            names: AccessLogNames(runtime: runtime),
            loopCount: loopCount,
            bufferSize: config.bufferSize
        )
    }

    /// A writer with explicit parts.
    ///
    /// - Parameters:
    ///   - destination: Where lines go.
    ///   - names: The names for the entries' indices.
    ///   - loopCount: How many event loops record (loop indices `0..<loopCount`).
    ///   - bufferSize: Entries each loop's ring holds, rounded up to a power of two.
    ///   - flushInterval: How often the background thread drains and writes.
    /// - Throws: ``OpenError`` when the file cannot be opened.
    public init(
        destination: Destination,
        names: AccessLogNames,
        loopCount: Int,
        bufferSize: Int = 4096,
        flushInterval: Duration = .milliseconds(50)
    ) throws {
        switch destination {
        case .standardOutput:
            self.fileDescriptor = 1
            self.ownsFileDescriptor = false
        case .standardError:
            self.fileDescriptor = 2
            self.ownsFileDescriptor = false
        case .file(let path):
            let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw OpenError(path: path, errno: errno) }
            self.fileDescriptor = descriptor
            self.ownsFileDescriptor = true
        }
        let empty = AccessLogEntry()
        self.rings = (0..<max(loopCount, 1)).map { _ in AccessLogRing(minimumCapacity: bufferSize, empty: empty) }
        self.formatter = AccessLogFormatter(names: names)
        let (seconds, attoseconds) = flushInterval.components
        self.flushIntervalSeconds = max(Double(seconds) + Double(attoseconds) / 1e18, 0.001)
    }

    deinit {
        if self.ownsFileDescriptor && self.lifecycle.withLockedValue({ $0 }) != .stopped {
            close(self.fileDescriptor)
        }
    }

    // MARK: Recording (event loops)

    /// Queues `entry` for writing, or drops and counts it when `loop`'s ring is full. Wait-free, no lock, no
    /// allocation. Call only from event loop `loop` (each ring has exactly one producer thread); a `loop` out of range
    /// is folded into range, which is only safe when that loop's thread is the caller.
    ///
    /// - Returns: `true` if queued, `false` if dropped.
    @discardableResult
    public func record(_ entry: AccessLogEntry, loop: Int) -> Bool {
        let count = self.rings.count
        let index = loop >= 0 && loop < count ? loop : ((loop % count) + count) % count
        return self.rings[index].push(entry)
    }

    // MARK: Counters

    /// Entries offered to ``record(_:loop:)`` so far (queued or dropped).
    public var recorded: UInt64 { self.rings.reduce(0) { $0 &+ $1.accepted &+ $1.dropped } }

    /// Lines written successfully so far.
    public var written: UInt64 { self.writtenCount.load(ordering: .relaxed) }

    /// Entries dropped so far because a loop's ring was full.
    public var dropped: UInt64 { self.rings.reduce(0) { $0 &+ $1.dropped } }

    /// Lines lost so far because `write(2)` failed.
    public var failed: UInt64 { self.failedCount.load(ordering: .relaxed) }

    // MARK: Lifecycle

    /// Starts the background thread. Calling it again, or after ``shutdown()``, does nothing.
    public func start() {
        let starting = self.lifecycle.withLockedValue { state -> Bool in
            guard state == .idle else { return false }
            state = .running
            return true
        }
        guard starting else { return }
        self.thread.start()
        self.thread.submit { _ in self.run() }
    }

    /// Stops the background thread after it has written everything recorded so far, and closes the file. Blocks
    /// until then (at most one flush interval plus the final write): call it from outside the event loops. Without
    /// ``start()`` it drains and writes on the calling thread. Idempotent; concurrent calls all wait for the end.
    public func shutdown() {
        let previous = self.lifecycle.withLockedValue { state -> State in
            let previous = state
            if state == .idle || state == .running { state = .stopping }
            return previous
        }
        switch previous {
        case .idle:
            // No consumer thread ever ran: this thread is the only consumer.
            var buffer: [UInt8] = []
            self.drainAll(&buffer)
        case .running:
            self.signal.lock()
            self.signal.unlock(withValue: Signal.stopRequested)
            self.signal.lock(whenValue: Signal.consumerExited)
            self.signal.unlock()
            try? self.thread.syncShutdownGracefully()
        case .stopping:
            // Another caller is shutting down: wait until it is done.
            self.signal.lock(whenValue: Signal.closed)
            self.signal.unlock()
            return
        case .stopped:
            return
        }
        if self.ownsFileDescriptor {
            close(self.fileDescriptor)
        }
        self.lifecycle.withLockedValue { $0 = .stopped }
        self.signal.lock()
        self.signal.unlock(withValue: Signal.closed)
    }

    // MARK: Consumer thread

    private func run() {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 16)
        while true {
            let stopping = self.signal.lock(whenValue: Signal.stopRequested, timeoutSeconds: self.flushIntervalSeconds)
            if stopping { self.signal.unlock() }
            self.drainAll(&buffer)
            if stopping { break }
        }
        self.signal.lock()
        self.signal.unlock(withValue: Signal.consumerExited)
    }

    /// Largest batch handed to one `write(2)`; bigger drains are written in several batches.
    private static var batchLimit: Int { 1 << 20 }

    /// Drains every ring, formats and writes. Consumer side only.
    private func drainAll(_ buffer: inout [UInt8]) {
        var lines: UInt64 = 0
        for ring in self.rings {
            ring.drain(max: ring.capacity) { chunk in
                for entry in chunk {
                    self.formatter.append(entry, to: &buffer)
                    lines &+= 1
                    if buffer.count >= Self.batchLimit {
                        self.flush(&buffer, lines: lines)
                        lines = 0
                    }
                }
            }
        }
        self.flush(&buffer, lines: lines)
    }

    /// Writes `buffer` (one `write(2)` unless the kernel takes less) and empties it.
    private func flush(_ buffer: inout [UInt8], lines: UInt64) {
        guard !buffer.isEmpty else { return }
        let complete = buffer.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                let result = write(self.fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if result > 0 {
                    offset += result
                } else if result < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
        if complete {
            self.writtenCount.wrappingIncrement(by: lines, ordering: .relaxed)
        } else {
            self.failedCount.wrappingIncrement(by: lines, ordering: .relaxed)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
