import NIOCore
import NIOHTTP1
import PeriscopeTelemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The spans of the exchange in progress: the gateway's SERVER span and, once a request is sent upstream, its
/// CLIENT span, both filled in place as the exchange goes and pushed to the loop's span ring when it ends.
struct ExchangeTrace {
    /// The server span's context (trace id, span id, sampling, tracestate).
    let context: SpanContext
    var server: SpanRecord
    var client: SpanRecord
    /// Whether a request went upstream (the client span exists).
    var hasClient = false
    var clientEnded = false

    /// Starts the server span of a request: continues or starts the trace (extracting the configured headers),
    /// decides sampling, and records the request's attributes.
    init(
        head: HTTPRequestHead,
        tracing: LoopTracing,
        listener: ListenerRuntime,
        clientAddress: SpanRecord.ClientAddress,
        localPort: Int?
    ) {
        let shared = tracing.shared
        let incoming = shared.propagation.extract { head.headers[$0] }
        let context = SpanContext(incoming: incoming, sampler: shared.sampler, ids: &tracing.ids)
        self.context = context
        var server = SpanRecord(
            kind: .server,
            traceID: context.traceID,
            spanID: context.spanID,
            parentSpanID: context.parentSpanID,
            traceFlags: context.flags.rawValue,
            parentIsRemote: context.parentSpanID.isValid ? context.isParentRemote : nil,
            startTimeUnixNano: WallClock.nowUnixNano()
        )
        server.method = SpanRecord.HTTPMethod(name: head.method.rawValue)
        server.protocolVersion = SpanRecord.ProtocolVersion(major: head.version.major, minor: head.version.minor)
        server.urlScheme = .http
        server.setURLPath(requestTarget: head.uri)
        if let agent = head.headers.first(name: "user-agent") { server.setUserAgent(agent) }
        server.listenerID = shared.listenerIDs[listener.index]
        // The bound port (a listener configured with port 0 has one only once bound).
        server.serverPort = localPort.map { UInt16(clamping: $0) } ?? shared.listenerPorts[listener.index]
        // server.address (and server.port when it names one) from Host, as the HTTP server conventions ask.
        if let host = head.headers.first(name: "host") { server.setServerAddress(hostHeader: host) }
        server.clientAddress = clientAddress
        self.server = server
        self.client = SpanRecord()
        self.client.kind = .client
        self.client.method = server.method
    }

    /// The context sent upstream: the same trace, with the client span as the parent.
    var upstreamContext: SpanContext {
        var context = self.context
        context.parentSpanID = context.spanID
        context.spanID = SpanID(self.client.spanID)
        return context
    }

    mutating func matched(route: RouteRuntime, listener: ListenerRuntime, tracing: GatewayTracing) {
        self.server.routeID = tracing.routeIDs[listener.index][route.index]
        self.server.clusterID = tracing.clusterIDs[route.cluster.index]
    }

    /// Draws the client span's id before the upstream request head is written (it goes into `traceparent`).
    mutating func prepareClient(ids: inout IDGenerator) {
        let context = self.context
        self.client = SpanRecord(
            kind: .client,
            traceID: context.traceID,
            spanID: ids.nextSpanID(),
            parentSpanID: context.spanID,
            traceFlags: context.flags.rawValue,
            parentIsRemote: false,
            startTimeUnixNano: 0
        )
        self.client.method = self.server.method
        self.client.routeID = self.server.routeID
        self.client.clusterID = self.server.clusterID
        self.client.attempt = 1
    }

    /// The request was written to an upstream connection.
    mutating func beginClient(endpoint: Int, tracing: GatewayTracing, replay: Bool) {
        if replay {
            // A replay after a stale pooled connection, or a retry: the same client span, noted as a `retry` event
            // with the attempt number, now naming the endpoint of the new attempt.
            self.client.attempt &+= 1
            _ = self.client.addEvent(
                .retry, timeUnixNano: WallClock.nowUnixNano(), payload: UInt32(self.client.attempt))
            self.client.endpointID = tracing.endpointIDs[endpoint]
            self.client.serverPort = tracing.endpointPorts[endpoint]
            return
        }
        self.hasClient = true
        self.client.startTimeUnixNano = WallClock.nowUnixNano()
        self.client.endpointID = tracing.endpointIDs[endpoint]
        self.client.serverPort = tracing.endpointPorts[endpoint]
    }

    /// The upstream exchange ended (`status` 0 when it failed before a response).
    mutating func endClient(status: Int, errorTypeID: SpanStringID = .none) {
        guard self.hasClient && !self.clientEnded else { return }
        self.clientEnded = true
        self.client.endTimeUnixNano = WallClock.nowUnixNano()
        self.client.responseStatusCode = UInt16(clamping: status)
        if status >= 500 || status == 0 {
            self.client.status = .error
            self.client.errorTypeID = errorTypeID
        }
    }

    /// Ends the spans and pushes them when sampled or kept; `localError` is the gateway's own error code index.
    mutating func finish(status: Int, localError: Int?, tracing: LoopTracing) {
        let shared = tracing.shared
        let end = WallClock.nowUnixNano()
        self.server.endTimeUnixNano = end
        self.server.responseStatusCode = UInt16(clamping: status)
        var isError = status >= 500
        if let localError, localError < shared.localErrorIDs.count {
            self.server.errorTypeID = shared.localErrorIDs[localError]
            isError = isError || status == 0
            if status == 504 {
                _ = self.server.addEvent(.timeout, timeUnixNano: end)
            }
        } else if status >= 500 && status <= 599 {
            self.server.errorTypeID = shared.statusErrorIDs[status - 500]
        }
        if isError { self.server.status = .error }
        if self.hasClient {
            self.endClient(status: 0, errorTypeID: self.server.errorTypeID)
        }
        let duration = end &- self.server.startTimeUnixNano
        guard shared.shouldExport(sampled: self.context.isSampled, isError: isError, durationNanos: duration) else {
            return
        }
        shared.buffer.push(self.server, loop: tracing.loopIndex)
        if self.hasClient {
            shared.buffer.push(self.client, loop: tracing.loopIndex)
        }
    }
}

/// Wall-clock time for span timestamps.
enum WallClock {
    @inline(__always)
    static func nowUnixNano() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }
}
