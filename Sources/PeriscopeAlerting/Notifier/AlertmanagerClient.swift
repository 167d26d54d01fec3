import NIOCore
import NIOHTTP1
import NIOPosix

/// One Alertmanager's API v2 endpoint: POSTs a JSON body to `<url>/api/v2/alerts` over a fresh HTTP/1.1
/// connection and reports the status (or the failure).
struct AlertmanagerClient: Sendable {
    let url: String
    let host: String
    let port: Int
    let path: String
    let timeout: TimeAmount

    /// Parses `http://host:port[/prefix]`.
    init?(url: String, timeout: TimeAmount) {
        guard url.hasPrefix("http://") else { return nil }
        var rest = url.dropFirst("http://".count)
        var prefix = ""
        if let slash = rest.firstIndex(of: "/") {
            prefix = String(rest[slash...])
            rest = rest[..<slash]
        }
        while prefix.hasSuffix("/") { prefix.removeLast() }
        var host = String(rest)
        var port = 80
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            host = String(rest[rest.index(after: rest.startIndex)..<close])
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) ?? -1 }
        } else if let colon = rest.lastIndex(of: ":") {
            host = String(rest[..<colon])
            port = Int(rest[rest.index(after: colon)...]) ?? -1
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
        self.url = url
        self.host = host
        self.port = port
        self.path = prefix + "/api/v2/alerts"
        self.timeout = timeout
    }

    /// POSTs `body`; succeeds with the response status, fails on connect errors, resets and the timeout.
    func post(_ body: String, on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponseStatus> {
        let promise = eventLoop.makePromise(of: HTTPResponseStatus.self)
        let timeoutTask = eventLoop.scheduleTask(in: self.timeout) {
            promise.fail(AlertmanagerError.timeout)
        }
        promise.futureResult.whenComplete { _ in timeoutTask.cancel() }
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: self.path)
        head.headers.add(name: "Host", value: self.port == 80 ? self.host : "\(self.host):\(self.port)")
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "User-Agent", value: "periscope")
        let request = head
        ClientBootstrap(group: eventLoop)
            .connectTimeout(self.timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(StatusCollector(promise: promise))
                }
            }
            .connect(host: self.host, port: self.port)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    promise.fail(error)
                case .success(let channel):
                    promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
                    var buffer = channel.allocator.buffer(capacity: body.utf8.count)
                    buffer.writeString(body)
                    channel.write(HTTPClientRequestPart.head(request), promise: nil)
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(buffer)), promise: nil)
                    channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                }
            }
        return promise.futureResult
    }
}

/// Completes the promise with the response status once the response ends (or fails it if the connection ends
/// first).
private final class StatusCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<HTTPResponseStatus>
    private var status: HTTPResponseStatus?

    init(promise: EventLoopPromise<HTTPResponseStatus>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch self.unwrapInboundIn(data) {
        case .head(let head): self.status = head.status
        case .body: break
        case .end:
            if let status { self.promise.succeed(status) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.promise.fail(AlertmanagerError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.promise.fail(error)
        context.close(promise: nil)
    }
}

/// Why a POST to an Alertmanager failed.
enum AlertmanagerError: Error, CustomStringConvertible {
    case timeout
    case connectionClosed
    case status(HTTPResponseStatus)

    var description: String {
        switch self {
        case .timeout: "timed out"
        case .connectionClosed: "connection closed before the response ended"
        case .status(let status): "HTTP \(status.code) \(status.reasonPhrase)"
        }
    }
}
