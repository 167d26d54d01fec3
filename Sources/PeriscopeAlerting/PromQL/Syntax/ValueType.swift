extension Expr {
    /// The static type of the expression, as Prometheus' `Expr.Type()` works it out: scalar, instant
    /// vector, range vector (matrix) or string. A rule's expression must be a vector or a scalar.
    public var valueType: PromQLType {
        switch self {
        case .number: .scalar
        case .string: .string
        case .vectorSelector: .vector
        case .matrixSelector, .subquery: .matrix
        case .call(let function, _): PromQLFunction.named(function)?.returnType ?? .vector
        case .aggregate: .vector
        case .binary(_, let lhs, let rhs, _, _):
            lhs.valueType == .scalar && rhs.valueType == .scalar ? .scalar : .vector
        case .unaryMinus(let operand), .paren(let operand): operand.valueType
        }
    }
}
