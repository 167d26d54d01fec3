import Foundation

/// Float operations whose results must match Go's `math` package bit for bit, because Prometheus computes with it.
///
/// Where Go defines a function through simpler steps (`Pow` by repeated squaring of the mantissa, `Log2` and `Log10`
/// through `Log`, `Max`/`Min` with NaN and signed zeros), the same steps are taken here. The elementary functions
/// themselves (`exp`, `log`, trigonometry) come from the C library, whose results differ from Go's own
/// implementations in the last bit for a few percent of inputs (up to a third for trigonometry).
enum GoMath {
    /// Go's `math.Frexp`: `x = fraction × 2^exponent` with `|fraction|` in [0.5, 1); zero, infinities and NaN
    /// return themselves with exponent 0.
    static func frexp(_ x: Double) -> (fraction: Double, exponent: Int) {
        if x == 0 || !x.isFinite { return (x, 0) }
        return (Double(sign: x.sign, exponent: -1, significand: x.significand), Int(x.exponent) + 1)
    }

    /// Go's `math.Ldexp`: `fraction × 2^exponent`, rounded once.
    static func ldexp(_ fraction: Double, _ exponent: Int) -> Double {
        Foundation.scalbn(fraction, exponent)
    }

    /// Go's `math.Max`: +Inf wins over NaN, NaN otherwise propagates, `max(-0, +0)` is +0.
    static func max(_ x: Double, _ y: Double) -> Double {
        if x == .infinity || y == .infinity { return .infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && x == y { return x.sign == .minus ? y : x }
        return x > y ? x : y
    }

    /// Go's `math.Min`: -Inf wins over NaN, NaN otherwise propagates, `min(-0, +0)` is -0.
    static func min(_ x: Double, _ y: Double) -> Double {
        if x == -.infinity || y == -.infinity { return -.infinity }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 && x == y { return x.sign == .minus ? x : y }
        return x < y ? x : y
    }

    /// Go's `math.Log2`: exact for powers of two, otherwise `log(frac)/ln 2 + exp`.
    static func log2(_ x: Double) -> Double {
        let (fraction, exponent) = frexp(x)
        if fraction == 0.5 { return Double(exponent - 1) }
        return Foundation.log(fraction) * inverseLn2 + Double(exponent)
    }

    /// Go's `math.Log10`: `log(x) × (1 / ln 10)`.
    static func log10(_ x: Double) -> Double {
        Foundation.log(x) * inverseLn10
    }

    /// Go's `math.Mod` (exact, the sign of `x`), identical to C's `fmod`.
    static func mod(_ x: Double, _ y: Double) -> Double {
        Foundation.fmod(x, y)
    }

    private static let inverseLn2 = 1.442_695_040_888_963_407_359_924_681_001_892_137_426_645_954_152_985_934_135
    private static let inverseLn10 = 0.434_294_481_903_251_827_651_128_918_916_605_082_294_397_005_803_666_566_114

    /// Go's `math.Pow`. Integral parts of the exponent are applied by repeated squaring of the mantissa (so
    /// `1.1^3` is `1.1 × (1.1 × 1.1)` rounded twice, not the correctly rounded power), a fractional part through
    /// `exp(y·log x)`.
    static func pow(_ x: Double, _ y: Double) -> Double {
        if y == 0 || x == 1 { return 1 }
        if y == 1 { return x }
        if x.isNaN || y.isNaN { return .nan }
        if x == 0 {
            if y < 0 {
                return x.sign == .minus && isOddInteger(y) ? -.infinity : .infinity
            }
            return x.sign == .minus && isOddInteger(y) ? x : 0
        }
        if y.isInfinite {
            if x == -1 { return 1 }
            return (x.magnitude < 1) == (y > 0) ? 0 : .infinity
        }
        if x.isInfinite {
            if x < 0 { return pow(1 / x, -y) }
            return y < 0 ? 0 : .infinity
        }
        if y == 0.5 { return x.squareRoot() }
        if y == -0.5 { return 1 / x.squareRoot() }

        let absY = y.magnitude
        var integral = absY.rounded(.towardZero)
        var fractional = absY - integral
        if fractional != 0 && x < 0 { return .nan }
        if integral >= 9_223_372_036_854_775_808 {
            if x == -1 { return 1 }
            return (x.magnitude < 1) == (y > 0) ? 0 : .infinity
        }

        var accumulator = 1.0
        var accumulatedExponent = 0
        if fractional != 0 {
            if fractional > 0.5 {
                fractional -= 1
                integral += 1
            }
            accumulator = Foundation.exp(fractional * Foundation.log(x))
        }

        var (mantissa, exponent) = frexp(x)
        var bits = Int64(integral)
        while bits != 0 {
            if exponent < -(1 << 12) || (1 << 12) < exponent {
                accumulatedExponent += exponent
                break
            }
            if bits & 1 == 1 {
                accumulator *= mantissa
                accumulatedExponent += exponent
            }
            mantissa *= mantissa
            exponent <<= 1
            if mantissa < 0.5 {
                mantissa += mantissa
                exponent -= 1
            }
            bits >>= 1
        }

        if y < 0 {
            accumulator = 1 / accumulator
            accumulatedExponent = -accumulatedExponent
        }
        return ldexp(accumulator, accumulatedExponent)
    }

    private static func isOddInteger(_ x: Double) -> Bool {
        if x.magnitude >= 9_007_199_254_740_992 { return false }
        let integral = x.rounded(.towardZero)
        return integral == x && Int64(integral) & 1 == 1
    }

    /// Go's `time.Duration.Seconds()` for a millisecond duration.
    static func seconds(milliseconds: Int64) -> Double {
        let nanoseconds = milliseconds.multipliedReportingOverflow(by: 1_000_000)
        if nanoseconds.overflow { return Double(milliseconds) / 1000 }
        let whole = nanoseconds.partialValue / 1_000_000_000
        let rest = nanoseconds.partialValue % 1_000_000_000
        return Double(whole) + Double(rest) / 1e9
    }

    /// Go's `strconv.ParseFloat(s, 64)` accepting exactly what Go accepts (decimal and hexadecimal forms, `Inf`,
    /// `Infinity`, `NaN` in any case with an optional sign); out-of-range values are errors, as in Go.
    static func parseFloat(_ text: String) -> Double? {
        guard !text.isEmpty else { return nil }
        var body = Substring(text)
        var negative = false
        if body.first == "+" || body.first == "-" {
            negative = body.first == "-"
            body = body.dropFirst()
        }
        let lowered = body.lowercased()
        if lowered == "inf" || lowered == "infinity" { return negative ? -.infinity : .infinity }
        if lowered == "nan" { return text.first == "+" || text.first == "-" ? nil : .nan }
        let isHex = lowered.hasPrefix("0x")
        let allowed = isHex ? "0123456789abcdefx.p+-_" : "0123456789.e+-_"
        guard lowered.allSatisfy({ allowed.contains($0) }) else { return nil }
        if isHex && !lowered.contains("p") { return nil }
        var digits = lowered
        if digits.contains("_") {
            // Go allows underscores only between digits of a prefixed (hexadecimal) literal.
            guard isHex else { return nil }
            digits.removeAll { $0 == "_" }
        }
        guard let value = Double(digits) else { return nil }
        if value.isInfinite { return nil }
        return negative ? -value : value
    }
}
