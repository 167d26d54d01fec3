import Atomics
import PeriscopeTelemetry

/// What every loop needs to agree on about endpoint health, shared across loops: the active checks' verdict per
/// endpoint, and on how many loops outlier detection has ejected it. Read by `/readyz` and for the
/// `periscope_upstream_endpoint_healthy` gauge; never on the request path (each loop keeps its own copy in its
/// ``LoopHealth``).
public final class EndpointHealthBoard: Sendable {
    private let activeHealthy: [ManagedAtomic<Bool>]
    private let ejectedOnLoops: [ManagedAtomic<Int>]
    private let clusterRanges: [String: Range<Int>]
    let metrics: HealthMetrics

    init(runtime: GatewayRuntime, metrics: HealthMetrics) {
        let count = runtime.clusters.reduce(0) { $0 + $1.endpoints.count }
        self.activeHealthy = (0..<count).map { _ in ManagedAtomic(true) }
        self.ejectedOnLoops = (0..<count).map { _ in ManagedAtomic(0) }
        var ranges: [String: Range<Int>] = [:]
        for cluster in runtime.clusters {
            guard let first = cluster.endpoints.first?.index, let last = cluster.endpoints.last?.index else { continue }
            ranges[cluster.name] = first..<(last + 1)
        }
        self.clusterRanges = ranges
        self.metrics = metrics
    }

    /// Whether the active checks consider endpoint `index` (global) healthy.
    public func isActiveHealthy(_ index: Int) -> Bool {
        self.activeHealthy[index].load(ordering: .relaxed)
    }

    /// Whether endpoint `index` is in rotation everywhere: healthy and ejected on no loop.
    public func isInRotation(_ index: Int) -> Bool {
        self.isActiveHealthy(index) && self.ejectedOnLoops[index].load(ordering: .relaxed) == 0
    }

    /// Whether cluster `name` has an endpoint its active checks consider healthy (`false` for an unknown name).
    public func hasHealthyEndpoint(cluster name: String) -> Bool {
        guard let range = self.clusterRanges[name] else { return false }
        return range.contains { self.isActiveHealthy($0) }
    }

    func setActiveHealthy(_ index: Int, _ healthy: Bool) {
        self.activeHealthy[index].store(healthy, ordering: .relaxed)
        self.publish(index)
    }

    func ejectionChanged(_ index: Int, ejected: Bool) {
        if ejected {
            self.ejectedOnLoops[index].wrappingIncrement(ordering: .relaxed)
        } else {
            self.ejectedOnLoops[index].wrappingDecrement(ordering: .relaxed)
        }
        self.publish(index)
    }

    private func publish(_ index: Int) {
        self.metrics.healthy[index].set(self.isInRotation(index) ? 1 : 0)
    }
}
