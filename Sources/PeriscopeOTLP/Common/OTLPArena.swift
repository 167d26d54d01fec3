import COTLP
import CProtobufC

typealias CKeyValue = Opentelemetry__Proto__Common__V1__KeyValue
typealias CAnyValue = Opentelemetry__Proto__Common__V1__AnyValue
typealias CInstrumentationScope = Opentelemetry__Proto__Common__V1__InstrumentationScope
typealias CResource = Opentelemetry__Proto__Resource__V1__Resource
/// The C type of a repeated message field (`Message **`).
typealias MessagePointers<T> = UnsafeMutablePointer<UnsafeMutablePointer<T>?>

/// The memory of one OTLP batch: a `cotlp_arena` (see `cotlp_arena.h`) with typed helpers for building protobuf-c
/// messages.
///
/// Everything allocated here stays valid until ``reset()``, which releases it all at once; pack the request
/// before resetting. Allocations are zero-filled, but message structs still need their generated `…__init()`
/// (which sets `base.descriptor`, without which protobuf-c cannot pack them): use ``message(_:)``, or
/// ``messages(_:count:)`` with a template made by the init function once.
///
/// Not thread-safe: one arena belongs to one encoder, used by one task at a time.
final class OTLPArena {
    private let raw: OpaquePointer

    /// A new arena whose standard chunks hold `chunkSize` bytes; larger requests get a chunk of their own.
    init(chunkSize: Int) throws(OTLPEncodingError) {
        guard let raw = cotlp_arena_create(chunkSize) else { throw .outOfMemory }
        self.raw = raw
    }

    deinit {
        cotlp_arena_destroy(self.raw)
    }

    /// Releases every allocation; one standard chunk is kept for the next batch.
    func reset() {
        cotlp_arena_reset(self.raw)
    }

    /// The arena's current position, for ``rewind(to:)``.
    var mark: cotlp_arena_mark { cotlp_arena_get_mark(self.raw) }

    /// Takes back every allocation made since `mark` for reuse when they all came from the chunk the mark was taken
    /// in (else they stay until ``reset()``). Nothing allocated since `mark` may be used afterwards. Returns whether
    /// the memory was taken back.
    @discardableResult
    func rewind(to mark: cotlp_arena_mark) -> Bool {
        cotlp_arena_rewind(self.raw, mark) != 0
    }

    /// Bytes handed out since the last reset.
    var bytesUsed: Int { cotlp_arena_bytes_used(self.raw) }

    /// Bytes of chunk memory currently held.
    var bytesReserved: Int { cotlp_arena_bytes_reserved(self.raw) }

    /// The arena as a protobuf-c allocator (for unpacking responses; its `free` is a no-op).
    var allocator: UnsafeMutablePointer<ProtobufCAllocator> { cotlp_arena_allocator(self.raw) }

    /// `count` zero-filled values of `T`, bound to `T`.
    func allocate<T>(_ type: T.Type, count: Int = 1) throws(OTLPEncodingError) -> UnsafeMutablePointer<T> {
        guard let memory = cotlp_arena_alloc_array(self.raw, count, MemoryLayout<T>.stride) else {
            throw .outOfMemory
        }
        return memory.bindMemory(to: T.self, capacity: count)
    }

    /// `count` values of `T` whose memory is not zeroed, bound to `T`: the caller initialises each before it is read.
    func allocateUninitialized<T>(_ type: T.Type, count: Int) throws(OTLPEncodingError) -> UnsafeMutablePointer<T> {
        guard let memory = cotlp_arena_alloc_array_uninit(self.raw, count, MemoryLayout<T>.stride) else {
            throw .outOfMemory
        }
        return memory.bindMemory(to: T.self, capacity: count)
    }

    /// One message initialised by its generated init function, e.g.
    /// `arena.message(opentelemetry__proto__common__v1__key_value__init)`.
    func message<T>(
        _ initialize: (UnsafeMutablePointer<T>?) -> Void
    ) throws(OTLPEncodingError) -> UnsafeMutablePointer<T> {
        let message = try self.allocate(T.self)
        initialize(message)
        return message
    }

    /// `count` contiguous copies of an initialised `template` message (one allocation for a whole family's points).
    func messages<T>(_ template: T, count: Int) throws(OTLPEncodingError) -> UnsafeMutablePointer<T> {
        let messages = try self.allocateUninitialized(T.self, count: count)
        messages.initialize(repeating: template, count: count)
        return messages
    }

    /// A zero-filled (all `NULL`) array of `count` message pointers, for a repeated message field.
    func pointers<T>(to type: T.Type, count: Int) throws(OTLPEncodingError) -> MessagePointers<T> {
        try self.allocate(UnsafeMutablePointer<T>?.self, count: count)
    }

    /// A NUL-terminated copy of `string`'s UTF-8, for a protobuf-c `char *` field.
    ///
    /// protobuf-c writes a string up to its first NUL byte, so a string containing NUL is sent truncated there.
    func string(_ string: String) throws(OTLPEncodingError) -> UnsafeMutablePointer<CChar> {
        let copy =
            string.utf8.withContiguousStorageIfAvailable { utf8 in
                cotlp_arena_strndup(
                    self.raw, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), utf8.count)
            }
            ?? Array(string.utf8).withUnsafeBufferPointer { utf8 in
                cotlp_arena_strndup(
                    self.raw, UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), utf8.count)
            }
        guard let copy else { throw .outOfMemory }
        return copy
    }

    /// A copy of `bytes` for a `bytes` field (`ProtobufCBinaryData`); empty bytes give an empty field.
    func binary(_ bytes: [UInt8]) throws(OTLPEncodingError) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let copy = bytes.withUnsafeBytes { cotlp_arena_memdup(self.raw, $0.baseAddress, $0.count) }
        guard let copy else { throw .outOfMemory }
        return ProtobufCBinaryData(len: bytes.count, data: copy.assumingMemoryBound(to: UInt8.self))
    }

    /// A copy of `values`, for a packed repeated scalar field.
    func copy<T: BitwiseCopyable>(_ values: [T]) throws(OTLPEncodingError) -> UnsafeMutablePointer<T> {
        let copy = try self.allocate(T.self, count: values.count)
        values.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            copy.initialize(from: base, count: source.count)
        }
        return copy
    }
}

@available(*, unavailable)
extension OTLPArena: Sendable {}

/// Initialised copies of the messages every OTLP batch builds many of, made once with the generated init functions
/// (the `…__INIT` macros do not import into Swift).
struct OTLPCommonTemplates {
    let keyValue: CKeyValue
    let anyValue: CAnyValue

    init() {
        var keyValue = CKeyValue()
        opentelemetry__proto__common__v1__key_value__init(&keyValue)
        self.keyValue = keyValue
        var anyValue = CAnyValue()
        opentelemetry__proto__common__v1__any_value__init(&anyValue)
        self.anyValue = anyValue
    }
}

extension OTLPArena {
    /// `attributes` as a `KeyValue *` array (nil when empty), every message and string in the arena.
    func keyValues(
        _ attributes: [OTLPAttribute],
        templates: OTLPCommonTemplates
    ) throws(OTLPEncodingError) -> MessagePointers<CKeyValue>? {
        guard !attributes.isEmpty else { return nil }
        let count = attributes.count
        let pointers = try self.pointers(to: CKeyValue.self, count: count)
        let keyValues = try self.messages(templates.keyValue, count: count)
        let values = try self.messages(templates.anyValue, count: count)
        for index in 0..<count {
            let attribute = attributes[index]
            try self.fill(values + index, with: attribute.value)
            keyValues[index].key = try self.string(attribute.key)
            keyValues[index].value = values + index
            pointers[index] = keyValues + index
        }
        return pointers
    }

    /// Sets an initialised `AnyValue` to `value`.
    func fill(_ anyValue: UnsafeMutablePointer<CAnyValue>, with value: OTLPAttributeValue) throws(OTLPEncodingError) {
        switch value {
        case .string(let string):
            anyValue.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            anyValue.pointee.string_value = try self.string(string)
        case .bool(let bool):
            anyValue.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE
            anyValue.pointee.bool_value = bool ? 1 : 0
        case .int(let int):
            anyValue.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
            anyValue.pointee.int_value = int
        case .double(let double):
            anyValue.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE
            anyValue.pointee.double_value = double
        }
    }

    /// `resource` as a `Resource` message.
    func resource(
        _ resource: OTLPResource,
        templates: OTLPCommonTemplates
    ) throws(OTLPEncodingError) -> UnsafeMutablePointer<CResource> {
        let message = try self.message(opentelemetry__proto__resource__v1__resource__init)
        message.pointee.attributes = try self.keyValues(resource.attributes, templates: templates)
        message.pointee.n_attributes = resource.attributes.count
        return message
    }

    /// An `InstrumentationScope` with `name` and `version` (empty means unknown) and no attributes.
    func scope(name: String, version: String) throws(OTLPEncodingError) -> UnsafeMutablePointer<CInstrumentationScope> {
        let message = try self.message(opentelemetry__proto__common__v1__instrumentation_scope__init)
        if !name.isEmpty {
            message.pointee.name = try self.string(name)
        }
        if !version.isEmpty {
            message.pointee.version = try self.string(version)
        }
        return message
    }
}
