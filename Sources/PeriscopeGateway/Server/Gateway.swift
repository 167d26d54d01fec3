import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import PeriscopeConfig
import PeriscopeTelemetry

/// The traffic side of Periscope: binds the listeners of a config and serves them until drained.
///
/// Every event loop of `group` gets its own ``LoopContext`` (pools, balancers, connections); a connection
/// accepted on a loop only ever uses that loop's context, so the request path never hops threads.
public final class Gateway: Sendable {
    /// The compiled config.
    public let runtime: GatewayRuntime
    /// Health and drain state shared with the admin listener.
    public let state: GatewayState
    /// The proxy's metric families.
    public let metrics: GatewayMetrics
    private let group: any EventLoopGroup
    private let logger: Logger
    private let contexts: [ObjectIdentifier: NIOLoopBound<LoopContext>]
    private let serverChannels = NIOLockedValueBox<[any Channel]>([])
    /// Endpoint health shared by the loops: the active checks' verdicts and ejections (for `/readyz` and metrics).
    public let healthBoard: EndpointHealthBoard
    private let healthChecker: HealthChecker

    /// Builds the per-loop contexts. Call ``start()`` to bind.
    public init(
        runtime: GatewayRuntime,
        group: any EventLoopGroup,
        state: GatewayState,
        registry: MetricsRegistry,
        tracing: GatewayTracing? = nil,
        accessLog: AccessLogWriter? = nil,
        logger: Logger
    ) async throws {
        let metrics = GatewayMetrics(registry: registry, runtime: runtime)
        // The config was loaded (and validated) just before the gateway is built from it.
        metrics.recordConfigLoadSuccess()
        self.metrics = metrics
        self.runtime = runtime
        self.group = group
        self.state = state
        self.logger = logger
        let healthBoard = EndpointHealthBoard(runtime: runtime, metrics: metrics.health)
        self.healthBoard = healthBoard
        let requestCounters = ClusterRequestCounters(clusterCount: runtime.clusters.count)
        var contexts: [ObjectIdentifier: NIOLoopBound<LoopContext>] = [:]
        var loops: [any EventLoop] = []
        for (index, loop) in group.makeIterator().enumerated() {
            let bound = try await loop.submit {
                let context = LoopContext(
                    eventLoop: loop,
                    index: index,
                    runtime: runtime,
                    state: state,
                    metrics: LoopMetrics(shared: metrics, loopIndex: index),
                    tracing: tracing,
                    accessLog: accessLog,
                    healthBoard: healthBoard,
                    requestCounters: requestCounters,
                    logger: logger
                )
                context.start()
                return NIOLoopBound(context, eventLoop: loop)
            }.get()
            contexts[ObjectIdentifier(loop)] = bound
            loops.append(loop)
        }
        self.contexts = contexts
        let everyLoop = Array(contexts.values)
        self.healthChecker = HealthChecker(
            runtime: runtime,
            loops: loops,
            board: healthBoard,
            logger: logger
        ) { endpoint, healthy in
            for bound in everyLoop {
                bound.eventLoop.execute { bound.value.health.setActiveHealthy(endpoint, healthy) }
            }
        }
        let required = runtime.config.admin.readyRequiresClusters
        if !required.isEmpty {
            state.setClusterReadiness {
                required.filter { !healthBoard.hasHealthyEndpoint(cluster: $0) }
            }
        }
        self.healthChecker.start()
        state.configLoaded = true
    }

    /// Binds every listener. Returns the bound addresses by listener name (useful with port 0).
    @discardableResult
    public func start() async throws -> [String: SocketAddress] {
        var bound: [String: SocketAddress] = [:]
        for listener in self.runtime.listeners {
            let channel = try await self.bind(listener)
            self.serverChannels.withLockedValue { $0.append(channel) }
            if let address = channel.localAddress { bound[listener.name] = address }
            self.logger.info(
                "listening",
                metadata: [
                    "listener": "\(listener.name)", "address": "\(channel.localAddress?.hostPortDescription ?? "?")",
                ]
            )
        }
        self.state.listenersBound = true
        return bound
    }

    private func bind(_ listener: ListenerRuntime) async throws -> any Channel {
        let contexts = self.contexts
        let logger = self.logger
        let limits = listener.decoderLimits
        return try await ServerBootstrap(group: self.group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let loopContext = contexts[ObjectIdentifier(channel.eventLoop)]?.value else {
                        throw ChannelError.ioOnClosedChannel
                    }
                    // Decoder only: the proxy handler orders pipelined requests itself and encodes responses
                    // straight into buffers (see ResponseEncoder).
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(
                            HTTPRequestDecoder(
                                leftOverBytesStrategy: .dropBytes,
                                informationalResponseStrategy: .drop,
                                limitConfiguration: limits
                            )
                        )
                    )
                    try channel.pipeline.syncOperations.addHandler(
                        ProxyServerHandler(loop: loopContext, listener: listener, logger: logger)
                    )
                }
            }
            .bind(host: listener.address.host, port: listener.address.port)
            .get()
    }

    /// Runs the drain sequence: readiness already fails; keep accepting for `delay`, then close the
    /// listeners, let in-flight requests finish for up to `timeout`, then close what is left.
    public func drain(delay: Duration, timeout: Duration) async {
        self.state.beginDrain()
        self.metrics.drainStarted()
        self.logger.notice("drain started", metadata: ["delay": "\(delay)", "timeout": "\(timeout)"])
        await self.forEachLoop { $0.drainConnections() }
        try? await Task.sleep(for: delay)
        let channels = self.serverChannels.withLockedValue { channels in
            defer { channels = [] }
            return channels
        }
        for channel in channels {
            try? await channel.close()
        }
        self.logger.notice("listeners closed; waiting for in-flight requests")
        await self.forEachLoop { $0.drainConnections() }
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while self.state.downstreamConnections > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let left = self.state.downstreamConnections
        if left > 0 {
            self.logger.warning("drain timeout passed; closing connections", metadata: ["connections": "\(left)"])
        }
        self.healthChecker.stop()
        await self.forEachLoop { $0.closeAll() }
        self.logger.notice("drain complete")
    }

    private func forEachLoop(_ body: @escaping @Sendable (LoopContext) -> Void) async {
        for bound in self.contexts.values {
            try? await bound.eventLoop.submit { body(bound.value) }.get()
        }
    }
}
