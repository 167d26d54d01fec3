import NIOCore
import NIOHTTP1
import PeriscopeAlerting
import PeriscopeGateway
import PeriscopeTelemetry

/// Serves the admin endpoints on the admin listener (never on traffic listeners).
final class AdminHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// A response header that asks the compressor (see ``AdminServer``) to gzip this response when the client
    /// accepts it; the compressor's predicate removes it before the head is written.
    static let compressibleMarker = "x-periscope-compressible"

    private let admin: AdminServer.Shared
    private var head: HTTPRequestHead?
    /// The exposition is rendered here, reused scrape after scrape on this connection (a scraper keeps its
    /// connection open), so a scrape does not grow a fresh array from empty.
    private var metricsScratch: [UInt8] = []

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
        case "/metrics":
            guard head.method == .GET || head.method == .HEAD else {
                return self.respond(context, head, .methodNotAllowed, "method not allowed\n", allow: "GET, HEAD")
            }
            self.serveMetrics(head, context: context)
        case "/api/v1/rules", "/api/v1/alerts":
            guard head.method == .GET || head.method == .HEAD else {
                return self.respond(context, head, .methodNotAllowed, "method not allowed\n", allow: "GET, HEAD")
            }
            self.serveRulesAPI(path, query: query, head, context: context)
        case "/":
            self.respond(
                context,
                head,
                .ok,
                "periscope admin: /metrics /livez /readyz /startupz (?verbose), POST /drain, /api/v1/rules, "
                    + "/api/v1/alerts\n"
            )
        default:
            self.respond(context, head, .notFound, "not found\n")
        }
    }

    /// `/metrics`: the registry in the format the `Accept` header asks for (``MetricsNegotiation``), gzipped by
    /// the pipeline's compressor when `Accept-Encoding` allows. A HEAD response carries the headers of the
    /// uncompressed GET response.
    private func serveMetrics(_ request: HTTPRequestHead, context: ChannelHandlerContext) {
        let format = MetricsNegotiation.format(accept: request.headers[canonicalForm: "accept"].map(String.init))
        self.metricsScratch.removeAll(keepingCapacity: true)
        self.admin.registry.render(format: format, into: &self.metricsScratch)
        var extra = [("vary", "Accept, Accept-Encoding")]
        if request.method == .GET {
            extra.append((Self.compressibleMarker, "1"))
        }
        self.respond(
            context,
            request,
            .ok,
            body: context.channel.allocator.buffer(bytes: self.metricsScratch),
            contentType: format.contentType,
            extraHeaders: extra
        )
    }

    /// `/api/v1/rules` and `/api/v1/alerts` (Prometheus HTTP API shapes); with no rules configured, empty lists.
    private func serveRulesAPI(
        _ path: Substring,
        query: Substring,
        _ head: HTTPRequestHead,
        context: ChannelHandlerContext
    ) {
        let groups = self.admin.rules?.groups ?? []
        var status = HTTPResponseStatus.ok
        let json: String
        if path == "/api/v1/alerts" {
            json = RulesAPI.alerts(groups)
        } else {
            do throws(RulesAPIError) {
                json = RulesAPI.rules(groups, query: try RulesAPI.RulesQuery(parameters: QueryString.parse(query)))
            } catch {
                status = .badRequest
                json = RulesAPI.error("bad_data", error.description)
            }
        }
        self.respond(
            context,
            head,
            status,
            body: context.channel.allocator.buffer(string: json),
            contentType: "application/json",
            extraHeaders: []
        )
    }

    private func respond(
        _ context: ChannelHandlerContext,
        _ request: HTTPRequestHead,
        _ status: HTTPResponseStatus,
        _ text: String,
        allow: String? = nil
    ) {
        self.respond(
            context,
            request,
            status,
            body: context.channel.allocator.buffer(string: text),
            contentType: "text/plain; charset=utf-8",
            extraHeaders: allow.map { [("allow", $0)] } ?? []
        )
    }

    private func respond(
        _ context: ChannelHandlerContext,
        _ request: HTTPRequestHead,
        _ status: HTTPResponseStatus,
        body: ByteBuffer,
        contentType: String,
        extraHeaders: [(String, String)]
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(body.readableBytes))
        headers.add(name: "cache-control", value: "no-store")
        headers.add(contentsOf: extraHeaders)
        if !request.isKeepAlive { headers.add(name: "connection", value: "close") }
        context.write(
            Self.wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
            promise: nil)
        if request.method != .HEAD {
            context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
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
