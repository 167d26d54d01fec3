import PeriscopeTelemetry

/// A C string with its length (without the terminating NUL).
struct SizedCString {
    let pointer: CString
    let count: Int
}

/// An upstream endpoint (`host:port`, interned) split for `server.address` / `server.port` and `url.full`.
struct EndpointParts {
    /// `server.address`: the host, without the brackets of an IPv6 literal.
    let address: CString
    /// `server.port`, or `nil` if the endpoint names no port.
    let port: Int64?
    /// The endpoint as a URL authority (`host:port`, an IPv6 literal in brackets).
    let authority: SizedCString
}

/// C copies of the strings of one ``PeriscopeTelemetry/SpanStringTable``, kept across batches.
///
/// A table's ids are never reused and the string of an id never changes, so a copy made for one batch stays right
/// for every later one: each configured name is copied once for the life of the encoder (or until the encoder is
/// handed another table), not once per batch. The copies live in an arena of their own that is never reset; it
/// grows with the number of distinct ids exported, which the table bounds.
struct SpanStringCache {
    /// The table the copies came from.
    let table: SpanStringTable
    private let arena: OTLPArena
    /// The table as of the current batch; ids newer than it do not resolve.
    private var snapshot: SpanStringTable.Snapshot
    /// Indexed by id; `nil` = not copied yet.
    private var strings: [SizedCString?] = []
    /// Span names `{method} {route}`, at `route * methodSlots + method`; `nil` = not built yet.
    private var routeSpanNames: [CString?] = []
    private static let methodSlots = SpanRecord.HTTPMethod.allCases.count
    /// Indexed by id; `nil` = not split yet.
    private var endpoints: [EndpointParts?] = []
    /// The byte count of the longest C string this cache has handed out (names, span names, endpoint authorities):
    /// with the records' inline capacities, it bounds what a span can pack into.
    private(set) var longest = 0
    /// Attributes with these strings as values, packed once (in the same arena).
    private var packed: PackedAttributes
    /// Attributes with values from requests that repeat (hosts, client addresses), packed when first seen.
    var values: PackedValueCache

    init(table: SpanStringTable) throws(OTLPEncodingError) {
        self.table = table
        let arena = try OTLPArena(chunkSize: 16 * 1024)
        self.arena = arena
        self.packed = PackedAttributes(arena: arena)
        self.values = try PackedValueCache(arena: arena)
        self.snapshot = table.snapshot()
    }

    /// Takes a new snapshot of the table: call once per batch, after the records were drained, so that every id in
    /// them resolves.
    mutating func refresh() {
        self.snapshot = self.table.snapshot()
        self.values.nextBatch()
    }

    /// The string of `id`, or `nil` for ``PeriscopeTelemetry/SpanStringID/none`` and for ids the snapshot does not
    /// know.
    mutating func string(_ id: SpanStringID) throws(OTLPEncodingError) -> SizedCString? {
        let index = Int(id.rawValue)
        if index < self.strings.count, let cached = self.strings[index] {
            return cached
        }
        guard !id.isNone, let string = self.snapshot[id], !string.isEmpty else { return nil }
        let copy = SizedCString(pointer: try self.arena.string(string), count: string.utf8.count)
        self.longest = max(self.longest, copy.count)
        if index >= self.strings.count {
            self.strings.append(contentsOf: repeatElement(nil, count: index + 1 - self.strings.count))
        }
        self.strings[index] = copy
        return copy
    }

    /// The attribute `key` = the string of `id` (`kind` names the key), packed once; `nil` when `id` does not
    /// resolve.
    mutating func packed(
        _ kind: PackedAttributes.Kind,
        _ id: SpanStringID,
        key: CString
    ) throws(OTLPEncodingError) -> PackedAttribute? {
        let index = Int(id.rawValue)
        if let cached = self.packed.cached(kind, index) {
            return cached
        }
        guard let string = try self.string(id) else { return nil }
        return try self.packed.pack(kind, index, key: key, string: string.pointer)
    }

    /// The attribute `key` = a part of endpoint `id` — its authority for ``PackedAttributes/Kind/endpoint``, its
    /// host for ``PackedAttributes/Kind/endpointAddress``, its port for ``PackedAttributes/Kind/endpointPort`` —
    /// packed once; `nil` when `id` does not resolve (or names no port).
    mutating func packed(
        endpoint kind: PackedAttributes.Kind,
        _ id: SpanStringID,
        key: CString
    ) throws(OTLPEncodingError) -> PackedAttribute? {
        let index = Int(id.rawValue)
        if let cached = self.packed.cached(kind, index) {
            return cached
        }
        guard let endpoint = try self.endpoint(id) else { return nil }
        switch kind {
        case .endpointPort:
            guard let port = endpoint.port else { return nil }
            return try self.packed.pack(kind, index, key: key, int: port)
        case .endpointAddress:
            return try self.packed.pack(kind, index, key: key, string: endpoint.address)
        case .endpoint:
            return try self.packed.pack(kind, index, key: key, string: endpoint.authority.pointer)
        default:
            preconditionFailure("\(kind) is not a part of an endpoint")
        }
    }

    /// The attribute `key` = `code` (`http.response.status_code`), packed once per code; `nil` for a code outside
    /// 100–999 (the caller fills it per span).
    mutating func packed(statusCode code: UInt16, key: CString) throws(OTLPEncodingError) -> PackedAttribute? {
        guard code >= 100 && code <= 999 else { return nil }
        if let cached = self.packed.cached(.statusCode, Int(code)) {
            return cached
        }
        return try self.packed.pack(.statusCode, Int(code), key: key, int: Int64(code))
    }

    /// The attribute `key` = `value`, a constant spelling of the enum case with `rawValue` (`kind` names the enum),
    /// packed once; `nil` when the case has no spelling.
    mutating func packed(
        constant kind: PackedAttributes.Kind,
        _ rawValue: UInt8,
        key: CString,
        value: CString?
    ) throws(OTLPEncodingError) -> PackedAttribute? {
        if let cached = self.packed.cached(kind, Int(rawValue)) {
            return cached
        }
        guard let value else { return nil }
        return try self.packed.pack(kind, Int(rawValue), key: key, string: value)
    }

    /// `"{method} {route}"` for a span with a route, built once per pair.
    mutating func spanName(
        route: SpanStringID,
        method: SpanRecord.HTTPMethod
    ) throws(OTLPEncodingError) -> CString? {
        let position = Int(route.rawValue) &* Self.methodSlots &+ Int(method.rawValue)
        let cached = self.routeSpanNames.withUnsafeBufferPointer { names in
            position < names.count ? names[position] : nil
        }
        if let cached {
            return cached
        }
        guard let routeText = self.snapshot[route], !routeText.isEmpty else { return nil }
        let text = SpanNames.methodPart(method) + " " + routeText
        let name = try self.arena.string(text)
        self.longest = max(self.longest, text.utf8.count)
        if position >= self.routeSpanNames.count {
            self.routeSpanNames.append(
                contentsOf: repeatElement(nil, count: position + 1 - self.routeSpanNames.count))
        }
        self.routeSpanNames[position] = name
        return name
    }

    /// The parts of endpoint `id` (`host:port`, `[v6]:port`, or a host alone), split once per id.
    mutating func endpoint(_ id: SpanStringID) throws(OTLPEncodingError) -> EndpointParts? {
        let index = Int(id.rawValue)
        if index < self.endpoints.count, let cached = self.endpoints[index] {
            return cached
        }
        guard !id.isNone, let text = self.snapshot[id], !text.isEmpty else { return nil }
        let (host, port) = Self.split(endpoint: text)
        let isBareIPv6 = !text.hasPrefix("[") && host.contains(":")
        let authority = isBareIPv6 ? "[" + host + "]" : text
        self.longest = max(self.longest, authority.utf8.count)
        let parts = EndpointParts(
            address: try self.arena.string(host),
            port: port,
            authority: SizedCString(pointer: try self.arena.string(authority), count: authority.utf8.count)
        )
        if index >= self.endpoints.count {
            self.endpoints.append(contentsOf: repeatElement(nil, count: index + 1 - self.endpoints.count))
        }
        self.endpoints[index] = parts
        return parts
    }

    /// Splits `host:port`, `[ipv6]:port`, `[ipv6]`, a bare IPv6 literal or a host alone into host and port.
    static func split(endpoint text: String) -> (host: String, port: Int64?) {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return (host, nil) }
            return (host, Self.port(rest.dropFirst()))
        }
        // One colon separates a port; more than one is an IPv6 literal without a port.
        guard let colon = text.firstIndex(of: ":"), text.lastIndex(of: ":") == colon,
            let port = Self.port(text[text.index(after: colon)...])
        else { return (text, nil) }
        return (String(text[..<colon]), port)
    }

    private static func port(_ text: Substring) -> Int64? {
        guard !text.isEmpty, text.utf8.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let value = Int64(text), value <= 65_535
        else { return nil }
        return value
    }
}
