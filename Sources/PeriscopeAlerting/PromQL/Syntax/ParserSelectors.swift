/// Vector selectors, label matchers and the postfix forms: `[range]`, `[range:step]`, `offset d`,
/// `@ t`.
extension Parser {
    /// `name`, `name{matchers}` or `{matchers}`. The `__name__` matcher for `name` goes last, as in
    /// Prometheus.
    mutating func parseSelector() throws(PromQLParseError) -> SyntaxNode {
        let start = current.start
        var name: String?
        if current.kind != .leftBrace { name = advance().text }
        var matchers: [LabelMatcher] = []
        if current.kind == .leftBrace { matchers = try parseLabelMatchers() }
        if let name { matchers.append(try matcher(.equal, Labels.metricName, name, at: start)) }
        let selector = SyntaxNode.Selector(name: name, matchers: matchers)
        return SyntaxNode(kind: .selector(selector), start: start, end: previousEnd)
    }

    /// `{l="v", l2!="x", l3=~"re", l4!~"re",}`.
    private mutating func parseLabelMatchers() throws(PromQLParseError) -> [LabelMatcher] {
        advance()
        var matchers: [LabelMatcher] = []
        while true {
            if current.kind == .rightBrace {
                advance()
                return matchers
            }
            guard current.kind == .identifier else {
                throw unexpected(current, in: "label matching", expected: "identifier or \"}\"")
            }
            let name = advance()
            let kind: LabelMatcher.Kind
            switch current.kind {
            case .assign: kind = .equal
            case .notEqual: kind = .notEqual
            case .regexMatch: kind = .regex
            case .regexNoMatch: kind = .notRegex
            default: throw unexpected(current, in: "label matching", expected: "label matching operator")
            }
            advance()
            guard current.kind == .string else { throw unexpected(current, in: "label matching", expected: "string") }
            let value = advance()
            matchers.append(try matcher(kind, name.text, value.value, at: name.start))
            if current.kind == .comma {
                advance()
            } else if current.kind != .rightBrace {
                throw unexpected(current, in: "label matching", expected: "\",\" or \"}\"")
            }
        }
    }

    /// `[`, `offset` and `@` after a primary expression, in any order.
    mutating func parsePostfix(_ base: SyntaxNode) throws(PromQLParseError) -> SyntaxNode {
        var node = base
        while true {
            switch current.kind {
            case .leftBracket: node = try parseRangeOrSubquery(node)
            case .keyword(.offset): node = try parseOffset(node)
            case .at: node = try parseAt(node)
            default: return node
            }
            try checkDepth(node)
        }
    }

    /// `selector[5m]` or `expr[30m:1m]` / `expr[30m:]`.
    private mutating func parseRangeOrSubquery(_ base: SyntaxNode) throws(PromQLParseError) -> SyntaxNode {
        let open = advance()
        guard current.kind == .duration else { throw unexpected(current, in: "subquery or range") }
        let range = try positiveDuration(advance())
        switch current.kind {
        case .rightBracket:
            advance()
            guard case .selector(let selector) = base.kind else {
                throw error("ranges only allowed for vector selectors", at: open.start)
            }
            if selector.offset != nil { throw error("no offset modifiers allowed before range", at: open.start) }
            if selector.at != nil { throw error("no @ modifiers allowed before range", at: open.start) }
            return SyntaxNode(kind: .matrix(selector, range: range), start: base.start, end: previousEnd)
        case .colon:
            advance()
            var step: Int64?
            if current.kind == .duration {
                step = try positiveDuration(advance())
                guard current.kind == .rightBracket else {
                    throw unexpected(current, in: "subquery selector", expected: "\"]\"")
                }
            } else if current.kind != .rightBracket {
                throw unexpected(current, in: "subquery selector", expected: "duration or \"]\"")
            }
            advance()
            return SyntaxNode(
                kind: .subquery(base, range: range, step: step, offset: nil, at: nil), start: base.start,
                end: previousEnd)
        default:
            throw unexpected(current, in: "subquery or range", expected: "\":\" or \"]\"")
        }
    }

    /// `offset 5m` / `offset -5m`.
    private mutating func parseOffset(_ base: SyntaxNode) throws(PromQLParseError) -> SyntaxNode {
        advance()
        var negative = false
        if current.kind == .sub {
            advance()
            negative = true
        }
        guard current.kind == .duration else { throw unexpected(current, in: "offset", expected: "duration") }
        let magnitude = try positiveDuration(advance())
        let offset = negative ? -magnitude : magnitude
        var node = base
        let multiple = error("offset may not be set multiple times", at: base.start)
        switch base.kind {
        case .selector(var selector):
            guard selector.offset == nil else { throw multiple }
            selector.offset = offset
            node.kind = .selector(selector)
        case .matrix(var selector, let range):
            guard selector.offset == nil else { throw multiple }
            selector.offset = offset
            node.kind = .matrix(selector, range: range)
        case .subquery(let inner, let range, let step, let existing, let at):
            guard existing == nil else { throw multiple }
            node.kind = .subquery(inner, range: range, step: step, offset: offset, at: at)
        default:
            throw error(
                "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                at: base.start)
        }
        node.end = previousEnd
        return node
    }

    /// `@ 123.4`, `@ -5`, `@ start()`, `@ end()`.
    private mutating func parseAt(_ base: SyntaxNode) throws(PromQLParseError) -> SyntaxNode {
        advance()
        let timestamp: Int64
        switch current.kind {
        case .keyword(.start), .keyword(.end):
            timestamp = advance().isKeyword(.start) ? VectorSelector.atStart : VectorSelector.atEnd
            guard current.kind == .leftParen else { throw unexpected(current, in: "@", expected: "timestamp") }
            advance()
            guard current.kind == .rightParen else { throw unexpected(current, in: "@", expected: "timestamp") }
            advance()
        case .add, .sub, .number:
            var negative = false
            if current.kind != .number { negative = advance().kind == .sub }
            guard current.kind == .number else { throw unexpected(current, in: "@", expected: "timestamp") }
            let magnitude = try number(advance())
            let seconds = negative ? -magnitude : magnitude
            let milliseconds = (seconds * 1000).rounded()
            guard milliseconds.isFinite, let value = Int64(exactly: milliseconds),
                value != VectorSelector.atStart, value != VectorSelector.atEnd
            else {
                throw error("timestamp out of bounds for @ modifier: \(Parser.goFixed(seconds))", at: base.start)
            }
            timestamp = value
        default:
            throw unexpected(current, in: "@", expected: "timestamp")
        }
        var node = base
        let multiple = error("@ <timestamp> may not be set multiple times", at: base.start)
        switch base.kind {
        case .selector(var selector):
            guard selector.at == nil else { throw multiple }
            selector.at = timestamp
            node.kind = .selector(selector)
        case .matrix(var selector, let range):
            guard selector.at == nil else { throw multiple }
            selector.at = timestamp
            node.kind = .matrix(selector, range: range)
        case .subquery(let inner, let range, let step, let offset, let existing):
            guard existing == nil else { throw multiple }
            node.kind = .subquery(inner, range: range, step: step, offset: offset, at: timestamp)
        default:
            throw error(
                "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                at: base.start)
        }
        node.end = previousEnd
        return node
    }
}
