import Atomics
import PeriscopeConfig

/// A cluster's connections and pending requests over every event loop, against `circuit_breaker.max_connections`
/// and `max_pending` (one relaxed atomic add each; only clusters with the limit count).
final class ClusterConcurrency: Sendable {
    let maxConnections: Int?
    let maxPending: Int?
    private let connections = ManagedAtomic(0)
    private let pending = ManagedAtomic(0)

    init(config: CircuitBreakerConfig?) {
        self.maxConnections = config?.maxConnections
        self.maxPending = config?.maxPending
    }

    /// Takes a connection slot; `false` when the cluster has `max_connections` already.
    func tryAddConnection() -> Bool {
        guard let limit = self.maxConnections else { return true }
        if self.connections.loadThenWrappingIncrement(ordering: .relaxed) >= limit {
            self.connections.wrappingDecrement(ordering: .relaxed)
            return false
        }
        return true
    }

    func removeConnection() {
        guard self.maxConnections != nil else { return }
        self.connections.wrappingDecrement(ordering: .relaxed)
    }

    /// Takes a pending slot; `false` when `max_pending` requests wait already.
    func tryAddPending() -> Bool {
        guard let limit = self.maxPending else { return true }
        if self.pending.loadThenWrappingIncrement(ordering: .relaxed) >= limit {
            self.pending.wrappingDecrement(ordering: .relaxed)
            return false
        }
        return true
    }

    func removePending() {
        guard self.maxPending != nil else { return }
        self.pending.wrappingDecrement(ordering: .relaxed)
    }
}
