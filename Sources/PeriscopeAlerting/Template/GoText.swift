/// Go standard-library string helpers the template functions are defined by: the `html`, `js`
/// and `urlquery` escapers, `strings.ToUpper`/`ToLower`/`Title`, and `net.SplitHostPort`,
/// `JoinHostPort` and `ParseIP`.
enum GoText {
    // MARK: - Escapers

    /// `template.HTMLEscapeString`.
    static func htmlEscape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\0": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `template.JSEscapeString`.
    static func jsEscape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\"": out += "\\\""
            case "<": out += "\\u003C"
            case ">": out += "\\u003E"
            case "&": out += "\\u0026"
            case "=": out += "\\u003D"
            default:
                if scalar.value < 0x20 {
                    out += "\\u00" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 2)
                } else if scalar.value >= 0x80 && !GoStrconv.isPrint(scalar) {
                    out += "\\u" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// `url.QueryEscape`: unreserved bytes kept, space as `+`, the rest `%XX`.
    static func queryEscape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                out += "+"
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    // MARK: - Case mapping

    /// A one-to-one (simple) case mapping, as Go's `unicode.ToUpper` and friends use; code
    /// points whose mapping is not a single code point are left alone.
    private static func simpleMapping(_ scalar: Unicode.Scalar, _ mapping: String) -> Unicode.Scalar {
        let scalars = mapping.unicodeScalars
        if scalars.count == 1, let mapped = scalars.first { return mapped }
        return scalar
    }

    /// `strings.ToUpper`.
    static func toUpper(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(simpleMapping(scalar, scalar.properties.uppercaseMapping))
        }
        return String(out)
    }

    /// `strings.ToLower`.
    static func toLower(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\u{0130}" {
                out.append("i")
            } else {
                out.append(simpleMapping(scalar, scalar.properties.lowercaseMapping))
            }
        }
        return String(out)
    }

    /// `strings.Title`: title-cases the first letter of each word.
    static func title(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var previous: Unicode.Scalar = " "
        for scalar in text.unicodeScalars {
            if isSeparator(previous) {
                out.append(simpleMapping(scalar, scalar.properties.titlecaseMapping))
            } else {
                out.append(scalar)
            }
            previous = scalar
        }
        return String(out)
    }

    /// Go's word separators for `strings.Title`.
    private static func isSeparator(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 {
            switch scalar {
            case "0"..."9", "a"..."z", "A"..."Z", "_": return false
            default: return true
            }
        }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return false
        default:
            return scalar.properties.isWhitespace
        }
    }

    // MARK: - Host and port

    /// `net.SplitHostPort`; nil where Go returns an error.
    static func splitHostPort(_ hostPort: String) -> (host: String, port: String)? {
        let bytes = Array(hostPort.utf8)
        guard let lastColon = bytes.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        var host: ArraySlice<UInt8>
        var bracketSearchStart = 0
        var closeSearchStart = 0
        if bytes.first == UInt8(ascii: "[") {
            guard let close = bytes.firstIndex(of: UInt8(ascii: "]")), close + 1 == lastColon else { return nil }
            host = bytes[1..<close]
            bracketSearchStart = 1
            closeSearchStart = close + 1
        } else {
            host = bytes[0..<lastColon]
            if host.contains(UInt8(ascii: ":")) { return nil }
        }
        if bytes[bracketSearchStart...].contains(UInt8(ascii: "[")) { return nil }
        if bytes[closeSearchStart...].contains(UInt8(ascii: "]")) { return nil }
        let port = bytes[(lastColon + 1)...]
        return (String(decoding: host, as: UTF8.self), String(decoding: port, as: UTF8.self))
    }

    /// `net.JoinHostPort`.
    static func joinHostPort(_ host: String, _ port: String) -> String {
        host.contains(":") ? "[" + host + "]:" + port : host + ":" + port
    }

    /// Whether `net.ParseIP` accepts the text (dotted IPv4 or IPv6).
    static func isIPAddress(_ text: String) -> Bool {
        isIPv4(Array(text.utf8)[...]) || isIPv6(Array(text.utf8))
    }

    private static func isIPv4(_ bytes: ArraySlice<UInt8>) -> Bool {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            if part.count > 1 && part.first == UInt8(ascii: "0") { return false }
            let value = part.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            if value > 255 { return false }
        }
        return true
    }

    private static func isIPv6(_ bytes: [UInt8]) -> Bool {
        var groups = 0
        var ellipsis = false
        var index = 0
        if bytes.starts(with: Array("::".utf8)) {
            ellipsis = true
            index = 2
            if index == bytes.count { return true }
        }
        while index < bytes.count {
            // An embedded IPv4 address ends the text and counts as two groups.
            var end = index
            while end < bytes.count && bytes[end] != UInt8(ascii: ":") { end += 1 }
            let piece = bytes[index..<end]
            if piece.contains(UInt8(ascii: ".")) {
                guard end == bytes.count, isIPv4(piece) else { return false }
                groups += 2
                index = end
                break
            }
            guard !piece.isEmpty, piece.count <= 4, piece.allSatisfy({ GoStrconv.hexValue($0) != nil }) else {
                return false
            }
            groups += 1
            index = end
            if index == bytes.count { break }
            index += 1  // the colon
            if index < bytes.count && bytes[index] == UInt8(ascii: ":") {
                if ellipsis { return false }
                ellipsis = true
                index += 1
                if index == bytes.count { break }
            } else if index == bytes.count {
                return false
            }
            if groups > 8 { return false }
        }
        return ellipsis ? groups < 8 : groups == 8
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
