import NIOCore
import NIOHTTP1
import PeriscopeGateway

/// Serves the admin endpoints on the admin listener (never on traffic listeners).
final class AdminHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let admin: AdminServer.Shared
    private var head: HTTPRequestHead?

    init(admin: AdminServer.Shared) {
        self.admin = admin
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head = self.head else { return }
            self.head = nil
            self.route(head, context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let (path, query) = Self.split(head.uri)
        let verbose = query.split(separator: "&").contains { $0 == "verbose" || $0.hasPrefix("verbose=") }
        if let probe = HealthProbe(rawValue: String(path.dropFirst())), path.hasPrefix("/") {
            guard head.method == .GET || head.method == .HEAD else {
                return self.respond(context, head, .methodNotAllowed, "method not allowed\n", allow: "GET, HEAD")
            }
            probe.evaluate(state: self.admin.state, eventLoops: self.admin.gatewayLoops, on: context.eventLoop)
                .assumeIsolated()
                .whenSuccess { checks in
                    let ok = checks.allSatisfy(\.ok)
                    self.respond(
                        context,
                        head,
                        ok ? .ok : .serviceUnavailable,
                        checks.render(probe: probe, verbose: verbose)
                    )
                }
            return
        }
        switch path {
        case "/drain":
            guard head.method == .POST else {
                return self.respond(context, head, .methodNotAllowed, "use POST /drain\n", allow: "POST")
            }
            let started = self.admin.state.isDraining == false
            self.admin.onDrain()
            self.respond(context, head, .accepted, started ? "drain started\n" : "drain already in progress\n")
        case "/":
            self.respond(context, head, .ok, "periscope admin: /livez /readyz /startupz (?verbose), POST /drain\n")
        default:
            self.respond(context, head, .notFound, "not found\n")
        }
    }

    private func respond(
        _ context: ChannelHandlerContext,
        _ request: HTTPRequestHead,
        _ status: HTTPResponseStatus,
        _ text: String,
        allow: String? = nil
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        headers.add(name: "content-length", value: String(text.utf8.count))
        headers.add(name: "cache-control", value: "no-store")
        if let allow { headers.add(name: "allow", value: allow) }
        if !request.isKeepAlive { headers.add(name: "connection", value: "close") }
        context.write(
            Self.wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
            promise: nil)
        if request.method != .HEAD {
            context.write(
                Self.wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: text)))), promise: nil)
        }
        let keepAlive = request.isKeepAlive
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }

    private static func split(_ uri: String) -> (Substring, Substring) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri[...], "") }
        return (uri[..<mark], uri[uri.index(after: mark)...])
    }
}

@available(*, unavailable)
extension AdminHandler: Sendable {}
