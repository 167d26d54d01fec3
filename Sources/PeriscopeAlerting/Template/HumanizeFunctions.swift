/// Prometheus 2.42's number-formatting template functions: `humanize`, `humanize1024`,
/// `humanizeDuration`, `humanizePercentage`, `humanizeTimestamp` and `toTime`. Each accepts a
/// float, an int or a numeric string.
enum PrometheusHumanize {
    /// Prometheus' `convertToFloat`.
    static func toFloat(_ value: TemplateValue) throws(TemplateFunctionError) -> Double {
        switch value {
        case .float(let number): return number
        case .int(let number): return Double(number)
        case .string(let text):
            switch GoStrconv.parseFloat(text) {
            case .success(let number): return number
            case .failure(.syntax):
                throw TemplateFunctionError("strconv.ParseFloat: parsing \(GoStrconv.quote(text)): invalid syntax")
            case .failure(.range):
                throw TemplateFunctionError("strconv.ParseFloat: parsing \(GoStrconv.quote(text)): value out of range")
            }
        default:
            throw TemplateFunctionError("can't convert \(value.typeName ?? "<nil>") to float")
        }
    }

    /// `fmt.Sprintf("%.4g", v)`.
    static func fourDigits(_ value: Double) -> String {
        GoFmt.sprintf("%.4g", [.float(value)])
    }

    /// Go's `int64(v)` on amd64: truncation, and the "integer indefinite" value when out of range.
    static func truncatingInt64(_ value: Double) -> Int64 {
        guard !value.isNaN, value < 9.223_372_036_854_775_807e18, value >= -9.223_372_036_854_775_808e18 else {
            return Int64.min
        }
        return Int64(value)
    }

    private static let largePrefixes = ["k", "M", "G", "T", "P", "E", "Z", "Y"]
    private static let smallPrefixes = ["m", "u", "n", "p", "f", "a", "z", "y"]
    private static let binaryPrefixes = ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]

    /// Scales `value` by `factor` while `keepGoing` holds, returning the scaled value and the
    /// last prefix applied.
    private static func scale(
        _ value: Double,
        prefixes: [String],
        keepGoing: (Double) -> Bool,
        step: (Double) -> Double
    ) -> (Double, String) {
        var value = value
        var prefix = ""
        for candidate in prefixes {
            if !keepGoing(value) { break }
            prefix = candidate
            value = step(value)
        }
        return (value, prefix)
    }

    static func humanize(_ input: TemplateValue) throws(TemplateFunctionError) -> String {
        let value = try toFloat(input)
        if value == 0 || value.isNaN || value.isInfinite { return fourDigits(value) }
        if abs(value) >= 1 {
            let (scaled, prefix) = scale(
                value, prefixes: largePrefixes, keepGoing: { abs($0) >= 1000 }, step: { $0 / 1000 })
            return fourDigits(scaled) + prefix
        }
        let (scaled, prefix) = scale(value, prefixes: smallPrefixes, keepGoing: { abs($0) < 1 }, step: { $0 * 1000 })
        return fourDigits(scaled) + prefix
    }

    static func humanize1024(_ input: TemplateValue) throws(TemplateFunctionError) -> String {
        let value = try toFloat(input)
        if abs(value) <= 1 || value.isNaN || value.isInfinite { return fourDigits(value) }
        let (scaled, prefix) = scale(
            value, prefixes: binaryPrefixes, keepGoing: { abs($0) >= 1024 }, step: { $0 / 1024 })
        return fourDigits(scaled) + prefix
    }

    static func humanizeDuration(_ input: TemplateValue) throws(TemplateFunctionError) -> String {
        var value = try toFloat(input)
        if value.isNaN || value.isInfinite { return fourDigits(value) }
        if value == 0 { return fourDigits(value) + "s" }
        if abs(value) >= 1 {
            var sign = ""
            if value < 0 {
                sign = "-"
                value = -value
            }
            let duration = truncatingInt64(value)
            let seconds = duration % 60
            let minutes = (duration / 60) % 60
            let hours = (duration / 60 / 60) % 24
            let days = duration / 60 / 60 / 24
            if days != 0 { return "\(sign)\(days)d \(hours)h \(minutes)m \(seconds)s" }
            if hours != 0 { return "\(sign)\(hours)h \(minutes)m \(seconds)s" }
            if minutes != 0 { return "\(sign)\(minutes)m \(seconds)s" }
            return sign + fourDigits(value) + "s"
        }
        let (scaled, prefix) = scale(value, prefixes: smallPrefixes, keepGoing: { abs($0) < 1 }, step: { $0 * 1000 })
        return fourDigits(scaled) + prefix + "s"
    }

    static func humanizePercentage(_ input: TemplateValue) throws(TemplateFunctionError) -> String {
        fourDigits(try toFloat(input) * 100) + "%"
    }

    /// Prometheus' `floatToTime`: nil for NaN and ±Inf, an error when the nanoseconds overflow.
    private static func time(_ value: Double) throws(TemplateFunctionError) -> GoTime? {
        if value.isNaN || value.isInfinite { return nil }
        let nanoseconds = value * 1e9
        if nanoseconds > 9.223_372_036_854_775_807e18 || nanoseconds < -9.223_372_036_854_775_808e18 {
            throw TemplateFunctionError(
                "\(GoFloat.format(value, .g)) cannot be represented as a nanoseconds timestamp since it overflows int64"
            )
        }
        return GoTime(milliseconds: truncatingInt64(nanoseconds) / 1_000_000)
    }

    static func humanizeTimestamp(_ input: TemplateValue) throws(TemplateFunctionError) -> String {
        let value = try toFloat(input)
        guard let time = try time(value) else { return fourDigits(value) }
        return time.description
    }

    static func toTime(_ input: TemplateValue) throws(TemplateFunctionError) -> TemplateValue {
        guard let time = try time(try toFloat(input)) else { throw TemplateFunctionError("value is NaN or Inf") }
        return .time(time)
    }
}
