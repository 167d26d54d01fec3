/// A bound counter series: record with `increment(shard:)` / `add(_:shard:)` from an event loop, or with the
/// shard-less calls from anywhere else.
///
/// Get it once from ``CounterFamily/bind(_:)`` and keep it: recording is one relaxed load and store on the
/// shard's own cell — no lock, no allocation, no lookup. Integer and `Double` amounts go to two separate cells,
/// so the integer path never pays a compare-exchange; the exposed value is their sum.
///
/// The handle is a plain pointer into the registry's storage and does not keep it alive: the registry (or the
/// family) must outlive every handle bound from it — in Periscope the registry lives for the whole process.
public struct CounterHandle: @unchecked Sendable {
    // @unchecked Sendable: the pointer targets cells that are only ever accessed atomically (relaxed loads and
    // stores for a loop shard's single writer, atomic read-modify-writes for the shared extra shard), and the
    // memory stays allocated, unmoved, for the life of the family (see SeriesStorage).

    /// Cell offsets within a series.
    @inlinable static var integerCell: Int { 0 }
    @inlinable static var doubleCell: Int { 1 }
    static var cellsPerSeries: Int { 2 }

    /// The series' cells in shard 0.
    @usableFromInline let cells: UnsafeMutablePointer<MetricCell>
    /// Cells from one shard's copy of the series to the next.
    @usableFromInline let shardStride: Int
    /// Number of event-loop shards; the extra shared shard has this index.
    @usableFromInline let loopShardCount: Int

    init(cells: SeriesCells, loopShardCount: Int) {
        self.cells = cells.sharded
        self.shardStride = cells.shardStride
        self.loopShardCount = loopShardCount
    }

    @inlinable
    func cell(_ offset: Int, shard: MetricShard) -> UnsafeMutablePointer<MetricCell> {
        precondition(shard.index < self.loopShardCount, "MetricShard does not belong to this registry")
        return self.cells + (shard.index &* self.shardStride &+ offset)
    }

    @inlinable
    func sharedCell(_ offset: Int) -> UnsafeMutablePointer<MetricCell> {
        self.cells + (self.loopShardCount &* self.shardStride &+ offset)
    }

    /// Adds 1, from the event loop that owns `shard`.
    @inlinable
    public func increment(shard: MetricShard) {
        self.cell(Self.integerCell, shard: shard).ownerAdd(1)
    }

    /// Adds `amount` (≥ 0), from the event loop that owns `shard`.
    @inlinable
    public func add(_ amount: Int, shard: MetricShard) {
        precondition(amount >= 0, "a counter cannot decrease")
        self.cell(Self.integerCell, shard: shard).ownerAdd(UInt64(truncatingIfNeeded: amount))
    }

    /// Adds a fractional `amount` (≥ 0, e.g. seconds), from the event loop that owns `shard`.
    @inlinable
    public func add(_ amount: Double, shard: MetricShard) {
        precondition(amount >= 0, "a counter cannot decrease (or add NaN)")
        self.cell(Self.doubleCell, shard: shard).ownerAddDouble(amount)
    }

    /// Adds 1 from any thread, through the registry's shared extra shard (an atomic read-modify-write; may
    /// contend with other non-loop threads).
    @inlinable
    public func increment() {
        self.sharedCell(Self.integerCell).sharedAdd(1)
    }

    /// Adds `amount` (≥ 0) from any thread, through the shared extra shard.
    @inlinable
    public func add(_ amount: Int) {
        precondition(amount >= 0, "a counter cannot decrease")
        self.sharedCell(Self.integerCell).sharedAdd(UInt64(truncatingIfNeeded: amount))
    }

    /// Adds a fractional `amount` (≥ 0) from any thread, through the shared extra shard (compare-exchange loop).
    @inlinable
    public func add(_ amount: Double) {
        precondition(amount >= 0, "a counter cannot decrease (or add NaN)")
        self.sharedCell(Self.doubleCell).sharedAddDouble(amount)
    }
}
