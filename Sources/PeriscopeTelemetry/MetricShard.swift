/// The shard an event loop records into.
///
/// Get one per event loop from ``MetricsRegistry/shard(forEventLoop:)`` when the loop's state is built, hand it
/// to every connection of that loop, and pass it to each recording call (`counter.increment(shard:)`). Each
/// shard owns its own cache-line-padded copy of every cell, so loops never contend.
///
/// A loop shard has **exactly one writer thread**: recording through it is a relaxed load and store, not a
/// locked read-modify-write, so two threads recording through the same shard concurrently lose updates (memory
/// stays safe — every access is atomic — but counts become wrong). Code that does not run on an event loop uses
/// the calls without a `shard:` argument, which record into the registry's extra shared shard with atomic
/// read-modify-writes.
public struct MetricShard: Sendable, Hashable {
    /// The shard's index: the event loop index it was created for.
    public let index: Int

    @usableFromInline
    init(index: Int) {
        self.index = index
    }
}
