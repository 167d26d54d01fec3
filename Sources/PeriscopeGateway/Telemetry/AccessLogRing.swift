import Atomics

/// A bounded single-producer/single-consumer ring of trivially copyable elements: one per event loop in the
/// ``AccessLogWriter``.
///
/// The producer (the ring's event loop) pushes wait-free: a fixed number of steps, no compare-exchange, no lock, no
/// allocation; when the ring is full the element is dropped and counted. The consumer (the writer's thread) drains.
///
/// Protocol (the same as `SpanRing`'s): positions are 64-bit counters that never wrap in practice. Push reads `tail`
/// (own cell, relaxed); if `tail − cachedHead` says full it reloads `head` with *acquire* and, if still full, counts
/// a drop; otherwise it copies the element into slot `tail & mask` and stores `tail + 1` with *release*. Drain loads
/// `tail` with *acquire*, reads the slots from `head`, then stores the new `head` with *release*. The release/acquire
/// pairs order every slot write before its read and every slot read before its next write.
final class AccessLogRing<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked Sendable: the pointers are immutable and freed only in deinit. Control cells are accessed only
    // atomically; a slot is written only by the single producer while it is outside [head, tail) and read only by the
    // single consumer while it is inside, ordered by the release/acquire pairs above. One producer thread and one
    // consumer thread at a time is the documented contract (as for SpanRing).

    typealias Cell = UInt64.AtomicRepresentation

    /// Producer cells (tail, dropped, cached head) in the first 128 bytes, the consumer's head in the next 128, so the
    /// two sides never write the same cache line (or adjacent-line prefetch pair).
    private static var tailCell: Int { 0 }
    private static var droppedCell: Int { 1 }
    private static var cachedHeadCell: Int { 2 }
    private static var headCell: Int { 16 }
    private static var cellCount: Int { 32 }

    private let control: UnsafeMutablePointer<Cell>
    private let slots: UnsafeMutablePointer<Element>
    private let mask: UInt64

    /// A ring of at least `minimumCapacity` slots (rounded up to a power of two), each initialized to `empty`.
    init(minimumCapacity: Int, empty: Element) {
        var capacity = 1
        while capacity < max(minimumCapacity, 1) { capacity <<= 1 }
        self.mask = UInt64(capacity - 1)
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: Self.cellCount * MemoryLayout<Cell>.stride,
            alignment: 128
        )
        self.control = raw.bindMemory(to: Cell.self, capacity: Self.cellCount)
        for index in 0..<Self.cellCount {
            (self.control + index).initialize(to: Cell(0))
        }
        self.slots = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        self.slots.initialize(repeating: empty, count: capacity)
    }

    deinit {
        // Elements are BitwiseCopyable: nothing to deinitialize.
        self.slots.deallocate()
        UnsafeMutableRawPointer(self.control).deallocate()
    }

    @inline(__always)
    private func cell(_ index: Int) -> UnsafeAtomic<UInt64> {
        UnsafeAtomic<UInt64>(at: self.control + index)
    }

    /// The most elements the ring holds.
    var capacity: Int { Int(self.mask) + 1 }

    /// Copies `element` in, or drops and counts it when the ring is full. Wait-free; producer thread only.
    @inline(__always)
    @discardableResult
    func push(_ element: Element) -> Bool {
        let tailCell = self.cell(Self.tailCell)
        let cachedHeadCell = self.cell(Self.cachedHeadCell)
        let tail = tailCell.load(ordering: .relaxed)
        if tail &- cachedHeadCell.load(ordering: .relaxed) > self.mask {
            let head = self.cell(Self.headCell).load(ordering: .acquiring)
            cachedHeadCell.store(head, ordering: .relaxed)
            if tail &- head > self.mask {
                let dropped = self.cell(Self.droppedCell)
                dropped.store(dropped.load(ordering: .relaxed) &+ 1, ordering: .relaxed)
                return false
            }
        }
        (self.slots + Int(truncatingIfNeeded: tail & self.mask)).pointee = element
        tailCell.store(tail &+ 1, ordering: .releasing)
        return true
    }

    /// Elements stored so far (drained or waiting).
    var accepted: UInt64 { self.cell(Self.tailCell).load(ordering: .relaxed) }

    /// Elements dropped so far because the ring was full.
    var dropped: UInt64 { self.cell(Self.droppedCell).load(ordering: .relaxed) }

    /// Elements drained so far.
    var drained: UInt64 { self.cell(Self.headCell).load(ordering: .relaxed) }

    /// Hands out up to `max` waiting elements in push order, in at most two contiguous chunks, freeing each chunk's
    /// slots after `body` returns. Consumer thread only.
    @discardableResult
    func drain(max: Int, _ body: (UnsafeBufferPointer<Element>) -> Void) -> Int {
        let headCell = self.cell(Self.headCell)
        let head = headCell.load(ordering: .relaxed)
        let tail = self.cell(Self.tailCell).load(ordering: .acquiring)
        let total = Int(truncatingIfNeeded: Swift.min(tail &- head, UInt64(Swift.max(max, 0))))
        var position = head
        var remaining = total
        while remaining > 0 {
            let start = Int(truncatingIfNeeded: position & self.mask)
            let chunk = Swift.min(remaining, self.capacity - start)
            body(UnsafeBufferPointer(start: self.slots + start, count: chunk))
            position &+= UInt64(chunk)
            remaining -= chunk
            headCell.store(position, ordering: .releasing)
        }
        return total
    }
}
