import NIOCore
import NIOHTTP1
import PeriscopeTelemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The spans of the exchange in progress: the gateway's SERVER span and one CLIENT span per upstream attempt, filled
/// in place as the exchange goes and pushed to the loop's span ring when it ends.
///
/// The first attempt's CLIENT span lives in ``client``; a retry, a replay after a stale pooled connection, or a hedge
/// that wins ends the current one (it moves to ``endedClients``) and starts another with its own span id, which the
/// attempt's request carries in its trace headers. Ended attempts wait for the end of the exchange, where the tail
/// rules (`keep_errors`, `keep_slower_than`) decide whether any of the exchange's spans are exported.
///
/// A connection's handler keeps one for its life and ``start(head:tracing:listener:clientAddress:localPort:)``s it for
/// each request, so the records are filled where they live (no optional to unwrap, no copy of the state per request).
struct ExchangeTrace {
    /// Whether a request is being traced (between ``start(head:tracing:listener:clientAddress:localPort:)`` and the
    /// end of the exchange).
    var isActive = false
    /// The server span's context (trace id, span id, sampling, tracestate).
    private(set) var context = SpanContext(traceID: .invalid, spanID: .invalid, flags: [])
    var server = SpanRecord()
    /// The CLIENT span of the current upstream attempt.
    var client = SpanRecord()
    /// Whether an upstream attempt started (``client`` is a span).
    var hasClient = false
    var clientEnded = false
    /// Attempts started so far, hedges included (the next attempt's number is this plus one).
    private(set) var attempts: UInt8 = 0
    /// The CLIENT spans of attempts that ended before the current one; empty (no allocation) unless the exchange
    /// retried or hedged.
    var endedClients: [SpanRecord] = []
    /// The server span's start on the monotonic clock: later times of the exchange are its wall-clock start plus
    /// the monotonic time since (see ``wallTime(at:)``).
    private var startedAt = NIODeadline.uptimeNanoseconds(0)

    /// Nothing traced yet.
    init() {}

    /// Starts the server span of a request: continues or starts the trace (extracting the configured headers),
    /// decides sampling, and records the request's attributes.
    ///
    /// - Parameter now: the request's start on the monotonic clock (the handler's reading); the wall clock is read
    ///   once here, and every later time of the exchange is derived from it and a monotonic reading, so span
    ///   durations do not jump with wall-clock adjustments and the handler's readings serve both.
    mutating func start(
        head: HTTPRequestHead,
        tracing: LoopTracing,
        listener: ListenerRuntime,
        clientAddress: SpanRecord.ClientAddress,
        localPort: Int?,
        now: NIODeadline
    ) {
        let shared = tracing.shared
        let incoming = shared.propagation.extract { head.headers[$0] }
        let context = SpanContext(incoming: incoming, sampler: shared.sampler, ids: &tracing.state.pointee.ids)
        self.context = context
        self.isActive = true
        self.hasClient = false
        self.clientEnded = false
        self.attempts = 0
        if !self.endedClients.isEmpty { self.endedClients.removeAll(keepingCapacity: true) }
        self.startedAt = now
        self.server.restart(
            kind: .server,
            traceID: context.traceID,
            spanID: context.spanID,
            parentSpanID: context.parentSpanID,
            traceFlags: context.flags.rawValue,
            parentIsRemote: context.parentSpanID.isValid ? context.isParentRemote : nil,
            startTimeUnixNano: tracing.state.pointee.clock.unixNanoseconds(at: now)
        )
        self.server.method = SpanRecord.HTTPMethod(name: head.method.rawValue)
        self.server.protocolVersion = SpanRecord.ProtocolVersion(
            major: head.version.major, minor: head.version.minor)
        self.server.urlScheme = .http
        self.server.setURLPath(requestTarget: head.uri)
        if let agent = head.headers.first(name: "user-agent") { self.server.setUserAgent(agent) }
        self.server.listenerID = shared.listenerIDs[listener.index]
        // The bound port (a listener configured with port 0 has one only once bound).
        self.server.serverPort = localPort.map { UInt16(clamping: $0) } ?? shared.listenerPorts[listener.index]
        // server.address (and server.port when it names one) from Host, as the HTTP server conventions ask.
        if let host = head.headers.first(name: "host") { self.server.setServerAddress(hostHeader: host) }
        self.server.clientAddress = clientAddress
    }

    /// The wall-clock time (Unix ns) of monotonic time `now`: the server span's start plus the time since.
    func wallTime(at now: NIODeadline) -> UInt64 {
        self.server.startTimeUnixNano &+ UInt64(max(0, (now - self.startedAt).nanoseconds))
    }

    /// The exemplar for the request's duration observation: the server span, when the request is traced and
    /// sampled.
    var serverExemplar: Exemplar? {
        self.isActive && self.context.isSampled ? Exemplar(span: self.server) : nil
    }

    /// The exemplar for the current attempt's upstream duration observation: its CLIENT span, when sampled.
    var clientExemplar: Exemplar? {
        self.isActive && self.context.isSampled && self.hasClient ? Exemplar(span: self.client) : nil
    }

    /// The context sent upstream with the current attempt: the same trace, with the attempt's span as the parent.
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

    /// A new CLIENT span for an attempt on `endpoint` (a global endpoint index), started now, numbered after the
    /// attempts before it. Its id goes into the attempt's trace headers.
    mutating func newAttemptSpan(endpoint: Int, tracing: GatewayTracing, ids: inout IDGenerator) -> SpanRecord {
        var span = SpanRecord()
        self.attempts &+= 1
        Self.beginAttempt(
            &span, server: self.server, context: self.context, attempt: self.attempts, endpoint: endpoint,
            start: self.wallTime(at: .now()), tracing: tracing, ids: &ids)
        return span
    }

    /// Makes `span` the CLIENT span of attempt number `attempt` on `endpoint`, started now, in place.
    private static func beginAttempt(
        _ span: inout SpanRecord,
        server: borrowing SpanRecord,
        context: borrowing SpanContext,
        attempt: UInt8,
        endpoint: Int,
        start: UInt64,
        tracing: GatewayTracing,
        ids: inout IDGenerator
    ) {
        span.restart(
            kind: .client,
            traceID: context.traceID,
            spanID: ids.nextSpanID(),
            parentSpanID: context.spanID,
            traceFlags: context.flags.rawValue,
            parentIsRemote: false,
            startTimeUnixNano: start
        )
        span.method = server.method
        // url.full (required on HTTP client spans) is built at export from the scheme, the endpoint and this path:
        // the gateway sends the request's path upstream as it came.
        span.urlScheme = .http
        span.copyURLPath(from: server)
        span.routeID = server.routeID
        span.clusterID = server.clusterID
        span.endpointID = tracing.endpointIDs[endpoint]
        span.serverPort = tracing.endpointPorts[endpoint]
        span.attempt = attempt
    }

    /// Starts the current attempt's CLIENT span on `endpoint`, before the request head is written (its id goes into
    /// the trace headers). A previous attempt must have been ended with ``endAttempt(status:errorTypeID:)``.
    mutating func startAttempt(endpoint: Int, tracing: GatewayTracing, ids: inout IDGenerator) {
        // Filled where it lives: a record built elsewhere and assigned would be zeroed and copied whole.
        self.attempts &+= 1
        let start = self.wallTime(at: .now())
        Self.beginAttempt(
            &self.client, server: self.server, context: self.context, attempt: self.attempts, endpoint: endpoint,
            start: start, tracing: tracing, ids: &ids)
        self.hasClient = true
        self.clientEnded = false
        if self.attempts > 1 {
            // The server span notes each attempt after the first.
            _ = self.server.addEvent(
                .retry, timeUnixNano: self.client.startTimeUnixNano, payload: UInt32(self.attempts))
        }
    }

    /// The upstream exchange of the current attempt ended (`status` 0 when it failed before a response), at
    /// monotonic time `now` (read here when the caller has none).
    mutating func endClient(status: Int, errorTypeID: SpanStringID = .none, now: NIODeadline? = nil) {
        guard self.hasClient && !self.clientEnded else { return }
        self.clientEnded = true
        let end = self.wallTime(at: now ?? .now())
        Self.end(&self.client, at: end, status: status, errorTypeID: errorTypeID)
    }

    /// Ends the current attempt (it is being retried or replaced) and keeps its span for the end of the exchange.
    mutating func endAttempt(status: Int, errorTypeID: SpanStringID) {
        guard self.hasClient else { return }
        self.endClient(status: status, errorTypeID: errorTypeID)
        self.endedClients.append(self.client)
        self.hasClient = false
    }

    /// Ends an attempt that is not the current one (a hedge that lost or failed) and keeps its span.
    mutating func endDetachedAttempt(_ span: SpanRecord, status: Int, errorTypeID: SpanStringID) {
        var span = span
        Self.end(&span, at: self.wallTime(at: .now()), status: status, errorTypeID: errorTypeID)
        self.endedClients.append(span)
    }

    /// A hedge won: the current attempt ends as `cancelled` and the hedge's span becomes the current one.
    mutating func adoptAttempt(_ span: SpanRecord, cancelledID: SpanStringID) {
        self.endAttempt(status: 0, errorTypeID: cancelledID)
        self.client = span
        self.hasClient = true
        self.clientEnded = false
    }

    private static func end(_ span: inout SpanRecord, at end: UInt64, status: Int, errorTypeID: SpanStringID) {
        span.endTimeUnixNano = end
        span.responseStatusCode = UInt16(clamping: status)
        if status >= 500 || status == 0 {
            span.status = .error
            span.errorTypeID = errorTypeID
        }
    }

    /// Ends the spans at monotonic time `now` and pushes them when sampled or kept; `localError` is the gateway's
    /// own error code index.
    mutating func finish(status: Int, localError: Int?, tracing: LoopTracing, now: NIODeadline) {
        let shared = tracing.shared
        let end = self.wallTime(at: now)
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
            self.endClient(status: 0, errorTypeID: self.server.errorTypeID, now: now)
        }
        let duration = end &- self.server.startTimeUnixNano
        guard shared.shouldExport(sampled: self.context.isSampled, isError: isError, durationNanos: duration) else {
            return
        }
        // Pushed by address: passed by value, each 448-byte record would be copied to the stack first.
        let ring = tracing.ring
        let accepted = ring.accepted
        _ = withUnsafeMutablePointer(to: &self.server) { ring.push(from: $0) }
        if !self.endedClients.isEmpty {
            self.endedClients.withUnsafeBufferPointer { ended in
                for index in ended.indices { ring.push(from: ended.baseAddress! + index) }
            }
        }
        if self.hasClient {
            _ = withUnsafeMutablePointer(to: &self.client) { ring.push(from: $0) }
        }
        // A burst faster than the exporter's pacing: ask for a drain before the ring fills (rare: checked only at
        // quarter-ring boundaries, and signalled only when the exporter is behind).
        if ring.reachedHighWater(since: accepted) {
            shared.buffer.signalHighWater()
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
