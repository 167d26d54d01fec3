/// The parser's own tree: like ``Expr`` but with source positions and the modifiers as written,
/// so that the type checker can report errors where Prometheus reports them.
struct SyntaxNode: Sendable {
    var kind: Kind
    /// UTF-8 byte offset where the node starts.
    var start: Int
    /// UTF-8 byte offset just past the node.
    var end: Int
    /// The height of the tree under this node (1 for a leaf).
    let depth: Int

    init(kind: Kind, start: Int, end: Int) {
        self.kind = kind
        self.start = start
        self.end = end
        let children: [SyntaxNode] =
            switch kind {
            case .number, .string, .selector, .matrix: []
            case .subquery(let inner, _, _, _, _), .unary(_, let inner), .paren(let inner): [inner]
            case .call(_, let arguments), .aggregate(_, let arguments, _): arguments
            case .binary(_, let lhs, let rhs, _): [lhs, rhs]
            }
        depth = 1 + (children.map(\.depth).max() ?? 0)
    }

    indirect enum Kind: Sendable {
        case number(Double)
        case string(String)
        case selector(Selector)
        case matrix(Selector, range: Int64)
        case subquery(SyntaxNode, range: Int64, step: Int64?, offset: Int64?, at: Int64?)
        case call(PromQLFunction, arguments: [SyntaxNode])
        case aggregate(AggregateOp, arguments: [SyntaxNode], grouping: Grouping)
        case binary(BinaryOp, lhs: SyntaxNode, rhs: SyntaxNode, modifiers: BinaryModifiers)
        case unary(minus: Bool, SyntaxNode)
        case paren(SyntaxNode)
    }

    /// A vector selector as written; `offset` and `at` are nil when not given.
    struct Selector: Sendable {
        var name: String?
        var matchers: [LabelMatcher]
        var offset: Int64?
        var at: Int64?
    }

    /// What follows a binary operator: `bool`, `on(...)`/`ignoring(...)`, `group_x(...)`.
    struct BinaryModifiers: Sendable {
        /// Where the operator token starts (Prometheus reports some errors there).
        var operatorStart: Int
        var returnBool = false
        /// True for `on`, false for `ignoring`, nil when neither was given.
        var on: Bool?
        var matchingLabels: [String] = []
        var cardinality: VectorMatching.Cardinality = .oneToOne
        var include: [String] = []
    }
}
