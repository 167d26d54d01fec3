/// What a rule needs to run: the engine, the samples (which rule outputs are written back into), and the values
/// templates see.
public struct RuleEvaluationContext: Sendable {
    public var engine: PromQLEngine
    public var source: any WritableSampleSource
    public var externalLabels: [String: String]
    public var externalURL: String

    public init(
        engine: PromQLEngine,
        source: any WritableSampleSource,
        externalLabels: [String: String] = [:],
        externalURL: String = ""
    ) {
        self.engine = engine
        self.source = source
        self.externalLabels = externalLabels
        self.externalURL = externalURL
    }

    /// Runs `expr` at `ts` and returns it as a vector: a scalar becomes one element without labels; strings and
    /// range vectors are errors, as in Prometheus.
    func instantVector(_ expr: Expr, at ts: Timestamp) throws -> [VectorElement] {
        switch try self.engine.evaluate(expr, at: ts, source: self.source) {
        case .vector(let elements): return elements
        case .scalar(let t, let v): return [VectorElement(labels: Labels(), t: t, v: v)]
        case .matrix: throw RuleEvaluationError("rule result is a range vector, not an instant vector or scalar")
        case .string: throw RuleEvaluationError("rule result is a string, not an instant vector or scalar")
        }
    }

    /// The template data for one sample, with `query` evaluating at `ts`.
    func templateData(labels: Labels, value: Double, at ts: Timestamp) -> TemplateData {
        let engine = self.engine
        let source = self.source
        return TemplateData(
            labels: labels.dictionary,
            externalLabels: self.externalLabels,
            externalURL: self.externalURL,
            value: value,
            query: { text in
                let expr = try PromQL.parse(text)
                let elements: [VectorElement]
                switch try engine.evaluate(expr, at: ts, source: source) {
                case .vector(let vector): elements = vector
                case .scalar(let t, let v): elements = [VectorElement(labels: Labels(), t: t, v: v)]
                default: throw RuleEvaluationError("query \"\(text)\" did not return a vector or scalar")
                }
                return elements.map { TemplateSample(labels: $0.labels.dictionary, value: $0.v) }
            }
        )
    }
}

/// A rule failed at evaluation time (the message is Prometheus' where one exists).
public struct RuleEvaluationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
