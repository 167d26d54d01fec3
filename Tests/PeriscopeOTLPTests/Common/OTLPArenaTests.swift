import Testing

@testable import PeriscopeOTLP

@Suite struct OTLPArenaTests {
    @Test func rewindingTakesBackWhatWasAllocatedSinceTheMark() throws {
        let arena = try OTLPArena(chunkSize: 64 * 1024)
        let kept = try arena.allocate(UInt64.self, count: 4)
        kept.initialize(repeating: 7, count: 4)
        let mark = arena.mark
        let usedAtMark = arena.bytesUsed
        let first = try arena.allocate(UInt8.self, count: 1000)
        #expect(arena.bytesUsed > usedAtMark)
        #expect(arena.rewind(to: mark))
        #expect(arena.bytesUsed == usedAtMark)
        // The same memory is handed out again, zero-filled; what came before the mark is untouched.
        first.initialize(repeating: 0xAB, count: 1000)
        let second = try arena.allocate(UInt8.self, count: 1000)
        #expect(second == first)
        #expect((0..<1000).allSatisfy { second[$0] == 0 })
        #expect((0..<4).allSatisfy { kept[$0] == 7 })
    }

    @Test func aChunkStartedSinceTheMarkKeepsItsAllocations() throws {
        let arena = try OTLPArena(chunkSize: 4096)
        _ = try arena.allocate(UInt8.self, count: 16)
        let mark = arena.mark
        // Four fit in the 4 KiB chunk; the fifth (less than a quarter chunk) starts a new standard chunk.
        var last: UnsafeMutablePointer<UInt8>?
        for _ in 0..<5 {
            last = try arena.allocate(UInt8.self, count: 1000)
            last?.initialize(repeating: 0x5A, count: 1000)
        }
        let used = arena.bytesUsed
        #expect(!arena.rewind(to: mark))
        #expect(arena.bytesUsed == used)
        #expect(last.map { pointer in (0..<1000).allSatisfy { pointer[$0] == 0x5A } } == true)
        // A new mark in the new chunk rewinds again.
        let again = arena.mark
        _ = try arena.allocate(UInt8.self, count: 100)
        #expect(arena.rewind(to: again))
        #expect(arena.bytesUsed == used)
    }

    @Test func aLargeAllocationSinceTheMarkIsKept() throws {
        let arena = try OTLPArena(chunkSize: 4096)
        _ = try arena.allocate(UInt8.self, count: 16)
        let mark = arena.mark
        // More than the chunk holds: a chunk of its own, linked in behind the head.
        let large = try arena.allocate(UInt8.self, count: 5000)
        large.initialize(repeating: 1, count: 5000)
        _ = try arena.allocate(UInt8.self, count: 32)  // from the head chunk again
        let used = arena.bytesUsed
        #expect(!arena.rewind(to: mark))
        #expect(arena.bytesUsed == used)
        #expect((0..<5000).allSatisfy { large[$0] == 1 })
    }
}
