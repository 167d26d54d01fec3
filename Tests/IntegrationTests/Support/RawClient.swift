import NIOCore
import NIOPosix

/// A TCP client that sends exact bytes and reads back what arrives, for framing, smuggling and timeout tests.
///
/// Nothing is parsed or fixed up on the way out. Incoming bytes accumulate in ``buffer`` until a `read…`
/// method consumes them; ``isClosed`` turns true once the peer closed the connection and every byte was read.
/// Use it from one task; it is not thread-safe.
final class RawClient {
    /// The underlying channel.
    let channel: any Channel
    private let inbox: Inbox<[UInt8]>
    /// Received bytes not yet consumed by ``readResponse(requestWasHead:timeout:)``.
    private(set) var buffer: [UInt8] = []
    /// Every byte received on this connection so far.
    private(set) var totalReceived = 0
    /// Whether the peer closed the connection.
    private(set) var isClosed = false

    private init(channel: any Channel, inbox: Inbox<[UInt8]>) {
        self.channel = channel
        self.inbox = inbox
    }

    /// Opens a connection to `host:port`.
    static func connect(port: Int, host: String = "127.0.0.1", timeout: Duration = .seconds(5)) async throws
        -> RawClient
    {
        let inbox = Inbox<[UInt8]>()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.nanoseconds(timeout.nanoseconds))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(inbox: inbox))
                }
            }
            .connect(host: host, port: port)
            .get()
        return RawClient(channel: channel, inbox: inbox)
    }

    /// Whether a TCP connection to `host:port` is accepted right now.
    static func canConnect(port: Int, host: String = "127.0.0.1") async -> Bool {
        do {
            let client = try await RawClient.connect(port: port, host: host, timeout: .seconds(1))
            client.close()
            return true
        } catch {
            return false
        }
    }

    /// Sends `text` as UTF-8, exactly as written (write `\r\n` yourself).
    func send(_ text: String) async throws {
        try await self.send(Array(text.utf8))
    }

    /// Sends `bytes` as they are.
    func send(_ bytes: [UInt8]) async throws {
        let buffer = self.channel.allocator.buffer(bytes: bytes)
        try await self.channel.writeAndFlush(buffer).get()
    }

    /// Waits for one more piece of input; false if `deadline` passed first.
    private func pull(until deadline: ContinuousClock.Instant) async throws -> Bool {
        if self.isClosed { return false }
        let remaining = deadline - .now
        guard remaining > .zero else { return false }
        do {
            if let bytes = try await self.inbox.next(timeout: remaining, what: "bytes from the server") {
                self.buffer.append(contentsOf: bytes)
                self.totalReceived += bytes.count
            } else {
                self.isClosed = true
            }
            return true
        } catch is TimedOut {
            return false
        }
    }

    /// Reads until `condition(buffer)` holds, the peer closes, or `timeout` passes.
    /// - Returns: whether `condition` holds at the end.
    @discardableResult
    func read(timeout: Duration, until condition: ([UInt8]) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(self.buffer) {
            if !(try await self.pull(until: deadline)) { return condition(self.buffer) }
        }
        return true
    }

    /// Reads until the peer closes the connection or `timeout` passes.
    /// - Returns: whether the connection was closed by the peer.
    @discardableResult
    func readUntilClose(timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !self.isClosed {
            if !(try await self.pull(until: deadline)) { break }
        }
        return self.isClosed
    }

    /// Reads and consumes one whole response.
    ///
    /// Throws ``TimedOut`` if it is not complete within `timeout`, and ``RawClientError`` if the connection
    /// closed before it was complete or the bytes are not a response. Informational (1xx) responses are
    /// returned like any other.
    func readResponse(requestWasHead: Bool = false, timeout: Duration = .seconds(10)) async throws -> RawResponse {
        let deadline = ContinuousClock.now + timeout
        while true {
            switch RawResponse.parse(self.buffer[...], requestWasHead: requestWasHead, atEOF: self.isClosed) {
            case .complete(let response, let consumed):
                self.buffer.removeFirst(consumed)
                return response
            case .invalid(let reason):
                throw RawClientError.invalidResponse(reason, received: self.bufferText)
            case .incomplete:
                if self.isClosed { throw RawClientError.closedBeforeCompleteResponse(received: self.bufferText) }
                if !(try await self.pull(until: deadline)) {
                    if self.isClosed { continue }
                    throw TimedOut(what: "a complete response (have: \(self.bufferText.prefix(300)))")
                }
            }
        }
    }

    /// The unconsumed bytes as text (for messages).
    var bufferText: String { String(decoding: self.buffer, as: UTF8.self) }

    /// Closes the connection (safe to call more than once).
    func close() {
        self.channel.close(promise: nil)
    }

    /// Pushes every received byte into the inbox; marks the end when the connection closes.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let inbox: Inbox<[UInt8]>

        init(inbox: Inbox<[UInt8]>) {
            self.inbox = inbox
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = Self.unwrapInboundIn(data)
            self.inbox.push(buffer.readBytes(length: buffer.readableBytes) ?? [])
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.inbox.finish()
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // Reset by peer and the like: the connection is over either way.
            context.close(promise: nil)
        }
    }
}

/// Why ``RawClient/readResponse(requestWasHead:timeout:)`` found no response.
enum RawClientError: Error, CustomStringConvertible {
    case closedBeforeCompleteResponse(received: String)
    case invalidResponse(String, received: String)

    var description: String {
        switch self {
        case .closedBeforeCompleteResponse(let received):
            "connection closed before a complete response; received: \(received.prefix(300))"
        case .invalidResponse(let reason, let received):
            "invalid response (\(reason)); received: \(received.prefix(300))"
        }
    }
}
