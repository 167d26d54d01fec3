/// The parse tree of a template, shaped like Go's `text/template/parse` nodes. Positions are
/// byte offsets in the template text; `description` is Go's `Node.String()`, which execution
/// errors quote as their context (`at <…>`).
indirect enum TemplateNode: Sendable {
    case text(position: Int, text: String)
    case action(TemplateActionNode)
    case ifNode(TemplateBranchNode)
    case range(TemplateBranchNode)
    case with(TemplateBranchNode)
    case list(TemplateListNode)
    case breakNode(position: Int)
    case continueNode(position: Int)
    /// `{{end}}` and `{{else}}` only exist while parsing.
    case end(position: Int)
    case elseNode(position: Int)

    var position: Int {
        switch self {
        case .text(let position, _), .breakNode(let position), .continueNode(let position), .end(let position),
            .elseNode(let position):
            return position
        case .action(let node): return node.position
        case .ifNode(let node), .range(let node), .with(let node): return node.position
        case .list(let node): return node.position
        }
    }

    var description: String {
        switch self {
        case .text(_, let text): return text
        case .action(let node): return "{{" + node.pipe.description + "}}"
        case .ifNode(let node): return node.description(keyword: "if")
        case .range(let node): return node.description(keyword: "range")
        case .with(let node): return node.description(keyword: "with")
        case .list(let node): return node.description
        case .breakNode: return "{{break}}"
        case .continueNode: return "{{continue}}"
        case .end: return "{{end}}"
        case .elseNode: return "{{else}}"
        }
    }
}

struct TemplateListNode: Sendable {
    var position: Int
    var nodes: [TemplateNode] = []

    var description: String { nodes.map(\.description).joined() }
}

struct TemplateActionNode: Sendable {
    var position: Int
    var pipe: TemplatePipeNode
}

/// `if`, `range` and `with`: a pipeline, a body and an optional else branch.
struct TemplateBranchNode: Sendable {
    var position: Int
    var pipe: TemplatePipeNode
    var list: TemplateListNode
    var elseList: TemplateListNode?

    func description(keyword: String) -> String {
        var text = "{{" + keyword + " " + pipe.description + "}}" + list.description
        if let elseList { text += "{{else}}" + elseList.description }
        return text + "{{end}}"
    }
}

/// `$x := cmd | cmd …`.
struct TemplatePipeNode: Sendable {
    var position: Int
    var isAssign = false
    var declarations: [TemplateVariableNode] = []
    var commands: [TemplateCommandNode] = []

    var description: String {
        var text = ""
        if !declarations.isEmpty {
            text = declarations.map(\.description).joined(separator: ", ") + " := "
        }
        return text + commands.map(\.description).joined(separator: " | ")
    }
}

/// One command: an operand and its arguments.
struct TemplateCommandNode: Sendable {
    var position: Int
    var arguments: [TemplateArgumentNode] = []

    var description: String {
        arguments.map { argument in
            if case .pipe(let pipe) = argument { return "(" + pipe.description + ")" }
            return argument.description
        }.joined(separator: " ")
    }
}

/// `$x.a.b`; `ident[0]` is the variable name.
struct TemplateVariableNode: Sendable {
    var position: Int
    var ident: [String]

    var description: String { ident.joined(separator: ".") }
}

/// `.A.B`.
struct TemplateFieldNode: Sendable {
    var position: Int
    var ident: [String]

    var description: String { ident.map { "." + $0 }.joined() }
}

/// `(pipeline).A.B` or `func.A`.
struct TemplateChainNode: Sendable {
    var position: Int
    var node: TemplateArgumentNode
    var fields: [String]

    var description: String {
        var text: String
        if case .pipe(let pipe) = node { text = "(" + pipe.description + ")" } else { text = node.description }
        for field in fields { text += "." + field }
        return text
    }
}

/// A number literal with every interpretation Go's parser found for it.
struct TemplateNumberNode: Sendable {
    var position: Int
    var text: String
    var isInt = false
    var isUint = false
    var isFloat = false
    var int64: Int64 = 0
    var uint64: UInt64 = 0
    var float64: Double = 0
}

/// An operand.
indirect enum TemplateArgumentNode: Sendable {
    case identifier(position: Int, name: String)
    case dot(position: Int)
    case nilNode(position: Int)
    case variable(TemplateVariableNode)
    case field(TemplateFieldNode)
    case chain(TemplateChainNode)
    case bool(position: Int, value: Bool)
    case number(TemplateNumberNode)
    case string(position: Int, quoted: String, text: String)
    case pipe(TemplatePipeNode)

    var position: Int {
        switch self {
        case .identifier(let position, _), .dot(let position), .nilNode(let position), .bool(let position, _),
            .string(let position, _, _):
            return position
        case .variable(let node): return node.position
        case .field(let node): return node.position
        case .chain(let node): return node.position
        case .number(let node): return node.position
        case .pipe(let node): return node.position
        }
    }

    var description: String {
        switch self {
        case .identifier(_, let name): return name
        case .dot: return "."
        case .nilNode: return "nil"
        case .variable(let node): return node.description
        case .field(let node): return node.description
        case .chain(let node): return node.description
        case .bool(_, let value): return value ? "true" : "false"
        case .number(let node): return node.text
        case .string(_, let quoted, _): return quoted
        case .pipe(let node): return node.description
        }
    }

    /// Literal kinds that cannot start a later pipeline stage or take a field.
    var isLiteral: Bool {
        switch self {
        case .bool, .dot, .nilNode, .number, .string: return true
        default: return false
        }
    }
}
