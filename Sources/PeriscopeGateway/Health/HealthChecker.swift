import Logging
import NIOCore
import PeriscopeConfig
import PeriscopeTelemetry

/// Runs the active health checks of every cluster that has `health_check`: each endpoint is probed on one of the
/// gateway's event loops (spread by endpoint index), every `interval` plus up to `jitter` of it, the first probe at
/// a random point of the first interval so that endpoints are not all probed at once. A probe is a few syscalls on
/// that loop, off every request's path.
///
/// When an endpoint's verdict changes (``HealthCheckState``), the shared ``EndpointHealthBoard`` is updated and
/// `broadcast` tells every loop (their ``LoopHealth``), which take it in or out of rotation.
final class HealthChecker: Sendable {
    /// One endpoint's probing: its loop's box (filled on that loop by ``start()``) and how to make it.
    private struct Slot: Sendable {
        let box: NIOLoopBoundBox<EndpointProber?>
        let cluster: ClusterRuntime
        let endpoint: EndpointRuntime
        let config: HealthCheckConfig
    }

    private let slots: [Slot]
    private let board: EndpointHealthBoard
    private let logger: Logger
    private let broadcast: @Sendable (Int, Bool) -> Void

    init(
        runtime: GatewayRuntime,
        loops: [any EventLoop],
        board: EndpointHealthBoard,
        logger: Logger,
        broadcast: @escaping @Sendable (_ endpoint: Int, _ healthy: Bool) -> Void
    ) {
        var slots: [Slot] = []
        for cluster in runtime.clusters {
            guard let config = cluster.healthCheck else { continue }
            for endpoint in cluster.endpoints {
                let loop = loops[endpoint.index % loops.count]
                slots.append(
                    Slot(
                        box: NIOLoopBoundBox.makeEmptyBox(valueType: EndpointProber.self, eventLoop: loop),
                        cluster: cluster,
                        endpoint: endpoint,
                        config: config
                    )
                )
            }
        }
        self.slots = slots
        self.board = board
        self.logger = logger
        self.broadcast = broadcast
    }

    /// Whether any cluster has health checks.
    var isEmpty: Bool { self.slots.isEmpty }

    /// Starts probing.
    func start() {
        for slot in self.slots {
            let (board, logger, broadcast) = (self.board, self.logger, self.broadcast)
            slot.box.eventLoop.execute {
                let prober = EndpointProber(
                    eventLoop: slot.box.eventLoop,
                    cluster: slot.cluster,
                    endpoint: slot.endpoint,
                    config: slot.config,
                    board: board,
                    logger: logger,
                    broadcast: broadcast
                )
                slot.box.value = prober
                prober.start()
            }
        }
    }

    /// Stops probing (probes in flight finish; their results are ignored).
    func stop() {
        for slot in self.slots {
            slot.box.eventLoop.execute { slot.box.value?.stop() }
        }
    }
}

/// The checks of one endpoint, on its loop.
private final class EndpointProber {
    let eventLoop: any EventLoop
    let cluster: ClusterRuntime
    let endpoint: EndpointRuntime
    let config: HealthCheckConfig
    let board: EndpointHealthBoard
    let logger: Logger
    let broadcast: @Sendable (Int, Bool) -> Void
    private var state = HealthCheckState()
    private var next: Scheduled<Void>?
    private var stopped = false

    init(
        eventLoop: any EventLoop,
        cluster: ClusterRuntime,
        endpoint: EndpointRuntime,
        config: HealthCheckConfig,
        board: EndpointHealthBoard,
        logger: Logger,
        broadcast: @escaping @Sendable (Int, Bool) -> Void
    ) {
        self.eventLoop = eventLoop
        self.cluster = cluster
        self.endpoint = endpoint
        self.config = config
        self.board = board
        self.logger = logger
        self.broadcast = broadcast
    }

    func start() {
        let interval = TimeAmount(self.config.interval).nanoseconds
        self.schedule(in: .nanoseconds(Int64.random(in: 0..<max(1, interval))))
    }

    func stop() {
        self.stopped = true
        self.next?.cancel()
        self.next = nil
    }

    private func schedule(in delay: TimeAmount) {
        guard !self.stopped else { return }
        self.next = self.eventLoop.assumeIsolated().scheduleTask(in: delay) { self.probe() }
    }

    /// The wait before the next probe: the interval plus up to `jitter` of it.
    private var nextDelay: TimeAmount {
        let interval = TimeAmount(self.config.interval).nanoseconds
        let jitter = Int64(Double(interval) * self.config.jitter)
        return .nanoseconds(interval + (jitter > 0 ? Int64.random(in: 0...jitter) : 0))
    }

    private func probe() {
        guard !self.stopped else { return }
        HealthProbe.run(
            address: self.endpoint.socketAddress,
            host: self.endpoint.host,
            port: self.endpoint.port,
            path: self.config.path,
            hostHeader: self.config.host ?? self.endpoint.name,
            timeout: TimeAmount(self.config.timeout),
            on: self.eventLoop
        ).assumeIsolated().whenSuccess { result in
            self.record(result)
            self.schedule(in: self.nextDelay)
        }
    }

    private func record(_ result: HealthProbeResult) {
        guard !self.stopped else { return }
        let success: Bool
        if case .status(let status) = result { success = self.config.expects(status) } else { success = false }
        let handles = self.board.metrics
        // Off the request path, so the shared shard (not a loop's) records it.
        handles.checks[self.endpoint.index][HealthMetrics.resultIndex(result, success: success)].increment()
        guard
            let healthy = self.state.record(
                success: success,
                healthyThreshold: self.config.healthyThreshold,
                unhealthyThreshold: self.config.unhealthyThreshold
            )
        else { return }
        handles.transitions[self.endpoint.index][healthy ? 0 : 1].increment()
        self.board.setActiveHealthy(self.endpoint.index, healthy)
        self.broadcast(self.endpoint.index, healthy)
        let metadata: Logger.Metadata = [
            "cluster": "\(self.cluster.name)", "endpoint": "\(self.endpoint.name)", "last_check": "\(result)",
        ]
        if healthy {
            self.logger.notice("endpoint healthy: back in rotation", metadata: metadata)
        } else {
            self.logger.warning("endpoint unhealthy: out of rotation", metadata: metadata)
        }
    }
}

@available(*, unavailable)
extension EndpointProber: Sendable {}
