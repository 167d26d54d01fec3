import Atomics
import CPeriscopeMemory

/// The 64-bit atomic cell that ring positions and counters live in.
@usableFromInline
typealias SpanRingCell = UInt64.AtomicRepresentation

extension UnsafeMutablePointer where Pointee == SpanRingCell {
    @inlinable
    @inline(__always)
    var atomic: UnsafeAtomic<UInt64> { UnsafeAtomic<UInt64>(at: self) }
}

/// The control block of one ring: two 128-byte regions, so that the cells the producer side writes and the cell
/// the consumer writes never share a cache line (128, not 64: x86's adjacent-line prefetcher pulls lines in pairs).
///
/// ```
/// producer region (cells 0…15):   [0] tail / enqueue position   [1] dropped   [2] cached head (SPSC only)
/// consumer region (cells 16…31):  [16] head / dequeue position
/// ```
@usableFromInline
enum SpanRingControl {
    @usableFromInline static var cellCount: Int { 32 }
    @usableFromInline static var tail: Int { 0 }
    @usableFromInline static var dropped: Int { 1 }
    @usableFromInline static var cachedHead: Int { 2 }
    @usableFromInline static var head: Int { 16 }
}

/// One event loop's single-producer ring inside a ``SpanBuffer``: where that loop pushes its finished spans.
///
/// ## Why one single-producer ring per loop
/// Each event loop is one thread, and the gateway keeps every request on one loop (hot-path rule 4), so giving
/// each loop its own ring makes every ring single-producer/single-consumer. The push is then **wait-free** — a
/// fixed number of steps, no compare-exchange loop, no retry — and touches only cache lines that the loop owns
/// (its slot and its `tail`), except when the ring looks full. A shared multi-producer ring would make every loop
/// contend on one enqueue position for every span. Taken together the rings are the architecture's bounded
/// lock-free MPSC buffer: many producers, one consumer (the exporter), nothing ever blocks.
///
/// ## Protocol
/// Positions are 64-bit counters that never wrap in practice (slot = position & (capacity − 1)).
/// - **Push** (the owning loop only): read `tail` (own cell, relaxed). If `tail − cachedHead` says full, reload
///   `head` with *acquire*; if still full, count a drop (relaxed single-writer add) and return `false` — the span
///   is discarded, the caller never waits. Otherwise copy the record into slot `tail` with plain stores and store
///   `tail + 1` with *release*.
/// - **Drain** (the buffer's consumer, under its drain lock): load `tail` with *acquire*, hand out the slots from
///   `head` to `tail`, then store the new `head` with *release*.
///
/// The release store of `tail` paired with the consumer's acquire load makes the slot's bytes visible before the
/// consumer can see the slot as filled; the release store of `head` paired with the producer's acquire load makes
/// the consumer's reads of a slot finish before the producer may overwrite it. No slot is ever accessed by both
/// sides at once, so the plain copies are race-free and a drained record is never torn.
///
/// ## Contract
/// A ring has **exactly one producer thread**: only the event loop it was made for may call ``push(_:)``, like a
/// ``MetricShard``. Code that does not run on an event loop uses ``SpanBuffer/push(_:)``, which goes to the
/// buffer's multi-producer ring.
///
/// The ring is a plain handle into the buffer's memory and does not keep the buffer alive: the ``SpanBuffer``
/// must outlive every ring taken from it — in Periscope the buffer lives for the whole process.
public struct SpanRing: @unchecked Sendable {
    // @unchecked Sendable: the pointers are immutable and target memory the SpanBuffer allocated once and frees only
    // in its deinit. Control cells are accessed only atomically; a record slot is written only by the producer while
    // the slot is outside [head, tail) and read only by the consumer while it is inside, with the release/acquire
    // pairs described above ordering the two. Calling `push` from two threads at once breaks the one-producer
    // contract and can corrupt records, which the documentation forbids like MetricShard's.

    @usableFromInline let control: UnsafeMutablePointer<SpanRingCell>
    @usableFromInline let records: UnsafeMutablePointer<SpanRecord>
    @usableFromInline let mask: UInt64

    @inlinable
    init(control: UnsafeMutablePointer<SpanRingCell>, records: UnsafeMutablePointer<SpanRecord>, capacity: Int) {
        self.control = control
        self.records = records
        self.mask = UInt64(capacity - 1)
    }

    /// The most records the ring holds.
    @inlinable
    public var capacity: Int { Int(self.mask) + 1 }

    /// Copies `record` into the ring, or drops and counts it if the ring is full. Wait-free, lock-free, no
    /// allocation. Call only from the ring's event loop.
    ///
    /// The record is passed by address (`withUnsafeMutablePointer(to: &record)`): a 448-byte argument passed by value
    /// is copied to the stack first. Only its used bytes are copied (``SpanRecord/copyUsedBytes(from:to:)``).
    ///
    /// - Returns: `true` if the record was stored, `false` if it was dropped (counted as
    ///   ``SpanBuffer/DropReason/bufferFull``).
    @inlinable
    @discardableResult
    public func push(from record: UnsafePointer<SpanRecord>) -> Bool {
        let tailCell = (self.control + SpanRingControl.tail).atomic
        let cachedHeadCell = (self.control + SpanRingControl.cachedHead).atomic
        let tail = tailCell.load(ordering: .relaxed)
        if tail &- cachedHeadCell.load(ordering: .relaxed) > self.mask {
            let head = (self.control + SpanRingControl.head).atomic.load(ordering: .acquiring)
            cachedHeadCell.store(head, ordering: .relaxed)
            if tail &- head > self.mask {
                let droppedCell = (self.control + SpanRingControl.dropped).atomic
                droppedCell.store(droppedCell.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
                return false
            }
        }
        SpanRecord.copyUsedBytes(from: record, to: self.records + Int(truncatingIfNeeded: tail & self.mask))
        tailCell.store(tail &+ 1, ordering: .releasing)
        // The next push writes the next slot, last written a whole ring ago and long gone from this core's caches:
        // fetch its lines now, while the request goes on, instead of stalling on them then.
        Self.prefetchForWrite(self.records + Int(truncatingIfNeeded: (tail &+ 1) & self.mask))
        return true
    }

    /// Prefetches, for writing, the cache lines of `slot` that ``SpanRecord/copyUsedBytes(from:to:)`` writes for any
    /// record: the fields and the first line of each text.
    @inlinable
    static func prefetchForWrite(_ slot: UnsafeMutablePointer<SpanRecord>) {
        let base = UnsafeRawPointer(slot)
        periscope_prefetch_for_write(base)
        periscope_prefetch_for_write(base + 64)
        periscope_prefetch_for_write(base + 128)
        periscope_prefetch_for_write(base + MemoryLayout<SpanRecord>.offset(of: \SpanRecord.userAgentStorage)!)
        periscope_prefetch_for_write(base + MemoryLayout<SpanRecord>.offset(of: \SpanRecord.serverAddressStorage)!)
    }

    /// Copies `record` into the ring, or drops and counts it if the ring is full (see ``push(from:)``).
    @inlinable
    @discardableResult
    public func push(_ record: SpanRecord) -> Bool {
        withUnsafePointer(to: record) { self.push(from: $0) }
    }

    /// Whether the pushes since the ring's ``accepted`` count was `previous` passed a multiple of a quarter of the
    /// capacity and left the ring at least three quarters full: the exporter is late (a burst came faster than its
    /// pacing, which aims at half full, expected) and should drain now. Checked in full (an acquiring load of the
    /// consumer's position) only at those multiples, so it costs a load and a mask test per call. Call on the
    /// ring's event loop, after pushing.
    @inlinable
    public func reachedHighWater(since previous: UInt64) -> Bool {
        let quarter = UInt64(Swift.max(self.capacity / 4, 1))
        let boundary = ~(quarter &- 1)
        let tail = (self.control + SpanRingControl.tail).atomic.load(ordering: .relaxed)
        guard tail & boundary != previous & boundary else { return false }
        let head = (self.control + SpanRingControl.head).atomic.load(ordering: .acquiring)
        return tail &- head >= UInt64(self.capacity) &- quarter
    }

    /// Records pushed into the ring so far, stored or dropped.
    public var recorded: UInt64 { self.accepted &+ self.dropped }

    /// Records stored so far (drained or still waiting).
    public var accepted: UInt64 { (self.control + SpanRingControl.tail).atomic.load(ordering: .relaxed) }

    /// Records dropped so far because the ring was full.
    public var dropped: UInt64 { (self.control + SpanRingControl.dropped).atomic.load(ordering: .relaxed) }

    /// Records drained so far.
    public var drained: UInt64 { (self.control + SpanRingControl.head).atomic.load(ordering: .relaxed) }

    /// Records waiting to be drained right now.
    public var length: Int {
        // head first, with acquire: the consumer read a tail ≥ this head before storing it, so the tail load that
        // follows cannot see an older value and the difference is never negative.
        let head = (self.control + SpanRingControl.head).atomic.load(ordering: .acquiring)
        let tail = (self.control + SpanRingControl.tail).atomic.load(ordering: .relaxed)
        return Int(truncatingIfNeeded: tail &- head)
    }

    /// Hands out up to `max` waiting records in push order, in at most two contiguous chunks, and frees each chunk's
    /// slots after `body` returns. Consumer side: the caller must be the only thread draining this ring.
    func drain(max: Int, _ body: (UnsafeBufferPointer<SpanRecord>) -> Void) -> Int {
        let headCell = (self.control + SpanRingControl.head).atomic
        let head = headCell.load(ordering: .relaxed)
        let tail = (self.control + SpanRingControl.tail).atomic.load(ordering: .acquiring)
        let total = Int(truncatingIfNeeded: Swift.min(tail &- head, UInt64(Swift.max(max, 0))))
        var position = head
        var remaining = total
        while remaining > 0 {
            let start = Int(truncatingIfNeeded: position & self.mask)
            let chunk = Swift.min(remaining, self.capacity - start)
            body(UnsafeBufferPointer(start: self.records + start, count: chunk))
            position &+= UInt64(chunk)
            remaining -= chunk
            headCell.store(position, ordering: .releasing)
        }
        return total
    }
}

/// The buffer's ring for threads that are not event loops: a bounded multi-producer, single-consumer queue with a
/// sequence number per slot (Dmitry Vyukov's bounded queue).
///
/// ## Protocol
/// Slot `i` starts with sequence `i`. A producer reads the enqueue position `p` and the sequence `s` of slot `p`
/// (*acquire*): `s == p` means the slot is free for this lap, so it claims `p` with a relaxed compare-exchange of
/// the enqueue position to `p + 1`, copies the record in, and publishes it by storing `p + 1` into the sequence
/// (*release*). `s < p` means the slot still holds the record from one lap ago: the ring is full, and the span is
/// dropped and counted. `s > p` means another producer claimed `p` first: reload and retry. The consumer reads
/// slot `d`'s sequence (*acquire*); `d + 1` means published: it copies the record out and frees the slot for the
/// next lap by storing `d + capacity` (*release*).
///
/// Producers never wait on each other or on the consumer: a failed compare-exchange means another producer made
/// progress (lock-free), and a full ring drops. A producer stalled between its claim and its publish only holds
/// back the consumer at that slot, never other producers. Used for spans recorded off the event loops (health
/// checks, the admin listener), which are few, so the compare-exchange is rarely contended.
@usableFromInline
struct SharedSpanRing {
    // Not Sendable by itself: it is shared only as part of SpanBuffer, whose @unchecked Sendable comment covers it.
    // Positions and sequences are accessed only atomically; a record slot is written only by the producer that
    // claimed it, before its release store of the sequence, and read only by the consumer after its acquire load of
    // that sequence, so slot accesses never overlap.

    @usableFromInline let control: UnsafeMutablePointer<SpanRingCell>
    @usableFromInline let sequences: UnsafeMutablePointer<SpanRingCell>
    @usableFromInline let records: UnsafeMutablePointer<SpanRecord>
    @usableFromInline let mask: UInt64

    init(
        control: UnsafeMutablePointer<SpanRingCell>,
        sequences: UnsafeMutablePointer<SpanRingCell>,
        records: UnsafeMutablePointer<SpanRecord>,
        capacity: Int
    ) {
        self.control = control
        self.sequences = sequences
        self.records = records
        self.mask = UInt64(capacity - 1)
    }

    var capacity: Int { Int(self.mask) + 1 }

    /// Copies `record` into the ring, or drops and counts it if the ring is full. Any thread; lock-free, no
    /// allocation.
    @inlinable
    func push(_ record: SpanRecord) -> Bool {
        let enqueueCell = (self.control + SpanRingControl.tail).atomic
        var position = enqueueCell.load(ordering: .relaxed)
        while true {
            let slot = Int(truncatingIfNeeded: position & self.mask)
            let sequenceCell = (self.sequences + slot).atomic
            let sequence = sequenceCell.load(ordering: .acquiring)
            let difference = Int64(bitPattern: sequence &- position)
            if difference == 0 {
                let (exchanged, original) = enqueueCell.weakCompareExchange(
                    expected: position,
                    desired: position &+ 1,
                    ordering: .relaxed
                )
                if exchanged {
                    (self.records + slot).pointee = record
                    sequenceCell.store(position &+ 1, ordering: .releasing)
                    return true
                }
                position = original
            } else if difference < 0 {
                (self.control + SpanRingControl.dropped).atomic.wrappingIncrement(ordering: .relaxed)
                return false
            } else {
                position = enqueueCell.load(ordering: .relaxed)
            }
        }
    }

    var accepted: UInt64 { (self.control + SpanRingControl.tail).atomic.load(ordering: .relaxed) }

    var dropped: UInt64 { (self.control + SpanRingControl.dropped).atomic.load(ordering: .relaxed) }

    var drained: UInt64 { (self.control + SpanRingControl.head).atomic.load(ordering: .relaxed) }

    /// Records claimed and not yet drained (a claimed record may still be being copied in).
    var length: Int {
        // The dequeue position is stored with release after acquiring the sequence that the claiming producer
        // published after its compare-exchange, so the enqueue position read next is at least as large.
        let dequeue = (self.control + SpanRingControl.head).atomic.load(ordering: .acquiring)
        let enqueue = (self.control + SpanRingControl.tail).atomic.load(ordering: .relaxed)
        return Int(truncatingIfNeeded: enqueue &- dequeue)
    }

    /// Hands out up to `max` published records in claim order, in contiguous chunks, freeing each chunk's slots after
    /// `body` returns; stops at the first claimed-but-unpublished slot. Consumer side: one draining thread only.
    func drain(max: Int, _ body: (UnsafeBufferPointer<SpanRecord>) -> Void) -> Int {
        let dequeueCell = (self.control + SpanRingControl.head).atomic
        var position = dequeueCell.load(ordering: .relaxed)
        var total = 0
        while total < max {
            let start = Int(truncatingIfNeeded: position & self.mask)
            let limit = Swift.min(max - total, self.capacity - start)
            var ready = 0
            while ready < limit,
                (self.sequences + start + ready).atomic.load(ordering: .acquiring) == position &+ UInt64(ready) &+ 1
            {
                ready += 1
            }
            if ready == 0 { break }
            body(UnsafeBufferPointer(start: self.records + start, count: ready))
            for index in 0..<ready {
                let nextLap = position &+ UInt64(index) &+ UInt64(self.capacity)
                (self.sequences + start + index).atomic.store(nextLap, ordering: .releasing)
            }
            position &+= UInt64(ready)
            total += ready
            dequeueCell.store(position, ordering: .releasing)
            if ready < limit { break }
        }
        return total
    }
}
