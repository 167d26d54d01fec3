import NIOHTTP1
import PeriscopeTelemetry

/// Inline bytes of the request path: 128 bytes.
struct AccessLogPathStorage: Sendable, BitwiseCopyable {
    var words:
        (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/// Inline bytes of the `User-Agent` header: 96 bytes.
struct AccessLogUserAgentStorage: Sendable, BitwiseCopyable {
    var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/// Inline bytes of the request method token: 16 bytes (every registered method fits).
struct AccessLogMethodStorage: Sendable, BitwiseCopyable {
    var words: (UInt64, UInt64) = (0, 0)
}

/// One access log line as a fixed-size, trivially copyable record: filled on the event loop at the end of an
/// exchange and handed to ``AccessLogWriter/record(_:loop:)``, which copies it into a ring without allocating.
///
/// Names (listener, route, cluster, endpoint, error code) are held as indices and resolved by the writer's
/// ``AccessLogNames`` table on its own thread. Text (method, path, user agent) is copied inline and cut at the last
/// whole UTF-8 character that fits (``pathCapacity``, ``userAgentCapacity``, ``methodCapacity``).
///
/// ```swift
/// var entry = AccessLogEntry()
/// entry.startTimeUnixNano = start
/// entry.durationNanos = end - start
/// entry.listenerIndex = listener.index
/// entry.setMethod(head.method)
/// entry.setPath(requestTarget: head.uri)
/// entry.status = 200
/// writer.record(entry, loop: loopIndex)
/// ```
public struct AccessLogEntry: Sendable, BitwiseCopyable {
    /// Most bytes of the path kept.
    public static var pathCapacity: Int { 128 }
    /// Most bytes of the user agent kept.
    public static var userAgentCapacity: Int { 96 }
    /// Most bytes of the method kept.
    public static var methodCapacity: Int { 16 }

    /// When the request started, Unix time in nanoseconds (the line's `time`).
    public var startTimeUnixNano: UInt64 = 0
    /// Time from the start of the request to the end of the exchange, in nanoseconds (`duration_ms`).
    public var durationNanos: UInt64 = 0
    /// Time spent waiting on and streaming from the upstream, in nanoseconds (`upstream_ms`; 0 without one).
    public var upstreamNanos: UInt64 = 0
    /// Request body bytes received from the client (`bytes_in`).
    public var requestBodyBytes: UInt64 = 0
    /// Response body bytes sent to the client (`bytes_out`).
    public var responseBodyBytes: UInt64 = 0
    /// High 8 bytes of the trace id (big-endian), 0 when tracing is off.
    public var traceIDHigh: UInt64 = 0
    /// Low 8 bytes of the trace id (big-endian), 0 when tracing is off.
    public var traceIDLow: UInt64 = 0
    /// The server span's id, 0 when tracing is off.
    public var spanID: UInt64 = 0
    /// ``ListenerRuntime/index`` of the listener that accepted the request.
    public var listenerIndex: Int = 0
    /// Index of the matched route within its listener (``ListenerRuntime/routes``), -1 when none matched.
    public var routeIndex: Int = -1
    /// ``ClusterRuntime/index`` of the cluster the request went to, -1 when none.
    public var clusterIndex: Int = -1
    /// ``EndpointRuntime/index`` (gateway-wide) of the endpoint used, -1 when none.
    public var endpointIndex: Int = -1
    /// Index of the gateway's own error code (`LocalResponse.codes`), -1 when none (`error`).
    public var localErrorIndex: Int = -1
    /// The client's address (`client`); ``SpanRecord/ClientAddress/none`` writes `null`.
    public var client: SpanRecord.ClientAddress = .none
    /// The response status sent to the client; 0 when none was sent.
    public var status: UInt16 = 0

    var pathLength: UInt8 = 0
    var userAgentLength: UInt8 = 0
    var methodLength: UInt8 = 0
    var truncationBits: UInt8 = 0
    var methodStorage = AccessLogMethodStorage()
    var pathStorage = AccessLogPathStorage()
    var userAgentStorage = AccessLogUserAgentStorage()

    /// An empty entry: times, sizes and ids 0, listener 0, route/cluster/endpoint/error -1, no text.
    public init() {}

    /// Whether the path was cut to ``pathCapacity``.
    public var isPathTruncated: Bool { self.truncationBits & 1 != 0 }
    /// Whether the user agent was cut to ``userAgentCapacity``.
    public var isUserAgentTruncated: Bool { self.truncationBits & 2 != 0 }

    // MARK: Text

    /// Copies `source` into `storage`, cut at the last whole UTF-8 character that fits (as span records do).
    static func copyTruncating(
        _ source: UnsafeRawBufferPointer,
        into storage: UnsafeMutableRawBufferPointer
    ) -> (count: UInt8, truncated: Bool) {
        SpanRecord.copyTruncating(source, into: storage)
    }

    /// Calls `body` with the UTF-8 bytes of `text`, copying only when the string has no contiguous storage.
    static func withUTF8<Result>(
        _ text: some StringProtocol,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        var native = String(text)
        return native.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }

    /// Sets the path from UTF-8 bytes, keeping at most ``pathCapacity`` bytes. No allocation.
    public mutating func setPath(utf8 bytes: UnsafeRawBufferPointer) {
        let (count, truncated) = withUnsafeMutableBytes(of: &self.pathStorage) { Self.copyTruncating(bytes, into: $0) }
        self.pathLength = count
        self.truncationBits = truncated ? self.truncationBits | 1 : self.truncationBits & ~1
    }

    /// Sets the path from a string (see ``setPath(utf8:)``). No allocation for native strings.
    public mutating func setPath(_ path: some StringProtocol) {
        Self.withUTF8(path) { self.setPath(utf8: $0) }
    }

    /// Sets the path from an HTTP request target (`/a/b?x=1`): the part before the first `?` or `#`, so query
    /// strings (which may carry secrets) never reach the log.
    public mutating func setPath(requestTarget target: some StringProtocol) {
        Self.withUTF8(target) { bytes in
            let end = bytes.firstIndex { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? bytes.count
            self.setPath(utf8: UnsafeRawBufferPointer(rebasing: bytes[..<end]))
        }
    }

    /// Calls `body` with the stored path bytes (valid only inside `body`).
    public func withPathBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: self.pathStorage) {
            try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(self.pathLength)]))
        }
    }

    /// The stored path (invalid UTF-8 repaired). Allocates: for tests.
    public var path: String { self.withPathBytes { String(decoding: $0, as: UTF8.self) } }

    /// Sets the user agent from UTF-8 bytes, keeping at most ``userAgentCapacity`` bytes. No allocation.
    public mutating func setUserAgent(utf8 bytes: UnsafeRawBufferPointer) {
        let (count, truncated) = withUnsafeMutableBytes(of: &self.userAgentStorage) {
            Self.copyTruncating(bytes, into: $0)
        }
        self.userAgentLength = count
        self.truncationBits = truncated ? self.truncationBits | 2 : self.truncationBits & ~2
    }

    /// Sets the user agent from a string (see ``setUserAgent(utf8:)``). No allocation for native strings.
    public mutating func setUserAgent(_ userAgent: some StringProtocol) {
        Self.withUTF8(userAgent) { self.setUserAgent(utf8: $0) }
    }

    /// Calls `body` with the stored user agent bytes (valid only inside `body`).
    public func withUserAgentBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: self.userAgentStorage) {
            try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(self.userAgentLength)]))
        }
    }

    /// The stored user agent (invalid UTF-8 repaired). Allocates: for tests.
    public var userAgent: String { self.withUserAgentBytes { String(decoding: $0, as: UTF8.self) } }

    /// Sets the method from its token bytes, keeping at most ``methodCapacity`` bytes. No allocation.
    public mutating func setMethod(utf8 bytes: UnsafeRawBufferPointer) {
        let (count, _) = withUnsafeMutableBytes(of: &self.methodStorage) { Self.copyTruncating(bytes, into: $0) }
        self.methodLength = count
    }

    /// Sets the method from NIO's request method (`.GET`, or `.RAW(value:)` for extension methods). No allocation
    /// for the registered methods.
    public mutating func setMethod(_ method: NIOHTTP1.HTTPMethod) {
        Self.withUTF8(method.rawValue) { self.setMethod(utf8: $0) }
    }

    /// Calls `body` with the stored method bytes (valid only inside `body`).
    public func withMethodBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: self.methodStorage) {
            try body(UnsafeRawBufferPointer(rebasing: $0[..<Int(self.methodLength)]))
        }
    }

    /// The stored method. Allocates: for tests.
    public var method: String { self.withMethodBytes { String(decoding: $0, as: UTF8.self) } }
}
