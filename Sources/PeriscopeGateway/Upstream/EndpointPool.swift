import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PeriscopeTelemetry

/// Why a connection could not be provided.
enum UpstreamError: Error, Equatable {
    /// TCP connect refused or failed.
    case connectFailed
    /// TCP connect did not complete within the cluster's `connect_timeout`.
    case connectTimeout
    /// Too many requests already wait for a connection to this endpoint.
    case poolExhausted
    /// The cluster has no endpoint to pick.
    case noEndpoint
    /// The cluster has `circuit_breaker.max_pending` requests waiting for a connection already.
    case clusterPendingFull
    /// The cluster has `circuit_breaker.max_connections`, all on other event loops.
    case clusterConnectionsFull
}

/// Someone waiting for a pooled connection.
protocol PoolWaiter: AnyObject {
    func poolProvided(_ connection: UpstreamConnection)
    func poolFailed(_ error: UpstreamError)
}

/// The keep-alive connections of one event loop to one endpoint.
///
/// Loop-confined: only its event loop calls it, so it keeps plain state. Idle connections are reused
/// most-recently-used first (warm sockets, and the rest age out by `idle_timeout`).
final class EndpointPool {
    let endpoint: EndpointRuntime
    let cluster: ClusterRuntime
    let eventLoop: any EventLoop
    private var idle: [UpstreamConnection] = []
    /// Connections counted against the limit: connecting, busy and idle.
    private(set) var total = 0
    /// Connects in flight (counted in `total` too).
    private var connecting = 0
    private var waiters = CircularBuffer<any PoolWaiter>()
    private let logger: Logger
    private let metrics: LoopMetrics
    private let handles: EndpointHandles

    init(
        endpoint: EndpointRuntime,
        cluster: ClusterRuntime,
        eventLoop: any EventLoop,
        metrics: LoopMetrics,
        logger: Logger
    ) {
        self.metrics = metrics
        self.handles = metrics.endpoint(endpoint)
        self.endpoint = endpoint
        self.cluster = cluster
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// The result of asking for a connection.
    enum Acquired {
        /// An idle connection, ready now.
        case ready(UpstreamConnection)
        /// The waiter will be called back with `poolProvided` or `poolFailed`.
        case pending
        case failed(UpstreamError)
    }

    var idleCount: Int { self.idle.count }

    func acquire(for waiter: any PoolWaiter) -> Acquired {
        while let connection = self.idle.popLast() {
            if connection.isActive { return .ready(connection) }
        }
        guard self.waiters.count < self.cluster.maxPending else { return .failed(.poolExhausted) }
        guard self.cluster.concurrency.tryAddPending() else { return .failed(.clusterPendingFull) }
        self.waiters.append(waiter)
        self.connectForWaiters()
        if self.total == 0 {
            // The cluster's `max_connections` are all held by other event loops: no connection of this pool can
            // free up for the waiter, so it is refused now rather than left to time out.
            self.cancel(waiter)
            return .failed(.clusterConnectionsFull)
        }
        return .pending
    }

    /// Removes a waiter that no longer wants a connection (its client went away).
    func cancel(_ waiter: any PoolWaiter) {
        if let index = self.waiters.firstIndex(where: { $0 === waiter }) {
            self.waiters.remove(at: index)
            self.cluster.concurrency.removePending()
        }
    }

    /// Gives a connection back after an exchange. Unusable ones are closed.
    func release(_ connection: UpstreamConnection, reusable: Bool) {
        connection.delegate = nil
        let limit = self.cluster.maxRequestsPerConnection
        guard reusable, connection.isActive else {
            connection.close(reason: .notReusable)
            return
        }
        guard limit == 0 || connection.requestsSent < limit else {
            connection.close(reason: .maxRequests)
            return
        }
        if let waiter = self.takeWaiter() {
            waiter.poolProvided(connection)
            return
        }
        connection.idleSince = .now()
        self.idle.append(connection)
    }

    /// Called by a connection of this pool when its channel became inactive.
    func connectionClosed(_ connection: UpstreamConnection) {
        self.total -= 1
        self.cluster.concurrency.removeConnection()
        self.handles.active.decrement(shard: self.metrics.shard)
        self.handles.closed[connection.closeReason.index].increment(shard: self.metrics.shard)
        if let index = self.idle.firstIndex(where: { $0 === connection }) {
            self.idle.remove(at: index)
        }
        // A waiter queued behind the limit can now have a fresh connection.
        self.connectForWaiters()
    }

    /// Closes idle connections older than the cluster's idle timeout.
    func sweep(now: NIODeadline) {
        let cutoff = now - self.cluster.idleTimeout
        for connection in self.idle where connection.idleSince < cutoff {
            connection.close(reason: .idleTimeout)
        }
    }

    /// Closes every idle connection (drain, shutdown).
    func closeIdle() {
        for connection in self.idle { connection.close(reason: .shutdown) }
    }

    /// Starts connects until every waiter has one coming, within the connection limit.
    private func connectForWaiters() {
        while self.connecting < self.waiters.count && self.total < self.cluster.maxConnectionsPerEndpoint
            && self.cluster.concurrency.tryAddConnection()
        {
            self.connect()
        }
    }

    /// The first waiter, no longer pending.
    private func takeWaiter() -> (any PoolWaiter)? {
        guard let waiter = self.waiters.popFirst() else { return nil }
        self.cluster.concurrency.removePending()
        return waiter
    }

    private func connect() {
        self.total += 1
        self.connecting += 1
        let started = NIODeadline.now()
        let bootstrap = ClientBootstrap(group: self.eventLoop)
            .connectTimeout(self.cluster.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sink = RequestMarkerSink()
                    try channel.pipeline.syncOperations.addHandler(sink)
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(
                            HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop)
                        )
                    )
                    try channel.pipeline.syncOperations.addHandler(UpstreamConnection(sink: sink))
                }
            }
        let future: EventLoopFuture<any Channel>
        if let address = self.endpoint.socketAddress {
            future = bootstrap.connect(to: address)
        } else {
            future = bootstrap.connect(host: self.endpoint.host, port: self.endpoint.port)
        }
        future.assumeIsolated().whenComplete { result in
            self.connecting -= 1
            switch result {
            case .success(let channel):
                guard let connection = try? channel.pipeline.syncOperations.handler(type: UpstreamConnection.self)
                else {
                    channel.close(promise: nil)
                    self.connectFailed(.connectFailed)
                    return
                }
                connection.pool = self
                guard connection.isActive, channel.isActive else {
                    connection.pool = nil
                    // Closed before we saw it: channelInactive found no pool, so account for it here.
                    self.total -= 1
                    self.cluster.concurrency.removeConnection()
                    self.connectFailed(.connectFailed)
                    return
                }
                let shard = self.metrics.shard
                self.handles.connectDuration.observe(
                    Double((NIODeadline.now() - started).nanoseconds) / 1e9, shard: shard)
                self.handles.created.increment(shard: shard)
                self.handles.active.increment(shard: shard)
                if let waiter = self.takeWaiter() {
                    waiter.poolProvided(connection)
                } else {
                    connection.idleSince = .now()
                    self.idle.append(connection)
                }
            case .failure(let error):
                self.total -= 1
                self.cluster.concurrency.removeConnection()
                let kind: UpstreamError =
                    (error as? ChannelError) == .connectTimeout(self.cluster.connectTimeout)
                    ? .connectTimeout : .connectFailed
                self.logger.debug(
                    "upstream connect failed",
                    metadata: [
                        "cluster": "\(self.cluster.name)", "endpoint": "\(self.endpoint.name)",
                        "error": "\(error)",
                    ]
                )
                self.metrics.upstreamError(
                    kind == .connectTimeout ? .connectTimeout : .connectRefused, endpoint: self.endpoint)
                self.connectFailed(kind)
            }
        }
    }

    private func connectFailed(_ error: UpstreamError) {
        if let waiter = self.takeWaiter() {
            waiter.poolFailed(error)
        }
    }
}

@available(*, unavailable)
extension EndpointPool: Sendable {}
