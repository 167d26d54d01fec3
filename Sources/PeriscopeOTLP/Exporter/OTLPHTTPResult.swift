/// How one OTLP/HTTP export request ended, classified by the OTLP/HTTP rules.
public enum OTLPHTTPResult: Sendable {
    /// A 2xx response. `body` is the `Export<Signal>ServiceResponse`, which may hold a `partial_success`; a
    /// request with a partial-success response must not be retried.
    case success(status: Int, body: [UInt8])
    /// A transient failure that should be retried with backoff: HTTP 429, 502, 503 or 504, a connection that could
    /// not be made or closed before the response ended, or the timeout. `retryAfter` is the wait the server asked
    /// for in `Retry-After` (seconds or an HTTP-date), if any.
    case retryableFailure(OTLPHTTPFailure, retryAfter: Duration?)
    /// A failure that must not be retried: any other 4xx or 5xx status (400 included), a response larger than the
    /// client's limit, a request body over the limit, or a client that was shut down.
    case permanentFailure(OTLPHTTPFailure)
}

/// What went wrong with an OTLP/HTTP request.
public enum OTLPHTTPFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server answered with a non-2xx `status`; `body` is its `google.rpc.Status` (kept for the error log).
    case status(Int, body: [UInt8])
    /// The TCP connection could not be made.
    case connectFailed(String)
    /// The connection closed before the response was complete.
    case connectionClosed
    /// Reading or writing the connection failed.
    case ioError(String)
    /// No complete response within the request timeout.
    case timeout
    /// The response body exceeded `limit` bytes (the OTLP client limit, 4 MiB by default).
    case responseTooLarge(limit: Int)
    /// The request body of `bytes` bytes exceeds `limit` (64 MiB by default) and was not sent.
    case requestTooLarge(bytes: Int, limit: Int)
    /// The client was shut down before the request ended.
    case shutDown

    /// A one-line description; for a status, the `google.rpc.Status` message (or body text) is included.
    public var description: String {
        switch self {
        case .status(let status, let body): "HTTP \(status): \(OTLPResponseBody.summary(body))"
        case .connectFailed(let reason): "connect failed: \(reason)"
        case .connectionClosed: "connection closed before the response ended"
        case .ioError(let reason): "I/O error: \(reason)"
        case .timeout: "timed out"
        case .responseTooLarge(let limit): "response body larger than \(limit) bytes"
        case .requestTooLarge(let bytes, let limit): "request body of \(bytes) bytes exceeds \(limit) bytes"
        case .shutDown: "exporter client shut down"
        }
    }
}

extension OTLPHTTPResult {
    /// Classifies a complete response by its status: 2xx success; 429, 502, 503, 504 retryable (with
    /// `Retry-After`); everything else permanent.
    static func classify(status: Int, retryAfter: String?, body: [UInt8]) -> OTLPHTTPResult {
        switch status {
        case 200..<300:
            return .success(status: status, body: body)
        case 429, 502, 503, 504:
            return .retryableFailure(
                .status(status, body: body),
                retryAfter: retryAfter.flatMap { OTLPRetryAfter.parse($0) }
            )
        default:
            return .permanentFailure(.status(status, body: body))
        }
    }
}
