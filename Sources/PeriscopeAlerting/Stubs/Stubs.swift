// TEMPORARY: placeholders for the parser, engine and template APIs while they are written; removed on integration.
public struct PromQLEvaluationError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
public struct PromQLEngine: Sendable {
    public init(semantics: PromQLSemantics = .prometheus3, lookbackDelta: Int64 = 300_000, defaultSubqueryStep: Int64 = 60_000) {}
    public func evaluate(_ expr: Expr, at time: Timestamp, source: any SampleSource) throws -> QueryValue { .vector([]) }
}
public final class MemorySampleSource: SampleSource, @unchecked Sendable {
    public init() {}
    public func append(labels: Labels, t: Timestamp, v: Double) {}
    public func select(_ matchers: [LabelMatcher], mint: Timestamp, maxt: Timestamp) -> [Series] { [] }
}
