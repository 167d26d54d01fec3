import Testing

@testable import PeriscopeOTLP

@Suite struct OTLPBatchQueueTests {
    @Test func batchesAreTheFrontItemsInOrder() {
        var queue = OTLPBatchQueue<Int>(batchSize: 4)
        var next = 0
        var expected = 0
        // Appends of every size (single items, runs crossing batch ends, runs of several batches), taking a batch
        // now and then: every batch must be the oldest min(4, count) items, as from a single FIFO.
        for round in 0..<200 {
            let run = round % 11
            if run == 1 {
                queue.append(next)
            } else {
                queue.append(contentsOf: next..<(next + run))
            }
            next += run
            #expect(queue.count == next - expected)
            #expect(Array(queue.items) == Array(expected..<next))
            if round % 3 == 0, !queue.isEmpty {
                let batch = queue.takeBatch()
                #expect(batch == Array(expected..<(expected + min(4, next - expected))))
                expected += batch.count
                var emptied = batch
                emptied.removeAll(keepingCapacity: true)
                queue.recycle(emptied)
            }
        }
        while !queue.isEmpty {
            let batch = queue.takeBatch()
            #expect(batch == Array(expected..<(expected + min(4, next - expected))))
            expected += batch.count
        }
        #expect(expected == next && queue.count == 0)
    }

    @Test func recycledBatchesAreRefilledInPlace() {
        var queue = OTLPBatchQueue<UInt64>(batchSize: 512)
        queue.append(contentsOf: 0..<512)
        var batch = queue.takeBatch()
        let storage = batch.withUnsafeBufferPointer { $0.baseAddress }
        batch.removeAll(keepingCapacity: true)
        queue.recycle(batch)
        batch = []
        queue.append(contentsOf: 512..<1024)
        let refilled = queue.takeBatch()
        #expect(refilled == Array(512..<1024))
        #expect(refilled.withUnsafeBufferPointer { $0.baseAddress } == storage)
    }

    @Test func removeAllEmptiesTheQueue() {
        var queue = OTLPBatchQueue<Int>(batchSize: 3)
        queue.append(contentsOf: 0..<10)
        queue.removeAll()
        #expect(queue.isEmpty && queue.count == 0 && Array(queue.items).isEmpty)
        queue.append(contentsOf: 10..<12)
        #expect(queue.takeBatch() == [10, 11])
    }
}
