/// What a hashing load balancer (`ring_hash`, `maglev`) hashes to choose an endpoint: the cluster's `hash_key`,
/// written `client_ip`, `path`, `header:<Name>` or `cookie:<name>`.
///
/// Requests that lack the key (no such header or cookie) are spread at random.
public enum HashKey: Sendable, Equatable, CustomStringConvertible {
    /// The client's IP address (the TCP peer, without its port).
    case clientIP
    /// The request path, without the query.
    case path
    /// The first value of this request header; the name is matched case-insensitively.
    case header(String)
    /// The value of this cookie in the `Cookie` header; the name is matched exactly.
    case cookie(String)

    /// The forms `hash_key` accepts, for messages.
    static let forms = ["client_ip", "path", "header:<name>", "cookie:<name>"]

    /// The key as the config writes it.
    public var description: String {
        switch self {
        case .clientIP: "client_ip"
        case .path: "path"
        case .header(let name): "header:\(name)"
        case .cookie(let name): "cookie:\(name)"
        }
    }

    /// Parses `client_ip`, `path`, `header:<Name>` or `cookie:<name>` (the kind is case-insensitive).
    static func parse(_ text: String) throws(ValueProblem) -> HashKey {
        guard let colon = text.firstIndex(of: ":") else {
            switch text.lowercased() {
            case "client_ip": return .clientIP
            case "path": return .path
            case "header":
                throw ValueProblem("hash_key '\(text)' needs a header name", hint: "write e.g. header:X-User")
            case "cookie":
                throw ValueProblem("hash_key '\(text)' needs a cookie name", hint: "write e.g. cookie:session")
            default:
                throw ValueProblem(
                    "unknown hash_key '\(text)'", hint: Suggestion.hint(for: text, validValues: Self.forms))
            }
        }
        let kind = text[..<colon].lowercased()
        let name = String(text[text.index(after: colon)...])
        switch kind {
        case "header":
            try Self.checkName(name, of: "header", example: "header:X-User")
            return .header(name)
        case "cookie":
            try Self.checkName(name, of: "cookie", example: "cookie:session")
            return .cookie(name)
        default:
            throw ValueProblem(
                "unknown hash_key '\(text)'",
                hint: Suggestion.hint(for: kind + ":<name>", validValues: Self.forms)
            )
        }
    }

    /// A header or cookie name must be a non-empty HTTP token (RFC 9110 `tchar`s; RFC 6265 cookie names are tokens
    /// too).
    private static func checkName(_ name: String, of kind: String, example: String) throws(ValueProblem) {
        if name.isEmpty {
            throw ValueProblem("hash_key '\(kind):' needs a \(kind) name", hint: "write e.g. \(example)")
        }
        guard name.unicodeScalars.allSatisfy(MethodToken.isTokenCharacter) else {
            throw ValueProblem(
                "'\(name)' is not a valid \(kind) name",
                hint: "names are tokens such as X-User, without spaces or separators"
            )
        }
    }
}
