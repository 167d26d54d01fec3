import NIOCore

/// The export queue of an ``OTLPExportPipeline``, kept as a run of batches: items are appended to the last batch
/// until it holds `batchSize`, then a new one begins, so every batch but the last is full and the next export takes
/// the first batch whole — the same items, in the same order, as taking `min(batchSize, count)` items off the front
/// of one queue, without copying them again.
///
/// For span records (448 bytes each) that copy was a tenth of the span exporter's CPU. Emptied batches come back
/// through ``recycle(_:)`` and are refilled, so a steady stream of batches allocates nothing.
struct OTLPBatchQueue<Item> {
    /// Items per batch (≥ 1).
    let batchSize: Int
    /// Full batches, oldest first.
    private var full: CircularBuffer<[Item]>
    /// The batch being filled (after ``full``). A stored property of its own so that appending mutates it in place:
    /// `CircularBuffer`'s subscript has no in-place accessor, and an element changed through it is copied whole.
    private var filling: [Item] = []
    /// Emptied batches with their capacity, for reuse.
    private var spares: [[Item]] = []
    /// Items in all batches.
    private(set) var count = 0

    /// At most this many emptied batches are kept for reuse.
    private static var maxSpares: Int { 2 }

    init(batchSize: Int) {
        self.batchSize = max(1, batchSize)
        self.full = CircularBuffer(initialCapacity: 4)
    }

    var isEmpty: Bool { self.count == 0 }

    /// Every queued item, oldest first (a copy: for the rare paths that count or drop what is queued).
    var items: [Item] { Array(self.full.joined()) + self.filling }

    /// Appends `item` at the back.
    mutating func append(_ item: Item) {
        self.append(contentsOf: CollectionOfOne(item))
    }

    /// Appends `items` at the back, in order.
    mutating func append(contentsOf items: some Collection<Item>) {
        var rest = items[...]
        while !rest.isEmpty {
            if self.filling.count == self.batchSize {
                self.full.append(self.filling)
                // Moved straight in: a named copy would share the storage and make the first append copy it.
                self.filling = self.spares.popLast() ?? Self.emptyBatch(capacity: self.batchSize)
            } else if self.filling.isEmpty && self.filling.capacity < self.batchSize {
                // The empty array ``takeBatch()`` left: take a spare with room for a whole batch.
                self.filling = self.spares.popLast() ?? Self.emptyBatch(capacity: self.batchSize)
            }
            let taken = min(self.batchSize - self.filling.count, rest.count)
            let end = rest.index(rest.startIndex, offsetBy: taken)
            self.filling.append(contentsOf: rest[..<end])
            self.count += taken
            rest = rest[end...]
        }
    }

    /// Removes and returns the oldest batch: `min(batchSize, count)` items. The queue must not be empty.
    mutating func takeBatch() -> [Item] {
        let batch: [Item]
        if self.full.isEmpty {
            batch = self.filling
            self.filling = []
        } else {
            batch = self.full.removeFirst()
        }
        self.count -= batch.count
        return batch
    }

    private static func emptyBatch(capacity: Int) -> [Item] {
        var batch: [Item] = []
        batch.reserveCapacity(capacity)
        return batch
    }

    /// Takes back a batch from ``takeBatch()``, emptied with `removeAll(keepingCapacity: true)` while it was the
    /// only reference to its storage, to be refilled.
    mutating func recycle(_ batch: [Item]) {
        guard batch.isEmpty, batch.capacity >= self.batchSize, self.spares.count < Self.maxSpares else { return }
        self.spares.append(batch)
    }

    /// Removes every item.
    mutating func removeAll() {
        while !self.full.isEmpty {
            var batch = self.full.removeFirst()
            batch.removeAll(keepingCapacity: true)
            self.recycle(batch)
        }
        self.filling.removeAll(keepingCapacity: true)
        self.count = 0
    }
}

extension OTLPBatchQueue: Sendable where Item: Sendable {}
