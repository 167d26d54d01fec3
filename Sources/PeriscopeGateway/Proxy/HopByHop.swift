import NIOHTTP1

/// Header rules of a proxy (RFC 9110 §7.6.1): hop-by-hop fields are not forwarded.
enum HopByHop {
    /// Whether `name` is always hop-by-hop: Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade,
    /// or any `Proxy-*` field.
    static func isHopByHop(_ name: String) -> Bool {
        var utf8 = name.utf8.makeIterator()
        guard let first = utf8.next() else { return false }
        switch first | 0x20 {
        case UInt8(ascii: "c"): return name.equalsIgnoringCase("connection")
        case UInt8(ascii: "k"): return name.equalsIgnoringCase("keep-alive")
        case UInt8(ascii: "t"):
            return name.equalsIgnoringCase("te") || name.equalsIgnoringCase("trailer")
                || name.equalsIgnoringCase("transfer-encoding")
        case UInt8(ascii: "u"): return name.equalsIgnoringCase("upgrade")
        case UInt8(ascii: "p"): return name.hasPrefixIgnoringCase("proxy-")
        default: return false
        }
    }

    /// The field names listed in Connection headers, lower-cased (`Connection: close, X-Foo` → `["close", "x-foo"]`).
    static func connectionTokens(_ headers: HTTPHeaders) -> [Substring] {
        var tokens: [Substring] = []
        for value in headers[canonicalForm: "connection"] {
            let token = value.trimmingASCIISpaces()
            if !token.isEmpty { tokens.append(token) }
        }
        return tokens
    }

    /// Whether `name` is listed among `tokens`.
    static func isListed(_ name: String, in tokens: [Substring]) -> Bool {
        for token in tokens where name.utf8.count == token.utf8.count && name.equalsIgnoringCase(token) {
            return true
        }
        return false
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality, without allocating.
    func equalsIgnoringCase(_ other: some StringProtocol) -> Bool {
        guard self.utf8.count == other.utf8.count else { return false }
        for (a, b) in zip(self.utf8, other.utf8) where a != b {
            guard a | 0x20 == b | 0x20, (a | 0x20) >= UInt8(ascii: "a"), (a | 0x20) <= UInt8(ascii: "z") else {
                return false
            }
        }
        return true
    }

    /// ASCII case-insensitive prefix test, without allocating.
    func hasPrefixIgnoringCase(_ prefix: some StringProtocol) -> Bool {
        guard self.utf8.count >= prefix.utf8.count else { return false }
        return self.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8) { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }

    /// The value with leading and trailing spaces and tabs removed.
    func trimmingASCIISpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let slice = self[...]
        guard let start = slice.firstIndex(where: { !isSpace($0) }) else { return Substring() }
        let end = slice.lastIndex(where: { !isSpace($0) })!
        return Substring(slice[start...end])
    }
}
