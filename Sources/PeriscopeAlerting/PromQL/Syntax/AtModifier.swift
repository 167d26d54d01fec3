extension VectorSelector {
    /// The ``at`` value that stands for `@ start()`.
    ///
    /// `@ start()` and `@ end()` pin a selector to the start or end of the query range; for the
    /// instant queries of rule evaluation and promtool tests both are the evaluation time. The parser
    /// stores them as these two sentinels (real `@` timestamps are never `Int64.min`/`Int64.max`);
    /// an evaluator replaces either by the evaluation time before using ``at``.
    public static let atStart: Int64 = .min

    /// The ``at`` value that stands for `@ end()`; see ``atStart``.
    public static let atEnd: Int64 = .max

    /// ``at`` with `@ start()`/`@ end()` resolved against a query's start and end (both the
    /// evaluation time for an instant query).
    public func resolvedAt(start: Int64, end: Int64) -> Int64? {
        switch at {
        case VectorSelector.atStart: start
        case VectorSelector.atEnd: end
        default: at
        }
    }
}
