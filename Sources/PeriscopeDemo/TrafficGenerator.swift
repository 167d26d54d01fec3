import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small load generator for the demo: a few keep-alive connections, each sending one request at a time at a
/// paced rate, over a mix of paths (users, orders, search, and the odd unknown path).
public final class TrafficGenerator: Sendable {
    private let host: String
    private let port: Int
    private let connections: Int
    private let requestsPerSecond: Double
    private let logger: Logger

    /// - Parameters:
    ///   - requestsPerSecond: total rate over all connections.
    public init(host: String, port: Int, connections: Int = 4, requestsPerSecond: Double = 40, logger: Logger) {
        self.host = host
        self.port = port
        self.connections = connections
        self.requestsPerSecond = requestsPerSecond
        self.logger = logger
    }

    /// The request targets, weighted by repetition.
    static let targets: [(HTTPMethod, String)] = [
        (.GET, "/api/users/1"), (.GET, "/api/users/42"), (.GET, "/api/users/7"), (.GET, "/api/users/1001"),
        (.GET, "/api/orders"), (.POST, "/api/orders"), (.GET, "/api/orders/17"),
        (.GET, "/api/search?q=periscope"), (.GET, "/api/search?q=gateway"),
        (.GET, "/does-not-exist"),
    ]

    /// Starts the connections; each reconnects after a second if its connection drops.
    public func start(group: any EventLoopGroup) {
        let interval = TimeAmount.nanoseconds(Int64(Double(self.connections) / self.requestsPerSecond * 1e9))
        for index in 0..<self.connections {
            self.connect(group: group, index: index, interval: interval)
        }
    }

    private func connect(group: any EventLoopGroup, index: Int, interval: TimeAmount) {
        let host = self.host
        ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(
                        TrafficHandler(host: host, offset: index, interval: interval)
                    )
                }
            }
            .connect(host: self.host, port: self.port)
            .flatMap { $0.closeFuture }
            .whenComplete { _ in
                // Reconnect later (the gateway may be draining or restarting).
                group.next().scheduleTask(in: .seconds(1)) {
                    self.connect(group: group, index: index, interval: interval)
                }
            }
    }
}

/// Sends a request, waits for the response, waits `interval`, repeats.
final class TrafficHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let host: String
    private var next: Int
    private let interval: TimeAmount

    init(host: String, offset: Int, interval: TimeAmount) {
        self.host = host
        self.next = offset
        self.interval = interval
    }

    func channelActive(context: ChannelHandlerContext) {
        self.send(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = Self.unwrapInboundIn(data) {
            context.eventLoop.assumeIsolated().scheduleTask(in: self.interval) {
                self.send(context: context)
            }
        }
    }

    private func send(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let (method, target) = TrafficGenerator.targets[self.next % TrafficGenerator.targets.count]
        self.next += 1
        var headers = HTTPHeaders()
        headers.add(name: "host", value: self.host)
        headers.add(name: "user-agent", value: "periscope-demo-traffic")
        var body: ByteBuffer? = nil
        if method == .POST {
            body = context.channel.allocator.buffer(string: "{\"item\":\"telescope\",\"quantity\":1}")
            headers.add(name: "content-type", value: "application/json")
            headers.add(name: "content-length", value: String(body!.readableBytes))
        }
        context.write(
            Self.wrapOutboundOut(
                .head(HTTPRequestHead(version: .http1_1, method: method, uri: target, headers: headers))), promise: nil)
        if let body { context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension TrafficHandler: Sendable {}
