/// Which endpoints one event loop may send requests to (endpoints "in rotation"), by global endpoint index.
///
/// One exists per event loop, shared by that loop's balancers and only touched on that loop, so it is plain
/// mutable state. Every endpoint starts in rotation; health checking and outlier detection take endpoints out and
/// put them back with ``setAvailable(_:_:)``. Balancers that precompute something over the available endpoints
/// (a Maglev table, cumulative weights) compare ``generation`` on each pick and rebuild when it moved.
public final class EndpointAvailability {
    private let available: LoopOwnedBuffer<Bool>
    private let changes = LoopOwnedCell<UInt64>(0)

    /// A view of `count` endpoints, all in rotation.
    public init(count: Int) {
        self.available = LoopOwnedBuffer(repeating: true, count: count)
    }

    /// The number of endpoints (of all clusters) this view covers.
    public var count: Int { self.available.count }

    /// Changes whenever an endpoint goes in or out of rotation.
    @inline(__always)
    public var generation: UInt64 { self.changes.value }

    /// Whether endpoint `index` (global) is in rotation.
    @inline(__always)
    public func isAvailable(_ index: Int) -> Bool {
        self.available[index]
    }

    /// Puts endpoint `index` (global) in or out of rotation.
    public func setAvailable(_ index: Int, _ available: Bool) {
        guard self.available[index] != available else { return }
        self.available[index] = available
        self.changes.value &+= 1
    }
}

@available(*, unavailable)
extension EndpointAvailability: Sendable {}
