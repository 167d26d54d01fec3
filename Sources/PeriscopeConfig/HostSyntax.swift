/// Syntax checks for host names and IP literals.
enum HostSyntax {
    /// Dotted-quad IPv4 literal, each part 0–255 without leading zeros.
    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            guard part.count == 1 || part.first != "0" else { return false }
            return Int(part).map { $0 <= 255 } ?? false
        }
    }

    static func isIPv4(_ text: String) -> Bool {
        Self.isIPv4(text[...])
    }

    /// IPv6 literal without brackets (`::1`, `2001:db8::10`, `::ffff:192.0.2.1`); zone ids are not accepted.
    static func isIPv6(_ text: String) -> Bool {
        var head = text[...]
        var embeddedGroups = 0
        // A trailing dotted quad stands for the last two groups.
        if let lastColon = head.lastIndex(of: ":"), head[lastColon...].contains(".") {
            let tail = head[head.index(after: lastColon)...]
            guard Self.isIPv4(tail) else { return false }
            embeddedGroups = 2
            head = head[...lastColon]
            if !head.hasSuffix("::") {
                head = head.dropLast()
            }
        }
        let halves = head.split(separator: "::", omittingEmptySubsequences: false)
        switch halves.count {
        case 1:
            guard let groups = Self.groups(halves[0]) else { return false }
            return groups + embeddedGroups == 8
        case 2:
            guard let left = Self.groups(halves[0]), let right = Self.groups(halves[1]) else { return false }
            return left + right + embeddedGroups <= 7
        default:
            return false
        }
    }

    /// Number of valid hex groups in a `:`-separated run, `0` for an empty run, `nil` if one is invalid.
    private static func groups(_ run: Substring) -> Int? {
        if run.isEmpty { return 0 }
        let groups = run.split(separator: ":", omittingEmptySubsequences: false)
        let valid = groups.allSatisfy { group in
            (1...4).contains(group.count) && group.allSatisfy { $0.isASCII && $0.isHexDigit }
        }
        return valid ? groups.count : nil
    }

    /// A DNS host name: dot-separated labels of letters, digits and inner hyphens, each 1–63 characters,
    /// at most 253 characters in all, and a last label that is not all digits (that would be an IP address).
    static func isDNSName(_ text: Substring) -> Bool {
        guard (1...253).contains(text.count) else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        let labelsValid = labels.allSatisfy { label in
            (1...63).contains(label.count)
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
                && label.first != "-" && label.last != "-"
        }
        guard labelsValid, let last = labels.last else { return false }
        return !last.allSatisfy(\.isNumber)
    }

    static func isDNSName(_ text: String) -> Bool {
        Self.isDNSName(text[...])
    }

    /// Checks a host of an address: an IPv4 literal, an IPv6 literal or a DNS name.
    static func validateHost(_ host: String) throws(ValueProblem) {
        if host.isEmpty {
            throw ValueProblem("missing host", hint: "write host:port, e.g. 127.0.0.1:8080")
        }
        if host.contains(":") {
            if !Self.isIPv6(host) {
                throw ValueProblem("'\(host)' is not a valid IPv6 address")
            }
            return
        }
        if host.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." }) {
            if !Self.isIPv4(host) {
                throw ValueProblem("'\(host)' is not a valid IPv4 address")
            }
            return
        }
        if !Self.isDNSName(host) {
            throw ValueProblem(
                "'\(host)' is not a valid host name",
                hint: "use an IP address or a DNS name of letters, digits, '-' and '.'"
            )
        }
    }
}
