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

/// One keep-alive HTTP/1.1 connection to an upstream endpoint, as the last handler of its pipeline
/// `[RequestMarkerSink, ByteToMessageHandler(HTTPResponseDecoder), UpstreamConnection]`.
///
/// Owned by an ``EndpointPool`` of the same event loop. While it serves an exchange, `delegate` is the
/// downstream handler; response parts go straight to it with no hop. Reads are held while the downstream is
/// not writable, which is the response half of the proxy's backpressure.
///
/// Requests go out as bytes the proxy encoded itself, written through the sink's context so they skip the
/// decoder. The decoder must still learn each request's method (a response to HEAD has no body), so a small
/// request-head marker is written through the decoder, which records it; the sink then drops the marker.
final class UpstreamConnection: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private let sink: RequestMarkerSink
    /// The pool this connection belongs to, set once connected. Weak: a pool that went away first (its loop
    /// context torn down while the channel still closes) is skipped, not used after it was freed; only read at close.
    weak var pool: EndpointPool?
    /// The exchange being served, or nil while idle in the pool.
    var delegate: (any UpstreamDelegate)?
    /// Requests sent on this connection so far.
    var requestsSent = 0
    /// When the connection was last returned to the pool.
    var idleSince = NIODeadline.now()
    private(set) var isActive = true
    /// Why the connection closes, for `periscope_upstream_connections_closed_total` (the peer, unless we close it).
    private(set) var closeReason = UpstreamCloseReason.remote
    private var readHeld = false

    init(sink: RequestMarkerSink) {
        self.sink = sink
    }

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
            self.closeReason = .aborted
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.delegate?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.isActive = false
        // The pool first, so that an exchange that reacts by asking for another connection sees true counts.
        self.pool?.connectionClosed(self)
        self.pool = nil
        let delegate = self.delegate
        self.delegate = nil
        delegate?.upstreamClosed(error: nil)
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

    /// Sends an encoded request head; `method` tells the response decoder whether a body will follow.
    func writeHead(_ bytes: ByteBuffer, method: HTTPMethod) {
        let marker = method == .HEAD ? Self.headMarker : Self.otherMarker
        self.context?.write(Self.wrapOutboundOut(.head(marker)), promise: nil)
        self.sink.write(bytes)
    }

    /// Sends request body bytes, chunk-framed if the request is chunked.
    func writeBody(_ buffer: ByteBuffer, chunked: Bool) {
        guard chunked else { return self.sink.write(buffer) }
        guard buffer.readableBytes > 0 else { return }
        var size = ByteBuffer()
        size.reserveCapacity(20)
        ChunkedEncoding.writeChunkSize(buffer.readableBytes, into: &size)
        self.sink.write(size)
        self.sink.write(buffer)
        self.sink.write(ChunkedEncoding.crlf)
    }

    /// Ends the request (the last chunk and trailers when chunked).
    func writeEnd(_ trailers: HTTPHeaders?, chunked: Bool) {
        guard chunked else { return }
        var last = ByteBuffer()
        ChunkedEncoding.writeLastChunk(trailers: trailers, into: &last)
        self.sink.write(last)
    }

    func flush() {
        self.sink.flush()
    }

    private static let headMarker = HTTPRequestHead(version: .http1_1, method: .HEAD, uri: "/")
    private static let otherMarker = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")

    /// Closes the connection; the pool learns of it through `channelInactive`.
    func close(reason: UpstreamCloseReason) {
        if self.isActive { self.closeReason = reason }
        self.delegate = nil
        self.context?.close(promise: nil)
    }
}

@available(*, unavailable)
extension UpstreamConnection: Sendable {}

/// First handler of an upstream pipeline: the proxy writes request bytes through its context (straight to the
/// socket), and it drops the request-head markers that travelled through the response decoder.
final class RequestMarkerSink: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = ByteBuffer

    private var context: ChannelHandlerContext?

    init() {}

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // A marker: the decoder has recorded the method; nothing goes on the wire.
        promise?.succeed(())
    }

    func write(_ bytes: ByteBuffer) {
        self.context?.write(Self.wrapOutboundOut(bytes), promise: nil)
    }

    func flush() {
        self.context?.flush()
    }
}

@available(*, unavailable)
extension RequestMarkerSink: Sendable {}
