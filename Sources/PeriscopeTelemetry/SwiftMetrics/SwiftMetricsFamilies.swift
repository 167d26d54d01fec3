/// The families a ``PeriscopeMetricsFactory`` has registered, by name, and the conflicts it has reported.
///
/// Looking up or registering a family takes this table's lock (and, for a new family, the registry's, always in
/// that order); binding the series happens afterwards, outside it. Recording never comes here.
final class SwiftMetricsFamilies: Sendable {
    private struct State {
        /// Families by name, with the descriptor they were registered with.
        var byName: [String: (descriptor: FamilyDescriptor, family: any RegisteredFamily)] = [:]
        /// Conflicts already reported (name, kind, unit and label names), so each is reported once.
        var reported: Set<String> = []
    }

    private let state = LockedBox(State())
    private let onConflict: (@Sendable (String) -> Void)?

    init(onConflict: (@Sendable (String) -> Void)?) {
        self.onConflict = onConflict
    }

    /// The family for `descriptor`: the one this factory registered under its name if it has the same kind,
    /// label names, unit and buckets (the HELP text may differ: two labels can sanitize to one name), else a new
    /// one registered in `registry`. `nil` — after reporting the conflict once — when the name is taken by a
    /// different definition, here or in the registry.
    func family<Family: RegisteredFamily>(
        _ descriptor: FamilyDescriptor,
        in registry: MetricsRegistry,
        make: (FamilyDescriptor, Int, OverflowCounter?) -> Family
    ) -> Family? {
        let outcome: Result<Family, RegistrationConflict> = self.state.withLockedValue { state in
            if let existing = state.byName[descriptor.name] {
                if Self.isCompatible(existing.descriptor, descriptor), let family = existing.family as? Family {
                    return .success(family)
                }
                return .failure(
                    RegistrationConflict(
                        description: "already reported through swift-metrics as a \(existing.descriptor.kind) "
                            + "with labels \(existing.descriptor.labelNames)"
                    )
                )
            }
            let registered = registry.registerIfCompatible(descriptor) { shardCount, overflow in
                make(descriptor, shardCount, overflow)
            }
            if case .success(let family) = registered {
                state.byName[descriptor.name] = (descriptor, family)
            }
            return registered
        }
        switch outcome {
        case .success(let family):
            return family
        case .failure(let conflict):
            self.report(conflict, for: descriptor)
            return nil
        }
    }

    private static func isCompatible(_ existing: FamilyDescriptor, _ requested: FamilyDescriptor) -> Bool {
        existing.kind == requested.kind && existing.labelNames == requested.labelNames
            && existing.unit == requested.unit && existing.buckets == requested.buckets
    }

    private func report(_ conflict: RegistrationConflict, for descriptor: FamilyDescriptor) {
        let key = "\(descriptor.name) \(descriptor.kind) \(descriptor.unit ?? "") \(descriptor.labelNames)"
        let isNew = self.state.withLockedValue { $0.reported.insert(key).inserted }
        guard isNew, let onConflict = self.onConflict else { return }
        // Outside the lock: the callback may log, and a log handler may report metrics through this factory.
        onConflict(
            "dropping swift-metrics values for \(descriptor.kind) '\(descriptor.name)' with labels "
                + "\(descriptor.labelNames) (\(descriptor.help.dropLast())): \(conflict.description)"
        )
    }
}
