import NIOCore
import NIOHTTP1

/// A response the gateway produces itself (no route, limits, upstream failures).
///
/// The body is a small JSON object: `{"status":502,"error":"upstream_connect_failed","message":"..."}`.
struct LocalResponse {
    var status: HTTPResponseStatus
    /// A stable machine-readable code.
    var code: String
    var message: String
    var extraHeaders: [(String, String)] = []

    static func notFound(method: HTTPMethod, target: String) -> Self {
        .init(
            status: .notFound, code: "no_route",
            message: "no route matches \(method.rawValue) \(Router.path(of: target))")
    }

    static func methodNotAllowed(_ allowed: [String]) -> Self {
        .init(
            status: .methodNotAllowed,
            code: "method_not_allowed",
            message: "the route does not accept this method",
            extraHeaders: [("allow", allowed.joined(separator: ", "))]
        )
    }

    static let badRequest = Self(status: .badRequest, code: "bad_request", message: "malformed HTTP request")
    static let headersTooLarge = Self(
        status: .requestHeaderFieldsTooLarge,
        code: "request_header_fields_too_large",
        message: "request header fields exceed the listener's limit"
    )
    static let uriTooLong = Self(
        status: .uriTooLong, code: "uri_too_long", message: "request target exceeds the listener's limit")
    static let bodyTooLarge = Self(
        status: .payloadTooLarge, code: "payload_too_large", message: "request body exceeds the limit")
    static let requestTimeout = Self(
        status: .requestTimeout,
        code: "request_header_timeout",
        message: "the request header was not received in time"
    )
    static let expectationFailed = Self(
        status: .expectationFailed,
        code: "expectation_failed",
        message: "only 100-continue is supported"
    )
    static let unsupportedTransferCoding = Self(
        status: .notImplemented,
        code: "unsupported_transfer_coding",
        message: "only the chunked transfer coding is supported"
    )
    static let connectFailed = Self(
        status: .badGateway, code: "upstream_connect_failed", message: "could not connect to the upstream")
    static let connectTimeout = Self(
        status: .badGateway, code: "upstream_connect_timeout", message: "connecting to the upstream timed out")
    static let upstreamReset = Self(
        status: .badGateway, code: "upstream_reset", message: "the upstream closed the connection before responding")
    static let upstreamProtocol = Self(
        status: .badGateway, code: "upstream_protocol_error", message: "the upstream sent an invalid response")
    static let upstreamTimeout = Self(
        status: .gatewayTimeout, code: "upstream_timeout", message: "the upstream did not respond in time")
    static let poolExhausted = Self(
        status: .serviceUnavailable,
        code: "upstream_overloaded",
        message: "too many requests wait for an upstream connection",
        extraHeaders: [("x-periscope-rejected", "pool_exhausted")]
    )
    static let maxRequests = Self(
        status: .serviceUnavailable,
        code: "upstream_overloaded",
        message: "the cluster has its most requests in flight",
        extraHeaders: [("x-periscope-rejected", "max_requests")]
    )
    static let maxPending = Self(
        status: .serviceUnavailable,
        code: "upstream_overloaded",
        message: "the cluster has its most requests waiting for a connection",
        extraHeaders: [("x-periscope-rejected", "max_pending")]
    )
    static let maxConnections = Self(
        status: .serviceUnavailable,
        code: "upstream_overloaded",
        message: "the cluster has its most connections open",
        extraHeaders: [("x-periscope-rejected", "max_connections")]
    )
    static let circuitOpen = Self(
        status: .serviceUnavailable,
        code: "circuit_open",
        message: "the cluster's circuit breaker is open: too many of its requests failed",
        extraHeaders: [("x-periscope-rejected", "circuit_open")]
    )
    static let noEndpoint = Self(
        status: .serviceUnavailable, code: "no_endpoint", message: "the cluster has no endpoint to send to")

    /// Every `code` a local response can carry, in a fixed order (the metrics cache key).
    static let codes = [
        "no_route", "method_not_allowed", "bad_request", "request_header_fields_too_large", "uri_too_long",
        "payload_too_large", "request_header_timeout", "expectation_failed", "unsupported_transfer_coding",
        "upstream_connect_failed", "upstream_connect_timeout", "upstream_reset", "upstream_protocol_error",
        "upstream_timeout", "upstream_overloaded", "no_endpoint", "circuit_open",
    ]

    /// Position of `code` in ``codes``.
    var reasonIndex: Int { Self.codes.firstIndex(of: self.code) ?? Self.codes.count }

    static func rejected(_ rejection: LoopAdmission.Rejection) -> Self {
        switch rejection {
        case .maxRequests: .maxRequests
        case .maxPending: .maxPending
        case .maxConnections: .maxConnections
        case .circuitOpen: .circuitOpen
        }
    }

    static func forUpstream(_ error: UpstreamError) -> Self {
        switch error {
        case .connectFailed: .connectFailed
        case .connectTimeout: .connectTimeout
        case .poolExhausted: .poolExhausted
        case .noEndpoint: .noEndpoint
        case .clusterPendingFull: .maxPending
        case .clusterConnectionsFull: .maxConnections
        }
    }

    /// The JSON body.
    func body(allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 96 + self.message.utf8.count)
        buffer.writeString("{\"status\":\(self.status.code),\"error\":\"")
        buffer.writeString(self.code)
        buffer.writeString("\",\"message\":\"")
        Self.writeJSONEscaped(self.message, into: &buffer)
        buffer.writeString("\"}\n")
        return buffer
    }

    private static func writeJSONEscaped(_ string: String, into buffer: inout ByteBuffer) {
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): buffer.writeStaticString("\\\"")
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex[Int(byte >> 4)])
                buffer.writeInteger(hex[Int(byte & 0xF)])
            default: buffer.writeInteger(byte)
            }
        }
    }
}

extension LocalResponse {
    /// What this answer says about the endpoint, for outlier detection: the endpoint's own failures (connect,
    /// reset, broken response, timeout) are gateway errors; the client's mistakes and the gateway's own limits
    /// (`upstream_overloaded`) say nothing about it.
    var outlierOutcome: OutlierDetector.Outcome? {
        switch self.code {
        case "upstream_connect_failed", "upstream_connect_timeout", "upstream_reset", "upstream_protocol_error",
            "upstream_timeout":
            return .gatewayError
        default:
            return nil
        }
    }
}
