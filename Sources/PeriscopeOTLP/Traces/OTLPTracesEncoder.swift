import COTLP
import CProtobufC
import NIOCore
import PeriscopeTelemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Encodes finished spans (``PeriscopeTelemetry/SpanRecord``s drained from the ``PeriscopeTelemetry/SpanBuffer``) as
/// the protobuf bytes of an OTLP `ExportTraceServiceRequest`: the body of an OTLP/HTTP `POST /v1/traces`.
///
/// ## Mapping
/// One request holds one `ResourceSpans` (the configured ``Configuration/resource``) with one `ScopeSpans` (scope
/// ``Configuration/scopeName`` / ``Configuration/scopeVersion``) and one `Span` per record, in order. Records with an
/// all-zero trace id or span id are left out and counted (``OTLPEncodedSpans/invalidSpanCount``).
///
/// | Span field | From the record |
/// |---|---|
/// | `trace_id`, `span_id` | 16 and 8 bytes, big-endian (the `traceparent` hex order) |
/// | `parent_span_id` | 8 bytes; absent for a root span (0) |
/// | `trace_state` | never set: the record does not carry it |
/// | `name` | server and other spans: `{method} {http.route}`, or `{method}` without a route; client spans: `{method}`. An unknown method is spelled `HTTP` (OpenTelemetry HTTP conventions). |
/// | `kind` | the record's kind (SERVER 2, CLIENT 3, …) |
/// | `start_time_unix_nano`, `end_time_unix_nano` | as recorded |
/// | `flags` | W3C trace flags and the is-remote bits (bits 0–9; 10–31 cleared) |
/// | `status` | absent when unset; else the code, and for an error `error.type` as message unless it is only the response status code |
/// | `events` | up to four: name from the kind, time, payload attribute (below); `dropped_events_count` for the rest |
///
/// Attributes, each only when the record has a value (empty id, 0 or `unknown` means absent):
///
/// | Attribute | Type | Spans | From |
/// |---|---|---|---|
/// | `http.request.method` | string | all | ``PeriscopeTelemetry/SpanRecord/method`` (`_OTHER` for an unknown method) |
/// | `http.route` | string | not client | `routeID` (a server attribute in the conventions; a client span's parent has it) |
/// | `http.response.status_code` | int | all | `responseStatusCode` |
/// | `server.address` | string | all | client spans: `endpointID` (`host:port`): the host, IPv6 without brackets; server spans: the inline `Host` header host (no port, no brackets) |
/// | `server.port` | int | all | `serverPort` (server spans: the `Host` header's port, else the listener port); on client spans the endpoint's port if `serverPort` is 0 |
/// | `url.full` | string | client | `{url.scheme}://{endpoint}{url.path}`, when all three are known |
/// | `url.path`, `url.scheme` | string | server; client without `url.full` | inline path (invalid UTF-8 repaired), `urlScheme` |
/// | `client.address`, `client.port` | string, int | any with an address | `clientAddress` (RFC 5952 text for IPv6) |
/// | `user_agent.original` | string | all | inline user agent (invalid UTF-8 repaired) |
/// | `network.protocol.version` | string | all | `protocolVersion` (`1.0`, `1.1`, `2`, `3`) |
/// | `http.request.resend_count` | int | all | `attempt - 1`, only when `attempt > 1` |
/// | `error.type` | string | all | `errorTypeID` |
/// | `periscope.cluster` | string | all | `clusterID` |
/// | `periscope.listener` | string | all | `listenerID` |
/// | `periscope.endpoint` | string | not client | `endpointID` (a client span has it as `server.*`) |
///
/// Event attributes: `retry` → `periscope.attempt` (int, the attempt being started); `timeout` →
/// `periscope.timeout_ms` (int); `rejected` → `periscope.policy` (string, the interned policy name);
/// `upstream_reset` → `periscope.bytes_received` (int); `downstream_reset` → `periscope.bytes_sent` (int);
/// `connect_failure` → `periscope.errno` (int, when non-zero); `circuit_open` → none.
///
/// ## Strings
/// Interned ids resolve through the ``PeriscopeTelemetry/SpanStringTable`` passed to ``encode(_:strings:)``, through
/// a snapshot taken at the start of each call — so call it after draining the buffer. An id the table does not know
/// leaves its attribute out. Each interned string is copied to C once for the life of the encoder (ids are never
/// reused), not once per batch.
///
/// ## Memory
/// Each batch is built as protobuf-c structs in a per-encoder arena (`cotlp_arena`): one allocation for all `Span`
/// messages and one for all ids, attribute messages carved from shared runs, and per span only the copies of its
/// request text (path, user agent, client address). Nothing per span lives on the Swift heap; the arena is released
/// right after packing and keeps one chunk for the next batch.
///
/// ## Concurrency
/// Not thread-safe and not `Sendable`: one encoder belongs to one exporter task, which calls `encode` once per batch.
public final class OTLPTracesEncoder {
    /// What an encoder sends besides the spans.
    public struct Configuration: Sendable {
        /// The resource every request carries.
        public var resource: OTLPResource
        /// The instrumentation scope name. Default `periscope`.
        public var scopeName: String
        /// The instrumentation scope version; empty means unknown.
        public var scopeVersion: String

        /// Creates a configuration.
        public init(resource: OTLPResource, scopeName: String = "periscope", scopeVersion: String = "") {
            self.resource = resource
            self.scopeName = scopeName
            self.scopeVersion = scopeVersion
        }
    }

    /// The configuration, fixed for the encoder's life.
    public let configuration: Configuration

    /// Standard arena chunk size: a batch of 512 spans (the default export batch) fits in one chunk.
    static let arenaChunkSize = 1024 * 1024

    private var arena: OTLPArena?
    private var constants: SpanConstants?
    private let templates = SpanTemplates()
    private var stringCache: SpanStringCache?
    private let allocator = ByteBufferAllocator()
    /// The last body, kept so the next batch can write into the same memory once the exporter has let go of it
    /// (when it has not — a request still in flight or being retried — the next body gets new memory).
    private var lastBody: ByteBuffer?
    /// Bytes a span usually packs into (a SERVER span of a plain GET is about 430), for the body's first capacity.
    static let typicalSpanBytes = 512

    /// Creates an encoder. Its arenas are created by the first ``encode(_:strings:)``.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Encodes `spans` as one `ExportTraceServiceRequest`.
    ///
    /// - Parameters:
    ///   - spans: Finished span records, e.g. drained with ``PeriscopeTelemetry/SpanBuffer/drain(into:max:)``. An
    ///     array or buffer pointer is read in place; other collections are copied to an array first.
    ///   - strings: The table the records' ``PeriscopeTelemetry/SpanStringID``s come from.
    /// - Returns: The packed request, empty if no span could be encoded.
    /// - Throws: ``OTLPEncodingError/outOfMemory`` if an arena could not grow.
    public func encode(
        _ spans: some Collection<SpanRecord>,
        strings: SpanStringTable
    ) throws(OTLPEncodingError) -> OTLPEncodedSpans {
        let contiguous: Result<OTLPEncodedSpans, OTLPEncodingError>? = spans.withContiguousStorageIfAvailable {
            records in
            Result { () throws(OTLPEncodingError) in try self.encode(records: records, strings: strings) }
        }
        if let contiguous {
            return try contiguous.get()
        }
        let copied = Array(spans).withUnsafeBufferPointer { records in
            Result { () throws(OTLPEncodingError) in try self.encode(records: records, strings: strings) }
        }
        return try copied.get()
    }

    private func encode(
        records: UnsafeBufferPointer<SpanRecord>,
        strings: SpanStringTable
    ) throws(OTLPEncodingError) -> OTLPEncodedSpans {
        guard let base = records.baseAddress, !records.isEmpty else {
            return OTLPEncodedSpans(body: ByteBuffer(), spanCount: 0)
        }
        let arena = try self.batchArena()
        defer { arena.reset() }
        let constants = try self.spanConstants()
        var cache = try self.takeStringCache(for: strings)
        cache.refresh()

        var builder = SpansBatchBuilder(arena: arena, constants: constants, templates: self.templates, cache: cache)
        let spans = try arena.messages(self.templates.span, count: records.count)
        let pointers = try arena.pointers(to: CSpan.self, count: records.count)
        let ids = UnsafeMutableRawPointer(
            try arena.allocate(UInt64.self, count: records.count * SpansBatchBuilder.idBytesPerSpan / 8)
        )
        var count = 0
        for index in 0..<records.count {
            let record = base + index
            guard SpansBatchBuilder.isValid(record) else { continue }
            try builder.fill(spans + count, ids: ids + count * SpansBatchBuilder.idBytesPerSpan, from: record)
            pointers[count] = spans + count
            count += 1
        }
        self.stringCache = builder.cache

        let body =
            count > 0
            ? try self.pack(spans: pointers, count: count, arena: arena, longestString: builder.cache.longest)
            : ByteBuffer()
        return OTLPEncodedSpans(
            body: body,
            spanCount: count,
            invalidSpanCount: records.count - count,
            truncatedValueCount: builder.truncatedValueCount
        )
    }

    private func batchArena() throws(OTLPEncodingError) -> OTLPArena {
        if let arena = self.arena { return arena }
        let arena = try OTLPArena(chunkSize: Self.arenaChunkSize)
        self.arena = arena
        return arena
    }

    private func spanConstants() throws(OTLPEncodingError) -> SpanConstants {
        if let constants = self.constants { return constants }
        let constants = try SpanConstants()
        self.constants = constants
        return constants
    }

    /// The string cache for `table`, moved out of the encoder for the batch (so that its arrays are uniquely
    /// referenced while the builder mutates them); a new one if the table is not the one cached.
    private func takeStringCache(for table: SpanStringTable) throws(OTLPEncodingError) -> SpanStringCache {
        if let cache = self.stringCache, cache.table === table {
            self.stringCache = nil
            return cache
        }
        self.stringCache = nil
        return try SpanStringCache(table: table)
    }

    /// Frames the filled spans into one `ExportTraceServiceRequest`, written straight into the body buffer:
    ///
    /// ```
    /// ExportTraceServiceRequest.resource_spans (1) {
    ///   ResourceSpans.resource (1) { … }
    ///   ResourceSpans.scope_spans (2) { ScopeSpans.scope (1) { … }  ScopeSpans.spans (2) { span } … }
    /// }
    /// ```
    ///
    /// protobuf-c packs each `Span` (and the resource and scope) into the buffer; the envelope's length-delimited
    /// headers are written around them by hand. Each span is packed at once behind room for its largest possible
    /// header, so that no `get_packed_size` pass over the span tree is needed first (protobuf-c's `pack` already
    /// sizes every nested message as it goes); the header is written once the span's length is known, the span
    /// moved back over any unused header byte. The envelope headers go last, into room left in front of the spans,
    /// and the body starts where they do.
    private func pack(
        spans: MessagePointers<CSpan>,
        count: Int,
        arena: OTLPArena,
        longestString: Int
    ) throws(OTLPEncodingError) -> ByteBuffer {
        let resource = try arena.resource(self.configuration.resource, templates: self.templates.common)
        let scope = try arena.scope(name: self.configuration.scopeName, version: self.configuration.scopeVersion)
        let resourceSize = opentelemetry__proto__resource__v1__resource__get_packed_size(resource)
        let scopeSize = opentelemetry__proto__common__v1__instrumentation_scope__get_packed_size(scope)
        // Room for the four envelope headers (a tag and a varint of at most 10 bytes each) and the two messages.
        let front = 4 * ProtobufFraming.maxHeaderBytes + resourceSize + scopeSize
        let bound = SpansBatchBuilder.maxPackedSpanSize(longestString: longestString)
        let boundHeader = 1 + ProtobufFraming.varintSize(bound)

        var body = self.lastBody ?? self.allocator.buffer(capacity: 0)
        self.lastBody = nil
        body.clear()  // keeps the memory when nothing else holds it
        body.reserveCapacity(front + count * Self.typicalSpanBytes)
        body.writeRepeatingByte(0, count: front)
        for index in 0..<count {
            body.writeWithUnsafeMutableBytes(minimumWritableBytes: boundHeader + bound) { raw in
                let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
                let written = opentelemetry__proto__trace__v1__span__pack(spans[index], base + boundHeader)
                precondition(written <= bound, "protobuf-c packed \(written) bytes, bound \(bound)")
                let header = ProtobufFraming.fieldSize(payload: written) - written
                if header < boundHeader {
                    memmove(base + header, base + boundHeader, written)
                }
                // ScopeSpans.spans = 2
                _ = ProtobufFraming.writeHeader(field: 2, length: written, to: base)
                return header + written
            }
        }
        let spansSize = body.writerIndex - front
        let scopeSpansSize = ProtobufFraming.fieldSize(payload: scopeSize) + spansSize
        let resourceSpansSize =
            ProtobufFraming.fieldSize(payload: resourceSize) + ProtobufFraming.fieldSize(payload: scopeSpansSize)
        let total = ProtobufFraming.fieldSize(payload: resourceSpansSize)
        let start = front - (total - spansSize)
        body.withUnsafeMutableReadableBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var out = base + start
            // ExportTraceServiceRequest.resource_spans = 1
            out = ProtobufFraming.writeHeader(field: 1, length: resourceSpansSize, to: out)
            // ResourceSpans.resource = 1
            out = ProtobufFraming.writeHeader(field: 1, length: resourceSize, to: out)
            out += opentelemetry__proto__resource__v1__resource__pack(resource, out)
            // ResourceSpans.scope_spans = 2
            out = ProtobufFraming.writeHeader(field: 2, length: scopeSpansSize, to: out)
            // ScopeSpans.scope = 1
            out = ProtobufFraming.writeHeader(field: 1, length: scopeSize, to: out)
            out += opentelemetry__proto__common__v1__instrumentation_scope__pack(scope, out)
            precondition(out == base + front, "envelope ends at \(out - base), spans start at \(front)")
        }
        body.moveReaderIndex(to: start)
        self.lastBody = body
        return body
    }
}

/// Tags and lengths of length-delimited (wire type 2) protobuf fields, for the envelope that
/// ``OTLPTracesEncoder`` frames around protobuf-c's packed messages.
enum ProtobufFraming {
    /// Bytes of the base-128 varint of `value`.
    static func varintSize(_ value: Int) -> Int {
        var size = 1
        var rest = UInt(bitPattern: value) >> 7
        while rest != 0 {
            size += 1
            rest >>= 7
        }
        return size
    }

    /// Bytes of a length-delimited field numbered below 16 (one tag byte) with a `payload`-byte body.
    /// The most bytes a length-delimited field header takes: the tag (fields 1–15) and a 10-byte varint.
    static let maxHeaderBytes = 11

    static func fieldSize(payload: Int) -> Int {
        1 + Self.varintSize(payload) + payload
    }

    /// Writes the tag of length-delimited field `field` (1...15) and the varint `length`; returns the next byte.
    static func writeHeader(
        field: UInt8,
        length: Int,
        to out: UnsafeMutablePointer<UInt8>
    ) -> UnsafeMutablePointer<UInt8> {
        out[0] = field << 3 | 2
        return Self.writeVarint(length, to: out + 1)
    }

    /// Writes `value` as a base-128 varint; returns the next byte.
    static func writeVarint(_ value: Int, to out: UnsafeMutablePointer<UInt8>) -> UnsafeMutablePointer<UInt8> {
        var position = out
        var rest = UInt(bitPattern: value)
        while rest >= 0x80 {
            position[0] = UInt8(truncatingIfNeeded: rest) | 0x80
            position += 1
            rest >>= 7
        }
        position[0] = UInt8(truncatingIfNeeded: rest)
        return position + 1
    }
}

@available(*, unavailable)
extension OTLPTracesEncoder: Sendable {}
