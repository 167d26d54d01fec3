import Atomics
import Logging
import NIOCore
import PeriscopeConfig
import PeriscopeTelemetry

/// Requests in flight per cluster, over every event loop (for `circuit_breaker.max_requests`).
final class ClusterRequestCounters: Sendable {
    let inFlight: [ManagedAtomic<Int>]
    /// Loops whose failure-rate breaker is not closed, per cluster (for `periscope_upstream_breakers_open`).
    let breakersOpen: [ManagedAtomic<Int>]

    init(clusterCount: Int) {
        self.inFlight = (0..<clusterCount).map { _ in ManagedAtomic(0) }
        self.breakersOpen = (0..<clusterCount).map { _ in ManagedAtomic(0) }
    }
}

/// Decides on one event loop whether a request may go to a cluster: its failure-rate breaker (this loop's) must let
/// it through, and the cluster's requests in flight (all loops, one relaxed atomic add) must stay within
/// `max_requests`. Every admitted request is ended once with ``finish(cluster:outcome:now:)``.
final class LoopAdmission {
    /// Why a request was refused (the `reason` label and the `x-periscope-rejected` header).
    enum Rejection: String, CaseIterable, Sendable {
        case maxRequests = "max_requests"
        case circuitOpen = "circuit_open"
    }

    private let runtime: GatewayRuntime
    private let counters: ClusterRequestCounters
    private let metrics: HealthMetrics
    private let shard: MetricShard
    /// By cluster index.
    private let breakers: [FailureRateBreaker?]

    init(
        runtime: GatewayRuntime,
        counters: ClusterRequestCounters,
        metrics: HealthMetrics,
        shard: MetricShard,
        logger: Logger
    ) {
        self.runtime = runtime
        self.counters = counters
        self.metrics = metrics
        self.shard = shard
        self.breakers = runtime.clusters.map { cluster in
            guard let config = cluster.circuitBreaker?.failureRate else { return nil }
            let breaker = FailureRateBreaker(config: config)
            let transitions = metrics.breakerTransitions[cluster.index]
            let gauge = metrics.breakersOpen[cluster.index]
            let openLoops = counters.breakersOpen[cluster.index]
            var wasClosed = true
            breaker.onTransition = { state in
                transitions[FailureRateBreaker.State.allCases.firstIndex(of: state)!].increment(shard: shard)
                let isClosed = state == .closed
                if isClosed != wasClosed {
                    let open =
                        isClosed
                        ? openLoops.wrappingDecrementThenLoad(ordering: .relaxed)
                        : openLoops.wrappingIncrementThenLoad(ordering: .relaxed)
                    gauge?.set(Double(open))
                    wasClosed = isClosed
                }
                let level: Logger.Level = state == .open ? .warning : .notice
                logger.log(
                    level: level,
                    "circuit breaker \(state.rawValue)",
                    metadata: ["cluster": "\(cluster.name)"]
                )
            }
            return breaker
        }
    }

    /// Admits a request to `cluster` now, or says why not (the rejection is counted).
    func admit(cluster: ClusterRuntime, now: NIODeadline) -> Rejection? {
        let breaker = self.breakers[cluster.index]
        if let breaker, !breaker.allow(now: now) {
            return self.reject(cluster, .circuitOpen)
        }
        if let limit = cluster.circuitBreaker?.maxRequests {
            let counter = self.counters.inFlight[cluster.index]
            if counter.loadThenWrappingIncrement(ordering: .relaxed) >= limit {
                counter.wrappingDecrement(ordering: .relaxed)
                breaker?.abandon()
                return self.reject(cluster, .maxRequests)
            }
        }
        return nil
    }

    /// Ends an admitted request: frees its slot and tells the breaker how it went (`nil`: no verdict).
    func finish(cluster index: Int, outcome: OutlierDetector.Outcome?, now: NIODeadline) {
        let cluster = self.runtime.clusters[index]
        if cluster.circuitBreaker?.maxRequests != nil {
            self.counters.inFlight[index].wrappingDecrement(ordering: .relaxed)
        }
        guard let breaker = self.breakers[index] else { return }
        switch outcome {
        case nil: breaker.abandon()
        case .success?: breaker.record(failed: false, now: now)
        case .serverError?, .gatewayError?: breaker.record(failed: true, now: now)
        }
    }

    private func reject(_ cluster: ClusterRuntime, _ rejection: Rejection) -> Rejection {
        self.metrics.rejections[cluster.index][Rejection.allCases.firstIndex(of: rejection)!].increment(
            shard: self.shard)
        return rejection
    }
}

@available(*, unavailable)
extension LoopAdmission: Sendable {}
