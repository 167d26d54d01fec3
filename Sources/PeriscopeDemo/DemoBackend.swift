import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// An in-process HTTP/1.1 server that answers every request after a sampled latency, sometimes with an error.
public final class DemoBackend: Sendable {
    /// Name shown in responses (`users-1`).
    public let name: String
    let profile: BackendProfile
    private let host: String
    private let port: Int

    public init(name: String, host: String, port: Int, profile: BackendProfile) {
        self.name = name
        self.host = host
        self.port = port
        self.profile = profile
    }

    /// Binds the server on `group`.
    public func start(group: any EventLoopGroup) async throws -> any Channel {
        let name = self.name
        let profile = self.profile
        let started = NIODeadline.now()
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        DemoBackendHandler(name: name, profile: profile, started: started))
                }
            }
            .bind(host: self.host, port: self.port)
            .get()
    }
}

/// Answers one request at a time (the pipeline handler orders pipelined ones).
final class DemoBackendHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let name: String
    private let profile: BackendProfile
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    private var rng = SystemRandomNumberGenerator()
    private let started: NIODeadline

    init(name: String, profile: BackendProfile, started: NIODeadline) {
        self.name = name
        self.profile = profile
        self.started = started
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            self.bodyBytes = 0
        case .body(let buffer):
            self.bodyBytes += buffer.readableBytes
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            let delay = self.profile.sampleLatencyNanoseconds(using: &self.rng)
            let elapsed = Double((NIODeadline.now() - self.started).nanoseconds) / 1e9
            let failed =
                self.profile.isInOutage(secondsSinceStart: elapsed) || self.profile.shouldFail(using: &self.rng)
            let bodyBytes = self.bodyBytes
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(delay)) {
                self.respond(context: context, head: head, failed: failed, bodyBytes: bodyBytes)
            }
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, failed: Bool, bodyBytes: Int) {
        let status = failed ? HTTPResponseStatus(statusCode: self.profile.errorStatus) : .ok
        var body = context.channel.allocator.buffer(capacity: 128)
        body.writeString("{\"backend\":\"\(self.name)\",\"method\":\"\(head.method.rawValue)\",")
        body.writeString("\"status\":\(status.code),\"request_body_bytes\":\(bodyBytes)}\n")
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.readableBytes))
        headers.add(name: "x-demo-backend", value: self.name)
        context.write(
            Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
    }
}

@available(*, unavailable)
extension DemoBackendHandler: Sendable {}
