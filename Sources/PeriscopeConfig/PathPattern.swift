/// Checks route `path` templates and `prefix` strings.
///
/// A path is `/`-separated segments; a segment is literal text, a parameter `{name}` taking the whole
/// segment, or `*` as the whole last segment. A prefix is literal text only.
enum PathPattern {
    /// Validates a `path` template such as `/api/users/{id}` or `/static/*`.
    static func validatePath(_ path: String) throws(ValueProblem) {
        try Self.validateCommon(path, key: "path")
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var names: Set<Substring> = []
        for (index, segment) in segments.enumerated() {
            if segment.contains("{") || segment.contains("}") {
                guard segment.count >= 2, segment.first == "{", segment.last == "}",
                    segment.dropFirst().dropLast().allSatisfy({ $0 != "{" && $0 != "}" })
                else {
                    throw ValueProblem(
                        "parameter in segment '\(segment)' of '\(path)' must be a whole path segment",
                        hint: "write e.g. /users/{id}, not /users/id-{id}"
                    )
                }
                let name = segment.dropFirst().dropLast()
                guard Self.isIdentifier(name) else {
                    throw ValueProblem(
                        "parameter name '\(name)' in '\(path)' is not a valid name",
                        hint: "use letters, digits and '_', not starting with a digit"
                    )
                }
                guard names.insert(name).inserted else {
                    throw ValueProblem(
                        "parameter '{\(name)}' appears twice in '\(path)'",
                        hint: "give each parameter its own name"
                    )
                }
            } else if segment.contains("*") {
                guard segment == "*", index == segments.count - 1 else {
                    throw ValueProblem(
                        "'*' in '\(path)' is only allowed as the whole last segment",
                        hint: "write e.g. /static/*"
                    )
                }
            }
        }
    }

    /// Validates a literal `prefix` such as `/api/`.
    static func validatePrefix(_ prefix: String) throws(ValueProblem) {
        try Self.validateCommon(prefix, key: "prefix")
        if prefix.contains(where: { $0 == "{" || $0 == "}" || $0 == "*" }) {
            throw ValueProblem(
                "prefix '\(prefix)' is matched literally; '{param}' and '*' only work in a path",
                hint: "use path: for templates and wildcards"
            )
        }
    }

    /// `path` with every parameter name erased (`/users/{id}` → `/users/{}`), so that templates that
    /// match the same requests compare equal.
    static func shape(of path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0.first == "{" && $0.last == "}" ? "{}" : String($0) }
            .joined(separator: "/")
    }

    private static func validateCommon(_ text: String, key: String) throws(ValueProblem) {
        guard text.hasPrefix("/") else {
            throw ValueProblem("\(key) '\(text)' must start with '/'", hint: "write /\(text)")
        }
        if text.contains(where: { $0 == "?" || $0 == "#" }) {
            throw ValueProblem("\(key) '\(text)' must not contain a query ('?') or fragment ('#')")
        }
        if text.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value >= 0x7F }) {
            throw ValueProblem(
                "\(key) '\(text)' contains spaces, control or non-ASCII characters",
                hint: "percent-encode them as they appear on the wire, e.g. %20"
            )
        }
    }

    private static func isIdentifier(_ name: Substring) -> Bool {
        guard let first = name.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }
}
