/// Checks route host patterns: an exact DNS name (`api.example.com`) or `*.` followed by a DNS name
/// (`*.example.com`). Patterns are compared case-insensitively, so they are stored lower-cased.
enum HostPattern {
    /// Validates `pattern` and returns it lower-cased.
    static func normalize(_ pattern: String) throws(ValueProblem) -> String {
        let lowered = pattern.lowercased()
        if lowered.isEmpty {
            throw ValueProblem("empty host pattern", hint: "leave host out to match any host")
        }
        if lowered.contains(":") {
            throw ValueProblem(
                "host pattern '\(pattern)' must not contain a port",
                hint: "the port is ignored when matching; write just the name"
            )
        }
        var name = lowered[...]
        if lowered.hasPrefix("*.") {
            name = lowered.dropFirst(2)
        }
        if name.contains("*") {
            throw ValueProblem(
                "host pattern '\(pattern)' may only use '*' as a whole leading label",
                hint: "write e.g. *.example.com"
            )
        }
        guard HostSyntax.isDNSName(name) else {
            throw ValueProblem(
                "host pattern '\(pattern)' is not a valid DNS name",
                hint: "write e.g. api.example.com or *.example.com"
            )
        }
        return lowered
    }
}
