import NIOCore
import NIOHTTP1

/// The last handler of an exporter connection: collects one response (head and body, the body up to a limit)
/// for the request the client is waiting on, and reports it — or the connection's end or error — once.
///
/// Confined to its channel's event loop, like every handler; the client arms it with ``expect(_:)`` before it
/// writes a request, and disarms it with ``disarm()`` when it stops waiting (timeout, shutdown).
final class OTLPResponseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart

    /// A complete response.
    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        /// Whether the connection may carry another request (HTTP/1.1 without `Connection: close`, or HTTP/1.0
        /// with `keep-alive`).
        var keepAlive: Bool
    }

    /// Why no complete response arrived.
    struct Failure: Error {
        enum Kind {
            case closed
            case io(String)
            case tooLarge
        }

        var kind: Kind
        /// Whether the response head had arrived (a request that got no byte of answer on a reused connection
        /// may be resent on a new one).
        var receivedHead: Bool
    }

    typealias Callback = (Result<Response, Failure>) -> Void

    private let maxBodyBytes: Int
    private var callback: Callback?
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(maxBodyBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
    }

    /// Waits for the next response; `callback` is called exactly once unless ``disarm()`` comes first.
    func expect(_ callback: @escaping Callback) {
        self.callback = callback
        self.head = nil
        self.body = []
    }

    /// Stops waiting: nothing more is reported for the current request.
    func disarm() {
        self.callback = nil
        self.head = nil
        self.body = []
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard self.callback != nil else {
            // A response nobody asked for (or the rest of one we stopped waiting for): the connection is not
            // in a state to be reused.
            context.close(promise: nil)
            return
        }
        switch self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(let part):
            guard self.body.count + part.readableBytes <= self.maxBodyBytes else {
                self.complete(.failure(Failure(kind: .tooLarge, receivedHead: true)))
                context.close(promise: nil)
                return
            }
            self.body.append(contentsOf: part.readableBytesView)
        case .end:
            guard let head = self.head else {
                self.complete(.failure(Failure(kind: .io("response ended without a head"), receivedHead: false)))
                context.close(promise: nil)
                return
            }
            self.complete(
                .success(
                    Response(
                        status: Int(head.status.code),
                        headers: head.headers,
                        body: self.body,
                        keepAlive: head.isKeepAlive
                    )
                )
            )
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.complete(.failure(Failure(kind: .closed, receivedHead: self.head != nil)))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.complete(.failure(Failure(kind: .io("\(error)"), receivedHead: self.head != nil)))
        context.close(promise: nil)
    }

    private func complete(_ result: Result<Response, Failure>) {
        guard let callback = self.callback else { return }
        self.callback = nil
        self.head = nil
        self.body = []
        callback(result)
    }
}

@available(*, unavailable)
extension OTLPResponseHandler: Sendable {}
