import Atomics

/// The process's bounded buffer of finished spans: one wait-free single-producer ``SpanRing`` per event loop,
/// plus one lock-free multi-producer ring for every other thread, all drained by one exporter.
///
/// ## Lifecycle
/// 1. Create one buffer for the process with the number of event loops (`loopCount` ≥ 1), next to the
///    ``MetricsRegistry``. All memory — every ring's slots and control cells — is allocated, initialized and
///    touched here, once; it is freed when the buffer is deinitialized.
/// 2. Each event loop takes its ring with ``ring(forLoop:)`` when its state is built (or passes its index to
///    ``push(_:loop:)``) and pushes a ``SpanRecord`` when a span ends. Other threads use ``push(_:)``.
/// 3. The exporter calls ``drain(into:max:)`` (or ``drain(max:_:)``) periodically, then resolves string ids through
///    a ``SpanStringTable/Snapshot`` taken after the drain, and encodes.
///
/// ## Never blocking
/// A push copies the record into a free slot or, when the ring is full, drops it and adds one to the ring's drop
/// counter (``DropReason/bufferFull``) — it never waits for the exporter, never takes a lock and never allocates.
/// A slow or stopped exporter costs spans, not request latency. Counters obey
/// `recorded == drained + dropped + length` whenever no push or drain is in progress.
///
/// ## Sizing
/// Each ring holds `capacity` records (rounded up to a power of two) of `MemoryLayout<SpanRecord>.stride` bytes
/// (448): the default 4096 is 1.75 MiB per ring. Choose a capacity that covers a loop's span rate times the export
/// interval, with headroom for a slow collector.
///
/// ## Draining
/// Draining may be called from any thread; concurrent drains are serialized by a lock that producers never take.
/// Records come out in push order within each ring. Across rings, each drain starts one ring further than the
/// last, so that a `max` smaller than the backlog does not always favour loop 0.
public final class SpanBuffer: @unchecked Sendable {
    // @unchecked Sendable: every stored property is immutable. The memory behind the pointers is owned by this object
    // (allocated in init, freed in deinit) and is only accessed through the ring protocols of SpanRing and
    // SharedSpanRing, which are safe for their producers and one consumer at a time; `drain` runs that consumer
    // side inside `drainState`'s lock, so concurrent drains cannot break the one-consumer rule.

    /// Why a span did not make it into the buffer. The label value is the `reason` of the dropped-spans metric.
    public enum DropReason: String, Sendable, CaseIterable {
        /// The ring was full: the exporter has not kept up.
        case bufferFull = "buffer_full"
    }

    /// The default per-ring capacity of a buffer made directly: 4096 records, 1.75 MiB per ring (the gateway's
    /// `tracing.buffer_size` defaults to 8192).
    public static let defaultCapacity = 4096

    /// The number of event-loop rings; the buffer has one more, shared by non-loop threads.
    public let loopCount: Int
    /// Records each event-loop ring holds (a power of two).
    public let capacityPerLoop: Int
    /// Records the shared non-loop ring holds (a power of two).
    public let sharedCapacity: Int
    /// The bytes allocated for all rings: slots, sequences and control blocks.
    public let allocatedBytes: Int

    /// The control blocks: loop `i`'s at `i * SpanRingControl.cellCount`, the shared ring's after the last loop's.
    @usableFromInline let controls: UnsafeMutablePointer<SpanRingCell>
    /// Loop `i`'s slots start at `i * capacityPerLoop`.
    @usableFromInline let loopRecords: UnsafeMutablePointer<SpanRecord>
    @usableFromInline let shared: SharedSpanRing
    private let memory: UnsafeMutableRawPointer
    private let drainState = LockedBox(DrainState())
    /// What ``signalHighWater()`` calls: set once by the exporter, read without a lock.
    private let highWaterHandler = ManagedAtomicLazyReference<HighWaterHandler>()

    /// The exporter's callback for a ring found three quarters full (a class: the lazy reference holds objects).
    private final class HighWaterHandler: Sendable {
        let call: @Sendable () -> Void
        init(_ call: @escaping @Sendable () -> Void) { self.call = call }
    }

    private struct DrainState {
        /// The ring the next drain starts at (0 ... loopCount, where loopCount is the shared ring).
        var nextRing = 0
    }

    /// Alignment of the allocation and of each region in it (two cache lines, see ``SpanRingControl``).
    static let alignment = 128

    /// Creates the buffer and allocates all of its memory.
    ///
    /// - Parameters:
    ///   - loopCount: The number of event loops (≥ 1); each gets its own single-producer ring.
    ///   - capacity: Records per event-loop ring (≥ 2), rounded up to a power of two.
    ///   - sharedCapacity: Records in the ring for non-loop threads (≥ 2, rounded up to a power of two); by default
    ///     the same as `capacity`.
    public init(loopCount: Int, capacity: Int = SpanBuffer.defaultCapacity, sharedCapacity: Int? = nil) {
        precondition(loopCount >= 1, "a span buffer needs at least one event-loop ring")
        precondition(capacity >= 2, "a span ring holds at least 2 records")
        precondition((sharedCapacity ?? 2) >= 2, "a span ring holds at least 2 records")
        self.loopCount = loopCount
        self.capacityPerLoop = Self.powerOfTwo(atLeast: capacity)
        self.sharedCapacity = Self.powerOfTwo(atLeast: sharedCapacity ?? capacity)

        // | controls (loopCount + 1) | shared sequences | loop records … | shared records |, each region 128-aligned.
        let cellSize = MemoryLayout<SpanRingCell>.stride
        let recordSize = MemoryLayout<SpanRecord>.stride
        let controlCells = (loopCount + 1) * SpanRingControl.cellCount
        let sequencesOffset = Self.roundUp(controlCells * cellSize)
        let loopRecordsOffset = sequencesOffset + Self.roundUp(self.sharedCapacity * cellSize)
        let loopRecordCount = loopCount * self.capacityPerLoop
        let sharedRecordsOffset = loopRecordsOffset + Self.roundUp(loopRecordCount * recordSize)
        let byteCount = sharedRecordsOffset + Self.roundUp(self.sharedCapacity * recordSize)
        precondition(MemoryLayout<SpanRecord>.alignment <= Self.alignment)

        let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: Self.alignment)
        self.memory = memory
        self.allocatedBytes = byteCount
        // Initializing every byte also faults every page in now rather than on the request path.
        self.controls = memory.initializeMemory(as: SpanRingCell.self, repeating: SpanRingCell(0), count: controlCells)
        let sequences = (memory + sequencesOffset).bindMemory(to: SpanRingCell.self, capacity: self.sharedCapacity)
        for slot in 0..<self.sharedCapacity {
            (sequences + slot).initialize(to: SpanRingCell(UInt64(slot)))
        }
        self.loopRecords = (memory + loopRecordsOffset).initializeMemory(
            as: SpanRecord.self,
            repeating: SpanRecord(),
            count: loopRecordCount
        )
        let sharedRecords = (memory + sharedRecordsOffset).initializeMemory(
            as: SpanRecord.self,
            repeating: SpanRecord(),
            count: self.sharedCapacity
        )
        self.shared = SharedSpanRing(
            control: self.controls + loopCount * SpanRingControl.cellCount,
            sequences: sequences,
            records: sharedRecords,
            capacity: self.sharedCapacity
        )
    }

    deinit {
        // Every type stored in the block is trivial (BitwiseCopyable), so there is nothing to deinitialize.
        self.memory.deallocate()
    }

    // MARK: producing

    /// The single-producer ring of event loop `loop` (0 ..< ``loopCount``). Get it once per loop and push only from
    /// that loop.
    @inlinable
    public func ring(forLoop loop: Int) -> SpanRing {
        precondition(loop >= 0 && loop < self.loopCount, "event loop index \(loop) out of range")
        return SpanRing(
            control: self.controls + loop &* SpanRingControl.cellCount,
            records: self.loopRecords + loop &* self.capacityPerLoop,
            capacity: self.capacityPerLoop
        )
    }

    /// Pushes `record` into event loop `loop`'s ring, from that loop's thread only. Wait-free, no lock, no
    /// allocation; drops and counts the record when the ring is full.
    ///
    /// - Returns: `true` if stored, `false` if dropped.
    @inlinable
    @discardableResult
    public func push(_ record: SpanRecord, loop: Int) -> Bool {
        self.ring(forLoop: loop).push(record)
    }

    /// Pushes `record` from any thread into the shared ring for non-loop threads. Lock-free (a compare-exchange that
    /// retries only when another thread pushed at the same moment), no allocation; drops and counts the record when
    /// the ring is full. Event loops should use ``push(_:loop:)``: it is cheaper and never contended.
    ///
    /// - Returns: `true` if stored, `false` if dropped.
    @inlinable
    @discardableResult
    public func push(_ record: SpanRecord) -> Bool {
        self.shared.push(record)
    }

    // MARK: pacing

    /// Sets what ``signalHighWater()`` calls (the exporter: drain now). The first handler set stays.
    public func onHighWater(_ handler: @escaping @Sendable () -> Void) {
        _ = self.highWaterHandler.storeIfNilThenLoad(HighWaterHandler(handler))
    }

    /// Tells the exporter that a ring is three quarters full (``SpanRing/reachedHighWater(since:)``). At most once
    /// per quarter ring of pushes per loop, and only while the exporter lags; the handler must not block.
    public func signalHighWater() {
        self.highWaterHandler.load()?.call()
    }

    // MARK: consuming

    /// Appends up to `max` waiting records to `records` and frees their slots.
    ///
    /// - Returns: The number of records appended.
    @discardableResult
    public func drain(into records: inout [SpanRecord], max: Int) -> Int {
        records.reserveCapacity(records.count + Swift.min(Swift.max(max, 0), self.length))
        return self.drain(max: max) { chunk in records.append(contentsOf: chunk) }
    }

    /// Hands up to `max` waiting records to `body` without copying them, in contiguous chunks; each chunk's slots are
    /// freed when `body` returns, so the pointer must not escape it. `body` must not call `drain` (the drain lock is
    /// held); it may push.
    ///
    /// - Returns: The number of records handed out.
    @discardableResult
    public func drain(max: Int, _ body: (UnsafeBufferPointer<SpanRecord>) -> Void) -> Int {
        guard max > 0 else { return 0 }
        return self.drainState.withLockedValue { state in
            let ringCount = self.loopCount + 1
            let first = state.nextRing
            state.nextRing = (first + 1) % ringCount
            var total = 0
            for step in 0..<ringCount where total < max {
                let index = (first + step) % ringCount
                if index == self.loopCount {
                    total += self.shared.drain(max: max - total, body)
                } else {
                    total += self.ring(forLoop: index).drain(max: max - total, body)
                }
            }
            return total
        }
    }

    // MARK: counters (relaxed reads: exact when no push or drain is in progress, otherwise a recent value)

    /// Records pushed so far, stored or dropped, over all rings.
    public var recorded: UInt64 { self.sum { $0.recorded } &+ self.shared.accepted &+ self.shared.dropped }

    /// Records dropped so far, for any reason, over all rings.
    public var dropped: UInt64 { self.sum { $0.dropped } &+ self.shared.dropped }

    /// Records dropped so far for `reason`, over all rings.
    public func dropped(reason: DropReason) -> UInt64 {
        switch reason {
        case .bufferFull: self.dropped
        }
    }

    /// Records drained so far, over all rings.
    public var drained: UInt64 { self.sum { $0.drained } &+ self.shared.drained }

    /// Records waiting to be drained, over all rings.
    public var length: Int {
        var total = self.shared.length
        for loop in 0..<self.loopCount {
            total += self.ring(forLoop: loop).length
        }
        return total
    }

    /// Records the buffer can hold at once, over all rings.
    public var capacity: Int { self.loopCount * self.capacityPerLoop + self.sharedCapacity }

    /// The largest share of its capacity that any one ring took in (stored or dropped) since the counts in
    /// `counts` were taken, which are then replaced by the current ones: 0.5 means some ring was pushed half its
    /// capacity in records. Pass an empty array the first time (it counts from the buffer's start). For pacing the
    /// drains: how fast the fastest ring fills, whatever was drained in between.
    public func largestIntake(since counts: inout [UInt64]) -> Double {
        if counts.count != self.loopCount + 1 {
            counts = Array(repeating: 0, count: self.loopCount + 1)
        }
        var largest = 0.0
        for index in 0...self.loopCount {
            let recorded: UInt64
            let capacity: Int
            if index == self.loopCount {
                recorded = self.shared.accepted &+ self.shared.dropped
                capacity = self.sharedCapacity
            } else {
                recorded = self.ring(forLoop: index).recorded
                capacity = self.capacityPerLoop
            }
            largest = Swift.max(largest, Double(recorded &- counts[index]) / Double(capacity))
            counts[index] = recorded
        }
        return largest
    }

    private func sum(_ value: (SpanRing) -> UInt64) -> UInt64 {
        var total: UInt64 = 0
        for loop in 0..<self.loopCount {
            total &+= value(self.ring(forLoop: loop))
        }
        return total
    }

    private static func powerOfTwo(atLeast value: Int) -> Int {
        var result = 1
        while result < value { result <<= 1 }
        return result
    }

    private static func roundUp(_ byteCount: Int) -> Int {
        (byteCount + Self.alignment - 1) / Self.alignment * Self.alignment
    }
}
