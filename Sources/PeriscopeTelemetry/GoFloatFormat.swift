/// Float rendering that matches what Prometheus' Go code writes, so `le` labels and values look the same as
/// those of client_golang exporters.
///
/// Go's `strconv.FormatFloat(v, 'g', -1, 64)` takes the shortest decimal digits that round-trip, then writes
/// `d.ddde±XX` (at least two exponent digits) when the decimal exponent is below -4 or at least 6, and plain
/// decimal otherwise. Swift's `Double.description` also produces the shortest round-trip digits, only laid out
/// differently (`1.0`, `1e-05`, `100000.0`, `1e+16`), so the digits are taken from it and laid out again here.
enum GoFloatFormat {
    /// Go `%g` shortest: `0`, `1`, `0.005`, `2.5`, `123456`, `1e+06`, `1.234567e+06`, `1e-05`, `NaN`, `+Inf`.
    static func appendShortest(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: "NaN".utf8)
            return
        }
        if value.isInfinite {
            out.append(contentsOf: (value < 0 ? "-Inf" : "+Inf").utf8)
            return
        }
        if value == 0 {
            out.append(contentsOf: (value.sign == .minus ? "-0" : "0").utf8)
            return
        }
        let decimal = ShortestDecimal(value)
        if decimal.isNegative {
            out.append(UInt8(ascii: "-"))
        }
        let digitCount = decimal.digitCount
        let point = decimal.pointPosition
        let exponent = point - 1
        if exponent < -4 || exponent >= 6 {
            // d[.ddd]e±XX
            let first = out.count
            ExpositionText.appendDecimal(decimal.digits, to: &out)
            if digitCount > 1 {
                out.insert(UInt8(ascii: "."), at: first + 1)
            }
            out.append(UInt8(ascii: "e"))
            out.append(UInt8(ascii: exponent < 0 ? "-" : "+"))
            if exponent.magnitude < 10 {
                out.append(UInt8(ascii: "0"))
            }
            ExpositionText.appendDecimal(UInt64(exponent.magnitude), to: &out)
        } else if point <= 0 {
            // 0.000ddd
            out.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: ".")])
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: -point))
            ExpositionText.appendDecimal(decimal.digits, to: &out)
        } else if point >= digitCount {
            // ddd000
            ExpositionText.appendDecimal(decimal.digits, to: &out)
            out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: point - digitCount))
        } else {
            // dd.ddd
            let first = out.count
            ExpositionText.appendDecimal(decimal.digits, to: &out)
            out.insert(UInt8(ascii: "."), at: first + point)
        }
    }

    /// OpenMetrics' canonical rendering: Go `%g` with `.0` appended when the result has neither a `.` nor an
    /// exponent (`0.0`, `1.0`, `100000.0`, `1e+06`, `0.005`, `+Inf`).
    static func appendCanonical(_ value: Double, to out: inout [UInt8]) {
        let start = out.count
        self.appendShortest(value, to: &out)
        guard value.isFinite else { return }
        let written = out[start...]
        if !written.contains(UInt8(ascii: ".")) && !written.contains(UInt8(ascii: "e")) {
            out.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "0")])
        }
    }
}

/// The shortest round-trip decimal digits of a finite, non-zero `Double`: value = ±0.d₁d₂…dₙ × 10^pointPosition,
/// with no leading or trailing zero digit. At most 17 digits, so they fit a `UInt64` (no allocation).
private struct ShortestDecimal {
    var isNegative = false
    /// The digits d₁d₂…dₙ as an integer.
    var digits: UInt64 = 0
    var digitCount = 0
    var pointPosition = 0

    init(_ value: Double) {
        var exponent = 0
        var exponentIsNegative = false
        var inExponent = false
        var seenPoint = false
        var position = 0
        var pendingZeros = 0
        for byte in value.description.utf8 {
            switch byte {
            case UInt8(ascii: "-") where inExponent: exponentIsNegative = true
            case UInt8(ascii: "-"): self.isNegative = true
            case UInt8(ascii: "+"): continue
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = UInt64(byte - UInt8(ascii: "0"))
                if inExponent {
                    exponent = exponent * 10 + Int(digit)
                    continue
                }
                if self.digitCount == 0 && digit == 0 {
                    // A leading zero: before the point it is the "0" of "0.005"; after it, it shifts the point.
                    if seenPoint { position -= 1 }
                    continue
                }
                if !seenPoint { position += 1 }
                if digit == 0 {
                    // Trailing zeros are dropped unless a non-zero digit follows.
                    pendingZeros += 1
                    continue
                }
                for _ in 0..<pendingZeros { self.digits *= 10 }
                self.digitCount += pendingZeros + 1
                pendingZeros = 0
                self.digits = self.digits * 10 + digit
            default:
                preconditionFailure("unexpected character in Double.description: \(value)")
            }
        }
        self.pointPosition = position + (exponentIsNegative ? -exponent : exponent)
    }
}
