import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// What an ``ExporterTestCollector`` does with a complete request.
enum CollectorBehavior: Sendable {
    /// Answers `status` with `headers` and `body` (Content-Length added), keeping the connection open.
    case respond(status: Int, headers: [(String, String)] = [], body: [UInt8] = [])
    /// Answers like `respond`, then closes the connection (without announcing it).
    case respondThenClose(status: Int)
    /// Closes the connection without answering.
    case close
    /// Never answers until ``ExporterTestCollector/releaseHeld(with:)``.
    case hold

    /// 200 with an empty `ExportTraceServiceResponse` (full success).
    static let ok = CollectorBehavior.respond(status: 200, headers: [("Content-Type", "application/x-protobuf")])

    /// 200 with a `partial_success` of `rejected` items and `message` (hand-encoded protobuf).
    static func partial(rejected: Int, message: String) -> CollectorBehavior {
        .respond(
            status: 200,
            headers: [("Content-Type", "application/x-protobuf")],
            body: ProtobufBytes.partialSuccess(rejected: rejected, message: message)
        )
    }

    /// `status` with a `google.rpc.Status` body carrying `message`.
    static func status(_ status: Int, message: String, headers: [(String, String)] = []) -> CollectorBehavior {
        .respond(
            status: status,
            headers: [("Content-Type", "application/x-protobuf")] + headers,
            body: ProtobufBytes.status(code: 3, message: message)
        )
    }
}

/// One request as the collector received it.
struct CollectedRequest: Sendable {
    /// Which accepted connection (1-based) carried it.
    var connection: Int
    var method: String
    var uri: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// When its end arrived.
    var receivedAt: ContinuousClock.Instant

    /// The first value of header `name` (any case).
    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A scriptable OTLP/HTTP collector on `127.0.0.1:<free port>`: records every request and answers each by the
/// next scripted behaviour (then by the default one).
final class ExporterTestCollector: Sendable {
    fileprivate struct State {
        var script: [CollectorBehavior] = []
        var fallback: CollectorBehavior
        var requests: [CollectedRequest] = []
        var acceptedConnections = 0
        var held: [(channel: any Channel, keepAlive: Bool)] = []
        var children: [ObjectIdentifier: any Channel] = [:]
    }

    let port: Int
    private let serverChannel: any Channel
    private let state: NIOLockedValueBox<State>

    private init(port: Int, serverChannel: any Channel, state: NIOLockedValueBox<State>) {
        self.port = port
        self.serverChannel = serverChannel
        self.state = state
    }

    /// Starts a collector on a free port (or on `port`, to come back after an outage).
    static func start(
        port: Int = 0,
        behavior: CollectorBehavior = .ok,
        script: [CollectorBehavior] = []
    ) async throws -> ExporterTestCollector {
        let state = NIOLockedValueBox(State(script: script, fallback: behavior))
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let number = state.withLockedValue { state -> Int in
                    state.acceptedConnections += 1
                    state.children[ObjectIdentifier(channel)] = channel
                    return state.acceptedConnections
                }
                channel.closeFuture.whenComplete { _ in
                    state.withLockedValue { $0.children[ObjectIdentifier(channel)] = nil }
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(CollectorHandler(connection: number, state: state))
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        guard let bound = server.localAddress?.port else {
            try? await server.close()
            throw ExporterTestTimeout(what: "a bound port for the test collector")
        }
        return ExporterTestCollector(port: bound, serverChannel: server, state: state)
    }

    /// `http://127.0.0.1:<port>`.
    var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// Every request so far, in arrival order.
    var requests: [CollectedRequest] { self.state.withLockedValue { $0.requests } }

    /// TCP connections accepted so far.
    var acceptedConnections: Int { self.state.withLockedValue { $0.acceptedConnections } }

    /// Requests held (``CollectorBehavior/hold``) and not yet answered.
    var heldCount: Int { self.state.withLockedValue { $0.held.count } }

    /// Sets the behaviour for requests after the script.
    func setBehavior(_ behavior: CollectorBehavior) {
        self.state.withLockedValue { $0.fallback = behavior }
    }

    /// Answers every held request with 200 (or `behavior`'s response).
    func releaseHeld(with behavior: CollectorBehavior = .ok) {
        let held = self.state.withLockedValue { state in
            defer { state.held = [] }
            return state.held
        }
        for entry in held {
            let channel = entry.channel
            channel.eventLoop.execute {
                CollectorHandler.answer(behavior, on: channel, keepAlive: entry.keepAlive)
            }
        }
    }

    /// Stops listening and closes every connection.
    func stop() async {
        try? await self.serverChannel.close()
        let children = self.state.withLockedValue { Array($0.children.values) }
        for child in children {
            try? await child.close()
        }
    }
}

private final class CollectorHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let connection: Int
    private let state: NIOLockedValueBox<ExporterTestCollector.State>
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(connection: Int, state: NIOLockedValueBox<ExporterTestCollector.State>) {
        self.connection = connection
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.body = []
        case .body(let part):
            self.body.append(contentsOf: part.readableBytesView)
        case .end:
            guard let head = self.head else { return }
            let request = CollectedRequest(
                connection: self.connection,
                method: "\(head.method)",
                uri: head.uri,
                headers: head.headers.map { ($0.name, $0.value) },
                body: self.body,
                receivedAt: .now
            )
            let channel = context.channel
            let behavior = self.state.withLockedValue { state -> CollectorBehavior in
                state.requests.append(request)
                let behavior = state.script.isEmpty ? state.fallback : state.script.removeFirst()
                if case .hold = behavior {
                    state.held.append((channel, head.isKeepAlive))
                }
                return behavior
            }
            Self.answer(behavior, on: channel, keepAlive: head.isKeepAlive)
        }
    }

    static func answer(_ behavior: CollectorBehavior, on channel: any Channel, keepAlive: Bool) {
        switch behavior {
        case .respond(let status, let headers, let body):
            Self.write(status: status, headers: headers, body: body, on: channel, thenClose: !keepAlive)
        case .respondThenClose(let status):
            Self.write(status: status, headers: [], body: [], on: channel, thenClose: true)
        case .close:
            channel.close(promise: nil)
        case .hold:
            break
        }
    }

    private static func write(
        status: Int,
        headers: [(String, String)],
        body: [UInt8],
        on channel: any Channel,
        thenClose: Bool
    ) {
        var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
        for (name, value) in headers {
            head.headers.add(name: name, value: value)
        }
        head.headers.add(name: "Content-Length", value: String(body.count))
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if !body.isEmpty {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        }
        let done = channel.writeAndFlush(HTTPServerResponsePart.end(nil))
        if thenClose {
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

/// Hand-encoded protobuf for the collector's answers.
enum ProtobufBytes {
    /// `ExportTraceServiceResponse { partial_success { rejected_spans: rejected, error_message: message } }`.
    static func partialSuccess(rejected: Int, message: String) -> [UInt8] {
        var inner: [UInt8] = [0x08] + Self.varint(UInt64(rejected))
        inner += [0x12] + Self.varint(UInt64(message.utf8.count)) + Array(message.utf8)
        return [0x0A] + Self.varint(UInt64(inner.count)) + inner
    }

    /// `google.rpc.Status { code, message }`.
    static func status(code: Int, message: String) -> [UInt8] {
        [0x08] + Self.varint(UInt64(code)) + [0x12] + Self.varint(UInt64(message.utf8.count)) + Array(message.utf8)
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }
}
