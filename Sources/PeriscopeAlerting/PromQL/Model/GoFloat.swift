/// Go's `strconv.FormatFloat(v, fmt, -1, 64)` — shortest round-trip digits laid out as Go does —
/// which Prometheus uses for `$value` (`'g'`), the HTTP API's alert values (`'e'`) and
/// `count_values` labels (`'f'`).
public enum GoFloat {
    public enum Verb: Sendable {
        /// `%v`/`'g'`: exponent form when the decimal exponent is < -4 or >= 6 (Go's shortest rule).
        case g
        /// `'e'`: always `d.ddde±XX`.
        case e
        /// `'f'`: never an exponent.
        case f
    }

    public static func format(_ value: Double, _ verb: Verb) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let digits = ShortestDigits(value)
        var out = digits.isNegative ? "-" : ""
        let text = digits.text
        let exponent = digits.pointPosition - 1
        let useExponent: Bool
        switch verb {
        case .e: useExponent = true
        case .f: useExponent = false
        case .g: useExponent = exponent < -4 || exponent >= 6
        }
        if useExponent {
            out += String(text.prefix(1))
            if text.count > 1 { out += "." + text.dropFirst() }
            out += exponent < 0 ? "e-" : "e+"
            out += exponent.magnitude < 10 ? "0\(exponent.magnitude)" : "\(exponent.magnitude)"
        } else if digits.pointPosition <= 0 {
            out += "0." + String(repeating: "0", count: -digits.pointPosition) + text
        } else if digits.pointPosition >= text.count {
            out += text + String(repeating: "0", count: digits.pointPosition - text.count)
        } else {
            let split = text.index(text.startIndex, offsetBy: digits.pointPosition)
            out += text[..<split] + "." + text[split...]
        }
        return out
    }
}

/// The shortest round-trip decimal digits of a finite `Double`: ±0.d₁…dₙ × 10^pointPosition
/// (zero is the single digit "0" with pointPosition 1).
private struct ShortestDigits {
    var isNegative = false
    var text = ""
    var pointPosition = 0

    init(_ value: Double) {
        isNegative = value.sign == .minus
        if value == 0 {
            text = "0"
            pointPosition = 1
            return
        }
        var mantissa = ""
        var exponent = 0
        var position = 0
        var seenPoint = false
        let description = value.magnitude.description
        var parts = description.split(separator: "e", maxSplits: 1)
        if parts.count == 2 { exponent = Int(parts[1].replacingOccurrences(of: "+", with: "")) ?? 0 }
        parts = [parts[0]]
        for character in parts[0] {
            if character == "." {
                seenPoint = true
                continue
            }
            if mantissa.isEmpty && character == "0" {
                if seenPoint { position -= 1 }
                continue
            }
            if !seenPoint { position += 1 }
            mantissa.append(character)
        }
        while mantissa.hasSuffix("0") { mantissa.removeLast() }
        text = mantissa
        pointPosition = position + exponent
    }
}

extension StringProtocol {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        String(self).split(separator: Character(target), omittingEmptySubsequences: false).joined(
            separator: replacement)
    }
}
