import Atomics

/// Where one series' cells live.
///
/// `sharded` is the series' first cell in shard 0; the same cells of shard `s` start `s * shardStride` cells
/// further. `shared` (gauges only) is the series' cell that every thread updates.
struct SeriesCells {
    let sharded: UnsafeMutablePointer<MetricCell>
    let shardStride: Int
    let shared: UnsafeMutablePointer<MetricCell>?

    /// The cell `offset` of this series in shard `shard`.
    func cell(_ offset: Int, shard: Int) -> UnsafeMutablePointer<MetricCell> {
        self.sharded + (shard &* self.shardStride &+ offset)
    }
}

/// The cell memory of one metric family: chunks that are allocated as series are bound and never move.
///
/// ## Layout
/// A chunk holds the cells of up to `seriesCapacity` series, for every shard, in one allocation aligned to
/// ``padding`` bytes:
///
/// ```
/// | shard 0: s0 cells, s1 cells, … pad | shard 1: s0 cells, s1 cells, … pad | … | shared: s0, s1, … pad |
/// ```
///
/// Each shard's region is padded to a multiple of ``padding`` (128 bytes: two 64-byte lines, because x86's
/// adjacent-line prefetcher pulls lines in pairs), so two shards never share a cache line — within a chunk or
/// across chunks, which are separate aligned allocations. Within a region only the owning shard's thread writes,
/// so series need no padding between them. The shared region holds the cells every thread writes (gauge values).
///
/// ## Growth
/// Chunks grow geometrically (8, 16, 32, … up to 256 series) until the family's series limit plus its overflow
/// series is reached, so a family with a handful of series costs a few hundred bytes per shard and one at its limit
/// costs at most one partly-used chunk more than its series need. A chunk is never moved or freed while the
/// family lives, so a handle's raw pointer stays valid and a recording thread never sees freed memory. Chunks
/// are freed when the family is deinitialized, which happens only after the registry and every reference to the
/// family are gone.
///
/// Not thread-safe: the owning ``SeriesTable`` calls it under its lock.
final class SeriesStorage {
    /// Alignment and padding of each shard's region, in bytes.
    static let padding = 128
    static let firstChunkSeries = 8
    static let largestChunkSeries = 256

    let shardCount: Int
    let shardedCellsPerSeries: Int
    let sharedCellsPerSeries: Int
    let maximumSeries: Int

    private var chunks: [(pointer: UnsafeMutableRawPointer, byteCount: Int)] = []
    private var current: Chunk?
    private(set) var allocatedSeries = 0
    /// Bytes held by all chunks.
    private(set) var allocatedBytes = 0

    private struct Chunk {
        var base: UnsafeMutablePointer<MetricCell>
        var shardStride: Int
        var sharedBase: UnsafeMutablePointer<MetricCell>
        var capacity: Int
        var used: Int
    }

    init(shardCount: Int, shardedCellsPerSeries: Int, sharedCellsPerSeries: Int, maximumSeries: Int) {
        precondition(shardCount > 0 && maximumSeries > 0)
        precondition(shardedCellsPerSeries > 0 || sharedCellsPerSeries > 0)
        self.shardCount = shardCount
        self.shardedCellsPerSeries = shardedCellsPerSeries
        self.sharedCellsPerSeries = sharedCellsPerSeries
        self.maximumSeries = maximumSeries
    }

    deinit {
        for chunk in self.chunks {
            chunk.pointer.deallocate()
        }
    }

    /// Hands out the zeroed cells of one more series; at most ``maximumSeries`` times.
    func allocateSeries() -> SeriesCells {
        precondition(self.allocatedSeries < self.maximumSeries, "series storage exhausted")
        if self.current == nil || self.current!.used == self.current!.capacity {
            self.current = self.makeChunk()
        }
        let slot = self.current!.used
        self.current!.used += 1
        self.allocatedSeries += 1
        let chunk = self.current!
        return SeriesCells(
            sharded: chunk.base + slot * self.shardedCellsPerSeries,
            shardStride: chunk.shardStride,
            shared: self.sharedCellsPerSeries == 0 ? nil : chunk.sharedBase + slot * self.sharedCellsPerSeries
        )
    }

    private func makeChunk() -> Chunk {
        let previous = self.current?.capacity ?? 0
        let grown = previous == 0 ? Self.firstChunkSeries : min(previous * 2, Self.largestChunkSeries)
        let capacity = max(1, min(grown, self.maximumSeries - self.allocatedSeries))
        let cellBytes = MemoryLayout<MetricCell>.stride
        let shardRegionBytes = Self.roundUp(capacity * self.shardedCellsPerSeries * cellBytes)
        let sharedRegionBytes = Self.roundUp(capacity * self.sharedCellsPerSeries * cellBytes)
        let byteCount = shardRegionBytes * self.shardCount + sharedRegionBytes
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: Self.padding)
        let cells = raw.initializeMemory(
            as: MetricCell.self,
            repeating: MetricCell(0),
            count: byteCount / cellBytes
        )
        self.chunks.append((raw, byteCount))
        self.allocatedBytes += byteCount
        let shardStride = shardRegionBytes / cellBytes
        return Chunk(
            base: cells,
            shardStride: shardStride,
            sharedBase: cells + shardStride * self.shardCount,
            capacity: capacity,
            used: 0
        )
    }

    private static func roundUp(_ bytes: Int) -> Int {
        (bytes + Self.padding - 1) / Self.padding * Self.padding
    }
}
