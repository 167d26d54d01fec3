/// How long the sample store keeps each series: per metric name, as far back as the rules read that name.
///
/// A rule reading `rate(x[3d])` needs three days of `x`, not of every series the registry has: each name read
/// through a selector with a fixed metric name gets that selector's look-back; every other series (names no rule
/// reads by name) gets ``fallback`` — the longest look-back of selectors without a fixed name (`{job="x"}`), and at
/// least the lookback delta. Each value includes two of the longest group interval, so a range never starts before
/// the data.
public struct RetentionPolicy: Sendable, Equatable {
    /// Milliseconds of samples kept for series of each name the rules read by name.
    public var byName: [String: Int64]
    /// Milliseconds kept for every other series.
    public var fallback: Int64

    public init(byName: [String: Int64] = [:], fallback: Int64) {
        self.byName = byName
        self.fallback = fallback
    }

    /// Every series kept `retention` milliseconds.
    public static func uniform(_ retention: Int64) -> Self { Self(fallback: retention) }

    /// The retention of series named `name` (nil for a series without a name).
    public func retention(for name: String?) -> Int64 {
        name.flatMap { self.byName[$0] } ?? self.fallback
    }

    /// The longest retention of any series.
    public var longest: Int64 { self.byName.values.reduce(self.fallback, Swift.max) }
}

extension Expr {
    /// Calls `visit` with the metric name of every selector (nil for selectors without a fixed name) and how far
    /// back (ms) evaluating this expression at t reads through it: the selector's range + offset (the lookback
    /// delta for instant selectors), plus the range + offset of every subquery around it.
    func forEachSelectorLookBehind(
        lookbackDelta: Int64,
        around outer: Int64 = 0,
        _ visit: (_ name: String?, _ lookBehind: Int64) -> Void
    ) {
        func name(of selector: VectorSelector) -> String? {
            selector.name
                ?? selector.matchers.first { $0.name == Labels.metricName && $0.kind == .equal }?.value
        }
        switch self {
        case .number, .string: return
        case .vectorSelector(let selector):
            visit(name(of: selector), outer + max(0, selector.offset) + lookbackDelta)
        case .matrixSelector(let selector, let range):
            visit(name(of: selector), outer + max(0, selector.offset) + range)
        case .subquery(let inner, let range, _, let offset):
            inner.forEachSelectorLookBehind(lookbackDelta: lookbackDelta, around: outer + max(0, offset) + range, visit)
        case .call(_, let args):
            for arg in args { arg.forEachSelectorLookBehind(lookbackDelta: lookbackDelta, around: outer, visit) }
        case .aggregate(_, let param, _, let expr):
            param?.forEachSelectorLookBehind(lookbackDelta: lookbackDelta, around: outer, visit)
            expr.forEachSelectorLookBehind(lookbackDelta: lookbackDelta, around: outer, visit)
        case .binary(_, let lhs, let rhs, _, _):
            lhs.forEachSelectorLookBehind(lookbackDelta: lookbackDelta, around: outer, visit)
            rhs.forEachSelectorLookBehind(lookbackDelta: lookbackDelta, around: outer, visit)
        case .unaryMinus(let inner), .paren(let inner):
            inner.forEachSelectorLookBehind(lookbackDelta: lookbackDelta, around: outer, visit)
        }
    }
}

extension Array where Element == RuleGroup {
    /// The sample store's retention for these groups (see ``RetentionPolicy``).
    func retentionPolicy(lookbackDelta: Int64) -> RetentionPolicy {
        var byName: [String: Int64] = [:]
        var unnamed = lookbackDelta
        var interval: Int64 = 0
        for group in self {
            interval = Swift.max(interval, group.interval)
            for rule in group.rules {
                let expr: Expr
                switch rule {
                case .recording(let recording): expr = recording.expr
                case .alerting(let alerting): expr = alerting.expr
                }
                expr.forEachSelectorLookBehind(lookbackDelta: lookbackDelta) { name, lookBehind in
                    if let name {
                        byName[name] = Swift.max(byName[name] ?? lookbackDelta, lookBehind)
                    } else {
                        unnamed = Swift.max(unnamed, lookBehind)
                    }
                }
            }
        }
        // A selector without a fixed name may read any series, so no name keeps less than it needs.
        return RetentionPolicy(
            byName: byName.mapValues { Swift.max($0, unnamed) + 2 * interval },
            fallback: unnamed + 2 * interval
        )
    }
}
