import CoreMetrics

/// Whether ``bootstrapSwiftMetrics(registry:onConflict:)`` has bootstrapped `MetricsSystem` in this process.
private let swiftMetricsBootstrapped = LockedBox(false)

/// Makes `registry` the process's swift-metrics backend: calls `MetricsSystem.bootstrap` with a
/// ``PeriscopeMetricsFactory`` over it, so metrics that libraries report through swift-metrics appear in the
/// registry's exposition. Periscope's executable calls it right after creating its registry.
///
/// `MetricsSystem.bootstrap` may run only once per process (a second call traps), so only the first call of this
/// function bootstraps; later calls — a second gateway started in the same process — do nothing and return
/// `false`, and swift-metrics keeps reporting into the first registry. Code that bootstraps `MetricsSystem`
/// itself must not call this function.
///
/// Bootstrapping registers no family: a family appears once a library creates its first metric of that name.
///
/// - Parameter onConflict: See ``PeriscopeMetricsFactory/init(registry:recorderBuckets:timerBuckets:cardinalityLimit:onConflict:)``.
/// - Returns: `true` if this call bootstrapped `MetricsSystem`.
@discardableResult
public func bootstrapSwiftMetrics(
    registry: MetricsRegistry,
    onConflict: (@Sendable (String) -> Void)? = nil
) -> Bool {
    swiftMetricsBootstrapped.withLockedValue { bootstrapped in
        guard !bootstrapped else { return false }
        MetricsSystem.bootstrap(PeriscopeMetricsFactory(registry: registry, onConflict: onConflict))
        bootstrapped = true
        return true
    }
}
