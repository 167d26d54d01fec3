extension SpanRecord {
    /// OTLP `Span.SpanKind`; raw values are the wire numbers.
    public enum Kind: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// `SPAN_KIND_UNSPECIFIED` — receivers may read it as internal; do not push it on purpose.
        case unspecified = 0
        /// `SPAN_KIND_INTERNAL`.
        case `internal` = 1
        /// `SPAN_KIND_SERVER`: the downstream request handled by the gateway.
        case server = 2
        /// `SPAN_KIND_CLIENT`: one attempt to an upstream.
        case client = 3
        /// `SPAN_KIND_PRODUCER`.
        case producer = 4
        /// `SPAN_KIND_CONSUMER`.
        case consumer = 5
    }

    /// OTLP `Status.StatusCode`; raw values are the wire numbers.
    public enum StatusCode: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// `STATUS_CODE_UNSET`: the default (the OTel HTTP conventions leave 1xx–4xx server spans unset).
        case unset = 0
        /// `STATUS_CODE_OK`.
        case ok = 1
        /// `STATUS_CODE_ERROR`.
        case error = 2
    }

    /// `http.request.method`: the methods of RFC 9110 and RFC 5789; anything else is ``other``.
    public enum HTTPMethod: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// A method outside the known set, exported as `_OTHER` (and named `HTTP` in the span name).
        case other = 0
        /// `GET`.
        case get = 1
        /// `HEAD`.
        case head = 2
        /// `POST`.
        case post = 3
        /// `PUT`.
        case put = 4
        /// `DELETE`.
        case delete = 5
        /// `CONNECT`.
        case connect = 6
        /// `OPTIONS`.
        case options = 7
        /// `TRACE`.
        case trace = 8
        /// `PATCH`.
        case patch = 9

        /// Maps a request method token (case-sensitive, as HTTP methods are) to the enum; no allocation.
        @inlinable
        public init(name: some StringProtocol) {
            switch name {
            case "GET": self = .get
            case "HEAD": self = .head
            case "POST": self = .post
            case "PUT": self = .put
            case "DELETE": self = .delete
            case "CONNECT": self = .connect
            case "OPTIONS": self = .options
            case "TRACE": self = .trace
            case "PATCH": self = .patch
            default: self = .other
            }
        }

        /// The `http.request.method` attribute value (`_OTHER` for ``other``).
        public var name: String {
            switch self {
            case .other: "_OTHER"
            case .get: "GET"
            case .head: "HEAD"
            case .post: "POST"
            case .put: "PUT"
            case .delete: "DELETE"
            case .connect: "CONNECT"
            case .options: "OPTIONS"
            case .trace: "TRACE"
            case .patch: "PATCH"
            }
        }
    }

    /// `network.protocol.version` of an HTTP exchange.
    public enum ProtocolVersion: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// Not recorded; the attribute is not exported.
        case unknown = 0
        /// HTTP/1.0 (`1.0`).
        case http1Dot0 = 1
        /// HTTP/1.1 (`1.1`).
        case http1Dot1 = 2
        /// HTTP/2 (`2`).
        case http2 = 3
        /// HTTP/3 (`3`).
        case http3 = 4

        /// Maps an HTTP `major.minor` version; anything unrecognised is ``unknown``.
        @inlinable
        public init(major: Int, minor: Int) {
            switch (major, minor) {
            case (1, 0): self = .http1Dot0
            case (1, 1): self = .http1Dot1
            case (2, _): self = .http2
            case (3, _): self = .http3
            default: self = .unknown
            }
        }

        /// The attribute value (`1.0`, `1.1`, `2`, `3`), or `nil` for ``unknown``.
        public var name: String? {
            switch self {
            case .unknown: nil
            case .http1Dot0: "1.0"
            case .http1Dot1: "1.1"
            case .http2: "2"
            case .http3: "3"
            }
        }
    }

    /// `url.scheme`.
    public enum URLScheme: UInt8, Sendable, BitwiseCopyable, CaseIterable {
        /// Not recorded; the attribute is not exported.
        case unknown = 0
        /// `http`.
        case http = 1
        /// `https`.
        case https = 2

        /// The attribute value, or `nil` for ``unknown``.
        public var name: String? {
            switch self {
            case .unknown: nil
            case .http: "http"
            case .https: "https"
            }
        }
    }

    /// Which values of a record did not fit. The exporter counts these; the record itself stays valid.
    public struct Truncation: OptionSet, Sendable, BitwiseCopyable, Hashable {
        /// The flag bits.
        public var rawValue: UInt8

        /// Wraps flag bits.
        @inlinable
        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// `url.path` was longer than ``SpanRecord/urlPathCapacity`` bytes and was cut.
        public static var urlPath: Truncation { Truncation(rawValue: 1 << 0) }
        /// `user_agent.original` was longer than ``SpanRecord/userAgentCapacity`` bytes and was cut.
        public static var userAgent: Truncation { Truncation(rawValue: 1 << 1) }
        /// `server.address` was longer than ``SpanRecord/serverAddressCapacity`` bytes and was cut.
        public static var serverAddress: Truncation { Truncation(rawValue: 1 << 3) }
        /// More than ``Events/capacity`` events were added; the rest are counted in ``Events/droppedCount``.
        public static var events: Truncation { Truncation(rawValue: 1 << 2) }
    }
}
