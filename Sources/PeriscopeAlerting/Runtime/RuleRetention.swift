extension Expr {
    /// How far back (ms) evaluating this expression at t can read: the largest range + offset of its selectors,
    /// with `lookbackDelta` for instant selectors (and subqueries' own ranges added to what they contain).
    func lookBehind(lookbackDelta: Int64) -> Int64 {
        switch self {
        case .number, .string: return 0
        case .vectorSelector(let selector): return max(0, selector.offset) + lookbackDelta
        case .matrixSelector(let selector, let range): return max(0, selector.offset) + range
        case .subquery(let inner, let range, _, let offset):
            return max(0, offset) + range + inner.lookBehind(lookbackDelta: lookbackDelta)
        case .call(_, let args): return args.map { $0.lookBehind(lookbackDelta: lookbackDelta) }.max() ?? 0
        case .aggregate(_, let param, _, let expr):
            return max(
                param?.lookBehind(lookbackDelta: lookbackDelta) ?? 0, expr.lookBehind(lookbackDelta: lookbackDelta))
        case .binary(_, let lhs, let rhs, _, _):
            return max(lhs.lookBehind(lookbackDelta: lookbackDelta), rhs.lookBehind(lookbackDelta: lookbackDelta))
        case .unaryMinus(let inner), .paren(let inner): return inner.lookBehind(lookbackDelta: lookbackDelta)
        }
    }
}

extension Array where Element == RuleGroup {
    /// The sample store's retention for these groups: the furthest any rule looks back, plus two of the longest
    /// interval (so a range never starts before the data), and never less than the lookback delta.
    func retention(lookbackDelta: Int64) -> Int64 {
        var longest = lookbackDelta
        var interval: Int64 = 0
        for group in self {
            interval = Swift.max(interval, group.interval)
            for rule in group.rules {
                let expr: Expr
                switch rule {
                case .recording(let recording): expr = recording.expr
                case .alerting(let alerting): expr = alerting.expr
                }
                longest = Swift.max(longest, expr.lookBehind(lookbackDelta: lookbackDelta))
            }
        }
        return longest + 2 * interval
    }
}
