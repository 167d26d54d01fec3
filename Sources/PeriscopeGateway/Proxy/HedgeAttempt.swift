import NIOCore
import NIOHTTP1
import PeriscopeTelemetry

/// The second attempt of a hedged request: it waits for a pooled connection, sends the kept request on it, and
/// reports its first response part to the handler, which either adopts it (it won) or cancels it.
///
/// Lives on the handler's event loop; plain mutable state.
final class HedgeAttempt: UpstreamDelegate, PoolWaiter {
    /// The handler that owns the request (it outlives the attempt: it cancels the attempt when it ends).
    unowned let owner: ProxyServerHandler
    let pool: EndpointPool
    /// The endpoint's index in its cluster (for the balancer).
    let endpoint: Int
    let startedAt: NIODeadline
    /// The attempt's CLIENT span (started when the hedge was decided), when the exchange is traced.
    let span: SpanRecord?
    private let request: ByteBuffer
    private let parts: [HTTPServerRequestPart]
    private let method: HTTPMethod
    private let chunked: Bool
    /// The connection the hedge was sent on, once there is one.
    private(set) var connection: UpstreamConnection?
    private(set) var isDone = false
    /// Whether the request was written to a connection (a failure after that is a reset, before it a connect failure).
    private(set) var wasSent = false

    init(
        owner: ProxyServerHandler,
        pool: EndpointPool,
        endpoint: Int,
        span: SpanRecord?,
        request: ByteBuffer,
        parts: [HTTPServerRequestPart],
        method: HTTPMethod,
        chunked: Bool
    ) {
        self.owner = owner
        self.pool = pool
        self.endpoint = endpoint
        self.startedAt = .now()
        self.span = span
        self.request = request
        self.parts = parts
        self.method = method
        self.chunked = chunked
    }

    /// Asks the pool for a connection (or takes an idle one at once).
    func start() {
        switch self.pool.acquire(for: self) {
        case .ready(let connection): self.poolProvided(connection)
        case .pending: break
        case .failed: self.fail()
        }
    }

    /// Stops the attempt: a waiting one leaves the pool's queue, a sent one's connection is closed.
    func cancel() {
        guard !self.isDone else { return }
        self.isDone = true
        if let connection = self.connection {
            self.connection = nil
            connection.delegate = nil
            connection.close(reason: .aborted)
        } else {
            self.pool.cancel(self)
        }
    }

    /// Hands the connection over to the owner, which continues the exchange on it.
    func adopt() -> UpstreamConnection? {
        self.isDone = true
        defer { self.connection = nil }
        return self.connection
    }

    private func fail() {
        guard !self.isDone else { return }
        self.isDone = true
        self.owner.hedgeFailed(self)
    }

    // MARK: PoolWaiter

    func poolProvided(_ connection: UpstreamConnection) {
        guard !self.isDone else {
            connection.pool?.release(connection, reusable: true)
            return
        }
        self.connection = connection
        self.wasSent = true
        connection.delegate = self
        connection.requestsSent += 1
        connection.writeHead(self.request, method: self.method)
        for part in self.parts {
            switch part {
            case .head: break
            case .body(let buffer): connection.writeBody(buffer, chunked: self.chunked)
            case .end(let trailers): connection.writeEnd(trailers, chunked: self.chunked)
            }
        }
        connection.flush()
    }

    func poolFailed(_ error: UpstreamError) {
        self.fail()
    }

    // MARK: UpstreamDelegate

    func upstreamReceived(_ part: HTTPClientResponsePart) {
        guard !self.isDone else { return }
        self.owner.hedgeReceived(self, part)
    }

    func upstreamReadComplete() {}

    func upstreamClosed(error: (any Error)?) {
        self.connection = nil
        self.fail()
    }

    func upstreamWritabilityChanged(isWritable: Bool) {}

    var downstreamIsWritable: Bool { true }
}

@available(*, unavailable)
extension HedgeAttempt: Sendable {}
