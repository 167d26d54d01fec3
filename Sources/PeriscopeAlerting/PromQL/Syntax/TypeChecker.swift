/// Prometheus' `checkAST`: checks the types of a parsed tree, children first, reporting the first
/// error where Prometheus reports it, and builds the ``Expr``.
struct TypeChecker {
    let input: String

    private func error(_ message: String, at offset: Int) -> PromQLParseError {
        PromQLParseError(message: message, offset: offset, in: input)
    }

    func check(_ node: SyntaxNode) throws(PromQLParseError) -> (expr: Expr, type: PromQLType) {
        switch node.kind {
        case .number(let value):
            return (.number(value), .scalar)
        case .string(let value):
            return (.string(value), .string)
        case .paren(let inner):
            let (expr, type) = try check(inner)
            return (.paren(expr), type)
        case .selector(let selector):
            return (.vectorSelector(try vectorSelector(selector, at: node.start)), .vector)
        case .matrix(let selector, let range):
            return (.matrixSelector(try vectorSelector(selector, at: node.start), range: range), .matrix)
        case .subquery(let inner, let range, let step, let offset, let at):
            let (expr, type) = try check(inner)
            guard type == .vector else {
                throw error("subquery is only allowed on instant vector, got \(type.rawValue) instead", at: node.start)
            }
            if at != nil {
                throw error("the @ modifier on a subquery is not supported", at: node.start)
            }
            return (.subquery(expr, range: range, step: step, offset: offset ?? 0), .matrix)
        case .call(let function, let arguments):
            return try call(function, arguments, at: node.start)
        case .aggregate(let op, let arguments, let grouping):
            return try aggregate(op, arguments, grouping)
        case .binary(let op, let lhs, let rhs, let modifiers):
            return try binary(op, lhs, rhs, modifiers, at: node.start)
        case .unary(let minus, let operand):
            let (expr, type) = try check(operand)
            guard type == .scalar || type == .vector else {
                throw error(
                    "unary expression only allowed on expressions of type scalar or instant vector, got "
                        + GoQuote.quote(type.documentedName), at: node.start)
            }
            return (minus ? .unaryMinus(expr) : expr, type)
        }
    }

    /// Checks `node` and that its type is `wanted`.
    private func expect(_ node: SyntaxNode, _ wanted: PromQLType, in context: String) throws(PromQLParseError) -> Expr {
        let (expr, type) = try check(node)
        guard type == wanted else {
            throw error(
                "expected type \(wanted.documentedName) in \(context), got \(type.documentedName)", at: node.start)
        }
        return expr
    }

    private func vectorSelector(_ selector: SyntaxNode.Selector, at offset: Int) throws(PromQLParseError)
        -> VectorSelector
    {
        if let name = selector.name {
            // The last matcher is the one for the name written before the braces.
            for matcher in selector.matchers.dropLast() where matcher.name == Labels.metricName {
                throw error(
                    "metric name must not be set twice: \(GoQuote.quote(name)) or \(GoQuote.quote(matcher.value))",
                    at: offset)
            }
        } else if !selector.matchers.contains(where: { !$0.matches("") }) {
            throw error("vector selector must contain at least one non-empty matcher", at: offset)
        }
        return VectorSelector(
            name: selector.name, matchers: selector.matchers, offset: selector.offset ?? 0, at: selector.at)
    }

    private func call(_ function: PromQLFunction, _ arguments: [SyntaxNode], at offset: Int) throws(PromQLParseError)
        -> (expr: Expr, type: PromQLType)
    {
        let name = GoQuote.quote(function.name)
        if function.variadic == 0 {
            if arguments.count != function.argumentTypes.count {
                throw error(
                    "expected \(function.argumentTypes.count) argument(s) in call to \(name), got \(arguments.count)",
                    at: offset)
            }
        } else if arguments.count < function.minimumArguments {
            throw error(
                "expected at least \(function.minimumArguments) argument(s) in call to \(name), got \(arguments.count)",
                at: offset)
        } else if let maximum = function.maximumArguments, arguments.count > maximum {
            throw error(
                "expected at most \(maximum) argument(s) in call to \(name), got \(arguments.count)", at: offset)
        }
        var exprs: [Expr] = []
        for (index, argument) in arguments.enumerated() {
            if let type = function.argumentType(at: index) {
                exprs.append(try expect(argument, type, in: "call to function \(name)"))
            } else {
                exprs.append(try check(argument).expr)
            }
        }
        return (.call(function: function.name, args: exprs), function.returnType)
    }

    private func aggregate(_ op: AggregateOp, _ arguments: [SyntaxNode], _ grouping: Grouping)
        throws(PromQLParseError) -> (expr: Expr, type: PromQLType)
    {
        let operand = try expect(arguments[arguments.count - 1], .vector, in: "aggregation expression")
        var parameter: Expr?
        if arguments.count == 2 {
            let wanted: PromQLType = op == .countValues ? .string : .scalar
            parameter = try expect(arguments[0], wanted, in: "aggregation parameter")
        }
        return (.aggregate(op, param: parameter, grouping: grouping, expr: operand), .vector)
    }

    private func binary(
        _ op: BinaryOp, _ lhs: SyntaxNode, _ rhs: SyntaxNode, _ modifiers: SyntaxNode.BinaryModifiers, at offset: Int
    ) throws(PromQLParseError) -> (expr: Expr, type: PromQLType) {
        let (left, leftType) = try check(lhs)
        let (right, rightType) = try check(rhs)
        let operatorStart = modifiers.operatorStart
        if modifiers.returnBool && !op.isComparison {
            throw error("bool modifier can only be used on comparison operators", at: operatorStart)
        }
        if op.isComparison && !modifiers.returnBool && leftType == .scalar && rightType == .scalar {
            throw error("comparisons between scalars must use BOOL modifier", at: operatorStart)
        }
        var cardinality = modifiers.cardinality
        if op.isSetOperator && cardinality == .oneToOne { cardinality = .manyToMany }
        if modifiers.on == true {
            for label in modifiers.matchingLabels where modifiers.include.contains(label) {
                throw error(
                    "label \(GoQuote.quote(label)) must not occur in ON and GROUP clause at once", at: operatorStart)
            }
        }
        let typeMessage = "binary expression must contain only scalar and instant vector types"
        if leftType != .scalar && leftType != .vector { throw error(typeMessage, at: lhs.start) }
        if rightType != .scalar && rightType != .vector { throw error(typeMessage, at: rhs.start) }
        var matching: VectorMatching?
        if leftType != .vector || rightType != .vector {
            if !modifiers.matchingLabels.isEmpty {
                throw error("vector matching only allowed between instant vectors", at: offset)
            }
        } else {
            if op.isSetOperator && (cardinality == .oneToMany || cardinality == .manyToOne) {
                throw error("no grouping allowed for \(GoQuote.quote(op.rawValue)) operation", at: offset)
            }
            matching = VectorMatching(
                cardinality: cardinality, matchingLabels: modifiers.matchingLabels, on: modifiers.on ?? false,
                include: modifiers.include)
        }
        if (leftType == .scalar || rightType == .scalar) && op.isSetOperator {
            throw error(
                "set operator \(GoQuote.quote(op.rawValue)) not allowed in binary scalar expression", at: offset)
        }
        let type: PromQLType = leftType == .scalar && rightType == .scalar ? .scalar : .vector
        return (.binary(op, lhs: left, rhs: right, matching: matching, returnBool: modifiers.returnBool), type)
    }
}
