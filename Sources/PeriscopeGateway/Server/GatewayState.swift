import Atomics
import NIOConcurrencyHelpers

/// Process-wide health and drain state, read by the admin endpoints and by every response head.
///
/// Plain atomics: the request path does one relaxed load of `isDraining` per response.
public final class GatewayState: Sendable {
    private let configLoadedFlag = ManagedAtomic(false)
    private let listenersBoundFlag = ManagedAtomic(false)
    private let drainingFlag = ManagedAtomic(false)
    private let openConnections = ManagedAtomic(0)
    /// The clusters `admin.ready_requires_clusters` names that have no healthy endpoint (set by the gateway).
    private let clusterReadiness = NIOLockedValueBox<(@Sendable () -> [String])?>(nil)

    public init() {}

    /// Sets the check behind ``clustersWithoutHealthyEndpoint``: it returns the required clusters that have no
    /// healthy endpoint.
    public func setClusterReadiness(_ check: @escaping @Sendable () -> [String]) {
        self.clusterReadiness.withLockedValue { $0 = check }
    }

    /// The clusters readiness requires that have no healthy endpoint now; `nil` when readiness requires none.
    public var clustersWithoutHealthyEndpoint: [String]? {
        self.clusterReadiness.withLockedValue { $0 }?()
    }

    /// The config was loaded and compiled into runtime tables.
    public var configLoaded: Bool {
        get { self.configLoadedFlag.load(ordering: .acquiring) }
        set { self.configLoadedFlag.store(newValue, ordering: .releasing) }
    }

    /// Every traffic listener is bound.
    public var listenersBound: Bool {
        get { self.listenersBoundFlag.load(ordering: .acquiring) }
        set { self.listenersBoundFlag.store(newValue, ordering: .releasing) }
    }

    /// A drain has started (readiness fails from this moment).
    public var isDraining: Bool {
        self.drainingFlag.load(ordering: .relaxed)
    }

    /// Marks the drain as started; returns false if it already was.
    @discardableResult
    public func beginDrain() -> Bool {
        self.drainingFlag.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
    }

    /// Downstream connections currently open on traffic listeners.
    public var downstreamConnections: Int { self.openConnections.load(ordering: .relaxed) }

    func connectionOpened() { self.openConnections.wrappingIncrement(ordering: .relaxed) }
    func connectionClosed() { self.openConnections.wrappingDecrement(ordering: .relaxed) }
}
