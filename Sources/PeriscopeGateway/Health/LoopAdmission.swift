import Atomics
import Logging
import NIOCore
import PeriscopeConfig
import PeriscopeTelemetry

/// Requests in flight per cluster, over every event loop (for `circuit_breaker.max_requests`).
final class ClusterRequestCounters: Sendable {
    let inFlight: [ManagedAtomic<Int>]
    /// Retries in flight per cluster (for the retry budget).
    let retriesInFlight: [ManagedAtomic<Int>]
    /// Loops whose failure-rate breaker is not closed, per cluster (for `periscope_upstream_breakers_open`).
    let breakersOpen: [ManagedAtomic<Int>]

    init(clusterCount: Int) {
        self.inFlight = (0..<clusterCount).map { _ in ManagedAtomic(0) }
        self.retriesInFlight = (0..<clusterCount).map { _ in ManagedAtomic(0) }
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
        case maxPending = "max_pending"
        case maxConnections = "max_connections"
    }

    private let runtime: GatewayRuntime
    private let counters: ClusterRequestCounters
    private let metrics: HealthMetrics
    private let shard: MetricShard
    /// By cluster index.
    private let breakers: [FailureRateBreaker?]
    /// By cluster index: whether requests in flight are counted (a `max_requests` cap, or routes that retry and so
    /// need the retry budget).
    private let counts: [Bool]

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
        let retried = Set(runtime.listeners.flatMap(\.routes).filter { $0.retry != nil }.map(\.cluster.index))
        self.counts = runtime.clusters.map { $0.circuitBreaker?.maxRequests != nil || retried.contains($0.index) }
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

    /// Admits a request to `cluster` now, or says why not (the rejection is counted). An admitted request is ended
    /// with ``release(cluster:)`` once, and each of its attempts with ``record(cluster:outcome:now:)``.
    func admit(cluster: ClusterRuntime, now: NIODeadline) -> Rejection? {
        let breaker = self.breakers[cluster.index]
        if let breaker, !breaker.allow(now: now) {
            return self.reject(cluster, .circuitOpen)
        }
        if self.counts[cluster.index] {
            let counter = self.counters.inFlight[cluster.index]
            let before = counter.loadThenWrappingIncrement(ordering: .relaxed)
            if let limit = cluster.circuitBreaker?.maxRequests, before >= limit {
                counter.wrappingDecrement(ordering: .relaxed)
                breaker?.abandon()
                return self.reject(cluster, .maxRequests)
            }
        }
        return nil
    }

    /// An admitted request is over: frees its slot.
    func release(cluster index: Int) {
        if self.counts[index] {
            self.counters.inFlight[index].wrappingDecrement(ordering: .relaxed)
        }
    }

    /// Tells the cluster's breaker how an attempt went (`nil`: no verdict).
    func record(cluster index: Int, outcome: OutlierDetector.Outcome?, now: NIODeadline) {
        guard let breaker = self.breakers[index] else { return }
        switch outcome {
        case nil: breaker.abandon()
        case .success?: breaker.record(failed: false, now: now)
        case .serverError?, .gatewayError?: breaker.record(failed: true, now: now)
        }
    }

    /// Takes a retry slot of `cluster`'s budget: retries in flight stay within `percent` of the requests in flight
    /// (or `min_concurrency`), and within `max_retries`. `false` (counted as budget exhausted) means do not retry.
    func startRetry(cluster: ClusterRuntime) -> Bool {
        let budget = cluster.circuitBreaker?.retryBudget ?? RetryBudgetConfig()
        let active = self.counters.inFlight[cluster.index].load(ordering: .relaxed)
        let allowed = min(
            max(budget.minConcurrency, Int(budget.percent * Double(active))),
            cluster.circuitBreaker?.maxRetries ?? .max
        )
        let retries = self.counters.retriesInFlight[cluster.index]
        if retries.loadThenWrappingIncrement(ordering: .relaxed) >= allowed {
            retries.wrappingDecrement(ordering: .relaxed)
            self.metrics.retryBudgetExhausted[cluster.index].increment(shard: self.shard)
            return false
        }
        return true
    }

    /// A retry taken with ``startRetry(cluster:)`` is over.
    func endRetry(cluster index: Int) {
        self.counters.retriesInFlight[index].wrappingDecrement(ordering: .relaxed)
    }

    /// Counts a rejection decided elsewhere (the pool's `max_pending`).
    func count(_ rejection: Rejection, cluster: ClusterRuntime) {
        _ = self.reject(cluster, rejection)
    }

    private func reject(_ cluster: ClusterRuntime, _ rejection: Rejection) -> Rejection {
        self.metrics.rejections[cluster.index][Rejection.allCases.firstIndex(of: rejection)!].increment(
            shard: self.shard)
        return rejection
    }
}

@available(*, unavailable)
extension LoopAdmission: Sendable {}
