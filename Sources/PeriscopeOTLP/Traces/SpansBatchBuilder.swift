import COTLP
import CProtobufC
import PeriscopeTelemetry

typealias CResourceSpans = Opentelemetry__Proto__Trace__V1__ResourceSpans
typealias CScopeSpans = Opentelemetry__Proto__Trace__V1__ScopeSpans
typealias CSpan = Opentelemetry__Proto__Trace__V1__Span
typealias CSpanEvent = Opentelemetry__Proto__Trace__V1__Span__Event
typealias CSpanStatus = Opentelemetry__Proto__Trace__V1__Status

/// Initialised copies of the messages a span batch builds many of, made once with the generated init functions.
struct SpanTemplates {
    let common = OTLPCommonTemplates()
    let span: CSpan
    let event: CSpanEvent
    let status: CSpanStatus

    init() {
        var span = CSpan()
        opentelemetry__proto__trace__v1__span__init(&span)
        self.span = span
        var event = CSpanEvent()
        opentelemetry__proto__trace__v1__span__event__init(&event)
        self.event = event
        var status = CSpanStatus()
        opentelemetry__proto__trace__v1__status__init(&status)
        self.status = status
    }
}

/// Arena memory handed out in contiguous runs: ``reserve(_:in:)`` makes sure the next `count` elements are free
/// (starting a new chunk if not), the caller fills some of them, and ``commit(_:)`` keeps as many as it used. Lets a
/// span reserve room for its largest possible attribute list and keep only what it filled, without one arena call
/// per list.
struct ArenaSlab<Element> {
    private var next: UnsafeMutablePointer<Element>?
    private var remaining = 0
    /// Elements per chunk (more if one reservation needs more).
    let chunkCount: Int

    init(chunkCount: Int) {
        self.chunkCount = chunkCount
    }

    /// The start of `count` free elements, not initialised: the caller initialises each one it keeps.
    mutating func reserve(_ count: Int, in arena: OTLPArena) throws(OTLPEncodingError) -> UnsafeMutablePointer<Element>
    {
        if let next = self.next, self.remaining >= count {
            return next
        }
        let size = Swift.max(self.chunkCount, count)
        let chunk = try arena.allocateUninitialized(Element.self, count: size)
        self.next = chunk
        self.remaining = size
        return chunk
    }

    /// Lets go of the reserved run (its arena memory is being rewound): the next ``reserve(_:in:)`` takes new memory.
    mutating func forget() {
        self.next = nil
        self.remaining = 0
    }

    /// Keeps the first `count` elements of the last reservation.
    mutating func commit(_ count: Int) {
        self.next = self.next.map { $0 + count }
        self.remaining -= count
    }
}

/// The attribute list of one span or event being filled: `KeyValue` and `AnyValue` messages and the pointer array
/// protobuf-c wants, and the span's ``PackedAttribute``s, all in reserved slab memory.
struct AttributeWriter {
    let pointers: MessagePointers<CKeyValue>
    let keyValues: UnsafeMutablePointer<CKeyValue>
    let values: UnsafeMutablePointer<CAnyValue>
    let capacity: Int
    let packed: UnsafeMutablePointer<PackedAttribute>?
    let packedCapacity: Int
    let keyValueTemplate: CKeyValue
    let anyValueTemplate: CAnyValue
    private(set) var count = 0
    private(set) var packedCount = 0

    init(
        pointers: MessagePointers<CKeyValue>,
        keyValues: UnsafeMutablePointer<CKeyValue>,
        values: UnsafeMutablePointer<CAnyValue>,
        capacity: Int,
        packed: UnsafeMutablePointer<PackedAttribute>?,
        packedCapacity: Int,
        templates: OTLPCommonTemplates
    ) {
        self.pointers = pointers
        self.keyValues = keyValues
        self.values = values
        self.capacity = capacity
        self.packed = packed
        self.packedCapacity = packedCapacity
        self.keyValueTemplate = templates.keyValue
        self.anyValueTemplate = templates.anyValue
    }

    /// The `KeyValue *` array for the message, `nil` when empty.
    var list: MessagePointers<CKeyValue>? { self.count > 0 ? self.pointers : nil }

    /// The packed attributes, for the message's `unknown_fields` (`nil` when none).
    var packedList: UnsafeMutablePointer<PackedAttribute>? { self.packedCount > 0 ? self.packed : nil }

    /// Appends an attribute packed before, if any.
    mutating func append(_ attribute: PackedAttribute?) {
        guard let attribute else { return }
        precondition(self.packedCount < self.packedCapacity, "packed span attribute list overflow")
        self.packed![self.packedCount] = attribute
        self.packedCount += 1
    }

    /// Appends a string attribute.
    mutating func append(_ key: CString, string: CString) {
        let value = self.next(key)
        value.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
        value.pointee.string_value = string
    }

    /// Appends an int attribute.
    mutating func append(_ key: CString, int: Int64) {
        let value = self.next(key)
        value.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE
        value.pointee.int_value = int
    }

    private mutating func next(_ key: CString) -> UnsafeMutablePointer<CAnyValue> {
        precondition(self.count < self.capacity, "span attribute list overflow")
        let value = self.values + self.count
        let keyValue = self.keyValues + self.count
        value.initialize(to: self.anyValueTemplate)
        keyValue.initialize(to: self.keyValueTemplate)
        keyValue.pointee.key = key
        keyValue.pointee.value = value
        self.pointers[self.count] = keyValue
        self.count += 1
        return value
    }
}

/// Fills the `Span` messages of one batch from ``PeriscopeTelemetry/SpanRecord``s, in the batch arena.
///
/// Fixed strings (keys, method names, …) come from ``SpanConstants``; interned names from the ``SpanStringCache``;
/// only the per-request text — `url.path`, `user_agent.original`, `server.address`, `client.address`, `url.full` — and the id bytes are
/// copied per span.
struct SpansBatchBuilder {
    /// The most attributes one span gets (see ``addAttributes(of:to:)``), packed ones included.
    static let maxSpanAttributes = 17
    /// The most ``PackedAttribute``s one span gets: method, route, status code, endpoint (or a client span's
    /// endpoint address and port), scheme, protocol version, error type, cluster, listener, and from the
    /// ``PackedValueCache`` a server span's `server.address` and `server.port`, `client.address` and `client.port`.
    static let maxPackedAttributes = 14
    /// Bytes of id storage per span: trace id, span id, parent span id.
    static let idBytesPerSpan = 32
    /// `Span.flags` bits a runtime span may set (trace flags and the two is-remote bits); 10–31 must be zero.
    static let flagsMask: UInt32 = 0x3FF

    let arena: OTLPArena
    let constants: SpanConstants
    let templates: SpanTemplates
    var cache: SpanStringCache
    /// Whether spans carry `client.port` (opt-in).
    let clientPort: Bool

    private var keyValues = ArenaSlab<CKeyValue>(chunkCount: 1024)
    private var anyValues = ArenaSlab<CAnyValue>(chunkCount: 1024)
    private var attributePointers = ArenaSlab<UnsafeMutablePointer<CKeyValue>?>(chunkCount: 1024)
    private var packedAttributes = ArenaSlab<PackedAttribute>(chunkCount: 1024)

    /// `url.path` and `user_agent.original` values exported cut short (flagged in the record's truncation).
    private(set) var truncatedValueCount = 0

    init(
        arena: OTLPArena,
        constants: SpanConstants,
        templates: SpanTemplates,
        cache: SpanStringCache,
        clientPort: Bool = false
    ) {
        self.arena = arena
        self.constants = constants
        self.templates = templates
        self.cache = cache
        self.clientPort = clientPort
    }

    /// Lets go of the arena memory the spans filled so far use, before the encoder rewinds the arena to reuse it for
    /// the next span (the filled spans have been packed).
    mutating func forgetFilledSpans() {
        self.keyValues.forget()
        self.anyValues.forget()
        self.attributePointers.forget()
        self.packedAttributes.forget()
    }

    /// An upper bound of the bytes protobuf-c packs one `Span` filled by this builder into, given the longest string
    /// the batch's ``SpanStringCache`` handed out: every attribute and event at its largest, texts repaired to
    /// U+FFFD (3 bytes) for every stored byte. The encoder packs each span behind this much room.
    static func maxPackedSpanSize(longestString: Int) -> Int {
        // A length-delimited field: a tag, a length varint (at most 3 bytes below 2 MiB), the payload.
        func field(_ payload: Int) -> Int { 4 + payload }
        let longest = longestString + 8  // span names and authorities are built from interned strings
        let text = 3 * max(SpanRecord.urlPathCapacity, SpanRecord.userAgentCapacity, SpanRecord.serverAddressCapacity)
        // url.full: a scheme, "://", an authority and the path.
        let value = max(text, 16 + longest + 3 * SpanRecord.urlPathCapacity, longest, SpanText.maxAddressLength)
        let maxKeyBytes = 64
        // KeyValue { key, AnyValue { string_value | int_value (a 10-byte varint) } }
        let attribute = field(field(maxKeyBytes) + field(field(max(value, 10))))
        let event = field(9 + field(32) + attribute)  // time, name, one attribute
        let fixed =
            field(16) + 2 * field(8)  // trace_id, span_id, parent_span_id
            + field(longest)  // name
            + 2 + 2 * 9 + 5 + 6  // kind, start and end times, flags, dropped_events_count
            + field(2 * 11 + field(longest))  // status: code, message
        return fixed + Self.maxSpanAttributes * attribute + SpanRecord.Events.capacity * event + 64
    }

    /// Whether `record` can be exported: OTLP requires a non-zero trace id and span id.
    static func isValid(_ record: UnsafePointer<SpanRecord>) -> Bool {
        record.pointee.traceIDHigh | record.pointee.traceIDLow != 0 && record.pointee.spanID != 0
    }

    /// Fills `span` (an initialised `Span`) from `record`, with its ids in the 32 bytes at `ids`.
    mutating func fill(
        _ span: UnsafeMutablePointer<CSpan>,
        ids: UnsafeMutableRawPointer,
        from record: UnsafePointer<SpanRecord>
    ) throws(OTLPEncodingError) {
        ids.storeBytes(of: record.pointee.traceIDHigh.bigEndian, toByteOffset: 0, as: UInt64.self)
        ids.storeBytes(of: record.pointee.traceIDLow.bigEndian, toByteOffset: 8, as: UInt64.self)
        ids.storeBytes(of: record.pointee.spanID.bigEndian, toByteOffset: 16, as: UInt64.self)
        let idBytes = ids.assumingMemoryBound(to: UInt8.self)
        span.pointee.trace_id = ProtobufCBinaryData(len: 16, data: idBytes)
        span.pointee.span_id = ProtobufCBinaryData(len: 8, data: idBytes + 16)
        if record.pointee.parentSpanID != 0 {
            ids.storeBytes(of: record.pointee.parentSpanID.bigEndian, toByteOffset: 24, as: UInt64.self)
            span.pointee.parent_span_id = ProtobufCBinaryData(len: 8, data: idBytes + 24)
        }
        span.pointee.name = try self.name(of: record)
        span.pointee.kind = Opentelemetry__Proto__Trace__V1__Span__SpanKind(
            rawValue: UInt32(record.pointee.kind.rawValue)
        )
        span.pointee.start_time_unix_nano = record.pointee.startTimeUnixNano
        span.pointee.end_time_unix_nano = record.pointee.endTimeUnixNano
        span.pointee.flags = record.pointee.flags & Self.flagsMask

        try self.addAttributes(of: record, to: span)
        if !record.pointee.events.isEmpty {
            try self.addEvents(of: record, to: span)
        }
        span.pointee.dropped_events_count = UInt32(record.pointee.events.droppedCount)
        if record.pointee.status != .unset {
            span.pointee.status = try self.status(of: record)
        }
    }

    // MARK: - Name and status

    /// `{method} {route}` when the span has a route and is not a client span, else `{method}`.
    private mutating func name(of record: UnsafePointer<SpanRecord>) throws(OTLPEncodingError) -> CString {
        let method = record.pointee.method
        if record.pointee.kind != .client, !record.pointee.routeID.isNone,
            let name = try self.cache.spanName(route: record.pointee.routeID, method: method)
        {
            return name
        }
        return self.constants.methodSpanNames[method.rawValue]!
    }

    /// The span's `Status`: the code, and for an error the `error.type` as message — unless it is just the response
    /// status code, which the conventions say not to repeat in the description.
    private mutating func status(
        of record: UnsafePointer<SpanRecord>
    ) throws(OTLPEncodingError) -> UnsafeMutablePointer<CSpanStatus> {
        let status = try self.arena.messages(self.templates.status, count: 1)
        status.pointee.code = Opentelemetry__Proto__Trace__V1__Status__StatusCode(
            rawValue: UInt32(record.pointee.status.rawValue)
        )
        if record.pointee.status == .error, let errorType = try self.cache.string(record.pointee.errorTypeID),
            !Self.isDecimal(errorType, equalTo: record.pointee.responseStatusCode)
        {
            status.pointee.message = errorType.pointer
        }
        return status
    }

    private static func isDecimal(_ text: SizedCString, equalTo code: UInt16) -> Bool {
        guard code != 0, text.count <= 5 else { return false }
        var value = 0
        for index in 0..<text.count {
            let digit = Int(UInt8(bitPattern: text.pointer[index])) - 0x30
            guard digit >= 0 && digit <= 9 else { return false }
            value = value * 10 + digit
        }
        return value == Int(code)
    }

    // MARK: - Attributes

    private mutating func attributeWriter(
        capacity: Int,
        packedCapacity: Int = 0
    ) throws(OTLPEncodingError) -> AttributeWriter {
        AttributeWriter(
            pointers: try self.attributePointers.reserve(capacity, in: self.arena),
            keyValues: try self.keyValues.reserve(capacity, in: self.arena),
            values: try self.anyValues.reserve(capacity, in: self.arena),
            capacity: capacity,
            packed: packedCapacity > 0 ? try self.packedAttributes.reserve(packedCapacity, in: self.arena) : nil,
            packedCapacity: packedCapacity,
            templates: self.templates.common
        )
    }

    private mutating func commit(_ writer: AttributeWriter) {
        self.attributePointers.commit(writer.count)
        self.keyValues.commit(writer.count)
        self.anyValues.commit(writer.count)
        if writer.packedCapacity > 0 {
            self.packedAttributes.commit(writer.packedCount)
        }
    }

    /// The span's attributes, each only when the record has a value for it (see ``OTLPTracesEncoder`` for the
    /// table). At most ``maxSpanAttributes``. Those whose value is a constant or an interned name are
    /// ``PackedAttributes`` (packed once, copied per span); the others are filled as `KeyValue` messages.
    private mutating func addAttributes(
        of record: UnsafePointer<SpanRecord>,
        to span: UnsafeMutablePointer<CSpan>
    ) throws(OTLPEncodingError) {
        let keys = self.constants.keys
        let isClient = record.pointee.kind == .client
        var attributes = try self.attributeWriter(
            capacity: Self.maxSpanAttributes,
            packedCapacity: Self.maxPackedAttributes
        )

        let method = record.pointee.method.rawValue
        attributes.append(
            try self.cache.packed(
                constant: .method, method, key: keys.httpRequestMethod, value: self.constants.methods[method])
        )
        // http.route is a server attribute; a client span's parent carries it.
        if !isClient {
            attributes.append(try self.cache.packed(.route, record.pointee.routeID, key: keys.httpRoute))
        }
        let statusCode = record.pointee.responseStatusCode
        if statusCode != 0 {
            if let packed = try self.cache.packed(statusCode: statusCode, key: keys.httpResponseStatusCode) {
                attributes.append(packed)
            } else {
                attributes.append(keys.httpResponseStatusCode, int: Int64(statusCode))
            }
        }

        // The upstream endpoint: server.* on a client span, periscope.endpoint otherwise.
        let endpoint = try self.cache.endpoint(record.pointee.endpointID)
        var serverPort: Int64? = record.pointee.serverPort != 0 ? Int64(record.pointee.serverPort) : nil
        if let endpoint {
            if isClient {
                attributes.append(
                    try self.cache.packed(
                        endpoint: .endpointAddress, record.pointee.endpointID, key: keys.serverAddress)
                )
                // The endpoint's own port (the usual case) is packed once per endpoint.
                if serverPort == nil || serverPort == endpoint.port,
                    let port = try self.cache.packed(
                        endpoint: .endpointPort, record.pointee.endpointID, key: keys.serverPort)
                {
                    attributes.append(port)
                    serverPort = nil
                }
            } else {
                attributes.append(
                    try self.cache.packed(endpoint: .endpoint, record.pointee.endpointID, key: keys.endpoint))
            }
        }
        if !isClient {
            try self.addServerAddress(of: record, to: &attributes)
        }
        if let serverPort {
            if let packed = self.cache.values.packed(.serverPort, int: serverPort, attributeKey: keys.serverPort) {
                attributes.append(packed)
            } else {
                attributes.append(keys.serverPort, int: serverPort)
            }
        }

        // URL: url.full on a client span when scheme, endpoint and path are known; url.path / url.scheme otherwise.
        let scheme = self.constants.schemes[record.pointee.urlScheme.rawValue]
        var wroteFullURL = false
        if isClient, let scheme, let endpoint {
            if let full = try self.fullURL(record, scheme: scheme, authority: endpoint.authority) {
                attributes.append(keys.urlFull, string: full)
                wroteFullURL = true
            }
        }
        if !wroteFullURL {
            if let path = try self.text(record, .urlPath) {
                attributes.append(keys.urlPath, string: path)
            }
            attributes.append(
                try self.cache.packed(
                    constant: .scheme, record.pointee.urlScheme.rawValue, key: keys.urlScheme, value: scheme)
            )
        }

        try self.addClientAddress(of: record, to: &attributes)
        if let userAgent = try self.text(record, .userAgent) {
            attributes.append(keys.userAgentOriginal, string: userAgent)
        }
        let version = record.pointee.protocolVersion.rawValue
        attributes.append(
            try self.cache.packed(
                constant: .protocolVersion, version, key: keys.networkProtocolVersion,
                value: self.constants.protocolVersions[version])
        )
        if record.pointee.attempt > 1 {
            attributes.append(keys.httpRequestResendCount, int: Int64(record.pointee.attempt) - 1)
        }
        attributes.append(try self.cache.packed(.errorType, record.pointee.errorTypeID, key: keys.errorType))
        attributes.append(try self.cache.packed(.cluster, record.pointee.clusterID, key: keys.cluster))
        attributes.append(try self.cache.packed(.listener, record.pointee.listenerID, key: keys.listener))

        span.pointee.n_attributes = attributes.count
        span.pointee.attributes = attributes.list
        // protobuf-c writes these after the span's other fields, as more `Span.attributes` (9) elements.
        span.pointee.base.n_unknown_fields = UInt32(attributes.packedCount)
        span.pointee.base.unknown_fields = attributes.packedList
        self.commit(attributes)
    }

    /// `server.address` of a server span (the `Host` it was asked for): packed once per host while the host repeats.
    private mutating func addServerAddress(
        of record: UnsafePointer<SpanRecord>,
        to attributes: inout AttributeWriter
    ) throws(OTLPEncodingError) {
        let key = self.constants.keys.serverAddress
        let lookup = record.pointee.withServerAddressBytes { self.cache.values.lookup(.serverAddress, key: $0) }
        if case .hit(let packed) = lookup {
            if record.pointee.truncation.contains(.serverAddress) { self.truncatedValueCount += 1 }
            return attributes.append(packed)
        }
        guard let address = try self.text(record, .serverAddress) else { return }
        if case .miss(let slot) = lookup,
            let packed = record.pointee.withServerAddressBytes({
                self.cache.values.store(.serverAddress, slot: slot, key: $0, attributeKey: key, string: address)
            })
        {
            return attributes.append(packed)
        }
        attributes.append(key, string: address)
    }

    /// `client.address`, and `client.port` when opted in: packed once per address and port while they repeat (a
    /// connection's requests, clients behind a load balancer).
    private mutating func addClientAddress(
        of record: UnsafePointer<SpanRecord>,
        to attributes: inout AttributeWriter
    ) throws(OTLPEncodingError) {
        let client = record.pointee.clientAddress
        guard client.family != .none else { return }
        let attributeKey = self.constants.keys.clientAddress
        var bits = (client.high, client.low, UInt64(client.family.rawValue))
        let lookup = withUnsafeBytes(of: &bits) { self.cache.values.lookup(.clientAddress, key: $0) }
        if case .hit(let packed) = lookup {
            attributes.append(packed)
        } else if let address = try self.clientAddress(record) {
            if case .miss(let slot) = lookup,
                let packed = withUnsafeBytes(
                    of: &bits,
                    {
                        self.cache.values.store(
                            .clientAddress, slot: slot, key: $0, attributeKey: attributeKey, string: address)
                    })
            {
                attributes.append(packed)
            } else {
                attributes.append(attributeKey, string: address)
            }
        }
        guard self.clientPort, client.port != 0 else { return }
        let portKey = self.constants.keys.clientPort
        if let packed = self.cache.values.packed(.clientPort, int: Int64(client.port), attributeKey: portKey) {
            attributes.append(packed)
        } else {
            attributes.append(portKey, int: Int64(client.port))
        }
    }

    /// The inline texts of a record.
    enum InlineText {
        case urlPath
        case userAgent
        case serverAddress

        /// The record's flag for this text being cut.
        var truncationFlag: SpanRecord.Truncation {
            switch self {
            case .urlPath: .urlPath
            case .userAgent: .userAgent
            case .serverAddress: .serverAddress
            }
        }
    }

    /// A C copy of the record's `url.path` or `user_agent.original`, `nil` when empty. Invalid UTF-8 (a protobuf
    /// `string` must be UTF-8, and receivers reject the whole request otherwise) is repaired with U+FFFD.
    private mutating func text(
        _ record: UnsafePointer<SpanRecord>,
        _ field: InlineText
    ) throws(OTLPEncodingError) -> CString? {
        let arena = self.arena
        let result: TextResult =
            switch field {
            case .urlPath: record.pointee.withURLPathBytes { Self.copyText($0, arena: arena) }
            case .userAgent: record.pointee.withUserAgentBytes { Self.copyText($0, arena: arena) }
            case .serverAddress: record.pointee.withServerAddressBytes { Self.copyText($0, arena: arena) }
            }
        let copy = try result.get()
        if copy != nil, record.pointee.truncation.contains(field.truncationFlag) {
            self.truncatedValueCount += 1
        }
        return copy
    }

    /// A C string or why it could not be made (for the closures of the record's `with…Bytes` accessors).
    private typealias TextResult = Result<CString?, OTLPEncodingError>

    private static func copyText(_ bytes: UnsafeRawBufferPointer, arena: OTLPArena) -> TextResult {
        guard !bytes.isEmpty else { return .success(nil) }
        do throws(OTLPEncodingError) {
            if SpanText.isValidUTF8(bytes) {
                let copy = try arena.allocate(CChar.self, count: bytes.count + 1)  // zero-filled: terminated
                UnsafeMutableRawPointer(copy).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                return .success(copy)
            }
            return .success(try arena.string(String(decoding: bytes, as: UTF8.self)))
        } catch {
            return .failure(error)
        }
    }

    /// `client.address` written straight into the arena, `nil` when the record has no address.
    private func clientAddress(_ record: UnsafePointer<SpanRecord>) throws(OTLPEncodingError) -> CString? {
        guard record.pointee.clientAddress.family != .none else { return nil }
        let buffer = try self.arena.allocate(UInt8.self, count: SpanText.maxAddressLength + 1)
        _ = SpanText.writeAddress(record.pointee.clientAddress, to: buffer)
        return UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: CChar.self)
    }

    /// `{scheme}://{authority}{path}`, `nil` when the record has no path. (The record keeps no query string, so
    /// `url.full` has none either.)
    private mutating func fullURL(
        _ record: UnsafePointer<SpanRecord>,
        scheme: CString,
        authority: SizedCString
    ) throws(OTLPEncodingError) -> CString? {
        let arena = self.arena
        let result: TextResult = record.pointee.withURLPathBytes { path in
            guard !path.isEmpty, SpanText.isValidUTF8(path) else { return .success(nil) }
            let schemeLength = strlenASCII(scheme)
            let total = schemeLength + 3 + authority.count + path.count
            let buffer: UnsafeMutablePointer<CChar>
            do throws(OTLPEncodingError) {
                buffer = try arena.allocate(CChar.self, count: total + 1)
            } catch {
                return .failure(error)
            }
            let raw = UnsafeMutableRawPointer(buffer)
            raw.copyMemory(from: scheme, byteCount: schemeLength)
            (raw + schemeLength).copyMemory(from: "://", byteCount: 3)
            (raw + schemeLength + 3).copyMemory(from: authority.pointer, byteCount: authority.count)
            (raw + schemeLength + 3 + authority.count).copyMemory(from: path.baseAddress!, byteCount: path.count)
            return .success(buffer)
        }
        let url = try result.get()
        if url != nil, record.pointee.truncation.contains(.urlPath) {
            self.truncatedValueCount += 1
        }
        return url
    }

    // MARK: - Events

    /// One `Event` per stored event: the kind's name, the time, and the payload as an attribute where it means
    /// something (see ``OTLPTracesEncoder``).
    private mutating func addEvents(
        of record: UnsafePointer<SpanRecord>,
        to span: UnsafeMutablePointer<CSpan>
    ) throws(OTLPEncodingError) {
        let events = record.pointee.events
        let count = events.count
        let messages = try self.arena.messages(self.templates.event, count: count)
        let pointers = try self.arena.pointers(to: CSpanEvent.self, count: count)
        let keys = self.constants.keys
        for index in 0..<count {
            let event = events[index]
            let message = messages + index
            message.pointee.time_unix_nano = event.timeUnixNano
            message.pointee.name = self.constants.eventNames[event.kind.rawValue]!
            var attributes = try self.attributeWriter(capacity: 1)
            let payload = Int64(event.payload)
            switch event.kind {
            case .retry:
                if payload > 0 { attributes.append(keys.attempt, int: payload) }
            case .timeout:
                if payload > 0 { attributes.append(keys.timeoutMilliseconds, int: payload) }
            case .rejected:
                if let policy = try self.cache.string(SpanStringID(rawValue: event.payload)) {
                    attributes.append(keys.policy, string: policy.pointer)
                }
            case .upstreamReset:
                attributes.append(keys.bytesReceived, int: payload)
            case .downstreamReset:
                attributes.append(keys.bytesSent, int: payload)
            case .connectFailure:
                if payload > 0 { attributes.append(keys.errno, int: payload) }
            case .circuitOpen:
                break
            }
            message.pointee.n_attributes = attributes.count
            message.pointee.attributes = attributes.list
            self.commit(attributes)
            pointers[index] = message
        }
        span.pointee.n_events = count
        span.pointee.events = pointers
    }
}

/// The length of a NUL-terminated ASCII constant.
private func strlenASCII(_ string: CString) -> Int {
    var count = 0
    while string[count] != 0 { count += 1 }
    return count
}
