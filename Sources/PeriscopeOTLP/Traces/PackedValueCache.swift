import COTLP
import CProtobufC

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Span attributes whose values come from requests but repeat from span to span — the host a client asked for
/// (`server.address` and `server.port` of server spans, from `Host`) and the client's address and port
/// (`client.address`, `client.port`: the same for every request of a connection) —
/// packed by protobuf-c when first seen and then copied into the spans that repeat them, like the configured values
/// of ``PackedAttributes``.
///
/// These values are not bounded by the config (any client may send any `Host`), so the cache is a fixed table of
/// ``slotCount`` slots, each with room for one packed attribute. A value may sit in either slot of the pair its hash
/// picks; a new value takes over the pair's slot used least recently (by batch), so memory never grows and a stream
/// of distinct values costs one pack per span, as it would without the cache. A slot used by a span of the current
/// batch is not taken over until the next batch (that span's `unknown_fields` points into it); a value whose pair is
/// all in use is packed per span instead.
struct PackedValueCache {
    /// What a slot's value is.
    enum Kind: UInt8 {
        /// `server.address` of a server span, keyed by the record's inline bytes.
        case serverAddress = 1
        /// `server.port` of a server span, keyed by the port.
        case serverPort
        /// `client.address`, keyed by the record's address family and bits.
        case clientAddress
        /// `client.port`, keyed by the port.
        case clientPort
    }

    /// A cache lookup's outcome.
    enum Lookup {
        /// The value's packed attribute.
        case hit(PackedAttribute)
        /// Not cached; ``store(_:slot:key:attributeKey:value:)`` it into `slot` once packed.
        case miss(slot: Int)
        /// Not cached, and its slot holds a value the current batch uses: pack it per span.
        case busy
    }

    /// Slots in the table (a power of two), in pairs.
    static let slotCount = 512
    /// The longest key, in bytes: the record's inline `server.address` capacity.
    static let keyCapacity = 64
    /// Room for one packed attribute: the length prefix, the key, and a value of up to 64 bytes even when every byte
    /// is invalid UTF-8 repaired to U+FFFD (3 bytes each).
    static let packedCapacity = 256

    private struct Slot {
        var kind: UInt8 = 0
        var keyLength: UInt8 = 0
        var hash: UInt32 = 0
        /// The batch that last used the slot.
        var batch: UInt64 = 0
        var packed = PackedAttribute()
    }

    private let slots: UnsafeMutablePointer<Slot>
    private let keys: UnsafeMutablePointer<UInt8>
    private let bytes: UnsafeMutablePointer<UInt8>
    private let templates = OTLPCommonTemplates()
    private var batch: UInt64 = 1

    /// A table whose memory comes from `arena` (which must outlive it).
    init(arena: OTLPArena) throws(OTLPEncodingError) {
        self.slots = try arena.allocateUninitialized(Slot.self, count: Self.slotCount)
        self.slots.initialize(repeating: Slot(), count: Self.slotCount)
        self.keys = try arena.allocate(UInt8.self, count: Self.slotCount * Self.keyCapacity)
        self.bytes = try arena.allocate(UInt8.self, count: Self.slotCount * Self.packedCapacity)
    }

    /// Starts a new batch: slots used so far may be taken over again.
    mutating func nextBatch() {
        self.batch &+= 1
    }

    /// Looks `key` of `kind` up; a hit marks its slot as used by the current batch.
    mutating func lookup(_ kind: Kind, key: UnsafeRawBufferPointer) -> Lookup {
        guard key.count <= Self.keyCapacity else { return .busy }
        let hash = Self.hash(kind, key)
        let first = Int(hash) & (Self.slotCount - 2)
        for index in first...(first + 1) {
            let slot = self.slots + index
            if slot.pointee.kind == kind.rawValue, slot.pointee.hash == hash, Int(slot.pointee.keyLength) == key.count,
                key.isEmpty || memcmp(self.keys + index * Self.keyCapacity, key.baseAddress!, key.count) == 0
            {
                slot.pointee.batch = self.batch
                return .hit(slot.pointee.packed)
            }
        }
        let older = self.slots[first].batch <= self.slots[first + 1].batch ? first : first + 1
        return self.slots[older].batch == self.batch ? .busy : .miss(slot: older)
    }

    /// Packs `attributeKey` = `value` into `slot` (from a ``Lookup/miss(slot:)`` of `key` of `kind`) and returns it;
    /// `nil` when it does not fit the slot (the caller packs it per span).
    mutating func store(
        _ kind: Kind,
        slot index: Int,
        key: UnsafeRawBufferPointer,
        attributeKey: CString,
        value: CAnyValue
    ) -> PackedAttribute? {
        let slot = self.slots + index
        // Emptied first: if the value does not fit, the slot must not still claim the previous one's key.
        slot.pointee.kind = 0
        let buffer = self.bytes + index * Self.packedCapacity
        guard
            let length = PackedAttributes.packKeyValue(
                key: attributeKey, value: value, templates: self.templates, into: buffer,
                capacity: Self.packedCapacity)
        else { return nil }
        if !key.isEmpty {
            (self.keys + index * Self.keyCapacity).update(
                from: key.baseAddress!.assumingMemoryBound(to: UInt8.self), count: key.count)
        }
        slot.pointee = Slot(
            kind: kind.rawValue,
            keyLength: UInt8(key.count),
            hash: Self.hash(kind, key),
            batch: self.batch,
            packed: PackedAttribute(
                tag: PackedAttributes.attributesField,
                wire_type: PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED,
                len: length,
                data: buffer
            )
        )
        return slot.pointee.packed
    }

    /// ``store(_:slot:key:attributeKey:value:)`` for a string value.
    mutating func store(
        _ kind: Kind,
        slot: Int,
        key: UnsafeRawBufferPointer,
        attributeKey: CString,
        string: CString
    ) -> PackedAttribute? {
        var value = self.templates.anyValue
        value.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
        value.string_value = string
        return self.store(kind, slot: slot, key: key, attributeKey: attributeKey, value: value)
    }

    /// The attribute `attributeKey` = `int` of `kind`, from the table or packed into it; `nil` when it must be
    /// packed per span.
    mutating func packed(_ kind: Kind, int: Int64, attributeKey: CString) -> PackedAttribute? {
        var key = int
        return withUnsafeBytes(of: &key) { key in
            switch self.lookup(kind, key: key) {
            case .hit(let packed):
                return packed
            case .busy:
                return nil
            case .miss(let slot):
                var value = self.templates.anyValue
                value.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
                value.int_value = int
                return self.store(kind, slot: slot, key: key, attributeKey: attributeKey, value: value)
            }
        }
    }

    /// A multiply-xorshift hash of the kind and the key, eight bytes at a time (keys are short: ports, addresses,
    /// hosts); the pair of slots a value may sit in starts at `Int(hash) & (slotCount - 2)`.
    static func hash(_ kind: Kind, _ key: UnsafeRawBufferPointer) -> UInt32 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 &* (UInt64(kind.rawValue) | UInt64(key.count) << 8)
        var offset = 0
        while offset + 8 <= key.count {
            hash = (hash ^ key.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        if offset < key.count {
            var tail: UInt64 = 0
            for index in offset..<key.count {
                tail = tail << 8 | UInt64(key[index])
            }
            hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            hash ^= hash >> 29
        }
        return UInt32(truncatingIfNeeded: hash ^ hash >> 32)
    }
}
