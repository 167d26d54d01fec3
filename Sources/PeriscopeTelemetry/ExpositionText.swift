/// Byte-level writers for the exposition formats: escaping, integers and floats.
///
/// Everything appends to a `[UInt8]` so a scrape fills one reused buffer. Integers are written digit by digit
/// without building a `String`.
enum ExpositionText {
    /// Appends the UTF-8 bytes of `string`.
    static func append(_ string: String, to out: inout [UInt8]) {
        out.append(contentsOf: string.utf8)
    }

    /// Appends a label value escaped for both formats: `\` → `\\`, `"` → `\"`, newline → `\n`.
    static func appendEscapedLabelValue(_ value: String, to out: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: out.append(byte)
            }
        }
    }

    /// Appends a HELP docstring escaped for `format`.
    ///
    /// Text 0.0.4 escapes only `\` and newline (a `"` stays as it is); OpenMetrics' `escaped-string` also
    /// escapes `"`.
    static func appendEscapedHelp(_ help: String, format: ExpositionFormat, to out: inout [UInt8]) {
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\"") where format == .openMetrics:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            default: out.append(byte)
            }
        }
    }

    /// Appends `value` in decimal.
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digitCount = 1
        var rest = value / 10
        while rest != 0 {
            digitCount += 1
            rest /= 10
        }
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digitCount))
        var remaining = value
        var position = start + digitCount - 1
        while remaining != 0 {
            out[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
            position -= 1
        }
    }

    /// Appends `value` in decimal, with a leading `-` when negative.
    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
        }
        self.appendDecimal(value.magnitude, to: &out)
    }

    /// Appends a float value as `format` wants it: Go's shortest `%g` in text 0.0.4 (`1`, `0.005`, `1e+06`), and
    /// the same with `.0` added when it would otherwise look like an integer in OpenMetrics (`1.0`, `0.0`).
    static func appendFloat(_ value: Double, format: ExpositionFormat, to out: inout [UInt8]) {
        switch format {
        case .prometheusText: GoFloatFormat.appendShortest(value, to: &out)
        case .openMetrics: GoFloatFormat.appendCanonical(value, to: &out)
        }
    }
}
