import Atomics
import Dispatch
import PeriscopeTelemetry
import Testing

@Suite struct SpanBufferTests {
    /// Drains everything currently in `buffer`.
    private func drainAll(_ buffer: SpanBuffer) -> [SpanRecord] {
        var records: [SpanRecord] = []
        buffer.drain(into: &records, max: .max)
        return records
    }

    @Test func capacitiesRoundUpToPowersOfTwo() {
        let buffer = SpanBuffer(loopCount: 3, capacity: 5, sharedCapacity: 9)
        #expect(buffer.capacityPerLoop == 8)
        #expect(buffer.sharedCapacity == 16)
        #expect(buffer.capacity == 3 * 8 + 16)
        #expect(buffer.ring(forLoop: 2).capacity == 8)
        #expect(buffer.allocatedBytes >= buffer.capacity * MemoryLayout<SpanRecord>.stride)
        let defaults = SpanBuffer(loopCount: 1)
        #expect(defaults.capacityPerLoop == SpanBuffer.defaultCapacity)
        #expect(defaults.sharedCapacity == SpanBuffer.defaultCapacity)
    }

    @Test func largestIntakeIsTheFastestRingsPushesSinceTheLastCountsOverItsCapacity() {
        let buffer = SpanBuffer(loopCount: 2, capacity: 8, sharedCapacity: 16)
        var counts: [UInt64] = []
        #expect(buffer.largestIntake(since: &counts) == 0)
        #expect(counts == [0, 0, 0])
        for sequence in UInt64(0)..<3 { buffer.push(SpanTestRecords.make(producer: 0, sequence: sequence), loop: 0) }
        buffer.push(SpanTestRecords.make(producer: 1, sequence: 0), loop: 1)
        for sequence in UInt64(0)..<12 { buffer.push(SpanTestRecords.make(producer: 3, sequence: sequence)) }
        // Loop 0: 3 of 8; loop 1: 1 of 8; shared: 12 of 16.
        #expect(buffer.largestIntake(since: &counts) == 0.75)
        #expect(counts == [3, 1, 12])
        // Draining does not change the intake; pushes since the last call do, and drops count as taken in.
        _ = self.drainAll(buffer)
        for sequence in UInt64(0)..<10 { buffer.push(SpanTestRecords.make(producer: 1, sequence: sequence), loop: 1) }
        #expect(buffer.dropped == 2)
        #expect(buffer.largestIntake(since: &counts) == 1.25)
        #expect(buffer.largestIntake(since: &counts) == 0)
    }

    @Test func highWaterOnlyAtAQuarterRingBoundaryWithTheRingThreeQuartersFull() {
        let buffer = SpanBuffer(loopCount: 1, capacity: 8)
        let ring = buffer.ring(forLoop: 0)
        var results: [Bool] = []
        for sequence in UInt64(0)..<12 {
            let before = ring.accepted
            ring.push(SpanTestRecords.make(producer: 0, sequence: sequence))
            results.append(ring.reachedHighWater(since: before))
        }
        // A quarter of 8 is 2: checked when a push ends at 2, 4, 6, 8; true at 6 and 8 waiting (≥ 6). Pushes 9–12
        // were dropped (full) and moved no boundary.
        #expect(results == [false, false, false, false, false, true, false, true, false, false, false, false])
        // Drained, the next boundaries find the ring below three quarters until it is back there.
        _ = self.drainAll(buffer)
        var late: [Bool] = []
        for sequence in UInt64(0)..<6 {
            let before = ring.accepted
            ring.push(SpanTestRecords.make(producer: 0, sequence: sequence))
            late.append(ring.reachedHighWater(since: before))
        }
        #expect(late == [false, false, false, false, false, true])
        // Several pushes between two checks still see the boundary they passed.
        _ = self.drainAll(buffer)
        let before = ring.accepted
        for sequence in UInt64(0)..<7 { ring.push(SpanTestRecords.make(producer: 0, sequence: sequence)) }
        #expect(ring.reachedHighWater(since: before))
        _ = self.drainAll(buffer)
        let after = ring.accepted
        ring.push(SpanTestRecords.make(producer: 0, sequence: 0))
        #expect(!ring.reachedHighWater(since: after))
    }

    @Test func highWaterSignalCallsTheFirstHandlerSet() {
        let buffer = SpanBuffer(loopCount: 1, capacity: 8)
        buffer.signalHighWater()  // no handler yet: nothing happens
        let calls = ManagedAtomic(0)
        buffer.onHighWater { calls.wrappingIncrement(ordering: .relaxed) }
        buffer.onHighWater { calls.wrappingIncrement(by: 100, ordering: .relaxed) }  // ignored: the first stays
        buffer.signalHighWater()
        buffer.signalHighWater()
        #expect(calls.load(ordering: .relaxed) == 2)
    }

    @Test func emptyBufferDrainsNothing() {
        let buffer = SpanBuffer(loopCount: 2, capacity: 4)
        #expect(self.drainAll(buffer).isEmpty)
        #expect(buffer.recorded == 0 && buffer.dropped == 0 && buffer.drained == 0 && buffer.length == 0)
        var records: [SpanRecord] = []
        #expect(buffer.drain(into: &records, max: 0) == 0)
    }

    @Test func eachRingDrainsInPushOrder() {
        let buffer = SpanBuffer(loopCount: 3, capacity: 16)
        // Interleave pushes to the three loop rings and the shared ring; producer index 3 is the shared ring.
        for sequence in UInt64(0)..<10 {
            for producer in 0..<4 {
                let record = SpanTestRecords.make(producer: producer, sequence: sequence)
                let stored = producer < 3 ? buffer.push(record, loop: producer) : buffer.push(record)
                #expect(stored)
            }
        }
        #expect(buffer.length == 40)
        #expect(buffer.recorded == 40)
        let drained = self.drainAll(buffer)
        #expect(drained.count == 40)
        var perProducer: [Int: [UInt64]] = [:]
        for record in drained {
            let (producer, sequence) = SpanTestRecords.identity(of: record)
            perProducer[producer, default: []].append(sequence)
            #expect(record == SpanTestRecords.make(producer: producer, sequence: sequence))
        }
        for producer in 0..<4 {
            #expect(perProducer[producer] == Array(0..<10))
        }
        // Drained ring by ring: each ring's records are contiguous in the output.
        let producers = drained.map { SpanTestRecords.identity(of: $0).producer }
        #expect(zip(producers, producers.dropFirst()).filter { $0 != $1 }.count == 3)
        #expect(buffer.length == 0 && buffer.drained == 40)
    }

    @Test func fullLoopRingDropsAndCountsExactly() {
        let buffer = SpanBuffer(loopCount: 2, capacity: 8)
        var results: [Bool] = []
        for sequence in UInt64(0)..<20 {
            results.append(buffer.push(SpanTestRecords.make(producer: 1, sequence: sequence), loop: 1))
        }
        #expect(results == Array(repeating: true, count: 8) + Array(repeating: false, count: 12))
        #expect(buffer.recorded == 20)
        #expect(buffer.dropped == 12)
        #expect(buffer.dropped(reason: .bufferFull) == 12)
        #expect(buffer.length == 8)
        let ring = buffer.ring(forLoop: 1)
        #expect(ring.recorded == 20 && ring.accepted == 8 && ring.dropped == 12 && ring.length == 8)
        #expect(buffer.ring(forLoop: 0).recorded == 0)

        let drained = self.drainAll(buffer)
        // The oldest records are kept; the newest are the ones dropped.
        #expect(drained.map { SpanTestRecords.identity(of: $0).sequence } == Array(0..<8))
        #expect(buffer.recorded == UInt64(drained.count) + buffer.dropped)
        #expect(buffer.drained == 8 && buffer.length == 0)

        // Space again after the drain.
        #expect(buffer.push(SpanTestRecords.make(producer: 1, sequence: 20), loop: 1))
        #expect(buffer.recorded == 21 && buffer.dropped == 12 && buffer.length == 1)
    }

    @Test func fullSharedRingDropsAndCountsExactly() {
        let buffer = SpanBuffer(loopCount: 1, capacity: 4, sharedCapacity: 4)
        var results: [Bool] = []
        for sequence in UInt64(0)..<10 {
            results.append(buffer.push(SpanTestRecords.make(producer: 9, sequence: sequence)))
        }
        #expect(results == Array(repeating: true, count: 4) + Array(repeating: false, count: 6))
        #expect(buffer.recorded == 10 && buffer.dropped == 6 && buffer.length == 4)
        let drained = self.drainAll(buffer)
        #expect(drained.map { SpanTestRecords.identity(of: $0).sequence } == [0, 1, 2, 3])
        #expect(buffer.recorded == UInt64(drained.count) + buffer.dropped)
        #expect(buffer.push(SpanTestRecords.make(producer: 9, sequence: 10)))
    }

    @Test func drainRespectsMaxAndRotatesTheStartingRing() {
        let buffer = SpanBuffer(loopCount: 2, capacity: 8)
        for sequence in UInt64(0)..<4 {
            buffer.push(SpanTestRecords.make(producer: 0, sequence: sequence), loop: 0)
            buffer.push(SpanTestRecords.make(producer: 1, sequence: sequence), loop: 1)
            buffer.push(SpanTestRecords.make(producer: 2, sequence: sequence))
        }
        var order: [Int] = []
        var records: [SpanRecord] = []
        for _ in 0..<3 {
            records.removeAll()
            #expect(buffer.drain(into: &records, max: 1) == 1)
            order.append(SpanTestRecords.identity(of: records[0]).producer)
        }
        // Three drains of one record start at loop 0, loop 1, then the shared ring.
        #expect(order == [0, 1, 2])
        records.removeAll()
        #expect(buffer.drain(into: &records, max: 5) == 5)
        #expect(buffer.length == 4)
        #expect(self.drainAll(buffer).count == 4)
        #expect(buffer.drained == 12)
    }

    @Test func zeroCopyDrainHandsOutContiguousChunks() {
        let buffer = SpanBuffer(loopCount: 1, capacity: 8)
        // Move the ring's positions to 6 so the next 5 records wrap: slots 6, 7, then 0, 1, 2.
        for sequence in UInt64(0)..<6 { buffer.push(SpanTestRecords.make(producer: 0, sequence: sequence), loop: 0) }
        #expect(self.drainAll(buffer).count == 6)
        for sequence in UInt64(6)..<11 { buffer.push(SpanTestRecords.make(producer: 0, sequence: sequence), loop: 0) }
        var chunks: [[UInt64]] = []
        let count = buffer.drain(max: 100) { chunk in
            chunks.append(chunk.map { SpanTestRecords.identity(of: $0).sequence })
        }
        #expect(count == 5)
        #expect(chunks == [[6, 7], [8, 9, 10]])
    }

    @Test func ringsWrapAroundManyTimes() {
        let buffer = SpanBuffer(loopCount: 1, capacity: 4, sharedCapacity: 4)
        var nextLoop: UInt64 = 0
        var nextShared: UInt64 = 0
        var expectedLoop: UInt64 = 0
        var expectedShared: UInt64 = 0
        var records: [SpanRecord] = []
        // Batches of 1...5 pushes against capacity 4 (so some batches overflow), drains of 1...4 records
        // shared by both rings: ~5k laps of each ring.
        for round in 0..<20_000 {
            let pushes = round % 5 + 1
            for _ in 0..<pushes {
                if buffer.push(SpanTestRecords.make(producer: 0, sequence: nextLoop), loop: 0) { nextLoop += 1 }
                if buffer.push(SpanTestRecords.make(producer: 1, sequence: nextShared)) { nextShared += 1 }
            }
            records.removeAll(keepingCapacity: true)
            buffer.drain(into: &records, max: round % 4 + 1)
            for record in records {
                let (producer, sequence) = SpanTestRecords.identity(of: record)
                if producer == 0 {
                    #expect(sequence == expectedLoop)
                    expectedLoop += 1
                } else {
                    #expect(sequence == expectedShared)
                    expectedShared += 1
                }
                #expect(SpanTestRecords.checksumMatches(record))
            }
        }
        for record in self.drainAll(buffer) {
            let (producer, sequence) = SpanTestRecords.identity(of: record)
            if producer == 0 {
                #expect(sequence == expectedLoop)
                expectedLoop += 1
            } else {
                #expect(sequence == expectedShared)
                expectedShared += 1
            }
        }
        #expect(expectedLoop == nextLoop && expectedShared == nextShared)
        #expect(nextLoop > 4 * 4_000)  // thousands of laps of a 4-slot ring
        #expect(buffer.recorded == buffer.drained + buffer.dropped)
        #expect(buffer.dropped > 0)
    }

    @Test func oneMillionPushesUseOnlyThePreallocatedSlots() {
        let buffer = SpanBuffer(loopCount: 1, capacity: 1024)
        let bytes = buffer.allocatedBytes
        let ring = buffer.ring(forLoop: 0)
        var record = SpanTestRecords.make(producer: 0, sequence: 7)
        var stored = 0
        var drained = 0
        for index in 0..<1_000_000 {
            record.spanID = UInt64(index) + 1
            if ring.push(record) { stored += 1 }
            if index % 1000 == 999 {
                drained += buffer.drain(max: .max) { chunk in
                    for item in chunk { precondition(item.responseStatusCode == record.responseStatusCode) }
                }
            }
        }
        drained += buffer.drain(max: .max) { _ in }
        #expect(stored == 1_000_000 && drained == 1_000_000)
        #expect(buffer.recorded == 1_000_000 && buffer.dropped == 0)
        #expect(buffer.allocatedBytes == bytes)
    }

    @Test(arguments: [64, 4096])
    func concurrentProducersAndOneConsumerLoseOnlyCountedRecords(capacity: Int) {
        let loops = 4
        let sharedProducers = 2
        let perProducer: UInt64 = 100_000
        let buffer = SpanBuffer(loopCount: loops, capacity: capacity, sharedCapacity: capacity)
        let producers = DispatchGroup()
        let droppedByProducer = (0..<(loops + sharedProducers)).map { _ in Counter() }
        // Producers 0..<loops push into their own loop rings; the rest push into the shared ring.
        for producer in 0..<(loops + sharedProducers) {
            DispatchQueue(label: "producer-\(producer)").async(group: producers) {
                var dropped = 0
                for sequence in 0..<perProducer {
                    let record = SpanTestRecords.make(producer: producer, sequence: sequence)
                    let stored = producer < loops ? buffer.push(record, loop: producer) : buffer.push(record)
                    if !stored { dropped += 1 }
                }
                droppedByProducer[producer].value = dropped
            }
        }

        // The consumer drains while the producers run, then once more after they are done.
        var lastSequence = [Int64](repeating: -1, count: loops + sharedProducers)
        var received = [Int](repeating: 0, count: loops + sharedProducers)
        var failures = 0
        var records: [SpanRecord] = []
        var finished = false
        var drainsWhileProducing = 0
        while true {
            finished = producers.wait(timeout: .now()) == .success
            records.removeAll(keepingCapacity: true)
            if buffer.drain(into: &records, max: 500) > 0 && !finished { drainsWhileProducing += 1 }
            for record in records {
                let (producer, sequence) = SpanTestRecords.identity(of: record)
                guard producer >= 0 && producer < loops + sharedProducers else {
                    failures += 1
                    continue
                }
                // Strictly increasing per producer: no duplicates, no reordering.
                if Int64(sequence) <= lastSequence[producer] { failures += 1 }
                lastSequence[producer] = Int64(sequence)
                received[producer] += 1
                if !SpanTestRecords.checksumMatches(record)
                    || record != SpanTestRecords.make(producer: producer, sequence: sequence)
                {
                    failures += 1
                }
            }
            if finished && records.isEmpty && buffer.length == 0 { break }
        }

        #expect(failures == 0)
        #expect(drainsWhileProducing > 0)
        for producer in 0..<(loops + sharedProducers) {
            #expect(UInt64(received[producer] + droppedByProducer[producer].value) == perProducer)
        }
        let totalDropped = droppedByProducer.reduce(0) { $0 + $1.value }
        #expect(buffer.recorded == perProducer * UInt64(loops + sharedProducers))
        #expect(buffer.dropped == UInt64(totalDropped))
        #expect(buffer.drained == UInt64(received.reduce(0, +)))
        #expect(buffer.recorded == buffer.drained + buffer.dropped)
        #expect(buffer.length == 0)
    }
}

/// An integer written by one thread before a DispatchGroup completes and read after `wait`.
private final class Counter: @unchecked Sendable {
    // @unchecked Sendable: written only by the producer that owns it, before its group task completes; read only
    // after the group has been waited on, which orders the write before the read.
    var value = 0
}
