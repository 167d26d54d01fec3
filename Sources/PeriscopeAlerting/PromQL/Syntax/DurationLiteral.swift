/// Prometheus durations (`model.ParseDuration` / `model.Duration.String`), in milliseconds.
enum DurationLiteral {
    /// The units, largest first, with their length in milliseconds.
    static let units: [(name: String, milliseconds: Int64)] = [
        ("y", 365 * 24 * 3_600_000), ("w", 7 * 24 * 3_600_000), ("d", 24 * 3_600_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1000), ("ms", 1),
    ]

    /// `model.ParseDuration`: `[0-9]+` followed by a unit, units in decreasing order and each at
    /// most once (`1h30m`, `500ms`, `1y2w`); `"0"` alone is allowed. The result must fit Go's
    /// `time.Duration` (about 292 years).
    static func parse(_ text: String) -> Result<Int64, DurationLiteralError> {
        if text == "0" { return .success(0) }
        if text.isEmpty { return .failure(DurationLiteralError(message: "empty duration string")) }
        let invalid = DurationLiteralError(message: "not a valid duration string: \(GoQuote.quote(text))")
        let bytes = Array(text.utf8)
        var index = 0
        var nextUnit = 0
        var total: Int64 = 0
        var overflow = false
        while index < bytes.count {
            var number: Int64 = 0
            let digitsStart = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (product, overflow1) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = product.addingReportingOverflow(Int64(bytes[index] - UInt8(ascii: "0")))
                if overflow1 || overflow2 { overflow = true }
                number = sum
                index += 1
            }
            guard index > digitsStart, index < bytes.count else { return .failure(invalid) }
            var unitName = String(UnicodeScalar(bytes[index]))
            if bytes[index] == UInt8(ascii: "m"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "s") {
                unitName = "ms"
            }
            index += unitName.utf8.count
            guard let unit = units.indices.first(where: { units[$0].name == unitName }), unit >= nextUnit else {
                return .failure(invalid)
            }
            nextUnit = unit + 1
            let (part, overflow3) = number.multipliedReportingOverflow(by: units[unit].milliseconds)
            let (sum, overflow4) = total.addingReportingOverflow(part)
            if overflow3 || overflow4 { overflow = true }
            total = sum
        }
        // Go keeps durations in nanoseconds.
        if overflow || total > Int64.max / 1_000_000 {
            return .failure(DurationLiteralError(message: "duration out of range"))
        }
        return .success(total)
    }

    /// `model.Duration.String`: the largest units first, years and weeks only when they divide the
    /// duration exactly (`1h30m`, `1m30s`, `1w`, `8d`); `0s` for zero; a leading `-` when negative.
    static func format(_ milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var rest = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        for (name, length) in units {
            let length = UInt64(length)
            if (name == "y" || name == "w") && rest % length != 0 { continue }
            let count = rest / length
            if count > 0 {
                out += "\(count)\(name)"
                rest -= count * length
            }
        }
        return out
    }
}

/// Why a duration does not parse, worded as Prometheus words it.
struct DurationLiteralError: Error, Sendable {
    var message: String
}

extension PromQL {
    /// Parses a Prometheus duration such as `5m`, `1h30m` or `500ms` (units `ms s m h d w y`, largest
    /// first, each at most once; `0` alone is allowed), as rule files and promtool test files write
    /// them, into milliseconds.
    public static func parseDuration(_ text: String) throws(PromQLParseError) -> Int64 {
        switch DurationLiteral.parse(text) {
        case .success(let milliseconds): return milliseconds
        case .failure(let error): throw PromQLParseError(message: error.message, offset: 0, in: text)
        }
    }

    /// Formats milliseconds as Prometheus prints durations: `1h30m`, `1m30s`, `1w`, `8d`, `0s`.
    public static func formatDuration(_ milliseconds: Int64) -> String {
        DurationLiteral.format(milliseconds)
    }
}
