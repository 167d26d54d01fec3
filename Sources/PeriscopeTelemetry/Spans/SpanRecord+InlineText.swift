/// Inline bytes of `url.path`: 128 bytes, 8-byte aligned so the record needs no padding around it.
@usableFromInline
struct URLPathStorage: Sendable, BitwiseCopyable {
    @usableFromInline var words:
        (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        )

    @inlinable
    init() {
        self.words = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }
}

/// Inline bytes of `user_agent.original`: 88 bytes (the size that rounds the record to six cache lines).
@usableFromInline
struct UserAgentStorage: Sendable, BitwiseCopyable {
    @usableFromInline var words:
        (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    @inlinable
    init() {
        self.words = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    }
}

/// Inline bytes of a server span's `server.address` (the request's `Host` without its port): 64 bytes (the size that
/// rounds the record to seven cache lines).
@usableFromInline
struct ServerAddressStorage: Sendable, BitwiseCopyable {
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    @inlinable
    init() {
        self.words = (0, 0, 0, 0, 0, 0, 0, 0)
    }
}

extension SpanRecord {
    /// Copies `source` into `storage`, cut at the last whole UTF-8 character that fits (also used by other
    /// fixed-size records with inline text, such as the access log's).
    ///
    /// - Returns: The bytes kept, and whether any were cut.
    @inlinable
    public static func copyTruncating(
        _ source: UnsafeRawBufferPointer,
        into storage: UnsafeMutableRawBufferPointer
    ) -> (count: UInt8, truncated: Bool) {
        var count = source.count
        let truncated = count > storage.count
        if truncated {
            count = storage.count
            // source[count] is the first byte left out: while it continues a character, that character would be
            // split, so leave out its earlier bytes too. Keeps the stored text valid UTF-8 if the input was.
            while count > 0 && source[count] & 0xC0 == 0x80 {
                count -= 1
            }
        }
        if count > 0 {
            storage.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: count)
        }
        return (UInt8(truncatingIfNeeded: count), truncated)
    }

    // MARK: url.path

    /// Sets `url.path` from UTF-8 bytes, keeping at most ``urlPathCapacity`` bytes (cut at a character boundary)
    /// and setting or clearing ``Truncation/urlPath``. No allocation.
    @inlinable
    public mutating func setURLPath(utf8 bytes: UnsafeRawBufferPointer) {
        let (count, truncated) = withUnsafeMutableBytes(of: &self.urlPathStorage) { storage in
            Self.copyTruncating(bytes, into: storage)
        }
        self.urlPathLength = count
        if truncated { self.truncationBits.insert(.urlPath) } else { self.truncationBits.remove(.urlPath) }
    }

    /// Sets `url.path` from a string (see ``setURLPath(utf8:)``). No allocation for native strings.
    @inlinable
    public mutating func setURLPath(_ path: some StringProtocol) {
        let copied: Void? = path.utf8.withContiguousStorageIfAvailable { buffer in
            self.setURLPath(utf8: UnsafeRawBufferPointer(buffer))
        }
        if copied == nil {
            var native = String(path)
            native.withUTF8 { self.setURLPath(utf8: UnsafeRawBufferPointer($0)) }
        }
    }

    /// Sets `url.path` from an HTTP request target (`/a/b?x=1`): the part before the first `?` or `#`.
    @inlinable
    public mutating func setURLPath(requestTarget target: some StringProtocol) {
        let copied: Void? = target.utf8.withContiguousStorageIfAvailable { buffer in
            self.setURLPath(
                utf8: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[..<Self.pathEnd(buffer)])))
        }
        if copied == nil {
            var native = String(target)
            native.withUTF8 { buffer in
                self.setURLPath(
                    utf8: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[..<Self.pathEnd(buffer)])))
            }
        }
    }

    /// Sets `url.path` (and ``Truncation/urlPath``) to `other`'s: a CLIENT span takes its SERVER parent's path,
    /// which is the path it sends upstream. No allocation.
    @inlinable
    public mutating func copyURLPath(from other: borrowing SpanRecord) {
        self.urlPathStorage = other.urlPathStorage
        self.urlPathLength = other.urlPathLength
        if other.truncationBits.contains(.urlPath) {
            self.truncationBits.insert(.urlPath)
        } else {
            self.truncationBits.remove(.urlPath)
        }
    }

    @inlinable
    static func pathEnd(_ target: UnsafeBufferPointer<UInt8>) -> Int {
        target.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? target.count
    }

    /// Calls `body` with the stored `url.path` bytes (valid only inside `body`). For the encoder: no copy.
    @inlinable
    public func withURLPathBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: self.urlPathStorage) { storage in
            try body(UnsafeRawBufferPointer(rebasing: storage[..<Int(self.urlPathLength)]))
        }
    }

    /// The stored `url.path` (invalid UTF-8 is repaired). Allocates: for export and tests.
    public var urlPath: String {
        self.withURLPathBytes { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: user_agent.original

    /// Sets `user_agent.original` from UTF-8 bytes, keeping at most ``userAgentCapacity`` bytes (cut at a
    /// character boundary) and setting or clearing ``Truncation/userAgent``. No allocation.
    @inlinable
    public mutating func setUserAgent(utf8 bytes: UnsafeRawBufferPointer) {
        let (count, truncated) = withUnsafeMutableBytes(of: &self.userAgentStorage) { storage in
            Self.copyTruncating(bytes, into: storage)
        }
        self.userAgentLength = count
        if truncated { self.truncationBits.insert(.userAgent) } else { self.truncationBits.remove(.userAgent) }
    }

    /// Sets `user_agent.original` from a string (see ``setUserAgent(utf8:)``). No allocation for native strings.
    @inlinable
    public mutating func setUserAgent(_ userAgent: some StringProtocol) {
        let copied: Void? = userAgent.utf8.withContiguousStorageIfAvailable { buffer in
            self.setUserAgent(utf8: UnsafeRawBufferPointer(buffer))
        }
        if copied == nil {
            var native = String(userAgent)
            native.withUTF8 { self.setUserAgent(utf8: UnsafeRawBufferPointer($0)) }
        }
    }

    /// Calls `body` with the stored `user_agent.original` bytes (valid only inside `body`).
    @inlinable
    public func withUserAgentBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: self.userAgentStorage) { storage in
            try body(UnsafeRawBufferPointer(rebasing: storage[..<Int(self.userAgentLength)]))
        }
    }

    /// The stored `user_agent.original` (invalid UTF-8 is repaired). Allocates: for export and tests.
    public var userAgent: String {
        self.withUserAgentBytes { String(decoding: $0, as: UTF8.self) }
    }

    // MARK: server.address (server spans)

    /// Sets `server.address` from UTF-8 bytes, keeping at most ``serverAddressCapacity`` bytes (cut at a character
    /// boundary) and setting or clearing ``Truncation/serverAddress``. No allocation.
    @inlinable
    public mutating func setServerAddress(utf8 bytes: UnsafeRawBufferPointer) {
        let (count, truncated) = withUnsafeMutableBytes(of: &self.serverAddressStorage) { storage in
            Self.copyTruncating(bytes, into: storage)
        }
        self.serverAddressLength = count
        if truncated {
            self.truncationBits.insert(.serverAddress)
        } else {
            self.truncationBits.remove(.serverAddress)
        }
    }

    /// Sets `server.address` and, when it names one, `server.port` from a `Host` header value (`example.com`,
    /// `example.com:8080`, `[2001:db8::1]:443`): the host without brackets and port. A value with an unusable port
    /// sets only the host part before it. No allocation for native strings.
    @inlinable
    public mutating func setServerAddress(hostHeader value: some StringProtocol) {
        let copied: Void? = value.utf8.withContiguousStorageIfAvailable { buffer in
            self.setServerAddress(hostHeader: UnsafeRawBufferPointer(buffer))
        }
        if copied == nil {
            var native = String(value)
            native.withUTF8 { self.setServerAddress(hostHeader: UnsafeRawBufferPointer($0)) }
        }
    }

    @inlinable
    mutating func setServerAddress(hostHeader bytes: UnsafeRawBufferPointer) {
        var hostStart = 0
        var hostEnd = bytes.count
        var portStart: Int?
        if bytes.first == UInt8(ascii: "[") {
            // [IPv6]:port
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else { return }
            hostStart = 1
            hostEnd = close
            if close + 1 < bytes.count, bytes[close + 1] == UInt8(ascii: ":") { portStart = close + 2 }
        } else if let colon = bytes.lastIndex(of: UInt8(ascii: ":")) {
            hostEnd = colon
            portStart = colon + 1
        }
        guard hostEnd > hostStart else { return }
        self.setServerAddress(utf8: UnsafeRawBufferPointer(rebasing: bytes[hostStart..<hostEnd]))
        if let portStart, portStart < bytes.count, bytes.count - portStart <= 5 {
            var port = 0
            for byte in bytes[portStart...] {
                guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return }
                port = port * 10 + Int(byte - UInt8(ascii: "0"))
            }
            if port > 0 && port <= 65535 { self.serverPort = UInt16(port) }
        }
    }

    /// Calls `body` with the stored `server.address` bytes (valid only inside `body`).
    @inlinable
    public func withServerAddressBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: self.serverAddressStorage) { storage in
            try body(UnsafeRawBufferPointer(rebasing: storage[..<Int(self.serverAddressLength)]))
        }
    }

    /// The stored `server.address` (invalid UTF-8 is repaired). Allocates: for export and tests.
    public var serverAddress: String {
        self.withServerAddressBytes { String(decoding: $0, as: UTF8.self) }
    }
}

// MARK: - Copying without the unused text

extension SpanRecord {
    /// Copies the record at `source` over the one at `destination`, leaving out the unused end of each inline text:
    /// the fields before the text (168 bytes) and each text up to its length. A typical span (a short path, a host,
    /// no long user agent) is under half of the record's 448 bytes, and the span rings take records this way, so a
    /// push writes three or four cache lines instead of seven.
    ///
    /// The destination's bytes past each text's length keep whatever they held; nothing reads them (see
    /// ``restart(kind:traceID:spanID:parentSpanID:traceFlags:parentIsRemote:startTimeUnixNano:)``).
    @inlinable
    public static func copyUsedBytes(
        from source: UnsafePointer<SpanRecord>,
        to destination: UnsafeMutablePointer<SpanRecord>
    ) {
        let from = UnsafeRawPointer(source)
        let to = UnsafeMutableRawPointer(destination)
        let path = MemoryLayout<SpanRecord>.offset(of: \SpanRecord.urlPathStorage)!
        let agent = MemoryLayout<SpanRecord>.offset(of: \SpanRecord.userAgentStorage)!
        let address = MemoryLayout<SpanRecord>.offset(of: \SpanRecord.serverAddressStorage)!
        to.copyMemory(from: from, byteCount: path)
        Self.copyText(from: from, to: to, at: path, count: source.pointee.urlPathLength)
        Self.copyText(from: from, to: to, at: agent, count: source.pointee.userAgentLength)
        Self.copyText(from: from, to: to, at: address, count: source.pointee.serverAddressLength)
    }

    @inlinable
    static func copyText(from: UnsafeRawPointer, to: UnsafeMutableRawPointer, at offset: Int, count: UInt8) {
        guard count > 0 else { return }
        (to + offset).copyMemory(from: from + offset, byteCount: Int(count))
    }
}
