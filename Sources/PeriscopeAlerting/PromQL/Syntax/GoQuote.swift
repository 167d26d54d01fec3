/// Go's `strconv.Quote` and friends, which Prometheus uses to print strings, label matcher values
/// and runes in error messages.
enum GoQuote {
    /// `strconv.Quote`: a double-quoted string with Go escapes; printable characters stay as they
    /// are.
    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            appendEscaped(scalar, quote: "\"", to: &out)
        }
        out += "\""
        return out
    }

    /// `strconv.QuoteRune`: a single-quoted character.
    static func quoteRune(_ scalar: Unicode.Scalar) -> String {
        var out = "'"
        appendEscaped(scalar, quote: "'", to: &out)
        out += "'"
        return out
    }

    /// Go's `%#U`: `U+0071 'q'`, without the character when it is not printable.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        if hex.count < 4 { hex = String(repeating: "0", count: 4 - hex.count) + hex }
        return isPrint(scalar) ? "U+\(hex) '\(Character(scalar))'" : "U+\(hex)"
    }

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
            .nonspacingMark, .spacingMark, .enclosingMark,
            .decimalNumber, .letterNumber, .otherNumber,
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
            .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, quote: Unicode.Scalar, to out: inout String) {
        if scalar == quote || scalar == "\\" {
            out += "\\"
            out.unicodeScalars.append(scalar)
            return
        }
        if isPrint(scalar) {
            out.unicodeScalars.append(scalar)
            return
        }
        switch scalar {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            let value = scalar.value
            if value < 0x20 || value == 0x7F {
                out += "\\x" + hex(value, digits: 2)
            } else if value < 0x10000 {
                out += "\\u" + hex(value, digits: 4)
            } else {
                out += "\\U" + hex(value, digits: 8)
            }
        }
    }

    private static func hex(_ value: UInt32, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
