import Foundation

/// Entry points for PromQL text: expressions and durations (promtool notation is ``SeriesNotation``).
public enum PromQL {
    /// Parses a PromQL expression and checks its types as Prometheus 2.42 does.
    ///
    /// Error messages and positions follow Prometheus (`expected type range vector in call to
    /// function "rate", got instant vector`, `unknown function with name "foo"`, ...).
    ///
    /// Representation notes:
    /// - `-1` and other signs applied directly to a number literal fold into the number, as in
    ///   Prometheus; unary `+` on anything else is dropped (it changes nothing).
    /// - `sum by () (x)` is stored as `Grouping.none`, which means the same.
    /// - `@ start()` and `@ end()` are stored as ``VectorSelector/atStart`` and
    ///   ``VectorSelector/atEnd``.
    /// - Vector/vector binary expressions always carry a ``VectorMatching`` (one-to-one when no
    ///   modifier is given, many-to-many for `and`/`or`/`unless`); it is nil when a side is a scalar.
    /// - `@` on a subquery is valid PromQL but ``Expr/subquery(_:range:step:offset:)`` cannot hold it,
    ///   so it is rejected.
    public static func parse(_ input: String) throws(PromQLParseError) -> Expr {
        var parser = Parser(input)
        let node = try parser.parseRoot()
        let checker = TypeChecker(input: input)
        return try checker.check(node).expr
    }
}

/// A recursive-descent parser with precedence climbing for binary operators. It builds a
/// ``SyntaxNode`` tree and reports syntax errors; ``TypeChecker`` then does Prometheus' `checkAST`.
struct Parser {
    let input: String
    private let tokens: [Token]
    private var index = 0
    /// Where the last consumed token ends.
    private(set) var previousEnd = 0
    /// How many `parseBinary` calls are under way (the recursion depth of the parser).
    var nesting = 0

    /// The deepest expression tree accepted. The parser, the type checker, the printer and the
    /// evaluator all recurse over the tree, so a bound keeps hostile input from exhausting the
    /// stack; real rules are a few levels deep.
    static let maximumDepth = 256

    init(_ input: String) {
        self.input = input
        tokens = Lexer.tokenize(input)
    }

    // MARK: - Token cursor

    var current: Token { tokens[index] }

    func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        previousEnd = token.end
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    // MARK: - Errors

    func error(_ message: String, at offset: Int) -> PromQLParseError {
        PromQLParseError(message: message, offset: offset, in: input)
    }

    /// `unexpected <token>[ in <context>][, expected <what>]`, or the lexer's error when the token
    /// is one.
    func unexpected(_ token: Token, in context: String? = nil, expected: String? = nil) -> PromQLParseError {
        if case .error(let message) = token.kind { return error(message, at: token.start) }
        var message = "unexpected \(token.errorDescription)"
        if let context { message += " in \(context)" }
        if let expected { message += ", expected \(expected)" }
        return error(message, at: token.start)
    }

    // MARK: - Root

    mutating func parseRoot() throws(PromQLParseError) -> SyntaxNode {
        if current.kind == .eof { throw error("no expression found in input", at: 0) }
        let node = try parseExpression()
        guard current.kind == .eof else { throw unexpected(current) }
        return node
    }

    /// Fails when `node` is deeper than ``maximumDepth``.
    func checkDepth(_ node: SyntaxNode) throws(PromQLParseError) {
        if node.depth > Parser.maximumDepth { throw tooDeep(at: node.start) }
    }

    func tooDeep(at offset: Int) -> PromQLParseError {
        error("expression is nested more than \(Parser.maximumDepth) levels deep", at: offset)
    }

    // MARK: - Literals shared by the grammar

    /// The value of a number token.
    func number(_ token: Token) throws(PromQLParseError) -> Double {
        switch NumberLiteral.parse(token.text) {
        case .success(let value): return value
        case .failure(let failure): throw error("error parsing number: \(failure.message)", at: token.start)
        }
    }

    /// The milliseconds of a duration token that must be greater than zero.
    func positiveDuration(_ token: Token) throws(PromQLParseError) -> Int64 {
        switch DurationLiteral.parse(token.text) {
        case .success(let milliseconds):
            if milliseconds == 0 { throw error("duration must be greater than 0", at: token.start) }
            return milliseconds
        case .failure(let failure):
            throw error(failure.message, at: token.start)
        }
    }

    /// A label matcher, reporting a regular expression that does not compile.
    func matcher(_ kind: LabelMatcher.Kind, _ name: String, _ value: String, at offset: Int) throws(PromQLParseError)
        -> LabelMatcher
    {
        do {
            return try LabelMatcher(kind, name, value)
        } catch {
            throw self.error("error parsing regexp: \(error)", at: offset)
        }
    }

    /// Go's `%f`.
    static func goFixed(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        return String(format: "%.6f", value)
    }
}
