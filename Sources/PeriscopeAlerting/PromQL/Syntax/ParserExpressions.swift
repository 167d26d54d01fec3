/// Expressions: binary operators by precedence climbing, unary signs, primaries (literals,
/// parentheses, selectors, calls, aggregations).
extension Parser {
    /// Binary precedence, lowest first: `or` < `and unless` < comparisons < `+ -` <
    /// `* / % atan2` < `^`.
    static let powerPrecedence = 6

    static func binaryOperator(_ token: Token) -> (op: BinaryOp, precedence: Int)? {
        switch token.kind {
        case .keyword(.or): (.or, 1)
        case .keyword(.and): (.and, 2)
        case .keyword(.unless): (.unless, 2)
        case .equal: (.eql, 3)
        case .notEqual: (.neq, 3)
        case .greater: (.gtr, 3)
        case .greaterOrEqual: (.gte, 3)
        case .less: (.lss, 3)
        case .lessOrEqual: (.lte, 3)
        case .add: (.add, 4)
        case .sub: (.sub, 4)
        case .mul: (.mul, 5)
        case .div: (.div, 5)
        case .mod: (.mod, 5)
        case .keyword(.atan2): (.atan2, 5)
        case .pow: (.pow, powerPrecedence)
        default: nil
        }
    }

    mutating func parseExpression() throws(PromQLParseError) -> SyntaxNode {
        try parseBinary(minimumPrecedence: 1)
    }

    /// Operators at or above `minimumPrecedence`; `^` is right-associative, the others left.
    mutating func parseBinary(minimumPrecedence: Int) throws(PromQLParseError) -> SyntaxNode {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maximumDepth { throw tooDeep(at: current.start) }
        var lhs = try parseUnary()
        while let (op, precedence) = Parser.binaryOperator(current), precedence >= minimumPrecedence {
            let operatorToken = advance()
            let modifiers = try parseBinaryModifiers(operatorStart: operatorToken.start)
            let rhs = try parseBinary(minimumPrecedence: op == .pow ? precedence : precedence + 1)
            lhs = SyntaxNode(
                kind: .binary(op, lhs: lhs, rhs: rhs, modifiers: modifiers), start: lhs.start, end: rhs.end)
            try checkDepth(lhs)
        }
        return lhs
    }

    /// `bool`, then `on(...)`/`ignoring(...)`, then `group_left`/`group_right` with optional labels.
    private mutating func parseBinaryModifiers(operatorStart: Int) throws(PromQLParseError)
        -> SyntaxNode.BinaryModifiers
    {
        var modifiers = SyntaxNode.BinaryModifiers(operatorStart: operatorStart)
        if current.isKeyword(.bool) {
            advance()
            modifiers.returnBool = true
        }
        if current.isKeyword(.on) || current.isKeyword(.ignoring) {
            modifiers.on = advance().isKeyword(.on)
            modifiers.matchingLabels = try parseLabelList()
            if current.isKeyword(.groupLeft) || current.isKeyword(.groupRight) {
                modifiers.cardinality = advance().isKeyword(.groupLeft) ? .manyToOne : .oneToMany
                if current.kind == .leftParen { modifiers.include = try parseLabelList() }
            }
        }
        return modifiers
    }

    /// A sign binds tighter than `*` but looser than `^`: `-2^2` is `-(2^2)`. A sign directly on a
    /// number literal folds into the number.
    mutating func parseUnary() throws(PromQLParseError) -> SyntaxNode {
        guard current.kind == .add || current.kind == .sub else {
            return try parsePostfix(parsePrimary())
        }
        let sign = advance()
        let minus = sign.kind == .sub
        let operand = try parseBinary(minimumPrecedence: Parser.powerPrecedence)
        if case .number(let value) = operand.kind {
            return SyntaxNode(kind: .number(minus ? -value : value), start: sign.start, end: operand.end)
        }
        return SyntaxNode(kind: .unary(minus: minus, operand), start: sign.start, end: operand.end)
    }

    private mutating func parsePrimary() throws(PromQLParseError) -> SyntaxNode {
        let token = current
        switch token.kind {
        case .number:
            advance()
            return SyntaxNode(kind: .number(try number(token)), start: token.start, end: token.end)
        case .string:
            advance()
            return SyntaxNode(kind: .string(token.value), start: token.start, end: token.end)
        case .leftParen:
            advance()
            let inner = try parseExpression()
            guard current.kind == .rightParen else { throw unexpected(current) }
            let close = advance()
            return SyntaxNode(kind: .paren(inner), start: token.start, end: close.end)
        case .leftBrace, .metricIdentifier:
            return try parseSelector()
        case .identifier:
            return peek(1).kind == .leftParen ? try parseCall() : try parseSelector()
        case .aggregator(let op):
            let next = peek(1)
            if next.kind == .leftParen || next.isKeyword(.by) || next.isKeyword(.without) {
                return try parseAggregation(op)
            }
            return try parseSelector()
        case .keyword(let keyword):
            switch keyword {
            case .and, .or, .unless, .by, .without, .offset, .start, .end: return try parseSelector()
            default: throw unexpected(token)
            }
        default:
            throw unexpected(token)
        }
    }

    /// `name(args...)`.
    private mutating func parseCall() throws(PromQLParseError) -> SyntaxNode {
        let name = advance()
        let (arguments, end) = try parseArguments(context: nil)
        guard let function = PromQLFunction.named(name.text) else {
            throw error("unknown function with name \(GoQuote.quote(name.text))", at: name.start)
        }
        return SyntaxNode(kind: .call(function, arguments: arguments), start: name.start, end: end)
    }

    /// `op [by|without (labels)] (args) [by|without (labels)]`.
    private mutating func parseAggregation(_ op: AggregateOp) throws(PromQLParseError) -> SyntaxNode {
        let opToken = advance()
        var grouping: Grouping?
        if current.isKeyword(.by) || current.isKeyword(.without) { grouping = try parseGrouping() }
        guard current.kind == .leftParen else { throw unexpected(current, in: "aggregation") }
        var (arguments, end) = try parseArguments(context: "aggregation")
        if grouping == nil && (current.isKeyword(.by) || current.isKeyword(.without)) {
            grouping = try parseGrouping()
            end = previousEnd
        }
        let expected = Parser.takesParameter(op) ? 2 : 1
        guard arguments.count == expected else {
            throw error(
                "wrong number of arguments for aggregate expression provided, expected \(expected), got \(arguments.count)",
                at: opToken.start)
        }
        return SyntaxNode(
            kind: .aggregate(op, arguments: arguments, grouping: grouping ?? .none), start: opToken.start, end: end)
    }

    static func takesParameter(_ op: AggregateOp) -> Bool {
        switch op {
        case .topk, .bottomk, .quantile, .countValues: true
        default: false
        }
    }

    /// `by (labels)` or `without (labels)`; `by ()` is the same as no grouping.
    private mutating func parseGrouping() throws(PromQLParseError) -> Grouping {
        let without = advance().isKeyword(.without)
        let labels = try parseLabelList()
        if without { return .without(labels) }
        return labels.isEmpty ? .none : .by(labels)
    }

    /// `(a, b, ...)` with an optional trailing comma; keywords are valid label names.
    mutating func parseLabelList() throws(PromQLParseError) -> [String] {
        guard current.kind == .leftParen else { throw unexpected(current, in: "grouping opts", expected: "\"(\"") }
        advance()
        var labels: [String] = []
        while true {
            if current.kind == .rightParen {
                advance()
                return labels
            }
            switch current.kind {
            case .identifier, .keyword, .aggregator: labels.append(advance().text)
            default: throw unexpected(current, in: "grouping opts", expected: "label")
            }
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightParen {
                throw unexpected(current, in: "grouping opts", expected: "\",\" or \")\"")
            }
        }
    }

    /// `(expr, expr, ...)`; a trailing comma is an error, as in Prometheus.
    private mutating func parseArguments(context: String?) throws(PromQLParseError) -> ([SyntaxNode], end: Int) {
        advance()
        var arguments: [SyntaxNode] = []
        if current.kind == .rightParen { return (arguments, advance().end) }
        while true {
            arguments.append(try parseExpression())
            if current.kind == .comma {
                let comma = advance()
                if current.kind == .rightParen {
                    throw error("trailing commas not allowed in function call args", at: comma.start)
                }
                continue
            }
            guard current.kind == .rightParen else { throw unexpected(current, in: context) }
            return (arguments, advance().end)
        }
    }
}
