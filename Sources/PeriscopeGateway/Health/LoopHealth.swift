import Logging
import NIOCore
import PeriscopeConfig
import PeriscopeTelemetry

/// One event loop's view of endpoint health: the active checks' verdicts (sent by the ``HealthChecker``) and this
/// loop's outlier detectors, combined into the loop's ``EndpointAvailability`` (in rotation = healthy and not
/// ejected). Used on its loop only.
final class LoopHealth {
    let availability: EndpointAvailability
    private let eventLoop: any EventLoop
    private let runtime: GatewayRuntime
    private let board: EndpointHealthBoard
    private let metrics: LoopMetrics
    private let logger: Logger
    private var activeHealthy: [Bool]
    private var ejected: [Bool]
    /// By cluster index; nil without `outlier_detection`.
    private let detectors: [OutlierDetector?]
    /// By cluster index: the pending release of ejected endpoints.
    private var releaseTasks: [Scheduled<Void>?]

    init(
        eventLoop: any EventLoop,
        runtime: GatewayRuntime,
        availability: EndpointAvailability,
        board: EndpointHealthBoard,
        metrics: LoopMetrics,
        logger: Logger
    ) {
        self.eventLoop = eventLoop
        self.runtime = runtime
        self.availability = availability
        self.board = board
        self.metrics = metrics
        self.logger = logger
        self.activeHealthy = (0..<availability.count).map(board.isActiveHealthy)
        self.ejected = Array(repeating: false, count: availability.count)
        self.detectors = runtime.clusters.map { cluster in
            cluster.outlierDetection.map { OutlierDetector(config: $0, endpointCount: cluster.endpoints.count) }
        }
        self.releaseTasks = Array(repeating: nil, count: runtime.clusters.count)
        for index in 0..<availability.count { self.apply(index) }
    }

    /// The active checks' new verdict on endpoint `index` (global).
    func setActiveHealthy(_ index: Int, _ healthy: Bool) {
        self.activeHealthy[index] = healthy
        self.apply(index)
    }

    /// Feeds an exchange's outcome to the cluster's outlier detector; ejects the endpoint when it should.
    func record(_ outcome: OutlierDetector.Outcome, cluster: ClusterRuntime, endpoint local: Int) {
        guard let detector = self.detectors[cluster.index] else { return }
        let now = NIODeadline.now()
        guard let reason = detector.record(outcome, endpoint: local, now: now) else { return }
        let endpoint = cluster.endpoints[local]
        self.ejected[endpoint.index] = true
        self.apply(endpoint.index)
        self.board.ejectionChanged(endpoint.index, ejected: true)
        let reasonIndex = OutlierDetector.Reason.allCases.firstIndex(of: reason)!
        self.board.metrics.ejections[endpoint.index][reasonIndex].increment(shard: self.metrics.shard)
        self.logger.warning(
            "endpoint ejected",
            metadata: [
                "cluster": "\(cluster.name)", "endpoint": "\(endpoint.name)", "reason": "\(reason.rawValue)",
                "until": "\(detector.nextRelease.map { ($0 - now).nanoseconds / 1_000_000 } ?? 0)ms",
            ]
        )
        self.scheduleRelease(cluster: cluster)
    }

    private func scheduleRelease(cluster: ClusterRuntime) {
        guard let detector = self.detectors[cluster.index], let next = detector.nextRelease else { return }
        self.releaseTasks[cluster.index]?.cancel()
        self.releaseTasks[cluster.index] = self.eventLoop.assumeIsolated().scheduleTask(deadline: next) {
            self.releaseTasks[cluster.index] = nil
            detector.releaseExpired(now: .now()) { local in
                let endpoint = cluster.endpoints[local]
                self.ejected[endpoint.index] = false
                self.apply(endpoint.index)
                self.board.ejectionChanged(endpoint.index, ejected: false)
                self.logger.notice(
                    "endpoint back in rotation after ejection",
                    metadata: ["cluster": "\(cluster.name)", "endpoint": "\(endpoint.name)"]
                )
            }
            self.scheduleRelease(cluster: cluster)
        }
    }

    /// Stops the release timers (shutdown).
    func stop() {
        for task in self.releaseTasks { task?.cancel() }
    }

    private func apply(_ index: Int) {
        self.availability.setAvailable(index, self.activeHealthy[index] && !self.ejected[index])
    }
}

@available(*, unavailable)
extension LoopHealth: Sendable {}
