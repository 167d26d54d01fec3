/// A recording rule: `record: name`, its expression, and literal labels.
public struct RecordingRule: Sendable {
    public let name: String
    public let expr: Expr
    /// The expression as Prometheus prints it.
    public let query: String
    public let labels: Labels

    public init(name: String, expr: Expr, labels: Labels) {
        self.name = name
        self.expr = expr
        self.query = expr.description
        self.labels = labels
    }

    /// The rule's output at `ts`: each sample renamed to `name`, rule labels overwriting. Fails on a duplicate
    /// label set and when `limit` > 0 is exceeded, writing nothing.
    func evaluate(at ts: Timestamp, context: RuleEvaluationContext, limit: Int) throws -> [VectorElement] {
        var output = try context.instantVector(self.expr, at: ts)
        var seen = Set<Labels>()
        for index in output.indices {
            var labels = output[index].labels
            labels[Labels.metricName] = self.name
            for label in self.labels.items { labels[label.name] = label.value }
            output[index].labels = labels
            output[index].t = ts
            guard seen.insert(labels).inserted else {
                throw RuleEvaluationError("vector contains metrics with the same labelset after applying rule labels")
            }
        }
        if limit > 0 && output.count > limit {
            throw RuleEvaluationError("exceeded limit of \(limit) with \(output.count) series")
        }
        return output
    }
}
