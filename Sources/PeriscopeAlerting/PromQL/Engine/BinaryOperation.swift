import Foundation

extension Evaluator {
    /// A binary operation: both sides are evaluated, then combined by their types.
    func evaluateBinary(
        _ op: BinaryOp, _ lhsExpr: Expr, _ rhsExpr: Expr, matching: VectorMatching?, returnBool: Bool,
        at ts: Timestamp
    ) throws(PromQLEvaluationError) -> EvalValue {
        let lhs = try self.eval(lhsExpr, at: ts)
        let rhs = try self.eval(rhsExpr, at: ts)
        switch (lhs, rhs) {
        case (.scalar(let left), .scalar(let right)):
            guard !op.isSetOperator else {
                throw PromQLEvaluationError("set operator \"\(op.rawValue)\" not allowed in binary scalar expression")
            }
            return .scalar(BinaryOperation.scalarResult(op, left, right))
        case (.vector(let left), .scalar(let right)):
            return .vector(
                try BinaryOperation.vectorScalar(
                    op, left, right, swap: false, returnBool: returnBool, semantics: self.semantics))
        case (.scalar(let left), .vector(let right)):
            return .vector(
                try BinaryOperation.vectorScalar(
                    op, right, left, swap: true, returnBool: returnBool, semantics: self.semantics))
        case (.vector(let left), .vector(let right)):
            let matching =
                matching
                ?? VectorMatching(
                    cardinality: op.isSetOperator ? .manyToMany : .oneToOne, matchingLabels: [], on: false, include: [])
            let out: [VectorElement]
            switch op {
            case .and: out = VectorMatchingEvaluation.and(left, right, matching: matching)
            case .or: out = VectorMatchingEvaluation.or(left, right, matching: matching)
            case .unless: out = VectorMatchingEvaluation.unless(left, right, matching: matching)
            default:
                out = try VectorMatchingEvaluation.binop(
                    op, left, right, matching: matching, returnBool: returnBool, semantics: self.semantics, at: ts)
            }
            try EngineHelpers.ensureUniqueLabelsets(out)
            return .vector(out)
        default:
            throw PromQLEvaluationError(
                "binary expression must contain only scalar and instant vector types, got \(lhs.typeName) "
                    + "and \(rhs.typeName)")
        }
    }
}

/// Element-wise arithmetic and comparisons with Go's float semantics.
enum BinaryOperation {
    /// The value of `lhs op rhs` and whether a comparison holds (always true for arithmetic). A comparison's value is
    /// its left operand.
    @inline(__always)
    static func apply(_ op: BinaryOp, _ lhs: Double, _ rhs: Double) -> (value: Double, keep: Bool) {
        switch op {
        case .add: (lhs + rhs, true)
        case .sub: (lhs - rhs, true)
        case .mul: (lhs * rhs, true)
        case .div: (lhs / rhs, true)
        case .mod: (GoMath.mod(lhs, rhs), true)
        case .pow: (GoMath.pow(lhs, rhs), true)
        case .atan2: (Foundation.atan2(lhs, rhs), true)
        case .eql: (lhs, lhs == rhs)
        case .neq: (lhs, lhs != rhs)
        case .gtr: (lhs, lhs > rhs)
        case .lss: (lhs, lhs < rhs)
        case .gte: (lhs, lhs >= rhs)
        case .lte: (lhs, lhs <= rhs)
        case .and, .or, .unless: (.nan, false)
        }
    }

    /// Scalar–scalar: arithmetic, or 1/0 for a comparison (Prometheus requires `bool` there).
    static func scalarResult(_ op: BinaryOp, _ lhs: Double, _ rhs: Double) -> Double {
        let (value, keep) = apply(op, lhs, rhs)
        return op.isComparison ? (keep ? 1 : 0) : value
    }

    /// Arithmetic drops the metric name, except `atan2` in 2.42 (fixed in v2.46, prometheus/prometheus#12595);
    /// comparisons keep it (unless `bool` is given).
    static func dropsMetricName(_ op: BinaryOp, semantics: PromQLSemantics) -> Bool {
        switch op {
        case .add, .sub, .mul, .div, .mod, .pow: true
        case .atan2: semantics == .prometheus3
        default: false
        }
    }

    /// Vector–scalar (`swap`: the scalar was on the left). A filtering comparison keeps the vector element's value
    /// and name, whichever side it is on; `bool` gives 1/0 and drops the name.
    static func vectorScalar(
        _ op: BinaryOp, _ vector: [VectorElement], _ scalar: Double, swap: Bool, returnBool: Bool,
        semantics: PromQLSemantics
    ) throws(PromQLEvaluationError) -> [VectorElement] {
        guard !op.isSetOperator else {
            throw PromQLEvaluationError("set operator \"\(op.rawValue)\" not allowed in binary scalar expression")
        }
        var out: [VectorElement] = []
        out.reserveCapacity(vector.count)
        let dropName = dropsMetricName(op, semantics: semantics) || returnBool
        for element in vector {
            let (lhs, rhs) = swap ? (scalar, element.v) : (element.v, scalar)
            var (value, keep) = apply(op, lhs, rhs)
            if op.isComparison && swap { value = rhs }
            if returnBool {
                value = keep ? 1 : 0
                keep = true
            }
            guard keep else { continue }
            out.append(
                VectorElement(labels: dropName ? element.labels.droppingName() : element.labels, t: element.t, v: value)
            )
        }
        if dropName { try EngineHelpers.ensureUniqueAfterDroppingName(vector.lazy.map(\.labels), out) }
        return out
    }
}
