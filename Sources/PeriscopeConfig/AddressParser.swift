/// Parses `host:port` addresses: `0.0.0.0:8080`, `localhost:9001`, `[::1]:9901`.
///
/// The host must be an IPv4 literal, a bracketed IPv6 literal or a DNS name; the port is decimal,
/// 1–65535, or 0 where the kernel may pick one (listener and admin addresses).
enum AddressParser {
    /// Parses `text`; `allowPortZero` admits port 0.
    static func parse(_ text: String, allowPortZero: Bool) throws(ValueProblem) -> HostPort {
        let host: String
        let portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw ValueProblem("'\(text)' has no closing ']'", hint: "write IPv6 addresses as [::1]:8080")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty {
                throw ValueProblem("address '\(text)' has no port", hint: "add a port, e.g. \(text):8080")
            }
            guard rest.first == ":" else {
                throw ValueProblem("'\(text)' is not a host:port address", hint: "write e.g. [::1]:8080")
            }
            portText = rest.dropFirst()
            if !HostSyntax.isIPv6(host) {
                throw ValueProblem("'\(host)' is not a valid IPv6 address")
            }
        } else {
            let colons = text.filter { $0 == ":" }.count
            if colons == 0 {
                if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    throw ValueProblem(
                        "address '\(text)' has no host",
                        hint: "write host:port, e.g. 0.0.0.0:\(text)"
                    )
                }
                throw ValueProblem("address '\(text)' has no port", hint: "add a port, e.g. \(text):8080")
            }
            if colons > 1 {
                let lastColon = text.lastIndex(of: ":")!
                let head = String(text[..<lastColon])
                let tail = text[text.index(after: lastColon)...]
                if HostSyntax.isIPv6(head), !tail.isEmpty, tail.allSatisfy({ $0.isASCII && $0.isNumber }) {
                    throw ValueProblem(
                        "IPv6 address '\(text)' needs brackets",
                        hint: "write [\(head)]:\(tail)"
                    )
                }
                if HostSyntax.isIPv6(text) {
                    throw ValueProblem(
                        "address '\(text)' has no port",
                        hint: "put IPv6 addresses in brackets and add a port, e.g. [\(text)]:8080"
                    )
                }
                throw ValueProblem(
                    "'\(text)' is not a host:port address",
                    hint: "put IPv6 addresses in brackets, e.g. [::1]:8080"
                )
            }
            let colon = text.firstIndex(of: ":")!
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            try HostSyntax.validateHost(host)
        }
        let port = try Self.port(portText ?? "", in: text, allowZero: allowPortZero)
        return HostPort(host: host, port: port)
    }

    private static func port(_ text: Substring, in address: String, allowZero: Bool) throws(ValueProblem) -> Int {
        if text.isEmpty {
            throw ValueProblem("address '\(address)' has no port", hint: "add a port, e.g. \(address)8080")
        }
        guard text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(text), port <= 65535
        else {
            throw ValueProblem("invalid port '\(text)' in '\(address)'", hint: "ports go from 1 to 65535")
        }
        if port == 0 && !allowZero {
            throw ValueProblem(
                "port 0 is not allowed here",
                hint: "port 0 (any free port) is only for listener and admin addresses; use 1–65535"
            )
        }
        return port
    }
}
