import COTLP
import CProtobufC

@testable import PeriscopeOTLP

/// An `ExportTraceServiceRequest` unpacked by libprotobuf-c (`protobuf_c_message_unpack`) and copied into plain Swift
/// values, for assertions that need no Python.
struct UnpackedTracesRequest {
    typealias Value = UnpackedMetricsRequest.Value
    typealias Attributes = [(key: String, value: Value)]

    struct Event {
        var timeUnixNano: UInt64
        var name: String
        var attributes: Attributes
        var droppedAttributesCount: UInt32

        func attribute(_ key: String) -> Value? { self.attributes.first { $0.key == key }?.value }
    }

    struct Status: Equatable {
        var code: UInt32
        var message: String
    }

    struct Span {
        var traceID: [UInt8]
        var spanID: [UInt8]
        var traceState: String
        var parentSpanID: [UInt8]
        var name: String
        var kind: UInt32
        var startTimeUnixNano: UInt64
        var endTimeUnixNano: UInt64
        var attributes: Attributes
        var droppedAttributesCount: UInt32
        var events: [Event]
        var droppedEventsCount: UInt32
        var linkCount: Int
        var droppedLinksCount: UInt32
        var status: Status?
        var flags: UInt32

        func attribute(_ key: String) -> Value? { self.attributes.first { $0.key == key }?.value }
        var attributeKeys: [String] { self.attributes.map(\.key) }
    }

    var resourceSpansCount: Int
    var scopeSpansCount: Int
    var resourceAttributes: Attributes
    var scopeName: String
    var scopeVersion: String
    var spans: [Span]

    struct UnpackError: Error, CustomStringConvertible {
        var description: String
    }

    /// Unpacks `bytes`; fails if libprotobuf-c rejects them or `protobuf_c_message_check` finds the result invalid.
    init(_ bytes: [UInt8]) throws {
        let arena = try OTLPArena(chunkSize: 0)
        var template = Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest()
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__init(&template)
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            protobuf_c_message_unpack(template.base.descriptor, arena.allocator, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else { throw UnpackError(description: "protobuf_c_message_unpack rejected the bytes") }
        guard protobuf_c_message_check(unpacked) != 0 else {
            throw UnpackError(description: "protobuf_c_message_check failed")
        }
        let request = UnsafeRawPointer(unpacked).assumingMemoryBound(
            to: Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest.self
        )
        self.resourceSpansCount = request.pointee.n_resource_spans
        self.scopeSpansCount = 0
        self.resourceAttributes = []
        self.scopeName = ""
        self.scopeVersion = ""
        self.spans = []
        for resourceSpans in Self.array(request.pointee.resource_spans, request.pointee.n_resource_spans) {
            if let resource = resourceSpans.pointee.resource {
                self.resourceAttributes += Self.attributes(resource.pointee.attributes, resource.pointee.n_attributes)
            }
            self.scopeSpansCount += resourceSpans.pointee.n_scope_spans
            for scopeSpans in Self.array(resourceSpans.pointee.scope_spans, resourceSpans.pointee.n_scope_spans) {
                if let scope = scopeSpans.pointee.scope {
                    self.scopeName = String(cString: scope.pointee.name)
                    self.scopeVersion = String(cString: scope.pointee.version)
                }
                for span in Self.array(scopeSpans.pointee.spans, scopeSpans.pointee.n_spans) {
                    self.spans.append(Self.span(span.pointee))
                }
            }
        }
        withExtendedLifetime(arena) {}
    }

    private static func span(_ span: CSpan) -> Span {
        Span(
            traceID: Self.bytes(span.trace_id),
            spanID: Self.bytes(span.span_id),
            traceState: String(cString: span.trace_state),
            parentSpanID: Self.bytes(span.parent_span_id),
            name: String(cString: span.name),
            kind: span.kind.rawValue,
            startTimeUnixNano: span.start_time_unix_nano,
            endTimeUnixNano: span.end_time_unix_nano,
            attributes: Self.attributes(span.attributes, span.n_attributes),
            droppedAttributesCount: span.dropped_attributes_count,
            events: Self.array(span.events, span.n_events).map { event in
                Event(
                    timeUnixNano: event.pointee.time_unix_nano,
                    name: String(cString: event.pointee.name),
                    attributes: Self.attributes(event.pointee.attributes, event.pointee.n_attributes),
                    droppedAttributesCount: event.pointee.dropped_attributes_count
                )
            },
            droppedEventsCount: span.dropped_events_count,
            linkCount: span.n_links,
            droppedLinksCount: span.dropped_links_count,
            status: span.status.map {
                Status(code: $0.pointee.code.rawValue, message: String(cString: $0.pointee.message))
            },
            flags: span.flags
        )
    }

    private static func bytes(_ data: ProtobufCBinaryData) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data.data, count: data.len))
    }

    private static func attributes(_ list: MessagePointers<CKeyValue>?, _ count: Int) -> Attributes {
        Self.array(list, count).map { keyValue in
            let key = String(cString: keyValue.pointee.key)
            guard let value = keyValue.pointee.value?.pointee else { return (key, .unset) }
            switch value.value_case {
            case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
                return (key, .string(String(cString: value.string_value)))
            case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
                return (key, .bool(value.bool_value != 0))
            case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
                return (key, .int(value.int_value))
            case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
                return (key, .double(value.double_value))
            default:
                return (key, .unset)
            }
        }
    }

    private static func array<T>(_ list: MessagePointers<T>?, _ count: Int) -> [UnsafeMutablePointer<T>] {
        guard let list else { return [] }
        return (0..<count).map { list[$0]! }
    }
}
