import COTLP
import CProtobufC
import Testing

@testable import PeriscopeOTLP

@Suite struct PackedValueCacheTests {
    private static func bytes(_ attribute: PackedAttribute) -> [UInt8] {
        Array(UnsafeBufferPointer(start: attribute.data, count: attribute.len))
    }

    /// What protobuf-c packs `KeyValue { key, string }` into, behind its length prefix.
    private static func reference(key: CString, string: CString, templates: OTLPCommonTemplates) -> [UInt8] {
        var value = templates.anyValue
        value.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
        value.string_value = string
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: 512)
        defer { buffer.deallocate() }
        let length = PackedAttributes.packKeyValue(
            key: key, value: value, templates: templates, into: buffer, capacity: 512)!
        return Array(UnsafeBufferPointer(start: buffer, count: length))
    }

    /// Keys of `kind` whose hashes pick the same pair of slots.
    private static func collidingKeys(_ kind: PackedValueCache.Kind, count: Int) -> [[UInt8]] {
        var byPair: [Int: [[UInt8]]] = [:]
        for number in 0..<100_000 {
            let key = Array("host-\(number)".utf8)
            let pair = key.withUnsafeBytes { Int(PackedValueCache.hash(kind, $0)) & (PackedValueCache.slotCount - 2) }
            byPair[pair, default: []].append(key)
            if byPair[pair]!.count == count { return byPair[pair]! }
        }
        preconditionFailure("no \(count) colliding keys")
    }

    @Test func aValueIsPackedOnceAndThenFoundWithTheSameBytes() throws {
        let arena = try OTLPArena(chunkSize: 16 * 1024)
        var cache = try PackedValueCache(arena: arena)
        let templates = OTLPCommonTemplates()
        let attributeKey = try arena.string("server.address")
        let value = try arena.string("api.example")
        let key = Array("api.example".utf8)
        let first = key.withUnsafeBytes { cache.lookup(.serverAddress, key: $0) }
        guard case .miss(let slot) = first else {
            Issue.record("expected a miss, got \(first)")
            return
        }
        let stored = try #require(
            key.withUnsafeBytes {
                cache.store(.serverAddress, slot: slot, key: $0, attributeKey: attributeKey, string: value)
            })
        #expect(Self.bytes(stored) == Self.reference(key: attributeKey, string: value, templates: templates))
        #expect(stored.tag == 9 && stored.wire_type == PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED)
        for _ in 0..<3 {
            cache.nextBatch()
            let again = key.withUnsafeBytes { cache.lookup(.serverAddress, key: $0) }
            guard case .hit(let found) = again else {
                Issue.record("expected a hit, got \(again)")
                return
            }
            #expect(Self.bytes(found) == Self.bytes(stored))
        }
        // The same bytes as another kind's key are another value.
        let other = key.withUnsafeBytes { cache.lookup(.clientAddress, key: $0) }
        if case .hit = other { Issue.record("a key of another kind must not hit") }
    }

    @Test func slotsUsedByTheCurrentBatchAreNotTakenOver() throws {
        let arena = try OTLPArena(chunkSize: 16 * 1024)
        var cache = try PackedValueCache(arena: arena)
        let attributeKey = try arena.string("server.address")
        let keys = Self.collidingKeys(.serverAddress, count: 3)
        var packed: [[UInt8]] = []
        func store(_ key: [UInt8]) throws -> PackedAttribute? {
            let lookup = key.withUnsafeBytes { cache.lookup(.serverAddress, key: $0) }
            guard case .miss(let slot) = lookup else { return nil }
            let text = try arena.string(String(decoding: key, as: UTF8.self))
            return key.withUnsafeBytes {
                cache.store(.serverAddress, slot: slot, key: $0, attributeKey: attributeKey, string: text)
            }
        }
        // Batch 1: the first two fill the pair; the third finds both slots in use by this batch.
        for key in keys.prefix(2) {
            packed.append(Self.bytes(try #require(try store(key))))
        }
        let third = keys[2].withUnsafeBytes { cache.lookup(.serverAddress, key: $0) }
        guard case .busy = third else {
            Issue.record("expected busy, got \(third)")
            return
        }
        // What the batch's spans point at is unchanged.
        for (key, bytes) in zip(keys.prefix(2), packed) {
            let lookup = key.withUnsafeBytes { cache.lookup(.serverAddress, key: $0) }
            guard case .hit(let found) = lookup else {
                Issue.record("expected a hit")
                return
            }
            #expect(Self.bytes(found) == bytes)
        }
        // Batch 2: only the second key is used before the third arrives, so the third takes the first's slot.
        cache.nextBatch()
        let second = keys[1].withUnsafeBytes { cache.lookup(.serverAddress, key: $0) }
        guard case .hit = second else {
            Issue.record("expected a hit, got \(second)")
            return
        }
        _ = try #require(try store(keys[2]))
        let first = keys[0].withUnsafeBytes { cache.lookup(.serverAddress, key: $0) }
        guard case .busy = first else {
            Issue.record("the first key's slot was taken over: expected busy, got \(first)")
            return
        }
    }

    @Test func portsAreCachedByValue() throws {
        let arena = try OTLPArena(chunkSize: 16 * 1024)
        var cache = try PackedValueCache(arena: arena)
        let key = try arena.string("client.port")
        let first = cache.packed(.clientPort, int: 51234, attributeKey: key)
        let second = cache.packed(.clientPort, int: 51235, attributeKey: key)
        let repeated = cache.packed(.clientPort, int: 51234, attributeKey: key)
        let a = try #require(first)
        let b = try #require(second)
        let again = try #require(repeated)
        #expect(Self.bytes(a) != Self.bytes(b))
        #expect(again.data == a.data && Self.bytes(again) == Self.bytes(a))
    }
}
