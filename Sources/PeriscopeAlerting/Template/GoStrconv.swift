import Foundation

/// The parts of Go's `strconv` package the template engine needs: float formatting with an
/// explicit precision, quoting and unquoting, and number parsing with Go's syntax and errors.
enum GoStrconv {
    // MARK: - Float formatting

    /// `strconv.FormatFloat(value, format, precision, 64)`. `format` is one of
    /// `b e E f F g G x X`; a negative precision asks for the shortest round-trip digits.
    static func formatFloat(_ value: Double, _ format: Character, _ precision: Int) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        switch format {
        case "b": return binaryExponentForm(value)
        case "x", "X": return hexForm(value, precision, upper: format == "X")
        default: break
        }
        var out: String
        if precision < 0 {
            switch format {
            case "e", "E": out = GoFloat.format(value, .e)
            case "f", "F": out = GoFloat.format(value, .f)
            default: out = GoFloat.format(value, .g)
            }
        } else {
            switch format {
            case "e", "E": out = cFormat("%.\(precision)e", value)
            case "f", "F": out = cFormat("%.\(precision)f", value)
            default: out = significantDigitsForm(value, precision)
            }
        }
        if format == "E" || format == "G" {
            out = String(out.map { $0 == "e" ? "E" : $0 })
        }
        return out
    }

    /// C's printf for one double. glibc rounds the exact binary value half-to-even, which is
    /// what Go's fixed-precision formatting does too.
    private static func cFormat(_ format: String, _ value: Double) -> String {
        String(format: format, value)
    }

    /// Go's `%.Ng`: N significant digits (trailing zeros dropped), exponent form when the
    /// decimal exponent is < -4 or >= N.
    private static func significantDigitsForm(_ value: Double, _ requested: Int) -> String {
        let precision = max(requested, 1)
        let sign = value.sign == .minus ? "-" : ""
        if value == 0 { return sign + "0" }
        // "d.ddde±XX" carries exactly `precision` correctly rounded significant digits.
        let scientific = cFormat("%.\(precision - 1)e", value.magnitude)
        let parts = scientific.split(separator: "e")
        var digits = Array(parts[0].utf8.filter { $0 != UInt8(ascii: ".") })
        while digits.count > 1 && digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let pointPosition = (Int(parts[1]) ?? 0) + 1
        var exponentLimit = precision
        if exponentLimit > digits.count && digits.count >= pointPosition { exponentLimit = digits.count }
        let exponent = pointPosition - 1
        if exponent < -4 || exponent >= exponentLimit {
            return sign
                + exponentLayout(digits, pointPosition: pointPosition, decimals: min(precision, digits.count) - 1)
        }
        let kept = precision > pointPosition ? digits.count : precision
        return sign + fixedLayout(digits, pointPosition: pointPosition, decimals: max(kept - pointPosition, 0))
    }

    /// `d.ddde±XX` from decimal digits 0.d₁d₂… × 10^pointPosition.
    private static func exponentLayout(_ digits: [UInt8], pointPosition: Int, decimals: Int) -> String {
        var out = [digits.first ?? UInt8(ascii: "0")]
        if decimals > 0 {
            out.append(UInt8(ascii: "."))
            for index in 1...decimals {
                out.append(index < digits.count ? digits[index] : UInt8(ascii: "0"))
            }
        }
        let exponent = digits.isEmpty ? 0 : pointPosition - 1
        out.append(UInt8(ascii: "e"))
        out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let magnitude = exponent.magnitude
        if magnitude < 10 { out.append(UInt8(ascii: "0")) }
        out.append(contentsOf: Array(String(magnitude).utf8))
        return String(decoding: out, as: UTF8.self)
    }

    /// `ddd.ddd` from decimal digits 0.d₁d₂… × 10^pointPosition.
    private static func fixedLayout(_ digits: [UInt8], pointPosition: Int, decimals: Int) -> String {
        var out: [UInt8] = []
        if pointPosition > 0 {
            for index in 0..<pointPosition {
                out.append(index < digits.count ? digits[index] : UInt8(ascii: "0"))
            }
        } else {
            out.append(UInt8(ascii: "0"))
        }
        if decimals > 0 {
            out.append(UInt8(ascii: "."))
            for offset in 1...decimals {
                let index = pointPosition + offset - 1
                out.append(index >= 0 && index < digits.count ? digits[index] : UInt8(ascii: "0"))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The significand bits (with the implicit bit) and the binary exponent Go's
    /// `FormatFloat` works from, before it subtracts the 52 mantissa bits.
    private static func decompose(_ value: Double) -> (mantissa: UInt64, exponent: Int) {
        let bits = value.bitPattern
        var exponent = Int((bits >> 52) & 0x7ff)
        var mantissa = bits & ((1 << 52) - 1)
        if exponent == 0 {
            exponent += 1
        } else {
            mantissa |= 1 << 52
        }
        return (mantissa, exponent - 1023)
    }

    /// `%b`: `-ddddp±ddd`, the decimal significand and binary exponent.
    private static func binaryExponentForm(_ value: Double) -> String {
        let (mantissa, exponent) = decompose(value)
        let shifted = exponent - 52
        return (value.sign == .minus ? "-" : "") + "\(mantissa)p" + (shifted >= 0 ? "+" : "") + "\(shifted)"
    }

    /// `%x`: `-0x1.hhhhp±dd`, hexadecimal significand and binary exponent.
    private static func hexForm(_ value: Double, _ precision: Int, upper: Bool) -> String {
        var (mantissa, exponent) = decompose(value)
        if mantissa == 0 { exponent = 0 }
        mantissa <<= 8  // leading 1 (if any) at bit 60
        while mantissa != 0 && mantissa & (1 << 60) == 0 {
            mantissa <<= 1
            exponent -= 1
        }
        if precision >= 0 && precision < 15 {
            let shift = UInt64(precision * 4)
            let extra = (mantissa << shift) & ((1 << 60) - 1)
            mantissa >>= 60 - shift
            if extra | (mantissa & 1) > 1 << 59 { mantissa += 1 }
            mantissa <<= 60 - shift
            if mantissa & (1 << 61) != 0 {
                mantissa >>= 1
                exponent += 1
            }
        }
        let hexDigits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var out: [UInt8] = value.sign == .minus ? [UInt8(ascii: "-")] : []
        out += [UInt8(ascii: "0"), upper ? UInt8(ascii: "X") : UInt8(ascii: "x")]
        out.append(UInt8(ascii: "0") + UInt8((mantissa >> 60) & 1))
        mantissa <<= 4
        if precision < 0 && mantissa != 0 {
            out.append(UInt8(ascii: "."))
            while mantissa != 0 {
                out.append(hexDigits[Int((mantissa >> 60) & 15)])
                mantissa <<= 4
            }
        } else if precision > 0 {
            out.append(UInt8(ascii: "."))
            for _ in 0..<precision {
                out.append(hexDigits[Int((mantissa >> 60) & 15)])
                mantissa <<= 4
            }
        }
        out.append(upper ? UInt8(ascii: "P") : UInt8(ascii: "p"))
        out.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        let magnitude = exponent.magnitude
        if magnitude < 10 { out.append(UInt8(ascii: "0")) }
        out += Array(String(magnitude).utf8)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Quoting

    /// Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
    static func isPrint(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x80 { return scalar.value >= 0x20 && scalar.value < 0x7f }
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

    /// `strconv.Quote` (or `QuoteToASCII` when `asciiOnly`), for `"` quotes, or
    /// `strconv.QuoteRune` for `'` quotes.
    static func quote(_ text: String, quote: Character = "\"", asciiOnly: Bool = false) -> String {
        var out = String(quote)
        for scalar in text.unicodeScalars {
            appendEscaped(scalar, quote: quote, asciiOnly: asciiOnly, to: &out)
        }
        out.append(quote)
        return out
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, quote: Character, asciiOnly: Bool, to out: inout String)
    {
        if Character(scalar) == quote || scalar == "\\" {
            out.append("\\")
            out.unicodeScalars.append(scalar)
            return
        }
        if asciiOnly ? (scalar.value < 0x80 && isPrint(scalar)) : isPrint(scalar) {
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
            if scalar.value < 0x20 || scalar.value == 0x7f {
                out += "\\x" + hex(scalar.value, width: 2)
            } else if scalar.value < 0x10000 {
                out += "\\u" + hex(scalar.value, width: 4)
            } else {
                out += "\\U" + hex(scalar.value, width: 8)
            }
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `strconv.QuoteRune` of a code point (invalid ones become U+FFFD).
    static func quoteRune(_ value: UInt64, asciiOnly: Bool = false) -> String {
        let scalar = value <= 0x10FFFF ? Unicode.Scalar(UInt32(value)) ?? "\u{FFFD}" : "\u{FFFD}"
        return quote(String(Character(scalar)), quote: "'", asciiOnly: asciiOnly)
    }

    /// `strconv.CanBackquote`.
    static func canBackquote(_ text: String) -> Bool {
        for scalar in text.unicodeScalars {
            if scalar == "`" || scalar == "\u{FEFF}" { return false }
            if scalar.value < 0x20 && scalar != "\t" { return false }
            if scalar.value == 0x7f { return false }
        }
        return true
    }

    /// `strconv.Unquote` for `"…"` and `` `…` `` literals; nil on a syntax error.
    static func unquote(_ literal: String) -> String? {
        let bytes = Array(literal.utf8)
        guard bytes.count >= 2, let first = bytes.first, first == bytes.last else { return nil }
        let body = Array(bytes[1..<(bytes.count - 1)])
        if first == UInt8(ascii: "`") {
            if body.contains(UInt8(ascii: "`")) { return nil }
            return String(decoding: body.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        }
        guard first == UInt8(ascii: "\"") else { return nil }
        var out: [UInt8] = []
        var rest = body[...]
        while !rest.isEmpty {
            guard let (value, isByte, tail) = unquoteChar(rest, quote: UInt8(ascii: "\"")) else { return nil }
            appendUnquoted(value, isByte: isByte, to: &out)
            rest = tail
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendUnquoted(_ value: UInt32, isByte: Bool, to out: inout [UInt8]) {
        if isByte || value < 0x80 {
            out.append(UInt8(truncatingIfNeeded: value))
        } else {
            out += Array(String(Character(Unicode.Scalar(value) ?? "\u{FFFD}")).utf8)
        }
    }

    /// `strconv.UnquoteChar`: the first character of `input` (a code point, or a raw byte for
    /// `\x` and octal escapes), and the remaining input.
    static func unquoteChar(_ input: ArraySlice<UInt8>, quote: UInt8) -> (UInt32, Bool, ArraySlice<UInt8>)? {
        guard let first = input.first else { return nil }
        if first == quote && (quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"")) { return nil }
        if first >= 0x80 {
            let (scalar, width) = GoUTF8.decode(input)
            return (scalar, false, input.dropFirst(width))
        }
        if first != UInt8(ascii: "\\") { return (UInt32(first), false, input.dropFirst()) }
        guard input.count > 1 else { return nil }
        let escape = input[input.startIndex + 1]
        var rest = input.dropFirst(2)
        switch escape {
        case UInt8(ascii: "a"): return (7, false, rest)
        case UInt8(ascii: "b"): return (8, false, rest)
        case UInt8(ascii: "f"): return (12, false, rest)
        case UInt8(ascii: "n"): return (10, false, rest)
        case UInt8(ascii: "r"): return (13, false, rest)
        case UInt8(ascii: "t"): return (9, false, rest)
        case UInt8(ascii: "v"): return (11, false, rest)
        case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = escape == UInt8(ascii: "x") ? 2 : escape == UInt8(ascii: "u") ? 4 : 8
            guard rest.count >= count else { return nil }
            var value: UInt32 = 0
            for byte in rest.prefix(count) {
                guard let digit = hexValue(byte) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            rest = rest.dropFirst(count)
            if escape == UInt8(ascii: "x") { return (value, true, rest) }
            guard value <= 0x10FFFF, !(0xD800...0xDFFF).contains(value) else { return nil }
            return (value, false, rest)
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value = UInt32(escape - UInt8(ascii: "0"))
            guard rest.count >= 2 else { return nil }
            for byte in rest.prefix(2) {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7") else { return nil }
                value = value << 3 | UInt32(byte - UInt8(ascii: "0"))
            }
            guard value <= 255 else { return nil }
            return (value, true, rest.dropFirst(2))
        case UInt8(ascii: "\\"): return (UInt32(escape), false, rest)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            guard escape == quote else { return nil }
            return (UInt32(escape), false, rest)
        default:
            return nil
        }
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - Number parsing

    /// Why a number did not parse, worded as `strconv.NumError` is.
    enum NumberError: Error {
        case syntax
        case range
    }

    /// `strconv.ParseFloat(text, 64)`. An overflow returns ±Inf with `.range`, as Go does.
    static func parseFloat(_ text: String) -> Result<Double, NumberError> {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .failure(.syntax) }
        if let special = specialFloat(bytes) { return .success(special) }
        if bytes.contains(UInt8(ascii: "_")) {
            guard underscoresAllowed(bytes) else { return .failure(.syntax) }
            bytes.removeAll { $0 == UInt8(ascii: "_") }
        }
        var body = bytes[...]
        var sign = ""
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? "-" : ""
            body = body.dropFirst()
        }
        let isHex =
            body.count >= 2 && body.first == UInt8(ascii: "0")
            && body[body.startIndex + 1] | 0x20 == UInt8(ascii: "x")
        let valid = isHex ? validHexFloat(Array(body.dropFirst(2))) : validDecimalFloat(Array(body))
        guard valid, let value = Double(sign + String(decoding: body, as: UTF8.self)) else {
            return .failure(.syntax)
        }
        return value.isInfinite ? .failure(.range) : .success(value)
    }

    /// Go's "inf", "infinity" (with an optional sign) and "nan", in any case.
    private static func specialFloat(_ bytes: [UInt8]) -> Double? {
        let lower = String(decoding: bytes, as: UTF8.self).lowercased()
        switch lower {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return nil
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// digits [. digits] [e [sign] digits], at least one mantissa digit.
    private static func validDecimalFloat(_ bytes: [UInt8]) -> Bool {
        var index = 0
        var mantissaDigits = 0
        while index < bytes.count, isDigit(bytes[index]) {
            index += 1
            mantissaDigits += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, isDigit(bytes[index]) {
                index += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0 else { return false }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            var exponentDigits = 0
            while index < bytes.count, isDigit(bytes[index]) {
                index += 1
                exponentDigits += 1
            }
            guard exponentDigits > 0 else { return false }
        }
        return index == bytes.count
    }

    /// hexdigits [. hexdigits] p [sign] digits — Go requires the binary exponent.
    private static func validHexFloat(_ bytes: [UInt8]) -> Bool {
        var index = 0
        var mantissaDigits = 0
        while index < bytes.count, hexValue(bytes[index]) != nil {
            index += 1
            mantissaDigits += 1
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.count, hexValue(bytes[index]) != nil {
                index += 1
                mantissaDigits += 1
            }
        }
        guard mantissaDigits > 0, index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "p") else { return false }
        index += 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
        var exponentDigits = 0
        while index < bytes.count, isDigit(bytes[index]) {
            index += 1
            exponentDigits += 1
        }
        return exponentDigits > 0 && index == bytes.count
    }

    /// Go's `underscoreOK`: underscores only between digits (a base prefix counts as a digit).
    static func underscoresAllowed(_ input: [UInt8]) -> Bool {
        var bytes = input[...]
        var saw: UInt8 = UInt8(ascii: "^")
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            bytes = bytes.dropFirst()
        }
        var hex = false
        if bytes.count >= 2, bytes.first == UInt8(ascii: "0") {
            let prefix = bytes[bytes.startIndex + 1] | 0x20
            if prefix == UInt8(ascii: "b") || prefix == UInt8(ascii: "o") || prefix == UInt8(ascii: "x") {
                bytes = bytes.dropFirst(2)
                saw = UInt8(ascii: "0")
                hex = prefix == UInt8(ascii: "x")
            }
        }
        for byte in bytes {
            if isDigit(byte) || (hex && hexValue(byte) != nil) {
                saw = UInt8(ascii: "0")
                continue
            }
            if byte == UInt8(ascii: "_") {
                if saw != UInt8(ascii: "0") { return false }
                saw = UInt8(ascii: "_")
                continue
            }
            if saw == UInt8(ascii: "_") { return false }
            saw = UInt8(ascii: "!")
        }
        return saw != UInt8(ascii: "_")
    }

    /// `strconv.ParseUint(text, 0, 64)`: base prefixes 0x, 0o, 0b and a leading 0 for octal.
    static func parseUint(_ text: String) -> Result<UInt64, NumberError> {
        var bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .failure(.syntax) }
        if bytes.contains(UInt8(ascii: "_")) {
            guard underscoresAllowed(bytes) else { return .failure(.syntax) }
            bytes.removeAll { $0 == UInt8(ascii: "_") }
        }
        var base: UInt64 = 10
        var digits = bytes[...]
        if bytes.count >= 2, bytes[0] == UInt8(ascii: "0") {
            switch bytes[1] | 0x20 {
            case UInt8(ascii: "x"): (base, digits) = (16, bytes.dropFirst(2))
            case UInt8(ascii: "o"): (base, digits) = (8, bytes.dropFirst(2))
            case UInt8(ascii: "b"): (base, digits) = (2, bytes.dropFirst(2))
            default: (base, digits) = (8, bytes.dropFirst(1))
            }
        }
        guard !digits.isEmpty else { return .failure(.syntax) }
        var value: UInt64 = 0
        var overflow = false
        for byte in digits {
            guard let digit = hexValue(byte), UInt64(digit) < base else { return .failure(.syntax) }
            let (product, productOverflow) = value.multipliedReportingOverflow(by: base)
            let (sum, sumOverflow) = product.addingReportingOverflow(UInt64(digit))
            if productOverflow || sumOverflow { overflow = true }
            value = sum
        }
        return overflow ? .failure(.range) : .success(value)
    }

    /// `strconv.ParseInt(text, 0, 64)`.
    static func parseInt(_ text: String) -> Result<Int64, NumberError> {
        var body = Substring(text)
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        switch parseUint(String(body)) {
        case .failure(let error): return .failure(error)
        case .success(let magnitude):
            if negative {
                if magnitude > UInt64(Int64.max) + 1 { return .failure(.range) }
                return .success(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            if magnitude > UInt64(Int64.max) { return .failure(.range) }
            return .success(Int64(magnitude))
        }
    }
}

/// A UTF-8 decoder that behaves as Go's `utf8.DecodeRune`: an invalid byte decodes to
/// U+FFFD with width 1.
enum GoUTF8 {
    static func decode(_ bytes: ArraySlice<UInt8>) -> (UInt32, Int) {
        guard let first = bytes.first else { return (0xFFFD, 0) }
        if first < 0x80 { return (UInt32(first), 1) }
        let count: Int
        var value: UInt32
        switch first {
        case 0xC2...0xDF: (count, value) = (2, UInt32(first & 0x1F))
        case 0xE0...0xEF: (count, value) = (3, UInt32(first & 0x0F))
        case 0xF0...0xF4: (count, value) = (4, UInt32(first & 0x07))
        default: return (0xFFFD, 1)
        }
        guard bytes.count >= count else { return (0xFFFD, 1) }
        for offset in 1..<count {
            let byte = bytes[bytes.startIndex + offset]
            guard byte & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        let minimum: UInt32 = count == 2 ? 0x80 : count == 3 ? 0x800 : 0x10000
        if value < minimum || value > 0x10FFFF || (0xD800...0xDFFF).contains(value) { return (0xFFFD, 1) }
        return (value, count)
    }
}
