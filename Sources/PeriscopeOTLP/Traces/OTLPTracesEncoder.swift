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
/// | `client.address` | string | any with an address | `clientAddress` (RFC 5952 text for IPv6) |
/// | `client.port` | int | any with an address, when ``Configuration/clientPort`` | `clientAddress` (opt-in in the conventions) |
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
/// Each span is built as protobuf-c structs in a per-encoder arena (`cotlp_arena`) and packed into the body at once:
/// one `Span` message and one id block serve every span, attribute messages are carved from shared runs, and per
/// span only the copies of its request text (path, user agent, client address) are made. Once a span is packed, the
/// arena is rewound to where the span began, so a batch of any size is built in the same few kilobytes (which stay
/// in the cache) instead of a megabyte the size of the batch. Nothing per span lives on the Swift heap; the arena
/// is reset after the batch and keeps one chunk for the next.
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
        /// Whether spans with a client address carry `client.port` too (opt-in in the HTTP conventions: the
        /// ephemeral port of each downstream connection). Default false.
        public var clientPort: Bool

        /// Creates a configuration.
        public init(
            resource: OTLPResource,
            scopeName: String = "periscope",
            scopeVersion: String = "",
            clientPort: Bool = false
        ) {
            self.resource = resource
            self.scopeName = scopeName
            self.scopeVersion = scopeVersion
            self.clientPort = clientPort
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
    /// The batch arena's bytes in use when the last batch was packed (before the reset): the envelope's messages
    /// and one span's memory, however many spans the batch had.
    private(set) var lastBatchArenaBytes = 0
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

        var builder = SpansBatchBuilder(
            arena: arena,
            constants: constants,
            templates: self.templates,
            cache: cache,
            clientPort: self.configuration.clientPort
        )
        // One `Span` message and one id block, refilled for each record: each span is packed as soon as it is
        // filled, while its message, attribute runs and text copies are still in the L1 cache, instead of filling
        // the whole batch first and reading it all back for packing.
        let span = try arena.messages(self.templates.span, count: 1)
        let ids = UnsafeMutableRawPointer(
            try arena.allocate(UInt64.self, count: SpansBatchBuilder.idBytesPerSpan / 8)
        )
        var body = try self.beginBody(arena: arena, spans: records.count)
        // What a span allocates (attribute runs, text copies, events) is taken back once it is packed, so every span
        // is built in the same few cache lines of arena memory.
        var perSpan = arena.mark
        var count = 0
        for index in 0..<records.count {
            let record = base + index
            guard SpansBatchBuilder.isValid(record) else { continue }
            span.initialize(to: self.templates.span)
            try builder.fill(span, ids: ids, from: record)
            Self.append(span, to: &body.buffer, longestString: builder.cache.longest)
            builder.forgetFilledSpans()
            if !arena.rewind(to: perSpan) {
                perSpan = arena.mark  // the span started a chunk: reuse that one from here on
            }
            count += 1
        }
        self.lastBatchArenaBytes = arena.bytesUsed
        self.stringCache = builder.cache
        if count == 0 {
            self.lastBody = body.buffer  // nothing to send: keep the memory for the next batch
        }

        return OTLPEncodedSpans(
            body: count > 0 ? self.finish(&body) : ByteBuffer(),
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

    /// A body being written: the envelope's room in front, then the packed spans.
    private struct Body {
        var buffer: ByteBuffer
        let resource: UnsafeMutablePointer<CResource>
        let scope: UnsafeMutablePointer<CInstrumentationScope>
        let resourceSize: Int
        let scopeSize: Int
        /// Bytes left in front of the spans for the envelope.
        let front: Int
    }

    /// Starts one `ExportTraceServiceRequest`, written straight into the body buffer:
    ///
    /// ```
    /// ExportTraceServiceRequest.resource_spans (1) {
    ///   ResourceSpans.resource (1) { … }
    ///   ResourceSpans.scope_spans (2) { ScopeSpans.scope (1) { … }  ScopeSpans.spans (2) { span } … }
    /// }
    /// ```
    ///
    /// protobuf-c packs each `Span` (``append(_:to:longestString:)``) and the resource and scope (``finish(_:)``);
    /// the envelope's length-delimited headers are written around them by hand. The envelope goes last, into room
    /// left here in front of the spans, and the body starts where it does.
    private func beginBody(arena: OTLPArena, spans: Int) throws(OTLPEncodingError) -> Body {
        let resource = try arena.resource(self.configuration.resource, templates: self.templates.common)
        let scope = try arena.scope(name: self.configuration.scopeName, version: self.configuration.scopeVersion)
        let resourceSize = opentelemetry__proto__resource__v1__resource__get_packed_size(resource)
        let scopeSize = opentelemetry__proto__common__v1__instrumentation_scope__get_packed_size(scope)
        // Room for the four envelope headers (a tag and a varint of at most 10 bytes each) and the two messages.
        let front = 4 * ProtobufFraming.maxHeaderBytes + resourceSize + scopeSize

        var buffer = self.lastBody ?? self.allocator.buffer(capacity: 0)
        self.lastBody = nil
        buffer.clear()  // keeps the memory when nothing else holds it
        buffer.reserveCapacity(front + spans * Self.typicalSpanBytes)
        buffer.writeRepeatingByte(0, count: front)
        return Body(
            buffer: buffer,
            resource: resource,
            scope: scope,
            resourceSize: resourceSize,
            scopeSize: scopeSize,
            front: front
        )
    }

    /// Packs `span` as the next `ScopeSpans.spans` element. protobuf-c packs it behind room for the largest header
    /// its size can need (``SpansBatchBuilder/maxPackedSpanSize(longestString:)``), so that no `get_packed_size`
    /// pass over the span is needed first (`pack` already sizes every nested message as it goes); the header is
    /// written once the span's length is known, the span moved back over any unused header byte.
    private static func append(
        _ span: UnsafeMutablePointer<CSpan>,
        to body: inout ByteBuffer,
        longestString: Int
    ) {
        let bound = SpansBatchBuilder.maxPackedSpanSize(longestString: longestString)
        let boundHeader = 1 + ProtobufFraming.varintSize(bound)
        body.writeWithUnsafeMutableBytes(minimumWritableBytes: boundHeader + bound) { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let written = opentelemetry__proto__trace__v1__span__pack(span, base + boundHeader)
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

    /// Writes the envelope in front of the packed spans; returns the finished body (kept for the next batch's
    /// memory).
    private func finish(_ body: inout Body) -> ByteBuffer {
        // Moved out of `body`, so that the buffer stays uniquely referenced (a copy would be copied on write).
        var buffer = body.buffer
        body.buffer = ByteBuffer()
        let front = body.front
        let spansSize = buffer.writerIndex - front
        let scopeSpansSize = ProtobufFraming.fieldSize(payload: body.scopeSize) + spansSize
        let resourceSpansSize =
            ProtobufFraming.fieldSize(payload: body.resourceSize) + ProtobufFraming.fieldSize(payload: scopeSpansSize)
        let total = ProtobufFraming.fieldSize(payload: resourceSpansSize)
        let start = front - (total - spansSize)
        buffer.withUnsafeMutableReadableBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var out = base + start
            // ExportTraceServiceRequest.resource_spans = 1
            out = ProtobufFraming.writeHeader(field: 1, length: resourceSpansSize, to: out)
            // ResourceSpans.resource = 1
            out = ProtobufFraming.writeHeader(field: 1, length: body.resourceSize, to: out)
            out += opentelemetry__proto__resource__v1__resource__pack(body.resource, out)
            // ResourceSpans.scope_spans = 2
            out = ProtobufFraming.writeHeader(field: 2, length: scopeSpansSize, to: out)
            // ScopeSpans.scope = 1
            out = ProtobufFraming.writeHeader(field: 1, length: body.scopeSize, to: out)
            out += opentelemetry__proto__common__v1__instrumentation_scope__pack(body.scope, out)
            precondition(out == base + front, "envelope ends at \(out - base), spans start at \(front)")
        }
        buffer.moveReaderIndex(to: start)
        self.lastBody = buffer
        return buffer
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
