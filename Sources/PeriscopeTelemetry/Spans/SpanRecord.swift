/// One finished span as a fixed-size, trivially copyable record: what the gateway pushes into a ``SpanBuffer``
/// and the OTLP exporter drains and encodes.
///
/// The record holds no references — no `String`, `Array` or class — so pushing it is a plain copy of
/// `MemoryLayout<SpanRecord>.size` bytes (448 on 64-bit platforms: seven cache lines) into preallocated ring memory,
/// and the `BitwiseCopyable` conformance makes the compiler reject any field that would break that. Strings
/// come in three forms:
///
/// - **Interned** (``SpanStringID``): route, cluster, endpoint, listener and error type are names known at config
///   load. The gateway interns them in a ``SpanStringTable`` once and stores the 4-byte id; the exporter resolves
///   the id through a ``SpanStringTable/Snapshot``.
/// - **Enumerated**: HTTP method, span kind, status code, protocol version, URL scheme and event kinds are small
///   closed sets stored as one-byte enums whose OTLP spelling is fixed.
/// - **Inline**: `url.path` and `user_agent.original` come from the request and have no bound, so they are copied
///   into fixed inline storage of ``urlPathCapacity`` and ``userAgentCapacity`` bytes. A longer value is cut at
///   the last whole UTF-8 character that fits, and the cut is marked in ``truncation`` (`.urlPath`,
///   `.userAgent`) so the exporter can count it.
///
/// The span name follows the OpenTelemetry HTTP conventions and is built at export time from ``method`` and
/// ``routeID``: `"GET /users/{id}"`, or just `"GET"` when no route matched (see ``name(using:)``).
///
/// Build a record on the event loop that handles the request, fill it as the request progresses (it is a value:
/// keep it in the request's state), and push it once when the span ends.
public struct SpanRecord: Sendable, BitwiseCopyable, Equatable {
    /// Bytes of `url.path` kept inline; longer paths are truncated and flagged with ``Truncation/urlPath``.
    public static var urlPathCapacity: Int { MemoryLayout<URLPathStorage>.size }
    /// Bytes of `user_agent.original` kept inline; longer values are truncated and flagged with
    /// ``Truncation/userAgent``.
    public static var userAgentCapacity: Int { MemoryLayout<UserAgentStorage>.size }
    /// Bytes of a server span's `server.address` (the `Host` header's host) kept inline; longer values are truncated
    /// and flagged with ``Truncation/serverAddress``.
    public static var serverAddressCapacity: Int { MemoryLayout<ServerAddressStorage>.size }

    // MARK: identity and timing (fields ordered so that the layout has no padding before the inline text)

    /// The high (first) 8 bytes of the 16-byte trace id, big-endian: byte 0 of the wire id is the top byte.
    public var traceIDHigh: UInt64
    /// The low (last) 8 bytes of the trace id, big-endian.
    public var traceIDLow: UInt64
    /// The span id, big-endian (byte 0 of the 8-byte wire id is the top byte). Must not be 0 when pushed.
    public var spanID: UInt64
    /// The parent span id, or 0 for a root span (exported as an empty `parent_span_id`).
    public var parentSpanID: UInt64
    /// Start time, Unix epoch nanoseconds.
    public var startTimeUnixNano: UInt64
    /// End time, Unix epoch nanoseconds (≥ ``startTimeUnixNano``).
    public var endTimeUnixNano: UInt64

    /// Up to ``Events/capacity`` timestamped events (retries, timeouts, …); more are counted, not stored.
    public var events: Events
    /// Bytes used in the inline `url.path` storage. (Placed here, it fills the byte after the 63-byte `events`.)
    @usableFromInline internal var urlPathLength: UInt8
    /// `client.address` / `client.port`: the downstream peer (server spans) — ``ClientAddress/none`` if unknown.
    public var clientAddress: ClientAddress
    /// Bytes used in the inline `user_agent.original` storage. (Fills the byte after the 19-byte address.)
    @usableFromInline internal var userAgentLength: UInt8

    // MARK: 4-byte fields

    /// OTLP `Span.flags`: W3C trace flags in bits 0–7, bit 8 "has is-remote", bit 9 "parent is remote". Build it
    /// with ``otlpFlags(traceFlags:parentIsRemote:)``.
    public var flags: UInt32
    /// `http.route`: the matched route's configured template; also the second part of the span name.
    public var routeID: SpanStringID
    /// The upstream cluster (`periscope.cluster`).
    public var clusterID: SpanStringID
    /// The upstream endpoint, interned as `host:port` (`server.address` / `server.port` on client spans).
    public var endpointID: SpanStringID
    /// The listener that accepted the request (`periscope.listener`).
    public var listenerID: SpanStringID
    /// `error.type` (for example `timeout`, `upstream_reset`, or a status code rendered at config load).
    public var errorTypeID: SpanStringID

    // MARK: 2-byte fields

    /// `http.response.status_code`, or 0 when no response was produced.
    public var responseStatusCode: UInt16
    /// `server.port`: the listener port (server spans) or the upstream port (client spans); 0 if unknown.
    public var serverPort: UInt16

    // MARK: 1-byte fields

    /// OTLP `Span.kind`: ``Kind/server`` for the downstream request, ``Kind/client`` for each upstream attempt.
    public var kind: Kind
    /// OTLP `Status.code`.
    public var status: StatusCode
    /// `http.request.method`; also the first part of the span name.
    public var method: HTTPMethod
    /// `network.protocol.version`.
    public var protocolVersion: ProtocolVersion
    /// `url.scheme`.
    public var urlScheme: URLScheme
    /// The attempt number of a client span, 1 for the first try (`http.request.resend_count` is this minus 1);
    /// 0 when not applicable.
    public var attempt: UInt8
    @usableFromInline internal var truncationBits: Truncation
    /// Bytes used in the inline `server.address` storage. (Fills the last byte before the inline text.)
    @usableFromInline internal var serverAddressLength: UInt8

    // MARK: inline text (last: 8-aligned and a multiple of 8 bytes)

    @usableFromInline internal var urlPathStorage: URLPathStorage
    @usableFromInline internal var userAgentStorage: UserAgentStorage
    @usableFromInline internal var serverAddressStorage: ServerAddressStorage

    /// An empty record: all ids, times and attributes zero, kind ``Kind/unspecified``, status ``StatusCode/unset``,
    /// no events, empty path and user agent.
    @inlinable
    public init() {
        self.traceIDHigh = 0
        self.traceIDLow = 0
        self.spanID = 0
        self.parentSpanID = 0
        self.startTimeUnixNano = 0
        self.endTimeUnixNano = 0
        self.events = Events()
        self.clientAddress = .none
        self.flags = 0
        self.routeID = .none
        self.clusterID = .none
        self.endpointID = .none
        self.listenerID = .none
        self.errorTypeID = .none
        self.responseStatusCode = 0
        self.serverPort = 0
        self.kind = .unspecified
        self.status = .unset
        self.method = .other
        self.protocolVersion = .unknown
        self.urlScheme = .unknown
        self.attempt = 0
        self.truncationBits = []
        self.urlPathLength = 0
        self.userAgentLength = 0
        self.urlPathStorage = URLPathStorage()
        self.userAgentStorage = UserAgentStorage()
        self.serverAddressLength = 0
        self.serverAddressStorage = ServerAddressStorage()
    }

    /// A record for a span of `kind` with its trace identity and start time set; everything else empty.
    ///
    /// - Parameters:
    ///   - traceID: The span's trace.
    ///   - spanID: The span's own id (valid, non-zero).
    ///   - parentSpanID: The parent span, or ``SpanID/invalid`` (all zero) for a root span.
    ///   - traceFlags: The W3C trace flags byte (bit 0 = sampled).
    ///   - parentIsRemote: Whether the parent came from another process (`traceparent`), or `nil` if unknown.
    ///   - startTimeUnixNano: Start time, Unix epoch nanoseconds.
    @inlinable
    public init(
        kind: Kind,
        traceID: TraceID,
        spanID: SpanID,
        parentSpanID: SpanID,
        traceFlags: UInt8,
        parentIsRemote: Bool?,
        startTimeUnixNano: UInt64
    ) {
        self.init()
        self.restart(
            kind: kind, traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, traceFlags: traceFlags,
            parentIsRemote: parentIsRemote, startTimeUnixNano: startTimeUnixNano)
    }

    /// Makes this record a new span of `kind` in place: every field as ``init(kind:traceID:spanID:parentSpanID:traceFlags:parentIsRemote:startTimeUnixNano:)``
    /// sets it, except that the inline text storage is only emptied (its lengths set to 0), not cleared.
    ///
    /// For a record reused request after request (the gateway keeps one per connection): assigning a new record
    /// would zero all 448 bytes and copy them; this writes the 168 bytes before the text. The bytes past each text's
    /// length are never read (``withURLPathBytes(_:)`` and its siblings, ``==``, the encoder and
    /// ``copyUsedBytes(from:to:)`` all stop at the lengths).
    @inlinable
    public mutating func restart(
        kind: Kind,
        traceID: TraceID,
        spanID: SpanID,
        parentSpanID: SpanID,
        traceFlags: UInt8,
        parentIsRemote: Bool?,
        startTimeUnixNano: UInt64
    ) {
        self.traceIDHigh = traceID.high
        self.traceIDLow = traceID.low
        self.spanID = spanID.rawValue
        self.parentSpanID = parentSpanID.rawValue
        self.startTimeUnixNano = startTimeUnixNano
        self.endTimeUnixNano = 0
        self.events.removeAll()
        self.clientAddress = .none
        self.flags = Self.otlpFlags(traceFlags: traceFlags, parentIsRemote: parentIsRemote)
        self.routeID = .none
        self.clusterID = .none
        self.endpointID = .none
        self.listenerID = .none
        self.errorTypeID = .none
        self.responseStatusCode = 0
        self.serverPort = 0
        self.kind = kind
        self.status = .unset
        self.method = .other
        self.protocolVersion = .unknown
        self.urlScheme = .unknown
        self.attempt = 0
        self.truncationBits = []
        self.urlPathLength = 0
        self.userAgentLength = 0
        self.serverAddressLength = 0
    }

    /// OTLP `Span.flags` from the W3C trace flags and what is known about the parent's locality.
    ///
    /// - Parameter parentIsRemote: `nil` leaves bits 8 and 9 clear ("unknown"); otherwise bit 8 is set and bit 9
    ///   carries the value.
    @inlinable
    public static func otlpFlags(traceFlags: UInt8, parentIsRemote: Bool?) -> UInt32 {
        var flags = UInt32(traceFlags)
        if let parentIsRemote {
            flags |= Self.flagHasIsRemote
            if parentIsRemote { flags |= Self.flagIsRemote }
        }
        return flags
    }

    /// `SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK`.
    public static var flagHasIsRemote: UInt32 { 0x100 }
    /// `SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK`.
    public static var flagIsRemote: UInt32 { 0x200 }

    /// Which values did not fit and were cut (`url.path`, `user_agent.original`) or dropped (events).
    @inlinable
    public var truncation: Truncation { self.truncationBits }

    /// The W3C trace flags byte (bits 0–7 of ``flags``).
    @inlinable
    public var traceFlags: UInt8 { UInt8(truncatingIfNeeded: self.flags) }

    /// Appends an event, or counts it in ``Events/droppedCount`` (and marks ``Truncation/events``) when
    /// ``Events/capacity`` events are already stored.
    ///
    /// - Returns: Whether the event was stored.
    @inlinable
    @discardableResult
    public mutating func addEvent(_ kind: EventKind, timeUnixNano: UInt64, payload: UInt32 = 0) -> Bool {
        if self.events.append(Event(kind: kind, timeUnixNano: timeUnixNano, payload: payload)) {
            return true
        }
        self.truncationBits.insert(.events)
        return false
    }
}

// MARK: - Equatable

extension SpanRecord {
    /// Field-by-field equality (inline text compares only the bytes in use; padding is never read).
    public static func == (lhs: SpanRecord, rhs: SpanRecord) -> Bool {
        lhs.traceIDHigh == rhs.traceIDHigh && lhs.traceIDLow == rhs.traceIDLow && lhs.spanID == rhs.spanID
            && lhs.parentSpanID == rhs.parentSpanID && lhs.startTimeUnixNano == rhs.startTimeUnixNano
            && lhs.endTimeUnixNano == rhs.endTimeUnixNano && lhs.events == rhs.events
            && lhs.clientAddress == rhs.clientAddress && lhs.flags == rhs.flags && lhs.routeID == rhs.routeID
            && lhs.clusterID == rhs.clusterID && lhs.endpointID == rhs.endpointID && lhs.listenerID == rhs.listenerID
            && lhs.errorTypeID == rhs.errorTypeID && lhs.responseStatusCode == rhs.responseStatusCode
            && lhs.serverPort == rhs.serverPort && lhs.kind == rhs.kind && lhs.status == rhs.status
            && lhs.method == rhs.method && lhs.protocolVersion == rhs.protocolVersion
            && lhs.urlScheme == rhs.urlScheme && lhs.attempt == rhs.attempt && lhs.truncation == rhs.truncation
            && lhs.withURLPathBytes { left in rhs.withURLPathBytes { left.elementsEqual($0) } }
            && lhs.withUserAgentBytes { left in rhs.withUserAgentBytes { left.elementsEqual($0) } }
            && lhs.withServerAddressBytes { left in rhs.withServerAddressBytes { left.elementsEqual($0) } }
    }
}

// MARK: - Export-time helpers

extension SpanRecord {
    /// The span name per the OpenTelemetry HTTP conventions: `"{method} {route}"`, or `"{method}"` without a
    /// route, where an unknown method is spelled `HTTP`. Allocates: for export, not for the request path.
    public func name(using strings: SpanStringTable.Snapshot) -> String {
        let method = self.method == .other ? "HTTP" : self.method.name
        guard let route = strings[self.routeID], !route.isEmpty else { return method }
        return method + " " + route
    }

    /// The 16-byte trace id in wire order.
    public var traceIDBytes: [UInt8] {
        Self.bigEndianBytes(self.traceIDHigh) + Self.bigEndianBytes(self.traceIDLow)
    }

    /// The 8-byte span id in wire order.
    public var spanIDBytes: [UInt8] { Self.bigEndianBytes(self.spanID) }

    /// The 8-byte parent span id in wire order, or empty for a root span.
    public var parentSpanIDBytes: [UInt8] { self.parentSpanID == 0 ? [] : Self.bigEndianBytes(self.parentSpanID) }

    private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }
}

// MARK: - Interned string id

/// The id of a string interned in a ``SpanStringTable``. ``none`` (0) means "no value" and is never handed out for
/// a non-empty string.
public struct SpanStringID: Sendable, Hashable, BitwiseCopyable, RawRepresentable {
    /// The table index.
    public var rawValue: UInt32

    /// Wraps a table index; only ids returned by a ``SpanStringTable`` resolve.
    @inlinable
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// No value: the attribute is not exported.
    @inlinable
    public static var none: SpanStringID { SpanStringID(rawValue: 0) }

    /// Whether this is ``none``.
    @inlinable
    public var isNone: Bool { self.rawValue == 0 }
}
