import COTLP
import CProtobufC
import PeriscopeTelemetry
import Testing

@testable import PeriscopeOTLP

/// Attributes packed once must be exactly the bytes protobuf-c writes for the same `KeyValue` inside a `Span`.
@Suite struct PackedAttributesTests {
    /// The bytes protobuf-c packs for a `Span` whose only field is one attribute `key` = `value`.
    private static func spanWithOneAttribute(key: CString, value: CAnyValue) -> [UInt8] {
        var value = value
        let templates = OTLPCommonTemplates()
        var keyValue = templates.keyValue
        keyValue.key = key
        var span = CSpan()
        opentelemetry__proto__trace__v1__span__init(&span)
        return withUnsafeMutablePointer(to: &value) { value in
            keyValue.value = value
            return withUnsafeMutablePointer(to: &keyValue) { keyValue in
                var pointers: [UnsafeMutablePointer<CKeyValue>?] = [keyValue]
                return pointers.withUnsafeMutableBufferPointer { pointers in
                    span.n_attributes = 1
                    span.attributes = pointers.baseAddress
                    let size = opentelemetry__proto__trace__v1__span__get_packed_size(&span)
                    var bytes = [UInt8](repeating: 0, count: size)
                    let written = bytes.withUnsafeMutableBufferPointer {
                        opentelemetry__proto__trace__v1__span__pack(&span, $0.baseAddress)
                    }
                    return Array(bytes.prefix(written))
                }
            }
        }
    }

    /// What protobuf-c writes for a `Span` carrying `attribute` as its only unknown field.
    private static func spanWithPacked(_ attribute: PackedAttribute) -> [UInt8] {
        var attribute = attribute
        var span = CSpan()
        opentelemetry__proto__trace__v1__span__init(&span)
        return withUnsafeMutablePointer(to: &attribute) { attribute in
            span.base.n_unknown_fields = 1
            span.base.unknown_fields = attribute
            let size = opentelemetry__proto__trace__v1__span__get_packed_size(&span)
            var bytes = [UInt8](repeating: 0, count: size)
            let written = bytes.withUnsafeMutableBufferPointer {
                opentelemetry__proto__trace__v1__span__pack(&span, $0.baseAddress)
            }
            return Array(bytes.prefix(written))
        }
    }

    @Test func aPackedStringAttributeIsTheKeyValueProtobufCWrites() throws {
        let arena = try OTLPArena(chunkSize: 4096)
        var packed = PackedAttributes(arena: arena)
        let key = try arena.string("http.route")
        let route = try arena.string("/users/{id}")
        let attribute = try packed.pack(.route, 3, key: key, string: route)

        var value = OTLPCommonTemplates().anyValue
        value.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
        value.string_value = route
        let expected = Self.spanWithOneAttribute(key: key, value: value)
        #expect(Self.spanWithPacked(attribute) == expected)
        #expect(expected.first == UInt8(0x4A))  // Span.attributes (9), length-delimited (2)
    }

    @Test func aPackedIntAttributeIsTheKeyValueProtobufCWrites() throws {
        let arena = try OTLPArena(chunkSize: 4096)
        var packed = PackedAttributes(arena: arena)
        let key = try arena.string("http.response.status_code")
        let attribute = try packed.pack(.statusCode, 503, key: key, int: 503)

        var value = OTLPCommonTemplates().anyValue
        value.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
        value.int_value = 503
        #expect(Self.spanWithPacked(attribute) == Self.spanWithOneAttribute(key: key, value: value))
    }

    @Test func entriesAreKeptByKindAndIndex() throws {
        let arena = try OTLPArena(chunkSize: 4096)
        var packed = PackedAttributes(arena: arena)
        let key = try arena.string("periscope.cluster")
        #expect(packed.cached(.cluster, 7) == nil)
        let attribute = try packed.pack(.cluster, 7, key: key, string: try arena.string("users"))
        #expect(packed.cached(.cluster, 7)?.data == attribute.data)
        #expect(packed.cached(.cluster, 7)?.len == attribute.len)
        #expect(packed.cached(.cluster, 6) == nil)
        #expect(packed.cached(.cluster, 8) == nil)
        #expect(packed.cached(.listener, 7) == nil)
    }

    @Test func statusCodesOutsideTheHTTPRangeAreNotPacked() throws {
        var cache = try SpanStringCache(table: SpanStringTable())
        let keys = try OTLPArena(chunkSize: 4096)
        let key = try keys.string("http.response.status_code")
        #expect(try cache.packed(statusCode: 200, key: key) != nil)
        #expect(try cache.packed(statusCode: 999, key: key) != nil)
        #expect(try cache.packed(statusCode: 99, key: key) == nil)
        #expect(try cache.packed(statusCode: 1000, key: key) == nil)
        withExtendedLifetime(keys) {}  // the key's memory
    }
}
