import Logging
import NIOCore
import NIOHTTP1
import PeriscopeConfig
import PeriscopeTelemetry

/// The downstream side of the proxy: one instance per client connection, last in its pipeline.
///
/// It takes decoded request parts, routes the request, borrows an upstream connection of its own event loop
/// and streams both bodies through, holding reads on whichever side is ahead (backpressure both ways).
/// Requests on a connection are served one at a time; pipelined ones wait in a small queue.
///
/// Exchange life cycle: `idle` → (`connecting` →) `proxying` or `localResponse` → `idle`, or `closed`.
final class ProxyServerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case idle
        case connecting
        case proxying
        case localResponse
        case closed
    }

    /// Largest request body dropped (rather than closing the connection) after a 404/405.
    private static let discardableBody: Int64 = 64 * 1024

    /// Most request parts queued behind the current exchange before reads are held.
    private static let pipelineQueueLimit = 16

    private let loop: LoopContext
    private let listener: ListenerRuntime
    private let logger: Logger
    /// This connection's listener handles (in flight, connections), looked up once.
    private let listenerMetrics: ListenerHandles
    private var context: ChannelHandlerContext?
    private var clientAddress: String?
    /// ``Hash64`` of `clientAddress` (0 when unknown), for balancers that hash the client address.
    private var clientAddressHash: UInt64 = 0

    // Connection state.
    private var phase = Phase.idle
    private var pipelined = CircularBuffer<HTTPServerRequestPart>()
    private var readHeld = false
    private var closeAfterExchange = false
    private var sawPartInThisRead = false
    private var idleSince = NIODeadline.now()
    private var headerStartedAt: NIODeadline?
    /// One timer per connection covers every timeout; it is re-armed lazily (see `ensureTimer`).
    private var timer: Scheduled<Void>?
    private var timerDeadline = NIODeadline.distantFuture

    // Exchange state, reset by `startExchange`.
    private var route: RouteRuntime?
    private var pool: EndpointPool?
    /// The cluster and endpoint (index in the cluster) the balancer picked, until it is told the exchange ended.
    private var balancerPick: (cluster: Int, endpoint: Int)?
    /// The cluster whose admission slot (and retry slot, with `holdsRetrySlot`) this request holds, released once
    /// when the request ends.
    private var admittedCluster: Int?
    private var holdsRetrySlot = false
    /// With a `retry` policy: the downstream head, the head as sent upstream and the body parts (up to the
    /// policy's size; `nil` once the request cannot be replayed).
    private var requestHead: HTTPRequestHead?
    private var retryHead: ByteBuffer?
    /// The span id in ``retryHead``'s trace headers (the first attempt's CLIENT span), replaced in each later attempt.
    private var retryHeadSpanID: UInt64 = 0
    /// Whether the request can still be replayed (its body so far fits `retry.max_body_bytes`).
    private var retryReplayable = false
    /// The body parts kept for a replay (empty, with no allocation, for the usual bodiless request) and the end.
    private var retryBody: [ByteBuffer] = []
    private var retryTrailers: HTTPHeaders?
    private var retryBodyBytes: Int64 = 0
    /// Retries made for the current request, the pending one, and the endpoint of the last attempt.
    private var retriesMade = 0
    private var retryTask: Scheduled<Void>?
    private var lastPickedEndpoint: Int?
    /// When the current attempt must have its response head (`retry.per_try_timeout`).
    private var perTryDeadline: NIODeadline?
    /// With `hedge`: the pending hedge timer, and the second attempt once sent.
    private var hedgeTask: Scheduled<Void>?
    private var hedge: HedgeAttempt?
    private var pickedAt = NIODeadline.now()
    /// When the upstream's response head arrived (the end of the latency the balancer learns).
    private var upstreamHeadAt: NIODeadline?
    private var upstream: UpstreamConnection?
    /// The encoded upstream request head, until a connection is attached.
    private var pendingRequest: ByteBuffer?
    private var requestChunked = false
    /// The request as sent on a reused pooled connection, kept until the response starts so a bodiless safe
    /// request can be replayed once if the upstream had closed that connection (the keep-alive race).
    private var replayableRequest: ByteBuffer?
    private var staleRetries = 0
    private var requestHasBody = false
    private var early = CircularBuffer<HTTPServerRequestPart>()
    private var requestVersion = HTTPVersion.http1_1
    private var requestMethod = HTTPMethod.GET
    private var framing = ResponseEncoder.Framing.identity
    private var expectsContinue = false
    private var requestComplete = false
    private var responseStarted = false
    private var responseComplete = false
    private var upstreamKeepAlive = false
    private var requestBodyBytes: Int64 = 0
    private var bodyLimit: Int64?
    private var responseDeadline: NIODeadline?
    private var lastActivity = NIODeadline.now()

    // Telemetry of the exchange.
    private var exchangeOpen = false
    private var requestStart = NIODeadline.now()
    private var upstreamStart: NIODeadline?
    private var upstreamSeconds = 0.0
    private var responseStatus = 0
    /// The spans of this exchange, when tracing is on (``ExchangeTrace/isActive``).
    private var trace = ExchangeTrace()
    /// The index in ``LocalResponse/codes`` of the gateway's own answer to this exchange, if it gave one.
    private var localErrorIndex: Int?
    private var remoteAddress: SocketAddress?
    /// The access log line of this exchange, filled as it goes (when the access log is on).
    private var accessEntry: AccessLogEntry?
    /// The peer as spans and the access log record it (set when either is on).
    private var accessClient = SpanRecord.ClientAddress.none
    private var localPort: Int?
    private var responseBodyBytes: Int64 = 0

    init(loop: LoopContext, listener: ListenerRuntime, logger: Logger) {
        self.loop = loop
        self.listener = listener
        self.logger = logger
        self.listenerMetrics = loop.metrics.listener(listener)
    }

    // MARK: channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        self.remoteAddress = context.channel.remoteAddress
        self.localPort = context.channel.localAddress?.port
        if self.loop.accessLog != nil || self.loop.tracing != nil {
            // Converted once per connection for the spans' and the access log's `client.address`.
            switch self.remoteAddress {
            case .v4(let address): self.accessClient = .init(address.address)
            case .v6(let address): self.accessClient = .init(address.address)
            default: break
            }
        }
        self.clientAddress = self.remoteAddress?.ipAddress
        self.clientAddressHash = self.clientAddress.map { Hash64.hash($0) } ?? 0
        self.loop.register(self)
        self.loop.state.connectionOpened()
        self.listenerMetrics.connectionsActive.increment(shard: self.loop.metrics.shard)
        self.listenerMetrics.connectionsTotal.increment(shard: self.loop.metrics.shard)
        self.idleSince = .now()
        // A new connection must send its first request head within the header timeout.
        self.headerStartedAt = self.idleSince
        self.ensureTimer(by: self.idleSince + self.listener.requestHeaderTimeout)
        if self.loop.state.isDraining { self.closeAfterExchange = true }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if self.phase == .connecting { self.pool?.cancel(self) }
        self.phase = .closed
        if self.upstream != nil && !self.responseComplete, let endpoint = self.pool?.endpoint {
            // The client went away mid-exchange.
            self.loop.metrics.upstreamFinished(
                cluster: self.pool!.cluster,
                endpoint: endpoint,
                status: self.responseStatus,
                seconds: self.upstreamStart.map { Double((NIODeadline.now() - $0).nanoseconds) / 1e9 } ?? 0
            )
        }
        self.abortUpstream()
        // The client left: not the endpoint's failure.
        self.balancerExchangeEnded(nil)
        self.recordExchange()
        self.timer?.cancel()
        self.timer = nil
        self.pipelined.removeAll()
        self.early.removeAll()
        self.loop.unregister(self)
        self.loop.state.connectionClosed()
        self.listenerMetrics.connectionsActive.decrement(shard: self.loop.metrics.shard)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = Self.unwrapInboundIn(data)
        self.sawPartInThisRead = true
        switch self.phase {
        case .closed:
            return
        case .idle where self.pipelined.isEmpty:
            self.handle(part)
        default:
            if self.pipelined.isEmpty && !self.requestComplete {
                self.handle(part)
            } else {
                self.pipelined.append(part)
            }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if self.phase == .idle && !self.sawPartInThisRead && self.headerStartedAt == nil {
            // Bytes arrived but no complete head yet: the request-header clock starts now.
            let started = NIODeadline.now()
            self.headerStartedAt = started
            self.ensureTimer(by: started + self.listener.requestHeaderTimeout)
        }
        self.sawPartInThisRead = false
        self.upstream?.flush()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if self.shouldHoldReads {
            self.readHeld = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            self.upstream?.resumeReading()
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError else {
            // I/O errors (reset by peer and the like): nothing to answer.
            context.close(promise: nil)
            return
        }
        if self.phase == .closed { return }
        if self.responseStarted && !self.responseComplete {
            context.close(promise: nil)
            return
        }
        let response: LocalResponse = parserError == .headerOverflow ? .headersTooLarge : .badRequest
        self.logger.debug(
            "malformed request", metadata: ["error": "\(parserError)", "listener": "\(self.listener.name)"])
        self.startExchangeForLocalError()
        self.respondLocally(response, close: true)
    }

    // MARK: requests

    private func handle(_ part: HTTPServerRequestPart) {
        switch part {
        case .head(let head):
            self.startExchange(head)
        case .body(let buffer):
            self.requestBody(buffer)
        case .end(let trailers):
            self.requestEnd(trailers)
        }
    }

    private func resetExchange() {
        self.balancerExchangeEnded(nil)
        self.upstreamHeadAt = nil
        self.trace.isActive = false
        self.accessEntry = nil
        self.localErrorIndex = nil
        self.route = nil
        self.pool = nil
        self.upstream = nil
        self.pendingRequest = nil
        self.requestChunked = false
        self.replayableRequest = nil
        self.staleRetries = 0
        self.requestHead = nil
        self.retryHead = nil
        self.retryReplayable = false
        if !self.retryBody.isEmpty { self.retryBody = [] }
        self.retryTrailers = nil
        self.retryBodyBytes = 0
        self.retriesMade = 0
        self.lastPickedEndpoint = nil
        self.perTryDeadline = nil
        self.requestHasBody = false
        self.early.removeAll(keepingCapacity: true)
        self.expectsContinue = false
        self.requestComplete = false
        self.responseStarted = false
        self.responseComplete = false
        self.upstreamKeepAlive = false
        self.requestBodyBytes = 0
        self.bodyLimit = nil
        self.responseDeadline = nil
        self.headerStartedAt = nil
        self.framing = .identity
        self.requestMethod = .GET
    }

    private func startExchangeForLocalError() {
        if self.phase == .idle {
            self.resetExchange()
            self.phase = .localResponse
            self.openExchange(at: .now())
        }
    }

    /// Counts the exchange as in flight and starts its clock.
    private func openExchange(at start: NIODeadline) {
        self.exchangeOpen = true
        self.requestStart = start
        self.upstreamStart = nil
        self.upstreamSeconds = 0
        self.responseStatus = 0
        self.responseBodyBytes = 0
        self.listenerMetrics.inFlight.increment(shard: self.loop.metrics.shard)
    }

    /// Records the finished (or abandoned) exchange once: in-flight, request count, durations and sizes.
    private func recordExchange(now: NIODeadline = .now()) {
        guard self.exchangeOpen else { return }
        self.exchangeOpen = false
        if let log = self.loop.accessLog, var entry = self.accessEntry, self.responseStatus > 0 {
            entry.durationNanos = UInt64(max(0, (now - self.requestStart).nanoseconds))
            entry.upstreamNanos = UInt64(max(0, self.upstreamSeconds * 1e9))
            entry.status = UInt16(clamping: self.responseStatus)
            entry.requestBodyBytes = UInt64(max(0, self.requestBodyBytes))
            entry.responseBodyBytes = UInt64(max(0, self.responseBodyBytes))
            entry.routeIndex = self.route?.index ?? -1
            entry.clusterIndex = self.route?.cluster.index ?? -1
            entry.endpointIndex = self.pool?.endpoint.index ?? -1
            entry.localErrorIndex = self.localErrorIndex ?? -1
            if self.trace.isActive {
                entry.traceIDHigh = self.trace.server.traceIDHigh
                entry.traceIDLow = self.trace.server.traceIDLow
                entry.spanID = self.trace.server.spanID
            }
            log.record(entry, loop: self.loop.index)
        }
        self.accessEntry = nil
        // A sampled request's duration observation carries its trace as an OpenMetrics/OTLP exemplar.
        var exemplar: Exemplar?
        if let tracing = self.loop.tracing, self.trace.isActive {
            self.trace.finish(
                status: self.responseStatus, localError: self.localErrorIndex, tracing: tracing, now: now)
            exemplar = self.trace.serverExemplar
            self.trace.isActive = false
        }
        let metrics = self.loop.metrics
        self.listenerMetrics.inFlight.decrement(shard: metrics.shard)
        // A request the client abandoned before any response byte has no status to count under.
        guard self.responseStatus > 0 else { return }
        metrics.requestFinished(
            listener: self.listener,
            route: self.route?.index,
            method: self.requestMethod,
            status: self.responseStatus,
            seconds: Double((now - self.requestStart).nanoseconds) / 1e9,
            upstreamSeconds: self.upstreamSeconds,
            requestBytes: self.requestBodyBytes,
            responseBytes: self.responseBodyBytes,
            exemplar: exemplar
        )
    }

    private func startExchange(_ head: HTTPRequestHead) {
        self.resetExchange()
        self.phase = .connecting
        self.requestVersion = head.version
        self.requestMethod = head.method
        self.lastActivity = .now()
        self.openExchange(at: self.lastActivity)
        if let tracing = self.loop.tracing {
            self.trace.start(
                head: head,
                tracing: tracing,
                listener: self.listener,
                clientAddress: self.accessClient,
                localPort: self.localPort,
                now: self.lastActivity
            )
        }
        if self.loop.accessLog != nil {
            var entry = AccessLogEntry()
            // One clock read when both are on: the log line starts when the server span does.
            entry.startTimeUnixNano =
                self.trace.isActive ? self.trace.server.startTimeUnixNano : WallClock.nowUnixNano()
            entry.listenerIndex = self.listener.index
            entry.setMethod(head.method)
            entry.setPath(requestTarget: head.uri)
            if let agent = head.headers.first(name: "user-agent") { entry.setUserAgent(agent) }
            entry.client = self.accessClient
            self.accessEntry = entry
        }
        if !head.isKeepAlive || head.version != .http1_1 {
            self.closeAfterExchange = true
        }
        let facts = RequestRewriter.facts(of: head)
        let hasBody = facts.isChunked || (facts.contentLength ?? 0) > 0
        if head.uri.utf8.count > self.listener.limits.maxHeaderBytes {
            return self.respondLocally(.uriTooLong, close: true)
        }
        if facts.hasContentLength && facts.contentLength == nil || facts.contentLength.map({ $0 < 0 }) == true {
            return self.respondLocally(.badRequest, close: true)
        }
        if facts.unsupportedTransferCoding {
            return self.respondLocally(.unsupportedTransferCoding, close: true)
        }
        if facts.unsupportedExpectation {
            return self.respondLocally(.expectationFailed, close: hasBody)
        }
        // A rejected request's small, length-delimited body is read and dropped so the connection stays
        // usable; anything else (chunked, large, or waiting for 100-continue) ends the connection.
        let mustClose =
            hasBody && (facts.isChunked || facts.expectsContinue || (facts.contentLength ?? 0) > Self.discardableBody)
        let route: RouteRuntime
        switch self.listener.router.match(host: facts.host, target: head.uri, method: head.method) {
        case .matched(let matched):
            route = matched
        case .notFound:
            return self.respondLocally(.notFound(method: head.method, target: head.uri), close: mustClose)
        case .methodNotAllowed(let allowed):
            return self.respondLocally(.methodNotAllowed(allowed), close: mustClose)
        }
        self.route = route
        if let tracing = self.loop.tracing, self.trace.isActive {
            self.trace.matched(route: route, listener: self.listener, tracing: tracing.shared)
        }
        if let limit = route.maxBodyBytes, let length = facts.contentLength, length > limit {
            return self.respondLocally(.bodyTooLarge, close: true)
        }
        self.bodyLimit = route.maxBodyBytes
        self.expectsContinue = facts.expectsContinue && hasBody
        let cluster = route.cluster
        if let rejection = self.loop.admission.admit(cluster: cluster, now: self.lastActivity) {
            if let tracing = self.loop.tracing, self.trace.isActive {
                let now = self.trace.wallTime(at: self.lastActivity)
                switch rejection {
                case .circuitOpen:
                    _ = self.trace.server.addEvent(.circuitOpen, timeUnixNano: now)
                case .maxRequests, .maxPending, .maxConnections:
                    let policy = tracing.shared.rejectionPolicyIDs[
                        LoopAdmission.Rejection.allCases.firstIndex(of: rejection)!]
                    _ = self.trace.server.addEvent(.rejected, timeUnixNano: now, payload: policy.rawValue)
                }
            }
            return self.respondLocally(.rejected(rejection), close: hasBody)
        }
        self.admittedCluster = cluster.index
        guard let (picked, pool) = self.pickEndpoint(cluster, head: head, excluding: nil) else {
            return self.respondLocally(.noEndpoint, close: hasBody)
        }
        self.balancerPick = (cluster.index, picked)
        self.pickedAt = self.lastActivity
        self.pool = pool
        var request = self.context!.channel.allocator.buffer(capacity: 256 + head.uri.utf8.count)
        var propagation: (TracePropagation, SpanContext)?
        if let tracing = self.loop.tracing, self.trace.isActive {
            self.trace.startAttempt(
                endpoint: pool.endpoint.index, tracing: tracing.shared, ids: &tracing.state.pointee.ids)
            propagation = (tracing.shared.propagation, self.trace.upstreamContext)
        }
        RequestRewriter.writeUpstreamHead(
            head,
            facts: facts,
            clientAddress: self.clientAddress,
            trace: propagation,
            deadline: route.deadlineHeader.map { ($0, route.timeout.nanoseconds / 1_000_000) },
            into: &request
        )
        self.pendingRequest = request
        self.lastPickedEndpoint = picked
        if route.retry != nil || route.hedgeDelay != nil {
            self.requestHead = head
            self.retryHead = request
            self.retryHeadSpanID = self.trace.isActive ? self.trace.client.spanID : 0
            self.retryReplayable = true
            self.retryBodyBytes = 0
        }
        self.requestChunked = facts.isChunked
        self.requestHasBody = hasBody
        if hasBody {
            self.ensureTimer(by: self.lastActivity + route.idleTimeout)
        }
        self.acquireConnection(from: pool)
    }

    /// Picks an endpoint of `cluster` for the request (avoiding `excluding` when another is in rotation), tells the
    /// balancer an attempt starts there and counts the pick; `nil` when no endpoint can serve (or, with
    /// `requireOther`, when only `excluding` can).
    private func pickEndpoint(
        _ cluster: ClusterRuntime,
        head: HTTPRequestHead,
        excluding: Int?,
        requireOther: Bool = false
    ) -> (endpoint: Int, pool: EndpointPool)? {
        let balancer = self.loop.balancers[cluster.index]
        guard
            let picked = balancer.pick(request: head, clientAddressHash: self.clientAddressHash, excluding: excluding),
            !requireOther || picked != excluding
        else { return nil }
        balancer.requestStarted(endpoint: picked)
        let pool = self.loop.pools[cluster.endpoints[picked].index]
        self.loop.metrics.picked(pool.endpoint)
        return (picked, pool)
    }

    /// Asks `pool` for a connection for the current attempt: attached now, later (pending), or failed.
    private func acquireConnection(from pool: EndpointPool) {
        switch pool.acquire(for: self) {
        case .ready(let connection):
            self.attach(connection)
        case .pending:
            break
        case .failed(let error):
            self.upstreamUnavailable(error)
        }
    }

    private func attach(_ connection: UpstreamConnection) {
        guard let request = self.pendingRequest else { return }
        self.phase = .proxying
        self.upstreamStart = .now()
        if let perTry = self.route?.perTryTimeout, let start = self.upstreamStart {
            self.perTryDeadline = start + perTry
            self.ensureTimer(by: start + perTry)
        }
        if let delay = self.route?.hedgeDelay, self.hedge == nil, self.hedgeTask == nil, self.retriesMade == 0 {
            self.hedgeTask = self.loop.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.sendHedge() }
        }
        self.pendingRequest = nil
        self.upstream = connection
        connection.delegate = self
        let reused = connection.requestsSent > 0
        self.replayableRequest = reused && !self.requestHasBody && self.requestMethod.isSafe ? request : nil
        connection.requestsSent += 1
        connection.writeHead(request, method: self.requestMethod)
        if self.expectsContinue && !self.requestComplete, let context = self.context {
            var buffer = context.channel.allocator.buffer(capacity: 25)
            buffer.writeStaticString("HTTP/1.1 100 Continue\r\n\r\n")
            context.writeAndFlush(Self.wrapOutboundOut(buffer), promise: nil)
        }
        while let part = self.early.popFirst() {
            self.forward(part, to: connection)
        }
        connection.flush()
        self.resumeReadsIfPossible()
    }

    private func forward(_ part: HTTPServerRequestPart, to connection: UpstreamConnection) {
        switch part {
        case .head:
            break
        case .body(let buffer):
            connection.writeBody(buffer, chunked: self.requestChunked)
        case .end(let trailers):
            connection.writeEnd(trailers, chunked: self.requestChunked)
        }
    }

    private func requestBody(_ buffer: ByteBuffer) {
        switch self.phase {
        case .connecting, .proxying:
            self.requestBodyBytes += Int64(buffer.readableBytes)
            if let limit = self.bodyLimit, self.requestBodyBytes > limit {
                if self.responseStarted {
                    self.context?.close(promise: nil)
                } else {
                    self.respondLocally(.bodyTooLarge, close: true)
                }
                return
            }
            self.lastActivity = .now()
            if self.retryReplayable {
                // Kept for a retry while it fits the policy's size; a larger body cannot be replayed.
                self.retryBodyBytes += Int64(buffer.readableBytes)
                if self.retryBodyBytes > self.route?.replayBodyLimit ?? 0 {
                    self.retryReplayable = false
                    self.retryBody = []
                } else {
                    self.retryBody.append(buffer)
                }
            }
            if let upstream = self.upstream {
                upstream.writeBody(buffer, chunked: self.requestChunked)
            } else {
                self.early.append(.body(buffer))
            }
        case .idle, .localResponse, .closed:
            break  // Body of a request already answered locally: dropped.
        }
    }

    private func requestEnd(_ trailers: HTTPHeaders?) {
        self.requestComplete = true
        if self.retryReplayable { self.retryTrailers = trailers }
        switch self.phase {
        case .connecting, .proxying:
            if let upstream = self.upstream {
                upstream.writeEnd(trailers, chunked: self.requestChunked)
            } else {
                self.early.append(.end(trailers))
            }
            if let route = self.route {
                let deadline = NIODeadline.now() + route.timeout
                self.responseDeadline = deadline
                self.ensureTimer(by: deadline)
            }
            if self.responseComplete { self.finishExchange() }
        case .localResponse:
            if self.responseComplete { self.finishExchange() }
        case .idle, .closed:
            break
        }
    }

    // MARK: responses

    /// Writes a response of the gateway's own and ends the exchange (or the connection).
    private func respondLocally(_ response: LocalResponse, close: Bool) {
        guard let context = self.context, self.phase != .closed else { return }
        if close { self.closeAfterExchange = true }
        if self.phase == .connecting, self.upstream == nil { self.pool?.cancel(self) }
        self.abortUpstream()
        // Connect failures, resets and timeouts are the endpoint's failures; 4xx and overload are not.
        self.balancerExchangeEnded(response.outlierOutcome)
        self.phase = .localResponse
        self.early.removeAll()
        let body = response.body(allocator: context.channel.allocator)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.readableBytes))
        for (name, value) in response.extraHeaders { headers.add(name: name, value: value) }
        if self.closeAfterExchange || self.loop.state.isDraining {
            self.closeAfterExchange = true
            headers.add(name: "connection", value: "close")
        }
        var buffer = context.channel.allocator.buffer(capacity: 160 + body.readableBytes)
        ResponseEncoder.writeHead(
            version: self.requestVersion,
            status: response.status,
            headers: headers,
            into: &buffer
        )
        if self.requestMethod != .HEAD { buffer.writeImmutableBuffer(body) }
        context.write(Self.wrapOutboundOut(buffer), promise: nil)
        self.framing = .identity
        self.responseStarted = true
        self.responseStatus = Int(response.status.code)
        self.localErrorIndex = response.reasonIndex
        self.loop.metrics.localResponse(
            listener: self.listener, reason: response.code, reasonIndex: response.reasonIndex)
        if response.code == LocalResponse.upstreamTimeout.code, let endpoint = self.pool?.endpoint {
            self.loop.metrics.upstreamError(.timeout, endpoint: endpoint)
        }
        self.writeResponseEnd(nil)
        if self.requestComplete || self.closeAfterExchange {
            self.finishExchange()
        }
    }

    /// Writes the end of the response; closes the connection once it is out if the exchange ends it.
    private func writeResponseEnd(_ trailers: HTTPHeaders?) {
        guard let context = self.context else { return }
        self.responseComplete = true
        var last: ByteBuffer? = nil
        if self.framing == .chunked {
            var buffer = context.channel.allocator.buffer(capacity: 5)
            ChunkedEncoding.writeLastChunk(trailers: trailers, into: &buffer)
            last = buffer
        }
        if self.closeAfterExchange {
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            let final = last ?? context.channel.allocator.buffer(capacity: 0)
            context.writeAndFlush(Self.wrapOutboundOut(final), promise: promise)
        } else {
            if let last { context.write(Self.wrapOutboundOut(last), promise: nil) }
            // Flushed now: once the exchange ends the upstream's read-complete no longer reaches us.
            context.flush()
        }
    }

    /// Both halves are done: give the upstream back and move on to the next request.
    /// - Parameter now: the current time, when the caller already read the clock.
    private func finishExchange(now: NIODeadline = .now()) {
        self.balancerExchangeEnded(OutlierDetector.Outcome(status: self.responseStatus), now: now)
        self.recordExchange(now: now)
        if let upstream = self.upstream, let pool = self.pool {
            self.upstream = nil
            pool.release(upstream, reusable: self.upstreamKeepAlive && self.requestComplete && self.responseComplete)
        }
        self.route = nil
        self.pool = nil
        if self.closeAfterExchange {
            // The connection closes once the last write is out (see `writeResponseEnd`).
            self.phase = .closed
            self.pipelined.removeAll()
            return
        }
        self.phase = .idle
        self.idleSince = now
        self.headerStartedAt = nil
        self.ensureTimer(by: self.idleSince + self.listener.idleTimeout)
        while self.phase == .idle || (self.phase != .closed && !self.requestComplete),
            let next = self.pipelined.popFirst()
        {
            self.handle(next)
        }
        // Parts handled from the queue were read long ago: no read-complete will flush them.
        self.upstream?.flush()
        self.resumeReadsIfPossible()
    }

    private var shouldHoldReads: Bool {
        switch self.phase {
        case .connecting:
            return true
        case .proxying:
            if self.pipelined.count >= Self.pipelineQueueLimit { return true }
            return !self.requestComplete && !(self.upstream?.isWritable ?? true)
        case .idle, .localResponse:
            return self.pipelined.count >= Self.pipelineQueueLimit
        case .closed:
            return false
        }
    }

    private func resumeReadsIfPossible() {
        if self.readHeld && !self.shouldHoldReads, let context = self.context {
            self.readHeld = false
            context.read()
        }
    }

    /// Tells the balancer that the attempt it picked an endpoint for is over (once; later calls do nothing), and the
    /// cluster's breaker and outlier detection how it went (`nil`: no verdict on the endpoint, e.g. the client left).
    /// Unless `retrying`, the request is over too: its admission and retry slots are released.
    /// The latency the balancer learns runs from the pick to the response head, or to now if no head came.
    /// - Parameter now: the current time, when the caller already read the clock.
    private func balancerExchangeEnded(
        _ outcome: OutlierDetector.Outcome?,
        now: NIODeadline? = nil,
        retrying: Bool = false
    ) {
        if let (cluster, endpoint) = self.balancerPick {
            self.balancerPick = nil
            let end = self.upstreamHeadAt ?? now ?? .now()
            let failed: Bool
            switch outcome {
            case .serverError?, .gatewayError?: failed = true
            case .success?, nil: failed = false
            }
            self.loop.balancers[cluster].requestFinished(
                endpoint: endpoint,
                latencyNanos: max(0, (end - self.pickedAt).nanoseconds),
                failed: failed
            )
            self.loop.admission.record(cluster: cluster, outcome: outcome, now: end)
            if let outcome {
                self.loop.health.record(outcome, cluster: self.loop.runtime.clusters[cluster], endpoint: endpoint)
            }
        }
        self.endHedge(winner: nil)
        guard !retrying else { return }
        self.retryTask?.cancel()
        self.retryTask = nil
        guard let cluster = self.admittedCluster else { return }
        self.admittedCluster = nil
        self.loop.admission.release(cluster: cluster)
        if self.holdsRetrySlot {
            self.holdsRetrySlot = false
            self.loop.admission.endRetry(cluster: cluster)
        }
        if self.retriesMade > 0 {
            let handles = self.loop.healthMetrics.retriedRequests[cluster]
            handles[outcome == .success ? 0 : 1].increment(shard: self.loop.metrics.shard)
        }
    }

    // MARK: hedging

    /// Who won a hedged exchange (the `outcome` label of `periscope_upstream_hedges_total`).
    enum HedgeWinner: Int {
        case primary = 1
        case hedge = 2
        /// The hedge failed (connect, reset) before the primary answered.
        case hedgeFailed = 3
    }

    /// The hedge delay passed without a response head: the request goes to another endpoint too.
    private func sendHedge() {
        self.hedgeTask = nil
        guard self.phase == .proxying, !self.responseStarted, self.requestComplete, self.retryReplayable,
            let route = self.route, let encoded = self.retryHead, let head = self.requestHead
        else { return }
        let cluster = route.cluster
        guard
            let (picked, pool) = self.pickEndpoint(
                cluster, head: head, excluding: self.lastPickedEndpoint, requireOther: true)
        else { return }
        var request = encoded
        var span: SpanRecord?
        if let tracing = self.loop.tracing, self.trace.isActive {
            // The hedge is an attempt of its own: its CLIENT span, named in its trace headers.
            let hedgeSpan = self.trace.newAttemptSpan(
                endpoint: pool.endpoint.index, tracing: tracing.shared, ids: &tracing.state.pointee.ids)
            _ = self.trace.server.addEvent(
                .retry, timeUnixNano: hedgeSpan.startTimeUnixNano, payload: UInt32(hedgeSpan.attempt))
            request = RequestRewriter.replacingSpanID(self.retryHeadSpanID, with: hedgeSpan.spanID, in: encoded)
            span = hedgeSpan
        }
        let attempt = HedgeAttempt(
            owner: self,
            pool: pool,
            endpoint: picked,
            span: span,
            request: request,
            parts: self.retryBody.map { .body($0) } + [.end(self.retryTrailers)],
            method: self.requestMethod,
            chunked: self.requestChunked
        )
        self.hedge = attempt
        self.countHedge(cluster: cluster.index, outcome: 0)
        attempt.start()
    }

    private func countHedge(cluster: Int, outcome: Int) {
        self.loop.healthMetrics.hedges[cluster][outcome].increment(shard: self.loop.metrics.shard)
    }

    /// Cancels the hedge timer and any hedge in flight (the primary answered, or the exchange ended).
    private func endHedge(winner: HedgeWinner?) {
        self.hedgeTask?.cancel()
        self.hedgeTask = nil
        guard let attempt = self.hedge else { return }
        self.hedge = nil
        let cluster = attempt.pool.cluster
        self.loop.balancers[cluster.index].requestFinished(
            endpoint: attempt.endpoint,
            latencyNanos: max(0, (NIODeadline.now() - attempt.startedAt).nanoseconds),
            failed: false
        )
        attempt.cancel()
        if let span = attempt.span, let tracing = self.loop.tracing, self.trace.isActive {
            self.trace.endDetachedAttempt(span, status: 0, errorTypeID: tracing.shared.cancelledID)
        }
        if let winner { self.countHedge(cluster: cluster.index, outcome: winner.rawValue) }
    }

    /// The hedge's first response part arrived before the primary's head: the hedge wins. The primary attempt is
    /// cancelled (no verdict on its endpoint) and the exchange continues on the hedge's connection.
    func hedgeReceived(_ attempt: HedgeAttempt, _ part: HTTPClientResponsePart) {
        guard attempt === self.hedge, self.phase == .proxying, !self.responseStarted,
            let connection = attempt.adopt()
        else {
            attempt.cancel()
            return
        }
        self.hedge = nil
        let cluster = attempt.pool.cluster
        self.countHedge(cluster: cluster.index, outcome: HedgeWinner.hedge.rawValue)
        if let span = attempt.span, let tracing = self.loop.tracing, self.trace.isActive {
            // The primary attempt is cut short; the hedge's span is the exchange's attempt from now on.
            self.trace.adoptAttempt(span, cancelledID: tracing.shared.cancelledID)
        }
        self.abortUpstream()
        self.balancerExchangeEnded(nil, retrying: true)
        self.balancerPick = (cluster.index, attempt.endpoint)
        self.pickedAt = attempt.startedAt
        self.lastPickedEndpoint = attempt.endpoint
        self.pool = attempt.pool
        self.upstreamStart = attempt.startedAt
        self.perTryDeadline = nil
        self.upstream = connection
        connection.delegate = self
        self.upstreamReceived(part)
    }

    /// The hedge could not be sent or broke: the primary attempt carries on alone.
    func hedgeFailed(_ attempt: HedgeAttempt) {
        guard attempt === self.hedge else { return }
        self.hedge = nil
        let cluster = attempt.pool.cluster
        self.loop.balancers[cluster.index].requestFinished(
            endpoint: attempt.endpoint,
            latencyNanos: max(0, (NIODeadline.now() - attempt.startedAt).nanoseconds),
            failed: true
        )
        self.countHedge(cluster: cluster.index, outcome: HedgeWinner.hedgeFailed.rawValue)
        if let span = attempt.span, let tracing = self.loop.tracing, self.trace.isActive {
            let failure: LocalResponse = attempt.wasSent ? .upstreamReset : .connectFailed
            self.trace.endDetachedAttempt(span, status: 0, errorTypeID: tracing.shared.localErrorID(failure))
        }
    }

    // MARK: retries

    /// The upstream could not be reached for this attempt: retried if the policy allows, else answered locally.
    private func upstreamUnavailable(_ error: UpstreamError) {
        if let cluster = self.route?.cluster {
            if error == .clusterPendingFull { self.loop.admission.count(.maxPending, cluster: cluster) }
            if error == .clusterConnectionsFull { self.loop.admission.count(.maxConnections, cluster: cluster) }
        }
        if error == .connectFailed || error == .connectTimeout, self.retry(.connectFailure, status: nil) { return }
        self.respondLocally(.forUpstream(error), close: !self.requestComplete)
    }

    /// Ends the current attempt and schedules another when the route's policy, the request and the cluster's
    /// budget allow it; `false` leaves the exchange as it was. `status` is the upstream's answer, for a retry on a
    /// status.
    private func retry(_ condition: RetryCondition, status: Int?) -> Bool {
        guard let route = self.route, let policy = route.retry, !self.responseStarted, self.requestComplete,
            self.retryReplayable, self.retryHead != nil, self.retriesMade < policy.attempts,
            self.admittedCluster != nil
        else { return false }
        let reason: Int
        if let status {
            if policy.statuses.contains(status) {
                reason = RetryCondition.allCases.count  // "status"
            } else if (502...504).contains(status) && policy.retryOn.contains(.gatewayError) {
                reason = RetryCondition.allCases.firstIndex(of: .gatewayError)!
            } else if (500...599).contains(status) && policy.retryOn.contains(.serverError) {
                reason = RetryCondition.allCases.firstIndex(of: .serverError)!
            } else {
                return false
            }
        } else {
            guard policy.retryOn.contains(condition) else { return false }
            reason = RetryCondition.allCases.firstIndex(of: condition)!
        }
        // Once the request reached the upstream, only an idempotent one may be sent again.
        guard condition == .connectFailure || self.requestMethod.isIdempotent else { return false }
        let cluster = route.cluster
        // The slot of this request's previous retry is given back first: it asks for one retry at a time.
        if self.holdsRetrySlot {
            self.holdsRetrySlot = false
            self.loop.admission.endRetry(cluster: cluster.index)
        }
        guard self.loop.admission.startRetry(cluster: cluster) else { return false }
        self.holdsRetrySlot = true
        if let status, let start = self.upstreamStart, let pool = self.pool {
            self.loop.metrics.upstreamFinished(
                cluster: pool.cluster,
                endpoint: pool.endpoint,
                status: status,
                seconds: Double((NIODeadline.now() - start).nanoseconds) / 1e9,
                exemplar: nil
            )
        }
        self.perTryDeadline = nil
        if self.phase == .connecting, self.upstream == nil { self.pool?.cancel(self) }
        self.abortUpstream()
        self.balancerExchangeEnded(status.map(OutlierDetector.Outcome.init(status:)) ?? .gatewayError, retrying: true)
        if let tracing = self.loop.tracing, self.trace.isActive {
            let errorType: SpanStringID
            if let status {
                errorType = tracing.shared.statusErrorID(status)
            } else {
                switch condition {
                case .connectFailure: errorType = tracing.shared.localErrorID(.connectFailed)
                case .perTryTimeout: errorType = tracing.shared.localErrorID(.upstreamTimeout)
                case .reset, .serverError, .gatewayError: errorType = tracing.shared.localErrorID(.upstreamReset)
                }
            }
            self.trace.endAttempt(status: status ?? 0, errorTypeID: errorType)
        }
        self.retriesMade += 1
        self.loop.healthMetrics.retries[cluster.index][reason].increment(shard: self.loop.metrics.shard)
        self.phase = .connecting
        self.upstreamStart = nil
        self.upstreamHeadAt = nil
        // Exponential backoff with full jitter: a random wait up to base × 2^(n-1), at most `max`.
        let base = TimeAmount(policy.backoffBase).nanoseconds
        let cap = min(TimeAmount(policy.backoffMax).nanoseconds, base << min(self.retriesMade - 1, 30))
        let delay = TimeAmount.nanoseconds(cap > 0 ? Int64.random(in: 0...cap) : 0)
        self.logger.debug(
            "retrying upstream request",
            metadata: [
                "route": "\(route.name)", "reason": "\(HealthMetrics.retryReasons[reason])",
                "retry": "\(self.retriesMade)",
            ]
        )
        self.retryTask = self.loop.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.sendRetry() }
        return true
    }

    /// Sends the next attempt, preferring another endpoint than the last one.
    private func sendRetry() {
        self.retryTask = nil
        guard self.phase == .connecting, let route = self.route, let head = self.requestHead,
            let encoded = self.retryHead, self.retryReplayable
        else { return }
        let cluster = route.cluster
        guard let (picked, pool) = self.pickEndpoint(cluster, head: head, excluding: self.lastPickedEndpoint) else {
            return self.respondLocally(.noEndpoint, close: false)
        }
        self.balancerPick = (cluster.index, picked)
        self.pickedAt = .now()
        self.lastPickedEndpoint = picked
        self.pool = pool
        self.pendingRequest = encoded
        if let tracing = self.loop.tracing, self.trace.isActive {
            // A new attempt, a new CLIENT span: the kept head is sent naming it.
            self.trace.startAttempt(
                endpoint: pool.endpoint.index, tracing: tracing.shared, ids: &tracing.state.pointee.ids)
            self.pendingRequest = RequestRewriter.replacingSpanID(
                self.retryHeadSpanID, with: self.trace.client.spanID, in: encoded)
        }
        self.early = CircularBuffer(self.retryBody.map { .body($0) } + [.end(self.retryTrailers)])
        self.acquireConnection(from: pool)
    }

    private func abortUpstream() {
        if let upstream = self.upstream {
            self.upstream = nil
            upstream.close(reason: .aborted)
        }
    }

    // MARK: timers

    /// Makes sure the connection's timer fires no later than `deadline`.
    ///
    /// The timer is only rescheduled when the new deadline is earlier than the armed one; when it fires it
    /// checks what is actually due and re-arms for the next deadline. In steady keep-alive traffic this
    /// costs a comparison per request instead of a scheduled task per request.
    private func ensureTimer(by deadline: NIODeadline) {
        guard deadline < self.timerDeadline else { return }
        self.timer?.cancel()
        self.timerDeadline = deadline
        self.timer = self.loop.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timerFired()
        }
    }

    private func timerFired() {
        self.timer = nil
        self.timerDeadline = .distantFuture
        let now = NIODeadline.now()
        switch self.phase {
        case .closed:
            return
        case .idle:
            if let started = self.headerStartedAt, now >= started + self.listener.requestHeaderTimeout {
                self.startExchangeForLocalError()
                return self.respondLocally(.requestTimeout, close: true)
            }
            if self.headerStartedAt == nil, now >= self.idleSince + self.listener.idleTimeout {
                self.phase = .closed
                self.context?.close(promise: nil)
                return
            }
        case .connecting, .proxying:
            guard let route = self.route else { break }
            if !self.responseStarted, let perTry = self.perTryDeadline, now >= perTry {
                self.perTryDeadline = nil
                self.logger.debug("upstream per-try timeout", metadata: ["route": "\(route.name)"])
                if self.retry(.perTryTimeout, status: nil) { break }
                return self.respondLocally(.upstreamTimeout, close: !self.requestComplete)
            }
            if !self.responseStarted, let deadline = self.responseDeadline, now >= deadline {
                self.logger.debug("upstream timeout", metadata: ["route": "\(route.name)"])
                return self.respondLocally(.upstreamTimeout, close: !self.requestComplete)
            }
            if now >= self.lastActivity + route.idleTimeout {
                if self.responseStarted {
                    self.phase = .closed
                    self.abortUpstream()
                    self.context?.close(promise: nil)
                } else if !self.requestComplete {
                    self.respondLocally(.requestTimeout, close: true)
                } else {
                    self.respondLocally(.upstreamTimeout, close: false)
                }
                return
            }
        case .localResponse:
            if now >= self.lastActivity + self.listener.idleTimeout {
                self.phase = .closed
                self.context?.close(promise: nil)
                return
            }
        }
        if let next = self.nextDeadline() { self.ensureTimer(by: next) }
    }

    /// The earliest moment something can be due in the current state.
    private func nextDeadline() -> NIODeadline? {
        switch self.phase {
        case .closed:
            return nil
        case .idle:
            if let started = self.headerStartedAt { return started + self.listener.requestHeaderTimeout }
            return self.idleSince + self.listener.idleTimeout
        case .connecting, .proxying:
            guard let route = self.route else { return nil }
            var next = self.lastActivity + route.idleTimeout
            if !self.responseStarted, let deadline = self.responseDeadline, deadline < next { next = deadline }
            if !self.responseStarted, let perTry = self.perTryDeadline, perTry < next { next = perTry }
            return next
        case .localResponse:
            return self.lastActivity + self.listener.idleTimeout
        }
    }

    // MARK: drain

    /// A drain started: close now if idle, otherwise after the current response.
    func startDrain() {
        self.closeAfterExchange = true
        if self.phase == .idle && self.pipelined.isEmpty {
            self.phase = .closed
            self.context?.close(promise: nil)
        }
    }

    /// The drain timeout passed: close regardless.
    func forceClose() {
        self.context?.close(promise: nil)
    }
}

extension ProxyServerHandler: UpstreamDelegate {
    func upstreamReceived(_ part: HTTPClientResponsePart) {
        guard self.phase == .proxying, let context = self.context else { return }
        switch part {
        case .head(let head):
            if head.status.code >= 400, self.route?.retry != nil,
                self.retry(.serverError, status: Int(head.status.code))
            {
                return
            }
            self.endHedge(winner: .primary)
            self.upstreamKeepAlive = head.isKeepAlive
            self.responseStatus = Int(head.status.code)
            if self.loop.state.isDraining { self.closeAfterExchange = true }
            self.framing = ResponseEncoder.framing(
                for: head,
                requestMethod: self.requestMethod,
                clientVersion: self.requestVersion
            )
            if self.framing == .untilClose { self.closeAfterExchange = true }
            var buffer = context.channel.allocator.buffer(capacity: 256)
            ResponseEncoder.writeProxiedHead(
                head,
                version: self.requestVersion,
                chunked: self.framing == .chunked,
                closeConnection: self.closeAfterExchange,
                into: &buffer
            )
            context.write(Self.wrapOutboundOut(buffer), promise: nil)
            self.responseStarted = true
            self.lastActivity = .now()
            self.upstreamHeadAt = self.lastActivity
        case .body(let buffer):
            self.lastActivity = .now()
            self.responseBodyBytes += Int64(buffer.readableBytes)
            switch self.framing {
            case .identity, .untilClose:
                context.write(Self.wrapOutboundOut(buffer), promise: nil)
            case .chunked:
                guard buffer.readableBytes > 0 else { return }
                var size = context.channel.allocator.buffer(capacity: 20)
                ChunkedEncoding.writeChunkSize(buffer.readableBytes, into: &size)
                context.write(Self.wrapOutboundOut(size), promise: nil)
                context.write(Self.wrapOutboundOut(buffer), promise: nil)
                context.write(Self.wrapOutboundOut(ChunkedEncoding.crlf), promise: nil)
            case .none:
                break  // A body where none may be: dropped, as the decoder should never produce one.
            }
        case .end(let trailers):
            let now = NIODeadline.now()
            if let tracing = self.loop.tracing, self.trace.isActive {
                self.trace.endClient(
                    status: self.responseStatus, errorTypeID: tracing.shared.statusErrorID(self.responseStatus),
                    now: now)
            }
            if let start = self.upstreamStart, let pool = self.pool {
                self.upstreamSeconds = Double((now - start).nanoseconds) / 1e9
                let exemplar = self.trace.clientExemplar
                self.loop.metrics.upstreamFinished(
                    cluster: pool.cluster,
                    endpoint: pool.endpoint,
                    status: self.responseStatus,
                    seconds: self.upstreamSeconds,
                    exemplar: exemplar
                )
            }
            if !self.requestComplete {
                // The upstream answered before the whole request was read; neither side can be reused.
                self.upstreamKeepAlive = false
                self.closeAfterExchange = true
            }
            self.writeResponseEnd(trailers)
            self.finishExchange(now: now)
        }
    }

    func upstreamReadComplete() {
        self.context?.flush()
    }

    func upstreamClosed(error: (any Error)?) {
        guard self.phase == .proxying, self.upstream != nil else { return }
        self.upstream = nil
        if !self.responseStarted, !(error is HTTPParserError), self.retryOnFreshConnection() {
            return
        }
        if let endpoint = self.pool?.endpoint {
            self.loop.metrics.upstreamError(error is HTTPParserError ? .protocol : .reset, endpoint: endpoint)
        }
        if !self.responseStarted, self.retry(.reset, status: nil) { return }
        self.balancerExchangeEnded(.gatewayError)
        if !self.responseStarted {
            let response: LocalResponse = error is HTTPParserError ? .upstreamProtocol : .upstreamReset
            self.respondLocally(response, close: !self.requestComplete)
        } else if !self.responseComplete {
            // Never let a cut response look complete: the client sees the connection close.
            self.phase = .closed
            self.context?.close(promise: nil)
        }
    }

    /// A reused keep-alive connection closed before any response byte: the upstream most likely closed it
    /// while idle just as it was picked. A bodiless safe request is sent again, at most twice, as nginx and
    /// Envoy do for this race. Returns false when the request cannot be replayed.
    private func retryOnFreshConnection() -> Bool {
        guard let request = self.replayableRequest, self.requestComplete, self.staleRetries < 2, let pool = self.pool
        else { return false }
        self.staleRetries += 1
        self.replayableRequest = nil
        self.pendingRequest = request
        if let tracing = self.loop.tracing, self.trace.isActive, self.trace.hasClient {
            // The replay is another attempt on the same endpoint: the broken one ends, a new span is named.
            let sentSpanID = self.trace.client.spanID
            self.trace.endAttempt(status: 0, errorTypeID: tracing.shared.localErrorID(.upstreamReset))
            self.trace.startAttempt(
                endpoint: pool.endpoint.index, tracing: tracing.shared, ids: &tracing.state.pointee.ids)
            self.pendingRequest = RequestRewriter.replacingSpanID(
                sentSpanID, with: self.trace.client.spanID, in: request)
        }
        self.phase = .connecting
        self.logger.debug(
            "replaying request after a pooled connection closed", metadata: ["endpoint": "\(pool.endpoint.name)"])
        switch pool.acquire(for: self) {
        case .ready(let connection):
            self.attach(connection)
        case .pending:
            break
        case .failed(let error):
            self.respondLocally(.forUpstream(error), close: false)
        }
        return true
    }

    func upstreamWritabilityChanged(isWritable: Bool) {
        if isWritable { self.resumeReadsIfPossible() }
    }

    var downstreamIsWritable: Bool {
        self.context?.channel.isWritable ?? false
    }
}

extension ProxyServerHandler: PoolWaiter {
    func poolProvided(_ connection: UpstreamConnection) {
        guard self.phase == .connecting else {
            connection.pool?.release(connection, reusable: true)
            return
        }
        self.attach(connection)
    }

    func poolFailed(_ error: UpstreamError) {
        guard self.phase == .connecting else { return }
        self.upstreamUnavailable(error)
    }
}

@available(*, unavailable)
extension ProxyServerHandler: Sendable {}
