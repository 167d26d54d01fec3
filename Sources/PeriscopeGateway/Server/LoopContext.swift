import Logging
import NIOCore

/// Everything the request path of one event loop needs, owned by that loop.
///
/// One exists per event loop of the gateway's group (as Envoy keeps one per worker): its pools, its
/// balancers and its open connections are touched only from that loop, so none of them needs a lock.
final class LoopContext {
    let eventLoop: any EventLoop
    let index: Int
    let runtime: GatewayRuntime
    let state: GatewayState
    let metrics: LoopMetrics
    /// Pools by global endpoint index.
    let pools: [EndpointPool]
    /// Which endpoints this loop's balancers may pick (by global endpoint index); all of them until health
    /// checking takes some out.
    let availability: EndpointAvailability
    /// Balancers by cluster index.
    let balancers: [any LoadBalancer]
    /// Health checks' verdicts and this loop's outlier detection, applied to `availability`.
    let health: LoopHealth
    /// Circuit breaking: this loop's failure-rate breakers and the clusters' requests in flight.
    let admission: LoopAdmission
    /// Health, breaker and retry metric handles.
    let healthMetrics: HealthMetrics
    /// Span recording, when tracing is on.
    let tracing: LoopTracing?
    /// The access log, when it is on.
    let accessLog: AccessLogWriter?
    /// Open downstream connections, for drain.
    private var connections: [ObjectIdentifier: ProxyServerHandler] = [:]
    private var sweepTask: Scheduled<Void>?

    init(
        eventLoop: any EventLoop,
        index: Int,
        runtime: GatewayRuntime,
        state: GatewayState,
        metrics: LoopMetrics,
        tracing: GatewayTracing?,
        accessLog: AccessLogWriter?,
        healthBoard: EndpointHealthBoard,
        requestCounters: ClusterRequestCounters,
        logger: Logger
    ) {
        self.accessLog = accessLog
        self.metrics = metrics
        self.tracing = tracing.map { LoopTracing(shared: $0, loopIndex: index) }
        self.eventLoop = eventLoop
        self.index = index
        self.runtime = runtime
        self.state = state
        var pools: [EndpointPool] = []
        for cluster in runtime.clusters {
            for endpoint in cluster.endpoints {
                precondition(endpoint.index == pools.count)
                pools.append(
                    EndpointPool(
                        endpoint: endpoint,
                        cluster: cluster,
                        eventLoop: eventLoop,
                        metrics: metrics,
                        logger: logger
                    )
                )
            }
        }
        self.pools = pools
        let availability = EndpointAvailability(count: pools.count)
        self.availability = availability
        self.healthMetrics = healthBoard.metrics
        self.admission = LoopAdmission(
            runtime: runtime,
            counters: requestCounters,
            metrics: healthBoard.metrics,
            shard: metrics.shard,
            logger: logger
        )
        self.health = LoopHealth(
            eventLoop: eventLoop,
            runtime: runtime,
            availability: availability,
            board: healthBoard,
            metrics: metrics,
            logger: logger
        )
        self.balancers = runtime.clusters.map {
            $0.loadBalancer.makeBalancer(cluster: $0, loopIndex: index, availability: availability)
        }
    }

    /// Starts the periodic sweep of idle upstream connections.
    func start() {
        self.sweepTask = self.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) {
            let now = NIODeadline.now()
            for pool in self.pools { pool.sweep(now: now) }
            self.start()
        }
    }

    func register(_ handler: ProxyServerHandler) {
        self.connections[ObjectIdentifier(handler)] = handler
    }

    func unregister(_ handler: ProxyServerHandler) {
        self.connections.removeValue(forKey: ObjectIdentifier(handler))
    }

    /// Tells every open connection that a drain started: idle ones close now, busy ones after their response.
    func drainConnections() {
        for handler in Array(self.connections.values) { handler.startDrain() }
    }

    /// Closes every downstream connection and idle upstream connection (end of the drain timeout).
    func closeAll() {
        for handler in Array(self.connections.values) { handler.forceClose() }
        for pool in self.pools { pool.closeIdle() }
        self.sweepTask?.cancel()
        self.health.stop()
    }
}

@available(*, unavailable)
extension LoopContext: Sendable {}
