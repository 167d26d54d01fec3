/// A bound histogram series: ``observe(_:shard:)`` from an event loop, ``observe(_:)`` from anywhere else.
///
/// Each shard keeps, per series, one **non-cumulative** cell per bucket (the last one is `+Inf`) and one cell with
/// the sum as a `Double` bit pattern. An observation finds its bucket (linear search up to 32 bounds, binary above)
/// and does two relaxed single-writer adds — no lock, no allocation. There is no count cell: the exposed `_count`
/// is the sum of the bucket cells read by the same scrape, so it equals the `+Inf` bucket by construction.
///
/// NaN observations are dropped (OpenMetrics forbids a NaN `_sum`). Values above the last bound land in `+Inf`.
///
/// Families registered with `exemplars: true` also keep, per bucket and shard, one exemplar slot (see
/// ``observe(_:shard:exemplar:)``): the latest observation that carried a span, guarded by a sequence counter so a
/// scrape never reads a half-written one.
///
/// The handle does not keep the registry's storage alive: the registry must outlive it (see ``CounterHandle``).
public struct HistogramHandle: @unchecked Sendable {
    // @unchecked Sendable: the cell pointer targets cells only accessed atomically (single-writer relaxed
    // load/store in loop shards, atomic read-modify-writes in the extra shard); `bounds` is immutable after
    // registration. Both stay allocated and unmoved for the life of the family.

    /// Bounds up to this count are searched linearly, above it by bisection.
    @inlinable static var linearSearchLimit: Int { 32 }

    /// The series' first bucket cell in shard 0.
    @usableFromInline let cells: UnsafeMutablePointer<MetricCell>
    @usableFromInline let shardStride: Int
    @usableFromInline let loopShardCount: Int
    /// The finite upper bounds, strictly increasing.
    @usableFromInline let bounds: UnsafePointer<Double>
    @usableFromInline let boundCount: Int
    /// Whether the series has exemplar slots (after the sum cell, one ``ExemplarSlot`` per bucket).
    @usableFromInline let hasExemplars: Bool

    init(cells: SeriesCells, loopShardCount: Int, bounds: UnsafePointer<Double>, boundCount: Int, exemplars: Bool) {
        self.cells = cells.sharded
        self.shardStride = cells.shardStride
        self.loopShardCount = loopShardCount
        self.bounds = bounds
        self.boundCount = boundCount
        self.hasExemplars = exemplars
    }

    /// Cells per series and shard for `boundCount` finite bounds: the buckets, `+Inf`, the sum, and with
    /// `exemplars` one exemplar slot per bucket (`+Inf` included).
    static func cellsPerSeries(boundCount: Int, exemplars: Bool) -> Int {
        boundCount + 2 + (exemplars ? (boundCount + 1) * ExemplarSlot.cellCount : 0)
    }

    /// Offset of the exemplar slot of bucket `bucket` within a series (families with exemplars only).
    @inlinable
    @inline(__always)
    static func exemplarSlot(bucket: Int, boundCount: Int) -> Int {
        boundCount &+ 2 &+ bucket &* ExemplarSlot.cellCount
    }

    /// Offset of the sum cell within a series.
    @inlinable
    var sumCell: Int { self.boundCount &+ 1 }

    /// Index of the bucket `value` falls in: the first bound ≥ `value`, or `boundCount` (`+Inf`).
    @inlinable
    @inline(__always)
    func bucketIndex(_ value: Double) -> Int {
        if self.boundCount <= Self.linearSearchLimit {
            var index = 0
            while index < self.boundCount && value > self.bounds[index] {
                index &+= 1
            }
            return index
        }
        var low = 0
        var high = self.boundCount
        while low < high {
            let middle = (low &+ high) >> 1
            if value <= self.bounds[middle] {
                high = middle
            } else {
                low = middle &+ 1
            }
        }
        return low
    }

    /// Records `value`, from the event loop that owns `shard`.
    @inlinable
    public func observe(_ value: Double, shard: MetricShard) {
        precondition(shard.index < self.loopShardCount, "MetricShard does not belong to this registry")
        guard !value.isNaN else { return }
        let series = self.cells + shard.index &* self.shardStride
        (series + self.bucketIndex(value)).ownerAdd(1)
        (series + self.sumCell).ownerAddDouble(value)
    }

    /// Records `value` from the event loop that owns `shard`, and, when the family was registered with
    /// `exemplars: true`, keeps `exemplar` as the latest exemplar of the bucket `value` fell in (this shard's copy;
    /// a scrape shows the newest copy by ``Exemplar/timeUnixNano`` across shards).
    ///
    /// Same cost as ``observe(_:shard:)`` plus six relaxed stores and two sequence stores: no lock, no
    /// read-modify-write, no allocation. On a family without exemplars the exemplar is ignored.
    @inlinable
    public func observe(_ value: Double, shard: MetricShard, exemplar: Exemplar) {
        precondition(shard.index < self.loopShardCount, "MetricShard does not belong to this registry")
        guard !value.isNaN else { return }
        let series = self.cells + shard.index &* self.shardStride
        let bucket = self.bucketIndex(value)
        (series + bucket).ownerAdd(1)
        (series + self.sumCell).ownerAddDouble(value)
        if self.hasExemplars {
            let slot = series + Self.exemplarSlot(bucket: bucket, boundCount: self.boundCount)
            ExemplarSlot.write(exemplar, value: value, at: slot)
        }
    }

    /// Records `value` from any thread, through the registry's shared extra shard (atomic read-modify-writes).
    @inlinable
    public func observe(_ value: Double) {
        guard !value.isNaN else { return }
        let series = self.cells + self.loopShardCount &* self.shardStride
        (series + self.bucketIndex(value)).sharedAdd(1)
        (series + self.sumCell).sharedAddDouble(value)
    }
}
