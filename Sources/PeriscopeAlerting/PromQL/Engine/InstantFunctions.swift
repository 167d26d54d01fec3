import Foundation

extension Evaluator {
    /// A function call: dispatches on the name.
    func evaluateCall(_ name: String, _ args: [Expr], at ts: Timestamp) throws(PromQLEvaluationError) -> EvalValue {
        if let function = RangeFunction(rawValue: name), function != .holtWinters || self.semantics == .prometheus2 {
            return .vector(try self.evaluateRangeFunction(function, args, at: ts))
        }
        if let function = InstantFunctions.elementwise[name] {
            try EngineHelpers.checkArity(name, args, 1)
            return .vector(try self.mapValues(args[0], at: ts, dropName: true, function))
        }
        if DateFunctions.names.contains(name) {
            return .vector(try self.evaluateDateFunction(name, args, at: ts))
        }
        switch name {
        case "absent_over_time":
            return .vector(try self.evaluateAbsentOverTime(args, at: ts))
        case "time":
            try EngineHelpers.checkArity(name, args, 0)
            return .scalar(Double(ts) / 1000)
        case "pi":
            try EngineHelpers.checkArity(name, args, 0)
            return .scalar(Double.pi)
        case "vector":
            try EngineHelpers.checkArity(name, args, 1)
            return .vector([VectorElement(labels: Labels(), t: ts, v: try self.evalScalar(args[0], at: ts))])
        case "scalar":
            try EngineHelpers.checkArity(name, args, 1)
            let elements = try self.evalVector(args[0], at: ts)
            return .scalar(elements.count == 1 ? elements[0].v : .nan)
        case "absent":
            try EngineHelpers.checkArity(name, args, 1)
            if !(try self.evalVector(args[0], at: ts)).isEmpty { return .vector([]) }
            var labels = Labels()
            if case .vectorSelector(let selector) = args[0].unwrappingParens {
                labels = EngineHelpers.absentLabels(selector.matchers)
            }
            return .vector([VectorElement(labels: labels, t: ts, v: 1)])
        case "timestamp":
            try EngineHelpers.checkArity(name, args, 1)
            return .vector(try self.evaluateTimestamp(args[0], at: ts))
        case "histogram_quantile":
            try EngineHelpers.checkArity(name, args, 2)
            let q = try self.evalScalar(args[0], at: ts)
            let elements = try self.evalVector(args[1], at: ts)
            let out = HistogramQuantile.evaluate(q, elements, at: ts, semantics: self.semantics)
            try EngineHelpers.ensureUniqueLabelsets(out)
            return .vector(out)
        case "label_replace":
            return .vector(try self.evaluateLabelReplace(args, at: ts))
        case "label_join":
            return .vector(try self.evaluateLabelJoin(args, at: ts))
        case "sort", "sort_desc":
            try EngineHelpers.checkArity(name, args, 1)
            let elements = try self.evalVector(args[0], at: ts)
            return .vector(InstantFunctions.sorted(elements, descending: name == "sort_desc"))
        case "clamp":
            try EngineHelpers.checkArity(name, args, 3)
            let lower = try self.evalScalar(args[1], at: ts)
            let upper = try self.evalScalar(args[2], at: ts)
            let elements = try self.evalVector(args[0], at: ts)
            if upper < lower { return .vector([]) }
            return .vector(try self.mapValues(elements, dropName: true) { GoMath.max(lower, GoMath.min(upper, $0)) })
        case "clamp_min":
            try EngineHelpers.checkArity(name, args, 2)
            let lower = try self.evalScalar(args[1], at: ts)
            return .vector(try self.mapValues(args[0], at: ts, dropName: true) { GoMath.max(lower, $0) })
        case "clamp_max":
            try EngineHelpers.checkArity(name, args, 2)
            let upper = try self.evalScalar(args[1], at: ts)
            return .vector(try self.mapValues(args[0], at: ts, dropName: true) { GoMath.min(upper, $0) })
        case "round":
            guard args.count == 1 || args.count == 2 else {
                throw PromQLEvaluationError("expected 1 or 2 argument(s) in call to \"round\", got \(args.count)")
            }
            let toNearest = args.count == 2 ? try self.evalScalar(args[1], at: ts) : 1
            // Prometheus rounds with the inverse ("fewer floating point accuracy issues"); ties round up.
            let inverse = 1.0 / toNearest
            return .vector(
                try self.mapValues(args[0], at: ts, dropName: true) { ($0 * inverse + 0.5).rounded(.down) / inverse })
        default:
            throw PromQLEvaluationError("unknown function with name \"\(name)\"")
        }
    }

    /// Applies `transform` to every element's value of the vector `expr`.
    func mapValues(
        _ expr: Expr, at ts: Timestamp, dropName: Bool, _ transform: (Double) -> Double
    ) throws(PromQLEvaluationError) -> [VectorElement] {
        try self.mapValues(try self.evalVector(expr, at: ts), dropName: dropName, transform)
    }

    func mapValues(_ elements: [VectorElement], dropName: Bool, _ transform: (Double) -> Double)
        throws(PromQLEvaluationError) -> [VectorElement]
    {
        let out = elements.map {
            VectorElement(labels: dropName ? $0.labels.droppingName() : $0.labels, t: $0.t, v: transform($0.v))
        }
        if dropName { try EngineHelpers.ensureUniqueAfterDroppingName(elements.lazy.map(\.labels), out) }
        return out
    }

    /// `timestamp(v)`: for a plain selector the samples' own timestamps, for anything else the evaluation time; in
    /// seconds, without the metric name.
    func evaluateTimestamp(_ arg: Expr, at ts: Timestamp) throws(PromQLEvaluationError) -> [VectorElement] {
        let elements: [VectorElement]
        if case .vectorSelector(let selector) = arg.unwrappingParens {
            elements = self.selectInstant(selector, at: ts, slidingFrom: self.subqueryStart)
        } else {
            elements = try self.evalVector(arg, at: ts)
        }
        let out = elements.map { VectorElement(labels: $0.labels.droppingName(), t: ts, v: Double($0.t) / 1000) }
        try EngineHelpers.ensureUniqueAfterDroppingName(elements.lazy.map(\.labels), out)
        return out
    }
}

extension EngineHelpers {
    /// The labels `absent()` and `absent_over_time()` give their result: the selector's equality matchers on labels
    /// other than `__name__`; a label with any other kind of matcher, or a second matcher, is left out.
    static func absentLabels(_ matchers: [LabelMatcher]) -> Labels {
        var labels = Labels()
        var dropped: [String] = []
        for matcher in matchers where matcher.name != Labels.metricName {
            if matcher.kind == .equal && labels[matcher.name] == nil {
                labels[matcher.name] = matcher.value
            } else {
                dropped.append(matcher.name)
            }
        }
        for name in dropped { labels[name] = nil }
        return labels
    }
}

/// Element-wise functions on instant vectors.
enum InstantFunctions {
    /// The functions that map each value and drop the metric name (Go's `math` semantics).
    static let elementwise: [String: @Sendable (Double) -> Double] = [
        "abs": { $0.magnitude },
        "ceil": { $0.rounded(.up) },
        "floor": { $0.rounded(.down) },
        "exp": { Foundation.exp($0) },
        "sqrt": { $0.squareRoot() },
        "ln": { Foundation.log($0) },
        "log2": { GoMath.log2($0) },
        "log10": { GoMath.log10($0) },
        "sgn": { $0 < 0 ? -1 : $0 > 0 ? 1 : $0 },
        "deg": { $0 * 180 / Double.pi },
        "rad": { $0 * Double.pi / 180 },
        "sin": { Foundation.sin($0) },
        "cos": { Foundation.cos($0) },
        "tan": { Foundation.tan($0) },
        "asin": { Foundation.asin($0) },
        "acos": { Foundation.acos($0) },
        "atan": { Foundation.atan($0) },
        "sinh": { Foundation.sinh($0) },
        "cosh": { Foundation.cosh($0) },
        "tanh": { Foundation.tanh($0) },
        "asinh": { Foundation.asinh($0) },
        "acosh": { Foundation.acosh($0) },
        "atanh": { Foundation.atanh($0) },
    ]

    /// `sort` (ascending) and `sort_desc` (descending); NaN sorts last either way. Keeps the metric name.
    static func sorted(_ elements: [VectorElement], descending: Bool) -> [VectorElement] {
        // A stable sort: Prometheus' order of equal values is unspecified.
        let indexed = elements.enumerated().sorted { left, right in
            let (a, b) = (left.element.v, right.element.v)
            if a.isNaN || b.isNaN {
                if a.isNaN != b.isNaN { return b.isNaN }
                return left.offset < right.offset
            }
            if a != b { return descending ? a > b : a < b }
            return left.offset < right.offset
        }
        return indexed.map(\.element)
    }
}
