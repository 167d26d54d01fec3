/// Keywords of PromQL other than the aggregation operators. Matched case-insensitively.
enum Keyword: String, Sendable {
    case and, or, unless, atan2
    case by, without, on, ignoring, bool, offset, start, end
    case groupLeft = "group_left"
    case groupRight = "group_right"

    /// Keywords that are binary operators (Prometheus prints them as `<op:and>`).
    var isOperator: Bool {
        switch self {
        case .and, .or, .unless, .atan2: true
        default: false
        }
    }
}

/// The kinds of tokens the lexer produces.
enum TokenKind: Equatable, Sendable {
    case eof
    /// A lexical error; the parser reports it when it reaches the token.
    case error(String)
    case identifier
    /// An identifier with a colon, e.g. `job:requests:rate5m`.
    case metricIdentifier
    case number
    case string
    case duration
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, colon, at
    /// `=` (label matching).
    case assign
    /// `==`.
    case equal
    /// `!=` (comparison, and label matching inside braces).
    case notEqual
    /// `=~`.
    case regexMatch
    /// `!~`.
    case regexNoMatch
    case add, sub, mul, div, mod, pow
    case greater, greaterOrEqual, less, lessOrEqual
    case keyword(Keyword)
    case aggregator(AggregateOp)
    /// `_` in series notation.
    case blank
    /// `x` in series notation.
    case times
}

/// One token: its kind, its source text and where it is.
struct Token: Sendable {
    var kind: TokenKind
    /// UTF-8 byte offset of the first byte.
    var start: Int
    /// UTF-8 byte offset just past the last byte.
    var end: Int
    /// The source text of the token.
    var text: String
    /// The decoded value of a string literal.
    var value: String = ""

    func isKeyword(_ keyword: Keyword) -> Bool { kind == .keyword(keyword) }

    /// How Prometheus names the token in "unexpected ..." messages (`Item.desc`).
    var errorDescription: String {
        switch kind {
        case .eof: return "end of input"
        case .error(let message): return message
        case .identifier: return "identifier \(GoQuote.quote(text))"
        case .metricIdentifier: return "metric identifier \(GoQuote.quote(text))"
        case .number: return "number \(Token.truncatedQuote(text))"
        case .string: return "string \(Token.truncatedQuote(text))"
        case .duration: return "duration \(Token.truncatedQuote(text))"
        case .keyword(let keyword): return keyword.isOperator ? "<op:\(text)>" : "<\(text)>"
        case .aggregator: return "<aggr:\(text)>"
        case .add, .sub, .mul, .div, .mod, .pow, .equal, .notEqual, .greater, .greaterOrEqual, .less, .lessOrEqual,
            .regexMatch, .regexNoMatch, .at:
            return "<op:\(text)>"
        default: return Token.truncatedQuote(text)
        }
    }

    /// Go's `%.10q...` for long token values, `%q` otherwise.
    private static func truncatedQuote(_ text: String) -> String {
        text.count > 10 ? GoQuote.quote(String(text.prefix(10))) + "..." : GoQuote.quote(text)
    }
}
