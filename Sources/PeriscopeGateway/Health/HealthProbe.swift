import NIOCore
import NIOPosix

/// What one active health check of an endpoint found.
enum HealthProbeResult: Equatable, Sendable {
    /// The endpoint answered with this status.
    case status(Int)
    /// No full status line within the timeout (connect included).
    case timeout
    /// The TCP connection could not be made.
    case connectFailed
    /// The endpoint closed the connection or sent something that is not an HTTP status line.
    case protocolError

    /// The `result` label of `periscope_upstream_health_checks_total` (`success` decided by the caller).
    var failureLabel: String {
        switch self {
        case .status: "unexpected_status"
        case .timeout: "timeout"
        case .connectFailed: "connect_failed"
        case .protocolError: "protocol_error"
        }
    }
}

/// One HTTP health check: connect, `GET path HTTP/1.1` with `Connection: close`, read the status line, close.
///
/// Runs on the event loop it is given (a traffic loop: a probe is a few syscalls and a 200-byte read, off the request
/// path), with the whole exchange bounded by `timeout`. Only the status line is read; the body is discarded with the
/// connection.
enum HealthProbe {
    /// Longest status line read before giving up.
    static let maxStatusLine = 256

    static func run(
        address: SocketAddress?,
        host: String,
        port: Int,
        path: String,
        hostHeader: String,
        timeout: TimeAmount,
        on eventLoop: any EventLoop
    ) -> EventLoopFuture<HealthProbeResult> {
        let promise = eventLoop.makePromise(of: HealthProbeResult.self)
        // The timeout, the connect and the reader may each want to answer; the first one does.
        let completion = NIOLoopBound(ProbeCompletion(promise), eventLoop: eventLoop)
        let request =
            "GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: periscope-health-check\r\n"
            + "Connection: close\r\n\r\n"
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        StatusLineReader(request: request, completion: completion.value))
                }
            }
        let connected = address.map { bootstrap.connect(to: $0) } ?? bootstrap.connect(host: host, port: port)
        let deadline = eventLoop.scheduleTask(in: timeout) {
            completion.value.finish(.timeout)
        }
        connected.whenComplete { result in
            switch result {
            case .success(let channel):
                promise.futureResult.whenComplete { _ in channel.close(promise: nil) }
            case .failure(let error):
                if case ChannelError.connectTimeout = error {
                    completion.value.finish(.timeout)
                } else {
                    completion.value.finish(.connectFailed)
                }
            }
        }
        return promise.futureResult.always { _ in deadline.cancel() }
    }
}

/// Completes a probe's promise once: later answers (a timeout after the status line, a close after a timeout) are
/// ignored. Used on the probe's event loop only.
private final class ProbeCompletion {
    private let promise: EventLoopPromise<HealthProbeResult>
    private var done = false

    init(_ promise: EventLoopPromise<HealthProbeResult>) {
        self.promise = promise
    }

    func finish(_ result: HealthProbeResult) {
        guard !self.done else { return }
        self.done = true
        self.promise.succeed(result)
    }
}

/// Sends the probe request once active and finishes the probe with the status of the first line that comes back.
private final class StatusLineReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let request: String
    private let completion: ProbeCompletion
    private var received: ByteBuffer?

    init(request: String, completion: ProbeCompletion) {
        self.request = request
        self.completion = completion
    }

    func channelActive(context: ChannelHandlerContext) {
        let buffer = context.channel.allocator.buffer(string: self.request)
        context.writeAndFlush(NIOAny(buffer), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = Self.unwrapInboundIn(data)
        if self.received == nil {
            self.received = chunk
        } else {
            self.received!.writeBuffer(&chunk)
        }
        guard let bytes = self.received?.readableBytesView else { return }
        if let end = bytes.firstIndex(of: UInt8(ascii: "\r")) {
            self.complete(Self.status(of: bytes[bytes.startIndex..<end]))
            context.close(promise: nil)
        } else if bytes.count > HealthProbe.maxStatusLine {
            self.complete(.protocolError)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.complete(.protocolError)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.complete(.protocolError)
        context.close(promise: nil)
    }

    private func complete(_ result: HealthProbeResult) {
        self.completion.finish(result)
    }

    /// `HTTP/1.1 200 OK` → `.status(200)`; anything else → `.protocolError`.
    static func status(of line: ByteBufferView.SubSequence) -> HealthProbeResult {
        let bytes = Array(line)
        guard bytes.count >= 12, bytes.starts(with: Array("HTTP/1.".utf8)), bytes[8] == UInt8(ascii: " ") else {
            return .protocolError
        }
        var status = 0
        for byte in bytes[9..<12] {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return .protocolError }
            status = status * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return (100...599).contains(status) ? .status(status) : .protocolError
    }
}
