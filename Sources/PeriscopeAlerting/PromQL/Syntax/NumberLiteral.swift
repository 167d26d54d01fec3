/// Number literals as Prometheus reads them: Go's `strconv.ParseInt(s, 0, 64)` first (so `0x1f` is
/// hexadecimal and, as in Go, `017` is octal), then `strconv.ParseFloat(s, 64)`.
enum NumberLiteral {
    /// The value of `text`, or the message Prometheus gives (`strconv.ParseFloat: parsing "1e400":
    /// value out of range`).
    static func parse(_ text: String) -> Result<Double, NumberLiteralError> {
        if let integer = parseInteger(text) { return .success(Double(integer)) }
        return parseFloat(text)
    }

    /// Go's `strconv.ParseInt(text, 0, 64)`; nil when Go would fail.
    static func parseInteger(_ text: String) -> Int64? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var base: UInt64 = 10
        if bytes.count >= 2, bytes.first == UInt8(ascii: "0") {
            let second = bytes[bytes.index(after: bytes.startIndex)] | 0x20
            switch second {
            case UInt8(ascii: "x"):
                base = 16
                bytes = bytes.dropFirst(2)
            case UInt8(ascii: "o"):
                base = 8
                bytes = bytes.dropFirst(2)
            case UInt8(ascii: "b"):
                base = 2
                bytes = bytes.dropFirst(2)
            default:
                base = 8
                bytes = bytes.dropFirst()
            }
        }
        guard !bytes.isEmpty else { return nil }
        var magnitude: UInt64 = 0
        for byte in bytes {
            guard let digit = digitValue(byte), UInt64(digit) < base else { return nil }
            let (product, overflow1) = magnitude.multipliedReportingOverflow(by: base)
            let (sum, overflow2) = product.addingReportingOverflow(UInt64(digit))
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        if negative {
            if magnitude > UInt64(Int64.max) + 1 { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        return magnitude > UInt64(Int64.max) ? nil : Int64(magnitude)
    }

    /// Go's `strconv.ParseFloat(text, 64)` for the decimal forms and `Inf`/`Infinity`/`NaN`.
    static func parseFloat(_ text: String) -> Result<Double, NumberLiteralError> {
        var body = Substring(text)
        var negative = false
        if let first = body.first, first == "+" || first == "-" {
            negative = first == "-"
            body = body.dropFirst()
        }
        switch body.lowercased() {
        case "inf", "infinity": return .success(negative ? -.infinity : .infinity)
        case "nan": return .success(.nan)
        default: break
        }
        guard isDecimalFloat(body), let value = Double(text) else {
            return .failure(NumberLiteralError(text: text, reason: "invalid syntax"))
        }
        if value.isInfinite { return .failure(NumberLiteralError(text: text, reason: "value out of range")) }
        return .success(value)
    }

    /// `digits [. digits] [e [+-] digits]` with at least one mantissa digit.
    private static func isDecimalFloat(_ text: Substring) -> Bool {
        var index = text.utf8.startIndex
        let bytes = text.utf8
        var mantissaDigits = 0
        while index < bytes.endIndex, isDigit(bytes[index]) {
            mantissaDigits += 1
            index = bytes.index(after: index)
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            while index < bytes.endIndex, isDigit(bytes[index]) {
                mantissaDigits += 1
                index = bytes.index(after: index)
            }
        }
        guard mantissaDigits > 0 else { return false }
        if index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index = bytes.index(after: index)
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index = bytes.index(after: index)
            }
            var exponentDigits = 0
            while index < bytes.endIndex, isDigit(bytes[index]) {
                exponentDigits += 1
                index = bytes.index(after: index)
            }
            guard exponentDigits > 0 else { return false }
        }
        return index == bytes.endIndex
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }
}

/// Why a number literal does not parse, worded as Go's `strconv.ParseFloat`.
struct NumberLiteralError: Error, Sendable {
    var text: String
    var reason: String

    var message: String { "strconv.ParseFloat: parsing \(GoQuote.quote(text)): \(reason)" }
}
