import Atomics

/// One 64-bit storage cell of the registry: a counter, a bucket, a gauge delta, or the bit pattern of a `Double`.
///
/// Every access goes through `UnsafeAtomic` with `.relaxed` ordering, so a scrape reading a cell while an event
/// loop writes it is not a data race. Two write protocols exist and are never mixed on one cell:
///
/// - **owner** (`ownerAdd`, `ownerAddDouble`): a relaxed load followed by a relaxed store — no locked
///   read-modify-write instruction. Correct only when a single thread ever writes the cell; event-loop shards
///   guarantee that (one loop = one thread). Readers see every cell move monotonically in modification order.
/// - **shared** (`sharedAdd`, `sharedAddDouble`, `store`): a relaxed atomic read-modify-write (`lock xadd`, or a
///   compare-exchange loop for doubles), correct with any number of writers. Used by the registry's extra shard
///   for non-loop threads and by gauge values.
@usableFromInline
typealias MetricCell = UInt64.AtomicRepresentation

extension UnsafeMutablePointer where Pointee == MetricCell {
    @inlinable
    @inline(__always)
    func load() -> UInt64 {
        UnsafeAtomic<UInt64>(at: self).load(ordering: .relaxed)
    }

    @inlinable
    @inline(__always)
    func store(_ value: UInt64) {
        UnsafeAtomic<UInt64>(at: self).store(value, ordering: .relaxed)
    }

    /// Single-writer add: relaxed load + relaxed store, wrapping on overflow.
    @inlinable
    @inline(__always)
    func ownerAdd(_ amount: UInt64) {
        let atomic = UnsafeAtomic<UInt64>(at: self)
        atomic.store(atomic.load(ordering: .relaxed) &+ amount, ordering: .relaxed)
    }

    /// Single-writer add of a `Double` to a cell holding a `Double` bit pattern.
    @inlinable
    @inline(__always)
    func ownerAddDouble(_ amount: Double) {
        let atomic = UnsafeAtomic<UInt64>(at: self)
        let current = Double(bitPattern: atomic.load(ordering: .relaxed))
        atomic.store((current + amount).bitPattern, ordering: .relaxed)
    }

    /// Multi-writer add, wrapping on overflow.
    @inlinable
    @inline(__always)
    func sharedAdd(_ amount: UInt64) {
        UnsafeAtomic<UInt64>(at: self).wrappingIncrement(by: amount, ordering: .relaxed)
    }

    /// Multi-writer add of a `Double` to a cell holding a `Double` bit pattern (compare-exchange loop).
    @inlinable
    func sharedAddDouble(_ amount: Double) {
        let atomic = UnsafeAtomic<UInt64>(at: self)
        var expected = atomic.load(ordering: .relaxed)
        while true {
            let desired = (Double(bitPattern: expected) + amount).bitPattern
            let (exchanged, original) = atomic.weakCompareExchange(
                expected: expected,
                desired: desired,
                ordering: .relaxed
            )
            if exchanged { return }
            expected = original
        }
    }
}
