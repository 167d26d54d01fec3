import NIOCore
import NIOHTTP1
import NIOPosix

/// A request body ready to send: gzipped once (when the client compresses), then sent as often as it is retried.
public struct OTLPHTTPRequest: Sendable {
    /// The bytes as they go on the wire.
    public let body: ByteBuffer
    /// Whether ``body`` is gzipped (sent with `Content-Encoding: gzip`).
    public let isCompressed: Bool
    /// The size of the body before compression.
    public let uncompressedSize: Int
}

/// Why an ``OTLPHTTPClient`` cannot be created.
public struct OTLPHTTPClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var description: String

    /// An error with `description`.
    public init(_ description: String) {
        self.description = description
    }
}

/// An OTLP/HTTP client for one endpoint: POSTs binary protobuf bodies and classifies the outcome by the
/// OTLP/HTTP rules (``OTLPHTTPResult``).
///
/// - Requests are `POST <target>` over HTTP/1.1 with `Content-Type: application/x-protobuf`, an exact
///   `Content-Length`, `Content-Encoding: gzip` when compressing, `User-Agent`, and the configured headers.
/// - One keep-alive connection on one event loop, reused from request to request. Requests run one at a time;
///   a request sent while another is in flight waits for it. A request whose reused connection turns out to
///   have been closed by the server (no byte of response) is resent once on a new connection.
/// - The timeout covers connect, send and the whole response; on expiry the connection is closed and the result
///   is a retryable ``OTLPHTTPFailure/timeout``.
/// - Plain `http://` only: Periscope does not link TLS, so an `https://` endpoint is refused at creation (put a
///   collector or sidecar on the host or cluster network instead).
/// - The response body is read up to `maxResponseBytes` (4 MiB by default, the OTLP recommendation); a larger
///   one is a permanent failure. A body over `maxRequestBytes` (64 MiB) is not sent.
///
/// The client never retries by itself beyond the stale-connection case: retry policy belongs to the caller
/// (``OTLPExportPipeline``).
public final class OTLPHTTPClient: Sendable {
    /// The default `User-Agent` (the OTLP exporter specification asks for the exporter, language and version).
    public static let defaultUserAgent = "Periscope OTel-OTLP-Exporter-Swift"
    /// The default request body limit, 64 MiB (before compression).
    public static let defaultMaxRequestBytes = 64 << 20
    /// The default response body limit, 4 MiB.
    public static let defaultMaxResponseBytes = 4 << 20

    /// Where requests go.
    public let endpoint: OTLPEndpoint
    /// Whether bodies are gzipped.
    public let compression: OTLPCompression
    /// The time limit of one request (zero: none).
    public let timeout: Duration
    /// The event loop that owns the connection; futures complete on it.
    public let eventLoop: any EventLoop

    private let headers: HTTPHeaders
    private let maxRequestBytes: Int
    private let maxResponseBytes: Int
    private let state: NIOLoopBoundBox<ConnectionState>

    /// A client for `endpoint`.
    ///
    /// - Parameters:
    ///   - headers: Extra request headers. Names the client sets itself (`Content-Type`, `Content-Length`,
    ///     `Content-Encoding`, `Transfer-Encoding`, `Host`, `Connection`) are ignored; `User-Agent` replaces the
    ///     default.
    ///   - timeout: Limit of one request, connect included; zero means none (connecting then gives up after NIO's
    ///     default 10 s).
    /// - Throws: ``OTLPHTTPClientError`` for an `https` endpoint.
    public init(
        endpoint: OTLPEndpoint,
        headers: [String: String] = [:],
        compression: OTLPCompression = .identity,
        timeout: Duration = OTLPExporterConfiguration.defaultTimeout,
        eventLoop: any EventLoop,
        userAgent: String = OTLPHTTPClient.defaultUserAgent,
        maxRequestBytes: Int = OTLPHTTPClient.defaultMaxRequestBytes,
        maxResponseBytes: Int = OTLPHTTPClient.defaultMaxResponseBytes
    ) throws(OTLPHTTPClientError) {
        guard endpoint.scheme == .http else {
            throw OTLPHTTPClientError(
                "OTLP endpoint \(endpoint.url): https is not supported (Periscope's exporter has no TLS); "
                    + "use an http:// endpoint, e.g. a collector or sidecar on the local network"
            )
        }
        self.endpoint = endpoint
        self.compression = compression
        self.timeout = timeout
        self.eventLoop = eventLoop
        self.maxRequestBytes = maxRequestBytes
        self.maxResponseBytes = maxResponseBytes
        var fields = HTTPHeaders()
        fields.add(name: "Host", value: endpoint.hostHeader)
        fields.add(name: "Content-Type", value: "application/x-protobuf")
        var agent = userAgent
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            let lowered = name.lowercased()
            if OTLPHeaderList.reservedNames.contains(lowered) { continue }
            if lowered == "user-agent" {
                agent = value
                continue
            }
            fields.add(name: name, value: value)
        }
        fields.add(name: "User-Agent", value: agent)
        self.headers = fields
        self.state = NIOLoopBoundBox.makeBoxSendingValue(ConnectionState(), eventLoop: eventLoop)
    }

    /// A client for `signal` as `configuration` sets it up (endpoint, headers, compression, timeout).
    ///
    /// - Parameter userAgent: The `User-Agent`; the executable should add its version, e.g.
    ///   `Periscope/1.2.0 OTel-OTLP-Exporter-Swift`.
    /// - Throws: ``OTLPHTTPClientError`` for an `https` endpoint.
    public convenience init(
        signal: OTLPSignal,
        configuration: OTLPExporterConfiguration,
        eventLoop: any EventLoop,
        userAgent: String = OTLPHTTPClient.defaultUserAgent
    ) throws(OTLPHTTPClientError) {
        let settings = configuration[signal]
        try self.init(
            endpoint: settings.endpoint,
            headers: settings.headers,
            compression: settings.compression,
            timeout: settings.timeout,
            eventLoop: eventLoop,
            userAgent: userAgent
        )
    }

    /// Prepares `body` for sending: gzips it when the client compresses (an empty body is never compressed).
    public func makeRequest(_ body: ByteBuffer) -> OTLPHTTPRequest {
        guard self.compression == .gzip, body.readableBytes > 0 else {
            return OTLPHTTPRequest(body: body, isCompressed: false, uncompressedSize: body.readableBytes)
        }
        return OTLPHTTPRequest(body: OTLPGzip.compress(body), isCompressed: true, uncompressedSize: body.readableBytes)
    }

    /// Prepares `body` for sending (see ``makeRequest(_:)-(ByteBuffer)``).
    public func makeRequest(_ body: [UInt8]) -> OTLPHTTPRequest {
        self.makeRequest(ByteBuffer(bytes: body))
    }

    /// POSTs `request`. The future never fails: every outcome is an ``OTLPHTTPResult``.
    public func sendFuture(_ request: OTLPHTTPRequest) -> EventLoopFuture<OTLPHTTPResult> {
        guard request.uncompressedSize <= self.maxRequestBytes else {
            let failure = OTLPHTTPFailure.requestTooLarge(bytes: request.uncompressedSize, limit: self.maxRequestBytes)
            return self.eventLoop.makeSucceededFuture(.permanentFailure(failure))
        }
        let promise = self.eventLoop.makePromise(of: OTLPHTTPResult.self)
        let pending = Pending(request: request, promise: promise)
        if self.eventLoop.inEventLoop {
            self.enqueue(pending)
        } else {
            self.eventLoop.execute { self.enqueue(pending) }
        }
        return promise.futureResult
    }

    /// POSTs `request` and waits for the outcome (see ``sendFuture(_:)``).
    public func send(_ request: OTLPHTTPRequest) async -> OTLPHTTPResult {
        // The future never fails.
        (try? await self.sendFuture(request).get()) ?? .permanentFailure(.shutDown)
    }

    /// Prepares and POSTs `body`, and waits for the outcome.
    public func send(_ body: [UInt8]) async -> OTLPHTTPResult {
        await self.send(self.makeRequest(body))
    }

    /// Closes the connection; the request in flight and those waiting end with ``OTLPHTTPFailure/shutDown``, as
    /// do later ones. Completes when the connection is closed.
    public func shutdownFuture() -> EventLoopFuture<Void> {
        self.eventLoop.flatSubmit {
            let state = self.state.value
            state.isShutDown = true
            var closing: [EventLoopFuture<Void>] = []
            if let idle = state.idle {
                state.idle = nil
                closing.append(idle.channel.closeFuture)
                idle.channel.close(promise: nil)
            }
            if let active = state.active {
                if let channel = active.connection?.channel {
                    closing.append(channel.closeFuture)
                }
                self.finish(active.token, .permanentFailure(.shutDown), closeConnection: true)
            }
            while let pending = state.waiting.popFirst() {
                pending.promise.succeed(.permanentFailure(.shutDown))
            }
            return EventLoopFuture.andAllComplete(closing, on: self.eventLoop)
        }
    }

    /// Closes the connection (see ``shutdownFuture()``) and waits for it.
    public func shutdown() async {
        try? await self.shutdownFuture().get()
    }

    // MARK: - On the event loop

    private struct Pending {
        var request: OTLPHTTPRequest
        var promise: EventLoopPromise<OTLPHTTPResult>
    }

    private struct Connection {
        var channel: any Channel
        var handler: OTLPResponseHandler
    }

    private struct ActiveRequest {
        var token: UInt64
        var pending: Pending
        var timeoutTask: Scheduled<Void>?
        var connection: Connection?
        var reused = false
        var resentOnNewConnection = false
    }

    private final class ConnectionState {
        var idle: Connection?
        var active: ActiveRequest?
        var waiting = CircularBuffer<Pending>()
        var isShutDown = false
        var lastToken: UInt64 = 0
    }

    private func enqueue(_ pending: Pending) {
        let state = self.state.value
        if state.isShutDown {
            pending.promise.succeed(.permanentFailure(.shutDown))
        } else if state.active != nil {
            state.waiting.append(pending)
        } else {
            self.start(pending)
        }
    }

    private func start(_ pending: Pending) {
        let state = self.state.value
        state.lastToken += 1
        let token = state.lastToken
        var active = ActiveRequest(token: token, pending: pending)
        if self.timeout > .zero {
            active.timeoutTask = self.eventLoop.scheduleTask(in: Self.timeAmount(self.timeout)) {
                self.finish(token, .retryableFailure(.timeout, retryAfter: nil), closeConnection: true)
            }
        }
        state.active = active
        if let idle = state.idle {
            state.idle = nil
            if idle.channel.isActive {
                self.write(token, on: idle, reused: true)
                return
            }
            idle.channel.close(promise: nil)
        }
        self.connect(token)
    }

    private func connect(_ token: UInt64) {
        let maxResponseBytes = self.maxResponseBytes
        var bootstrap = ClientBootstrap(group: self.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(OTLPResponseHandler(maxBodyBytes: maxResponseBytes))
                }
            }
        if self.timeout > .zero {
            bootstrap = bootstrap.connectTimeout(Self.timeAmount(self.timeout))
        }
        bootstrap.connect(host: self.endpoint.host, port: self.endpoint.port).whenComplete { result in
            switch result {
            case .failure(let error):
                self.finish(
                    token, .retryableFailure(.connectFailed("\(error)"), retryAfter: nil), closeConnection: true)
            case .success(let channel):
                guard self.state.value.active?.token == token else {
                    // Timed out or shut down while connecting.
                    channel.close(promise: nil)
                    return
                }
                guard channel.isActive,
                    let handler = try? channel.pipeline.syncOperations.handler(type: OTLPResponseHandler.self)
                else {
                    channel.close(promise: nil)
                    self.finish(token, .retryableFailure(.connectionClosed, retryAfter: nil), closeConnection: true)
                    return
                }
                channel.closeFuture.whenComplete { _ in
                    let state = self.state.value
                    if let idle = state.idle, idle.channel === channel {
                        state.idle = nil
                    }
                }
                self.write(token, on: Connection(channel: channel, handler: handler), reused: false)
            }
        }
    }

    private func write(_ token: UInt64, on connection: Connection, reused: Bool) {
        let state = self.state.value
        guard var active = state.active, active.token == token else {
            connection.channel.close(promise: nil)
            return
        }
        active.connection = connection
        active.reused = reused
        state.active = active
        connection.handler.expect { result in
            self.responseArrived(token, result)
        }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: self.endpoint.target, headers: self.headers)
        let request = active.pending.request
        head.headers.add(name: "Content-Length", value: String(request.body.readableBytes))
        if request.isCompressed {
            head.headers.add(name: "Content-Encoding", value: "gzip")
        }
        let channel = connection.channel
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(request.body)), promise: nil)
        // A failed write surfaces through the handler (errorCaught or channelInactive) once the channel closes.
        channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { _ in channel.close(promise: nil) }
    }

    private func responseArrived(
        _ token: UInt64, _ result: Result<OTLPResponseHandler.Response, OTLPResponseHandler.Failure>
    ) {
        let state = self.state.value
        guard let active = state.active, active.token == token else { return }
        switch result {
        case .success(let response):
            let outcome = OTLPHTTPResult.classify(
                status: response.status,
                retryAfter: response.headers.first(name: "Retry-After"),
                body: response.body
            )
            self.finish(token, outcome, closeConnection: !response.keepAlive)
        case .failure(let failure):
            if active.reused && !active.resentOnNewConnection && !failure.receivedHead && !state.isShutDown {
                // The server closed the kept-alive connection while it was idle (the close crossed our request):
                // nothing was processed, so send again on a new connection, within the same timeout.
                var resent = active
                resent.connection?.channel.close(promise: nil)
                resent.connection = nil
                resent.reused = false
                resent.resentOnNewConnection = true
                state.active = resent
                self.connect(token)
                return
            }
            let outcome: OTLPHTTPResult
            switch failure.kind {
            case .closed: outcome = .retryableFailure(.connectionClosed, retryAfter: nil)
            case .io(let reason): outcome = .retryableFailure(.ioError(reason), retryAfter: nil)
            case .tooLarge: outcome = .permanentFailure(.responseTooLarge(limit: self.maxResponseBytes))
            }
            self.finish(token, outcome, closeConnection: true)
        }
    }

    /// Ends request `token` (if it is still the active one) with `result`, keeps or closes its connection, and
    /// starts the next waiting request.
    private func finish(_ token: UInt64, _ result: OTLPHTTPResult, closeConnection: Bool) {
        let state = self.state.value
        guard let active = state.active, active.token == token else { return }
        state.active = nil
        active.timeoutTask?.cancel()
        if let connection = active.connection {
            connection.handler.disarm()
            if closeConnection || state.isShutDown || !connection.channel.isActive {
                connection.channel.close(promise: nil)
            } else {
                state.idle = connection
            }
        }
        active.pending.promise.succeed(result)
        if !state.isShutDown, state.active == nil, let next = state.waiting.popFirst() {
            self.start(next)
        }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(OTLPRetryPolicy.nanoseconds(duration))
    }
}
