import PeriscopeTelemetry

/// The attribute keys of exported spans and span events: OpenTelemetry HTTP semantic conventions where one exists,
/// `periscope.*` for the gateway's own concepts.
enum SpanAttributeKey {
    // MARK: HTTP semantic conventions

    /// `http.request.method` (string): `GET`, …, `_OTHER`.
    static let httpRequestMethod = "http.request.method"
    /// `http.response.status_code` (int).
    static let httpResponseStatusCode = "http.response.status_code"
    /// `http.route` (string): the matched route's configured template.
    static let httpRoute = "http.route"
    /// `http.request.resend_count` (int): the attempt number minus one, only for resends.
    static let httpRequestResendCount = "http.request.resend_count"
    /// `url.path` (string).
    static let urlPath = "url.path"
    /// `url.scheme` (string).
    static let urlScheme = "url.scheme"
    /// `url.full` (string): client spans, built from the scheme, the upstream endpoint and the path.
    static let urlFull = "url.full"
    /// `server.address` (string).
    static let serverAddress = "server.address"
    /// `server.port` (int).
    static let serverPort = "server.port"
    /// `client.address` (string).
    static let clientAddress = "client.address"
    /// `client.port` (int).
    static let clientPort = "client.port"
    /// `user_agent.original` (string).
    static let userAgentOriginal = "user_agent.original"
    /// `network.protocol.version` (string): `1.0`, `1.1`, `2`, `3`.
    static let networkProtocolVersion = "network.protocol.version"
    /// `error.type` (string).
    static let errorType = "error.type"

    // MARK: Periscope

    /// `periscope.cluster` (string): the upstream cluster's configured name.
    static let cluster = "periscope.cluster"
    /// `periscope.listener` (string): the listener that accepted the request.
    static let listener = "periscope.listener"
    /// `periscope.endpoint` (string, `host:port`): the upstream endpoint on a span that is not a client span (a
    /// client span carries it as `server.address` / `server.port`).
    static let endpoint = "periscope.endpoint"

    // MARK: Event attributes

    /// `periscope.attempt` (int), on the SERVER span's `retry` events: the number of the attempt being started (2 for
    /// the first retry or a hedge).
    static let attempt = "periscope.attempt"
    /// `periscope.timeout_ms` (int), on `timeout` events: the timeout that elapsed, in milliseconds.
    static let timeoutMilliseconds = "periscope.timeout_ms"
    /// `periscope.policy` (string), on `rejected` events: the policy that rejected the request.
    static let policy = "periscope.policy"
    /// `periscope.bytes_received` (int), on `upstream_reset` events: response bytes received before the reset.
    static let bytesReceived = "periscope.bytes_received"
    /// `periscope.bytes_sent` (int), on `downstream_reset` events: response bytes sent before the client went away.
    static let bytesSent = "periscope.bytes_sent"
    /// `periscope.errno` (int), on `connect_failure` events: the `errno` of the failed connect.
    static let errno = "periscope.errno"
}

/// A NUL-terminated string the protobuf-c structs point at.
typealias CString = UnsafeMutablePointer<CChar>

/// C copies of every fixed string a span batch needs — attribute keys, enum spellings, event names — made once per
/// encoder in an arena that is never reset, so a batch only copies the strings that vary.
struct SpanConstants {
    struct Keys {
        let httpRequestMethod: CString
        let httpResponseStatusCode: CString
        let httpRoute: CString
        let httpRequestResendCount: CString
        let urlPath: CString
        let urlScheme: CString
        let urlFull: CString
        let serverAddress: CString
        let serverPort: CString
        let clientAddress: CString
        let clientPort: CString
        let userAgentOriginal: CString
        let networkProtocolVersion: CString
        let errorType: CString
        let cluster: CString
        let listener: CString
        let endpoint: CString
        let attempt: CString
        let timeoutMilliseconds: CString
        let policy: CString
        let bytesReceived: CString
        let bytesSent: CString
        let errno: CString

        init(_ copy: (String) throws(OTLPEncodingError) -> CString) throws(OTLPEncodingError) {
            typealias Key = SpanAttributeKey
            self.httpRequestMethod = try copy(Key.httpRequestMethod)
            self.httpResponseStatusCode = try copy(Key.httpResponseStatusCode)
            self.httpRoute = try copy(Key.httpRoute)
            self.httpRequestResendCount = try copy(Key.httpRequestResendCount)
            self.urlPath = try copy(Key.urlPath)
            self.urlScheme = try copy(Key.urlScheme)
            self.urlFull = try copy(Key.urlFull)
            self.serverAddress = try copy(Key.serverAddress)
            self.serverPort = try copy(Key.serverPort)
            self.clientAddress = try copy(Key.clientAddress)
            self.clientPort = try copy(Key.clientPort)
            self.userAgentOriginal = try copy(Key.userAgentOriginal)
            self.networkProtocolVersion = try copy(Key.networkProtocolVersion)
            self.errorType = try copy(Key.errorType)
            self.cluster = try copy(Key.cluster)
            self.listener = try copy(Key.listener)
            self.endpoint = try copy(Key.endpoint)
            self.attempt = try copy(Key.attempt)
            self.timeoutMilliseconds = try copy(Key.timeoutMilliseconds)
            self.policy = try copy(Key.policy)
            self.bytesReceived = try copy(Key.bytesReceived)
            self.bytesSent = try copy(Key.bytesSent)
            self.errno = try copy(Key.errno)
        }
    }

    /// A string per enum case, indexed by raw value.
    struct Table {
        private let strings: [CString?]

        init<Case: RawRepresentable & CaseIterable>(
            _ type: Case.Type,
            _ spelling: (Case) -> String?,
            _ copy: (String) throws(OTLPEncodingError) -> CString
        ) throws(OTLPEncodingError) where Case.RawValue == UInt8 {
            var strings = [CString?](repeating: nil, count: 256)
            for value in Case.allCases {
                if let text = spelling(value) {
                    strings[Int(value.rawValue)] = try copy(text)
                }
            }
            self.strings = strings
        }

        subscript(rawValue: UInt8) -> CString? {
            self.strings.withUnsafeBufferPointer { $0[Int(rawValue)] }
        }
    }

    let keys: Keys
    /// `http.request.method` values (`_OTHER` for an unknown method).
    let methods: Table
    /// Span names of spans without a route: the method, `HTTP` for an unknown one.
    let methodSpanNames: Table
    /// `network.protocol.version` values; `nil` for unknown.
    let protocolVersions: Table
    /// `url.scheme` values; `nil` for unknown.
    let schemes: Table
    /// Span event names.
    let eventNames: Table

    /// The arena the strings live in; never reset, freed with the constants.
    private let arena: OTLPArena

    init() throws(OTLPEncodingError) {
        let arena = try OTLPArena(chunkSize: 4096)
        let copy = { (text: String) throws(OTLPEncodingError) -> CString in try arena.string(text) }
        self.arena = arena
        self.keys = try Keys(copy)
        self.methods = try Table(SpanRecord.HTTPMethod.self, { $0.name }, copy)
        self.methodSpanNames = try Table(SpanRecord.HTTPMethod.self, { SpanNames.methodPart($0) }, copy)
        self.protocolVersions = try Table(SpanRecord.ProtocolVersion.self, { $0.name }, copy)
        self.schemes = try Table(SpanRecord.URLScheme.self, { $0.name }, copy)
        self.eventNames = try Table(SpanRecord.EventKind.self, { $0.name }, copy)
    }
}

/// Span names per the OpenTelemetry HTTP conventions: `{method} {http.route}` for a server span with a route,
/// `{method}` otherwise, with `HTTP` standing for a method outside the known set.
enum SpanNames {
    /// The method part of a span name.
    static func methodPart(_ method: SpanRecord.HTTPMethod) -> String {
        method == .other ? "HTTP" : method.name
    }
}
