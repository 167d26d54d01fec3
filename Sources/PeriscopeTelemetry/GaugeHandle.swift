/// A bound gauge series.
///
/// A gauge's value is a `Double` base plus a sharded integer delta:
///
/// - ``increment(shard:)``, ``decrement(shard:)`` and `add(_: Int, shard:)` change the delta in the event
///   loop's own cell (relaxed load + store, no contention): use them for hot-path up/down counts such as
///   requests in flight or open connections, incremented and decremented on the same loop.
/// - ``increment()``, ``decrement()`` and `add(_: Int)` change the delta from any thread, through the
///   registry's shared extra shard (atomic read-modify-write).
/// - ``set(_:)`` and `add(_: Double)` work on the base, a single atomic cell shared by every thread: use them
///   for values that are set rather than counted (a timestamp, a health flag, a drain state).
///
/// `set(v)` makes the value `v`: it stores `v` minus the delta it reads, so it composes with the integer calls
/// (an integer change racing with it lands either before or after it). The value is exposed as an integer while
/// only integer calls were used.
///
/// The handle does not keep the registry's storage alive: the registry must outlive it (see ``CounterHandle``).
public struct GaugeHandle: @unchecked Sendable {
    // @unchecked Sendable: the pointers target cells that are only accessed atomically (single-writer relaxed
    // load/store in loop shards, atomic read-modify-writes in the extra shard and the shared base cell), in
    // memory that stays allocated and unmoved for the life of the family.

    static var shardedCellsPerSeries: Int { 1 }
    static var sharedCellsPerSeries: Int { 1 }

    /// The series' delta cell in shard 0.
    @usableFromInline let cells: UnsafeMutablePointer<MetricCell>
    @usableFromInline let shardStride: Int
    @usableFromInline let loopShardCount: Int
    /// The base cell (a `Double` bit pattern), shared by all threads.
    @usableFromInline let base: UnsafeMutablePointer<MetricCell>

    init(cells: SeriesCells, loopShardCount: Int) {
        self.cells = cells.sharded
        self.shardStride = cells.shardStride
        self.loopShardCount = loopShardCount
        self.base = cells.shared!
    }

    @inlinable
    func deltaCell(shard: MetricShard) -> UnsafeMutablePointer<MetricCell> {
        precondition(shard.index < self.loopShardCount, "MetricShard does not belong to this registry")
        return self.cells + shard.index &* self.shardStride
    }

    @inlinable
    var sharedDeltaCell: UnsafeMutablePointer<MetricCell> {
        self.cells + self.loopShardCount &* self.shardStride
    }

    /// Adds 1, from the event loop that owns `shard`.
    @inlinable
    public func increment(shard: MetricShard) {
        self.deltaCell(shard: shard).ownerAdd(1)
    }

    /// Subtracts 1, from the event loop that owns `shard`.
    @inlinable
    public func decrement(shard: MetricShard) {
        self.deltaCell(shard: shard).ownerAdd(UInt64(bitPattern: -1))
    }

    /// Adds `delta` (may be negative), from the event loop that owns `shard`.
    @inlinable
    public func add(_ delta: Int, shard: MetricShard) {
        self.deltaCell(shard: shard).ownerAdd(UInt64(bitPattern: Int64(delta)))
    }

    /// Adds 1 from any thread.
    @inlinable
    public func increment() {
        self.sharedDeltaCell.sharedAdd(1)
    }

    /// Subtracts 1 from any thread.
    @inlinable
    public func decrement() {
        self.sharedDeltaCell.sharedAdd(UInt64(bitPattern: -1))
    }

    /// Adds `delta` (may be negative) from any thread.
    @inlinable
    public func add(_ delta: Int) {
        self.sharedDeltaCell.sharedAdd(UInt64(bitPattern: Int64(delta)))
    }

    /// Adds a fractional `delta` from any thread (compare-exchange loop on the shared base).
    @inlinable
    public func add(_ delta: Double) {
        self.base.sharedAddDouble(delta)
    }

    /// Sets the value to `value`, from any thread. Reads every shard's delta: not meant for a per-event path.
    public func set(_ value: Double) {
        self.base.store((value - Double(self.currentDelta())).bitPattern)
    }

    /// The sum of the integer deltas of every shard.
    func currentDelta() -> Int64 {
        var delta: UInt64 = 0
        for shard in 0...self.loopShardCount {
            delta &+= (self.cells + shard * self.shardStride).load()
        }
        return Int64(bitPattern: delta)
    }
}
