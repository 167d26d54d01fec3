/// A parse error: Go's message and where the parser was (the most recently read token).
struct TemplateParseFailure: Error {
    var message: String
    var line: Int
    var position: Int
}

/// Go's `text/template/parse` parser: recursive descent with three tokens of look-ahead, the
/// same error messages, and variables checked at parse time. `{{define}}`, `{{template}}` and
/// `{{block}}` are rejected (alert templates cannot use them).
struct TemplateParser {
    private var lexer: TemplateLexer
    private var tokens: [TemplateItem]
    private var peekCount = 0
    private var variables: [String]
    private var rangeDepth = 0
    private var actionLine = 0
    private let name: String
    private let functions: Set<String>

    init(text: String, name: String, variables: [String], functions: Set<String>) {
        lexer = TemplateLexer(text)
        let placeholder = TemplateItem(kind: .eof, position: 0, value: "", line: 1)
        tokens = [placeholder, placeholder, placeholder]
        self.variables = variables
        self.name = name
        self.functions = functions
    }

    /// Parses the whole text into its root list.
    mutating func parse() throws(TemplateParseFailure) -> TemplateListNode {
        var root = TemplateListNode(position: peek().position)
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let delimiter = next()
                if nextNonSpace().kind == .define {
                    throw failure("template definitions ({{define}}) are not supported in alert templates")
                }
                backup2(delimiter)
            }
            let node = try textOrAction()
            switch node {
            case .end, .elseNode: throw failure("unexpected " + node.description)
            default: root.nodes.append(node)
            }
        }
        return root
    }

    // MARK: - Tokens

    private mutating func next() -> TemplateItem {
        if peekCount > 0 {
            peekCount -= 1
        } else {
            tokens[0] = lexer.nextItem()
        }
        return tokens[peekCount]
    }

    private mutating func backup() { peekCount += 1 }

    private mutating func backup2(_ first: TemplateItem) {
        tokens[1] = first
        peekCount = 2
    }

    private mutating func backup3(_ first: TemplateItem, _ second: TemplateItem) {
        tokens[1] = second
        tokens[2] = first
        peekCount = 3
    }

    private mutating func peek() -> TemplateItem {
        if peekCount > 0 { return tokens[peekCount - 1] }
        peekCount = 1
        tokens[0] = lexer.nextItem()
        return tokens[0]
    }

    private mutating func nextNonSpace() -> TemplateItem {
        var token: TemplateItem
        repeat {
            token = next()
        } while token.kind == .space
        return token
    }

    private mutating func peekNonSpace() -> TemplateItem {
        let token = nextNonSpace()
        backup()
        return token
    }

    // MARK: - Errors

    private func failure(_ message: String) -> TemplateParseFailure {
        TemplateParseFailure(message: message, line: tokens[0].line, position: tokens[0].position)
    }

    private func unexpected(_ token: TemplateItem, _ context: String) -> TemplateParseFailure {
        if token.kind == .error {
            var extra = ""
            if actionLine != 0 && actionLine != token.line {
                extra = " in action started at \(name):\(actionLine)"
                if token.value.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
            }
            return failure(token.description + extra)
        }
        return failure("unexpected \(token.description) in \(context)")
    }

    private mutating func expect(_ kind: TemplateItemKind, _ context: String) throws(TemplateParseFailure)
        -> TemplateItem
    {
        let token = nextNonSpace()
        if token.kind != kind { throw unexpected(token, context) }
        return token
    }

    // MARK: - Structure

    private mutating func itemList() throws(TemplateParseFailure) -> (TemplateListNode, TemplateNode) {
        var list = TemplateListNode(position: peekNonSpace().position)
        while peekNonSpace().kind != .eof {
            let node = try textOrAction()
            switch node {
            case .end, .elseNode: return (list, node)
            default: list.nodes.append(node)
            }
        }
        throw failure("unexpected EOF")
    }

    private mutating func textOrAction() throws(TemplateParseFailure) -> TemplateNode {
        let token = nextNonSpace()
        switch token.kind {
        case .text:
            return .text(position: token.position, text: token.value)
        case .leftDelim:
            actionLine = token.line
            defer { actionLine = 0 }
            return try action()
        default:
            throw unexpected(token, "input")
        }
    }

    private mutating func action() throws(TemplateParseFailure) -> TemplateNode {
        let token = nextNonSpace()
        switch token.kind {
        case .block, .template:
            throw failure("template invocations ({{\(token.value)}}) are not supported in alert templates")
        case .breakKeyword, .continueKeyword:
            let close = nextNonSpace()
            if close.kind != .rightDelim { throw unexpected(close, "{{\(token.value)}}") }
            if rangeDepth == 0 { throw failure("{{\(token.value)}} outside {{range}}") }
            return token.kind == .breakKeyword
                ? .breakNode(position: token.position) : .continueNode(position: token.position)
        case .elseKeyword:
            let following = peekNonSpace()
            if following.kind == .ifKeyword { return .elseNode(position: following.position) }
            return .elseNode(position: try expect(.rightDelim, "else").position)
        case .end:
            _ = try expect(.rightDelim, "end")
            return .end(position: token.position)
        case .ifKeyword:
            return .ifNode(try parseControl(allowElseIf: true, context: "if"))
        case .range:
            return .range(try parseControl(allowElseIf: false, context: "range"))
        case .with:
            return .with(try parseControl(allowElseIf: false, context: "with"))
        default:
            break
        }
        backup()
        let first = peek()
        return .action(
            TemplateActionNode(position: first.position, pipe: try pipeline(context: "command", end: .rightDelim)))
    }

    private mutating func parseControl(allowElseIf: Bool, context: String) throws(TemplateParseFailure)
        -> TemplateBranchNode
    {
        let savedVariables = variables.count
        defer { variables.removeLast(variables.count - savedVariables) }
        let pipe = try pipeline(context: context, end: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        let (list, following) = try itemList()
        if context == "range" { rangeDepth -= 1 }
        var elseList: TemplateListNode?
        if case .elseNode = following {
            if allowElseIf && peek().kind == .ifKeyword {
                // {{else if …}} is {{else}}{{if …}}…{{end}}{{end}} with the inner end shared.
                let ifToken = next()
                var chained = TemplateListNode(position: ifToken.position)
                chained.nodes.append(.ifNode(try parseControl(allowElseIf: true, context: "if")))
                elseList = chained
            } else {
                let (alternative, end) = try itemList()
                guard case .end = end else { throw failure("expected end; found " + end.description) }
                elseList = alternative
            }
        }
        return TemplateBranchNode(position: pipe.position, pipe: pipe, list: list, elseList: elseList)
    }

    // MARK: - Pipelines

    private mutating func pipeline(context: String, end: TemplateItemKind) throws(TemplateParseFailure)
        -> TemplatePipeNode
    {
        var pipe = TemplatePipeNode(position: peekNonSpace().position)
        declarations: while true {
            let variable = peekNonSpace()
            guard variable.kind == .variable else { break }
            _ = next()
            let tokenAfterVariable = peek()
            let following = peekNonSpace()
            if following.kind == .assign || following.kind == .declare {
                pipe.isAssign = following.kind == .assign
                _ = nextNonSpace()
                pipe.declarations.append(TemplateVariableNode(position: variable.position, ident: [variable.value]))
                variables.append(variable.value)
            } else if following.kind == .char && following.value == "," {
                _ = nextNonSpace()
                pipe.declarations.append(TemplateVariableNode(position: variable.position, ident: [variable.value]))
                variables.append(variable.value)
                if context == "range" && pipe.declarations.count < 2 {
                    switch peekNonSpace().kind {
                    case .variable, .rightDelim, .rightParen: continue declarations
                    default: throw failure("range can only initialize variables")
                    }
                }
                throw failure("too many declarations in \(context)")
            } else if tokenAfterVariable.kind == .space {
                backup3(variable, tokenAfterVariable)
            } else {
                backup2(variable)
            }
            break
        }
        while true {
            let token = nextNonSpace()
            if token.kind == end {
                try checkPipeline(pipe, context: context)
                return pipe
            }
            switch token.kind {
            case .bool, .charConstant, .complex, .dot, .field, .identifier, .number, .nilKeyword, .rawString, .string,
                .variable, .leftParen:
                backup()
                pipe.commands.append(try command())
            default:
                throw unexpected(token, context)
            }
        }
    }

    private func checkPipeline(_ pipe: TemplatePipeNode, context: String) throws(TemplateParseFailure) {
        if pipe.commands.isEmpty { throw failure("missing value for \(context)") }
        for (index, command) in pipe.commands.enumerated().dropFirst() where command.arguments[0].isLiteral {
            throw failure("non executable command in pipeline stage \(index + 1)")
        }
    }

    private mutating func command() throws(TemplateParseFailure) -> TemplateCommandNode {
        var command = TemplateCommandNode(position: peekNonSpace().position)
        operands: while true {
            _ = peekNonSpace()
            if let operand = try operand() { command.arguments.append(operand) }
            let token = next()
            switch token.kind {
            case .space: continue operands
            case .rightDelim, .rightParen: backup()
            case .pipe: break
            default: throw unexpected(token, "operand")
            }
            break
        }
        if command.arguments.isEmpty { throw failure("empty command") }
        return command
    }

    private mutating func operand() throws(TemplateParseFailure) -> TemplateArgumentNode? {
        guard let node = try term() else { return nil }
        guard peek().kind == .field else { return node }
        let chainPosition = peek().position
        var fields: [String] = []
        while peek().kind == .field { fields.append(String(next().value.dropFirst())) }
        switch node {
        case .field(let field):
            return .field(TemplateFieldNode(position: chainPosition, ident: field.ident + fields))
        case .variable(let variable):
            return .variable(TemplateVariableNode(position: chainPosition, ident: variable.ident + fields))
        case .bool, .string, .number, .nilNode, .dot:
            throw failure("unexpected . after term " + GoStrconv.quote(node.description))
        default:
            return .chain(TemplateChainNode(position: chainPosition, node: node, fields: fields))
        }
    }

    private mutating func term() throws(TemplateParseFailure) -> TemplateArgumentNode? {
        let token = nextNonSpace()
        switch token.kind {
        case .identifier:
            if !functions.contains(token.value) {
                throw failure("function \(GoStrconv.quote(token.value)) not defined")
            }
            return .identifier(position: token.position, name: token.value)
        case .dot:
            return .dot(position: token.position)
        case .nilKeyword:
            return .nilNode(position: token.position)
        case .variable:
            let ident = token.value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if !variables.contains(ident[0]) { throw failure("undefined variable \(GoStrconv.quote(ident[0]))") }
            return .variable(TemplateVariableNode(position: token.position, ident: ident))
        case .field:
            let ident = token.value.dropFirst().split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            return .field(TemplateFieldNode(position: token.position, ident: ident))
        case .bool:
            return .bool(position: token.position, value: token.value == "true")
        case .charConstant, .complex, .number:
            return .number(try number(token))
        case .leftParen:
            return .pipe(try pipeline(context: "parenthesized pipeline", end: .rightParen))
        case .string, .rawString:
            guard let text = GoStrconv.unquote(token.value) else { throw failure("invalid syntax") }
            return .string(position: token.position, quoted: token.value, text: text)
        default:
            backup()
            return nil
        }
    }

    /// Go's `newNumber`: every reading of the literal as int, uint and float.
    private func number(_ token: TemplateItem) throws(TemplateParseFailure) -> TemplateNumberNode {
        let text = token.value
        var node = TemplateNumberNode(position: token.position, text: text)
        if token.kind == .charConstant {
            let bytes = Array(text.utf8)
            guard let (value, _, tail) = GoStrconv.unquoteChar(bytes[1...], quote: UInt8(ascii: "'")) else {
                throw failure("invalid syntax")
            }
            guard Array(tail) == [UInt8(ascii: "'")] else { throw failure("malformed character constant: \(text)") }
            node.isInt = true
            node.int64 = Int64(value)
            node.isUint = true
            node.uint64 = UInt64(value)
            node.isFloat = true
            node.float64 = Double(value)
            return node
        }
        if token.kind == .complex
            || (text.hasSuffix("i") && (try? GoStrconv.parseFloat(String(text.dropLast())).get()) != nil)
        {
            throw failure("complex number constants are not supported in alert templates: \(text)")
        }
        var unsigned: UInt64 = 0
        if case .success(let value) = GoStrconv.parseUint(text) {
            node.isUint = true
            node.uint64 = value
            unsigned = value
        }
        if case .success(let value) = GoStrconv.parseInt(text) {
            node.isInt = true
            node.int64 = value
            if value == 0 {
                node.isUint = true
                node.uint64 = unsigned
            }
        }
        if node.isInt {
            node.isFloat = true
            node.float64 = Double(node.int64)
        } else if node.isUint {
            node.isFloat = true
            node.float64 = Double(node.uint64)
        } else if case .success(let value) = GoStrconv.parseFloat(text) {
            if !text.contains(where: { ".eEpP".contains($0) }) {
                throw failure("integer overflow: " + GoStrconv.quote(text))
            }
            node.isFloat = true
            node.float64 = value
            if let exact = Int64(exactly: value) {
                node.isInt = true
                node.int64 = exact
            }
            if let exact = UInt64(exactly: value) {
                node.isUint = true
                node.uint64 = exact
            }
        }
        if !node.isInt && !node.isUint && !node.isFloat {
            throw failure("illegal number syntax: " + GoStrconv.quote(text))
        }
        return node
    }
}
