import NIOCore
import NIOHTTP1

/// Receives what an upstream connection produces while it serves one exchange.
///
/// Called on the event loop that owns both the downstream and the upstream channel.
protocol UpstreamDelegate: AnyObject {
    func upstreamReceived(_ part: HTTPClientResponsePart)
    func upstreamReadComplete()
    /// The connection closed or failed; `error` is nil for a clean close by the peer.
    func upstreamClosed(error: (any Error)?)
    func upstreamWritabilityChanged(isWritable: Bool)
    /// Whether the downstream can take more bytes; upstream reads are held while it cannot.
    var downstreamIsWritable: Bool { get }
}

/// One keep-alive HTTP/1.1 connection to an upstream endpoint, as the last handler of its pipeline.
///
/// Owned by an ``EndpointPool`` of the same event loop. While it serves an exchange, `delegate` is the
/// downstream handler; response parts go straight to it with no hop. Reads are held while the downstream is
/// not writable, which is the response half of the proxy's backpressure.
final class UpstreamConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    /// The pool this connection belongs to, set once connected.
    unowned(unsafe) var pool: EndpointPool?
    /// The exchange being served, or nil while idle in the pool.
    var delegate: (any UpstreamDelegate)?
    /// Requests sent on this connection so far.
    var requestsSent = 0
    /// When the connection was last returned to the pool.
    var idleSince = NIODeadline.now()
    private(set) var isActive = true
    private var readHeld = false

    init() {}

    func handlerAdded(context: ChannelHandlerContext) {
        // Added before the connect completes; it counts as active until `channelInactive`.
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = Self.unwrapInboundIn(data)
        if let delegate = self.delegate {
            delegate.upstreamReceived(part)
        } else {
            // Bytes on an idle connection: the upstream broke the protocol; never reuse it.
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.delegate?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.isActive = false
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed(error: nil)
        self.pool?.connectionClosed(self)
        self.pool = nil
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed(error: error)
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        self.delegate?.upstreamWritabilityChanged(isWritable: context.channel.isWritable)
    }

    func read(context: ChannelHandlerContext) {
        if let delegate = self.delegate, !delegate.downstreamIsWritable {
            self.readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: used by the exchange

    var isWritable: Bool { self.context?.channel.isWritable ?? false }

    /// Re-issues a read that was held for backpressure.
    func resumeReading() {
        if self.readHeld, let context = self.context {
            self.readHeld = false
            context.read()
        }
    }

    func write(_ part: HTTPClientRequestPart) {
        self.context?.write(Self.wrapOutboundOut(part), promise: nil)
    }

    func flush() {
        self.context?.flush()
    }

    /// Closes the connection; the pool learns of it through `channelInactive`.
    func close() {
        self.delegate = nil
        self.context?.close(promise: nil)
    }
}

@available(*, unavailable)
extension UpstreamConnection: Sendable {}
