/// A route's path pattern, parsed from the config's `path` or `prefix` key.
enum PathPattern: Equatable, Sendable {
    /// `path: /health` — the whole path must be equal.
    case exact(String)
    /// `path: /api/users/{id}` — literal and parameter segments, all of them required.
    case template([Segment])
    /// `path: /static/*` or `prefix: /api` — every path that starts with the string.
    /// `segmentAware` prefixes (from a trailing wildcard) end in `/`.
    case prefix(String)

    /// One segment of a template.
    enum Segment: Equatable, Sendable {
        case literal(String)
        case parameter(String)
    }

    /// Parses a `path:` value. Validation already happened in the config loader.
    init(path: String) {
        if path.hasSuffix("/*") {
            self = .prefix(String(path.dropLast()))
            return
        }
        guard path.contains("{") else {
            self = .exact(path)
            return
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        self = .template(
            parts.map { part in
                if part.hasPrefix("{") && part.hasSuffix("}") {
                    return .parameter(String(part.dropFirst().dropLast()))
                }
                return .literal(String(part))
            }
        )
    }
}
