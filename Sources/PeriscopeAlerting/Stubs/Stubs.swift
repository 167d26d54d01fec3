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
public struct TemplateSample: Sendable {
    public var labels: [String: String]
    public var value: Double
}
public struct TemplateData: Sendable {
    public var labels: [String: String]
    public var externalLabels: [String: String]
    public var externalURL: String
    public var value: Double
    public var query: (@Sendable (String) throws -> [TemplateSample])?
    public init(labels: [String: String], externalLabels: [String: String], externalURL: String, value: Double, query: (@Sendable (String) throws -> [TemplateSample])? = nil) {
        self.labels = labels; self.externalLabels = externalLabels; self.externalURL = externalURL; self.value = value; self.query = query
    }
}
public struct AlertTemplate: Sendable {
    public init(_ text: String, name: String) throws {}
    public func render(_ data: TemplateData) throws -> String { "" }
    public func renderOrError(_ data: TemplateData) -> String { "" }
}
