/// Evaluates PromQL expressions as instant queries, following either Prometheus 2.42's semantics (what Debian's
/// `promtool` runs) or Prometheus 3's.
///
/// The engine is a value: it holds only configuration, and each ``evaluate(_:at:source:)`` call reads the samples it
/// needs from the given ``SampleSource``.
public struct PromQLEngine: Sendable {
    /// Which Prometheus version's semantics to follow.
    public var semantics: PromQLSemantics
    /// How far back an instant selector looks for the newest sample, in milliseconds (Prometheus: 5m).
    public var lookbackDelta: Int64
    /// The resolution of subqueries written without a step (`x[1h:]`), in milliseconds. Prometheus uses the global
    /// evaluation interval; `promtool test rules` the test file's `evaluation_interval`.
    public var defaultSubqueryStep: Int64

    /// Creates an engine.
    /// - Parameters:
    ///   - semantics: ``PromQLSemantics/prometheus2`` for 2.42's closed windows and extrapolation order,
    ///     ``PromQLSemantics/prometheus3`` for Prometheus 3.
    ///   - lookbackDelta: the instant-selector lookback in milliseconds.
    ///   - defaultSubqueryStep: the step of subqueries without an explicit one, in milliseconds.
    public init(
        semantics: PromQLSemantics = .prometheus3,
        lookbackDelta: Int64 = 300_000,
        defaultSubqueryStep: Int64 = 60_000
    ) {
        self.semantics = semantics
        self.lookbackDelta = lookbackDelta
        self.defaultSubqueryStep = defaultSubqueryStep
    }

    /// Evaluates `expr` as an instant query at `time` (Unix milliseconds).
    ///
    /// Vector results carry `time` as every element's timestamp and are in evaluation order (Prometheus does not
    /// sort instant results); range-vector results (`x[5m]`, subqueries) keep the samples' own timestamps.
    /// - Throws: ``PromQLEvaluationError`` for the run-time errors Prometheus reports (duplicate label sets,
    ///   ambiguous vector matching, invalid arguments, ...).
    public func evaluate(_ expr: Expr, at time: Timestamp, source: any SampleSource) throws(PromQLEvaluationError)
        -> QueryValue
    {
        let evaluator = Evaluator(
            semantics: self.semantics,
            lookbackDelta: self.lookbackDelta,
            defaultSubqueryStep: Swift.max(1, self.defaultSubqueryStep),
            source: source,
            queryTime: time
        )
        switch try evaluator.eval(expr, at: time) {
        case .scalar(let value): return .scalar(t: time, v: value)
        case .string(let value): return .string(t: time, v: value)
        case .vector(let elements): return .vector(elements)
        case .matrix(let range): return .matrix(range.series)
        }
    }
}

/// An intermediate value during evaluation.
enum EvalValue {
    case scalar(Double)
    case string(String)
    /// Elements carry the evaluation time as `t`.
    case vector([VectorElement])
    case matrix(RangeVector)
}

/// A range vector together with the window it was selected for, which `rate` and friends extrapolate to.
struct RangeVector {
    /// The series with at least one sample in the window, stale markers removed.
    var series: [Series]
    /// `refTime - range`.
    var rangeStart: Timestamp
    /// The reference time: evaluation time minus offset (or the `@` time minus offset).
    var rangeEnd: Timestamp
    /// The window length in milliseconds.
    var range: Int64
}

/// One evaluation: configuration plus the sample source.
struct Evaluator {
    let semantics: PromQLSemantics
    let lookbackDelta: Int64
    let defaultSubqueryStep: Int64
    let source: any SampleSource
    /// The time of the instant query, which `@ start()` and `@ end()` stand for.
    let queryTime: Timestamp
    /// The first step of the innermost enclosing subquery (nil at the top level); see ``slidingAt(_:)``.
    var subqueryStart: Timestamp? = nil

    /// Prometheus 3 excludes samples on the left edge of range windows and of the lookback window.
    var leftOpen: Bool { self.semantics == .prometheus3 }

    func eval(_ expr: Expr, at ts: Timestamp) throws(PromQLEvaluationError) -> EvalValue {
        switch expr {
        case .number(let value):
            return .scalar(value)
        case .string(let value):
            return .string(value)
        case .paren(let inner):
            return try self.eval(inner, at: ts)
        case .vectorSelector(let selector):
            return .vector(
                self.selectInstant(selector, at: ts).map { VectorElement(labels: $0.labels, t: ts, v: $0.v) })
        case .matrixSelector(let selector, let range):
            return .matrix(self.selectRange(selector, range: range, at: ts))
        case .subquery(let inner, let range, let step, let offset):
            return .matrix(try self.evaluateSubquery(inner, range: range, step: step, offset: offset, at: ts))
        case .call(let function, let args):
            return try self.evaluateCall(function, args, at: ts)
        case .aggregate(let op, let param, let grouping, let inner):
            return .vector(try self.evaluateAggregation(op, param: param, grouping: grouping, inner, at: ts))
        case .binary(let op, let lhs, let rhs, let matching, let returnBool):
            return try self.evaluateBinary(op, lhs, rhs, matching: matching, returnBool: returnBool, at: ts)
        case .unaryMinus(let inner):
            switch try self.eval(inner, at: ts) {
            case .scalar(let value):
                return .scalar(-value)
            case .vector(let elements):
                let negated = elements.map { VectorElement(labels: $0.labels.droppingName(), t: $0.t, v: -$0.v) }
                try EngineHelpers.ensureUniqueAfterDroppingName(elements.lazy.map(\.labels), negated)
                return .vector(negated)
            case .matrix, .string:
                throw PromQLEvaluationError(
                    "unary expression only allowed on expressions of type scalar or instant vector")
            }
        }
    }

    // MARK: Typed evaluation helpers

    func evalVector(_ expr: Expr, at ts: Timestamp) throws(PromQLEvaluationError) -> [VectorElement] {
        switch try self.eval(expr, at: ts) {
        case .vector(let elements): return elements
        case let other: throw PromQLEvaluationError("expected type instant vector, got \(other.typeName)")
        }
    }

    func evalScalar(_ expr: Expr, at ts: Timestamp) throws(PromQLEvaluationError) -> Double {
        switch try self.eval(expr, at: ts) {
        case .scalar(let value): return value
        case let other: throw PromQLEvaluationError("expected type scalar, got \(other.typeName)")
        }
    }

    func evalString(_ expr: Expr, at ts: Timestamp) throws(PromQLEvaluationError) -> String {
        switch try self.eval(expr, at: ts) {
        case .string(let value): return value
        case let other: throw PromQLEvaluationError("expected type string, got \(other.typeName)")
        }
    }

    func evalRange(_ expr: Expr, at ts: Timestamp) throws(PromQLEvaluationError) -> RangeVector {
        switch try self.eval(expr, at: ts) {
        case .matrix(let range): return range
        case let other: throw PromQLEvaluationError("expected type range vector, got \(other.typeName)")
        }
    }
}

extension EvalValue {
    var typeName: String {
        switch self {
        case .scalar: "scalar"
        case .string: "string"
        case .vector: "instant vector"
        case .matrix: "range vector"
        }
    }
}

extension Expr {
    /// The expression without enclosing parentheses.
    var unwrappingParens: Expr {
        var expr = self
        while case .paren(let inner) = expr { expr = inner }
        return expr
    }
}

/// Engine-internal helpers, kept in a namespace so they do not clash with other code in the module.
enum EngineHelpers {
    /// Prometheus checks every operator's and function's output for two elements with the same labels.
    static func ensureUniqueLabelsets(_ elements: [VectorElement]) throws(PromQLEvaluationError) {
        try ensureUniqueLabelsets(elements.lazy.map(\.labels))
    }

    /// ``ensureUniqueLabelsets(_:)-([VectorElement])`` for elements whose labels are unique label sets with the
    /// metric name dropped: they can only clash when the inputs had different names.
    static func ensureUniqueAfterDroppingName(_ inputs: some Collection<Labels>, _ outputs: [VectorElement])
        throws(PromQLEvaluationError)
    {
        guard let name = inputs.first?.name else {
            if inputs.contains(where: { $0.name != nil }) { try ensureUniqueLabelsets(outputs) }
            return
        }
        if inputs.contains(where: { $0.name != name }) { try ensureUniqueLabelsets(outputs) }
    }

    static func ensureUniqueLabelsets(_ labels: some Collection<Labels>) throws(PromQLEvaluationError) {
        guard labels.count > 1 else { return }
        var seen = Set<Labels>(minimumCapacity: labels.count)
        for item in labels where !seen.insert(item).inserted {
            throw PromQLEvaluationError.duplicateLabelset
        }
    }
}
