import COTLP
import CProtobufC

/// A span attribute already packed by protobuf-c: a `Span.attributes` entry as the `unknown_fields` element
/// protobuf-c writes verbatim after the span's other fields (tag 9, length-delimited; `data` holds the length varint
/// and the packed `KeyValue`).
typealias PackedAttribute = ProtobufCMessageUnknownField

/// Span attributes whose value is one of a few — a method, a scheme, a protocol version, an interned configured name,
/// an endpoint's port, a status code — packed by protobuf-c once per key and value for the life of the encoder, and then copied into
/// every span that carries them instead of being sized and packed again as a `KeyValue { key, AnyValue }` tree per
/// span.
///
/// protobuf-c's `pack` sizes each nested message before writing it, so a `KeyValue` costs three walks of its
/// `AnyValue` (two sizes, one write) and two `strlen`s per string; packed once, it costs one `memcpy`. The bytes are
/// the same a `KeyValue` in `Span.attributes` packs into, so receivers see an ordinary repeated field: protobuf
/// allows the elements of a repeated field to be spread over the message, and protobuf-c writes these after the
/// span's other fields.
///
/// A ``PeriscopeTelemetry/SpanStringTable`` never reuses an id or changes its string, so entries keyed by id stay
/// right for the life of the table, like the C strings of ``SpanStringCache``, which owns this cache.
struct PackedAttributes {
    /// What an entry's index means.
    enum Kind: Int, CaseIterable {
        /// `http.request.method`, by ``PeriscopeTelemetry/SpanRecord/HTTPMethod`` raw value.
        case method
        /// `url.scheme`, by ``PeriscopeTelemetry/SpanRecord/URLScheme`` raw value.
        case scheme
        /// `network.protocol.version`, by ``PeriscopeTelemetry/SpanRecord/ProtocolVersion`` raw value.
        case protocolVersion
        /// `http.route`, by string id.
        case route
        /// `periscope.cluster`, by string id.
        case cluster
        /// `periscope.listener`, by string id.
        case listener
        /// `error.type`, by string id.
        case errorType
        /// `periscope.endpoint` (the endpoint's authority), by the endpoint's string id.
        case endpoint
        /// `server.address` of a client span (the endpoint's host), by the endpoint's string id.
        case endpointAddress
        /// `server.port` of a client span (the endpoint's port), by the endpoint's string id.
        case endpointPort
        /// `http.response.status_code`, by the code (100–999).
        case statusCode
    }

    /// `Span.attributes`.
    static let attributesField: UInt32 = 9

    private let arena: OTLPArena
    private let templates = OTLPCommonTemplates()
    /// By kind, then index; `nil` = not packed yet.
    private var entries = [[PackedAttribute?]](repeating: [], count: Kind.allCases.count)

    init(arena: OTLPArena) {
        self.arena = arena
    }

    /// The entry of `kind` for `index`, if packed before.
    func cached(_ kind: Kind, _ index: Int) -> PackedAttribute? {
        self.entries.withUnsafeBufferPointer { tables in
            tables[kind.rawValue].withUnsafeBufferPointer { entries in
                index < entries.count ? entries[index] : nil
            }
        }
    }

    /// Packs `key` = `string` with protobuf-c, keeps it as the entry of `kind` for `index`, and returns it.
    mutating func pack(
        _ kind: Kind,
        _ index: Int,
        key: CString,
        string: UnsafePointer<CChar>
    ) throws(OTLPEncodingError) -> PackedAttribute {
        var value = self.templates.anyValue
        value.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
        value.string_value = UnsafeMutablePointer(mutating: string)
        return try self.pack(kind, index, key: key, value: value)
    }

    /// Packs `key` = `int` with protobuf-c, keeps it as the entry of `kind` for `index`, and returns it.
    mutating func pack(
        _ kind: Kind,
        _ index: Int,
        key: CString,
        int: Int64
    ) throws(OTLPEncodingError) -> PackedAttribute {
        var value = self.templates.anyValue
        value.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
        value.int_value = int
        return try self.pack(kind, index, key: key, value: value)
    }

    private mutating func pack(
        _ kind: Kind,
        _ index: Int,
        key: CString,
        value: CAnyValue
    ) throws(OTLPEncodingError) -> PackedAttribute {
        let capacity = Self.maxVarintSize + Self.packedSize(key: key, value: value, templates: self.templates)
        let bytes = try self.arena.allocate(UInt8.self, count: capacity)
        let length = Self.packKeyValue(
            key: key, value: value, templates: self.templates, into: bytes, capacity: capacity)!
        let entry = PackedAttribute(
            tag: Self.attributesField,
            wire_type: PROTOBUF_C_WIRE_TYPE_LENGTH_PREFIXED,
            len: length,
            data: bytes
        )
        let table = kind.rawValue
        if index >= self.entries[table].count {
            self.entries[table].append(contentsOf: repeatElement(nil, count: index + 1 - self.entries[table].count))
        }
        self.entries[table][index] = entry
        return entry
    }

    /// The most bytes a length prefix takes.
    private static var maxVarintSize: Int { 10 }

    /// The size protobuf-c packs `KeyValue { key, value }` into.
    private static func packedSize(key: CString, value: CAnyValue, templates: OTLPCommonTemplates) -> Int {
        var value = value
        var keyValue = templates.keyValue
        keyValue.key = key
        return withUnsafeMutablePointer(to: &value) { value in
            keyValue.value = value
            return withUnsafePointer(to: &keyValue) { opentelemetry__proto__common__v1__key_value__get_packed_size($0) }
        }
    }

    /// Packs `KeyValue { key, value }` with protobuf-c into `buffer` behind its length prefix — the `data` of a
    /// ``PackedAttribute`` — and returns the bytes written, or `nil` (nothing written) when they would exceed
    /// `capacity`.
    static func packKeyValue(
        key: CString,
        value: CAnyValue,
        templates: OTLPCommonTemplates,
        into buffer: UnsafeMutablePointer<UInt8>,
        capacity: Int
    ) -> Int? {
        var value = value
        var keyValue = templates.keyValue
        keyValue.key = key
        return withUnsafeMutablePointer(to: &value) { value in
            keyValue.value = value
            return withUnsafePointer(to: &keyValue) { keyValue in
                let size = opentelemetry__proto__common__v1__key_value__get_packed_size(keyValue)
                let prefix = ProtobufFraming.varintSize(size)
                guard prefix + size <= capacity else { return nil }
                let payload = ProtobufFraming.writeVarint(size, to: buffer)
                let packedSize = opentelemetry__proto__common__v1__key_value__pack(keyValue, payload)
                precondition(packedSize == size, "protobuf-c packed \(packedSize) bytes of \(size)")
                return prefix + size
            }
        }
    }
}
