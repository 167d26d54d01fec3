/// Parses durations written like `250ms`, `10s`, `1m30s`, `0.5s` or `500us`.
///
/// A duration is one or more `<number><unit>` parts, largest unit first, each unit at most once.
/// Numbers are decimal and may have a fraction. Units: `h`, `m`, `s`, `ms`, `us` (or `µs`), `ns`.
/// The result must be greater than zero; precision is one nanosecond (finer fractions are cut off).
enum DurationParser {
    /// Accepted units, largest first, with their length in nanoseconds.
    static let units: [(name: String, nanoseconds: Int64)] = [
        ("h", 3_600_000_000_000),
        ("m", 60_000_000_000),
        ("s", 1_000_000_000),
        ("ms", 1_000_000),
        ("us", 1_000),
        ("µs", 1_000),
        ("ns", 1),
    ]

    private static let unitHint = "add a unit, e.g. 250ms or 10s"
    private static let unitList = "units are h, m, s, ms, us and ns"

    /// Parses `text` into a positive `Duration`.
    static func parse(_ text: String) throws(ValueProblem) -> Duration {
        let scalars = Array(text.unicodeScalars)
        if scalars.isEmpty {
            throw ValueProblem("empty duration", hint: Self.unitHint)
        }
        if scalars.first == "-" {
            throw ValueProblem("duration '\(text)' must be greater than 0")
        }
        var position = 0
        var total: Int64 = 0
        var previousRank = -1
        while position < scalars.count {
            let integerStart = position
            while position < scalars.count, Self.isDigit(scalars[position]) { position += 1 }
            let integerDigits = String(String.UnicodeScalarView(scalars[integerStart..<position]))
            var fractionDigits = ""
            if position < scalars.count, scalars[position] == "." {
                position += 1
                let fractionStart = position
                while position < scalars.count, Self.isDigit(scalars[position]) { position += 1 }
                fractionDigits = String(String.UnicodeScalarView(scalars[fractionStart..<position]))
                if fractionDigits.isEmpty {
                    throw ValueProblem("'\(text)' is not a valid duration", hint: Self.unitHint)
                }
            }
            if integerDigits.isEmpty {
                throw ValueProblem("'\(text)' is not a valid duration", hint: Self.unitHint)
            }
            let unitStart = position
            while position < scalars.count, !Self.isDigit(scalars[position]), scalars[position] != "." {
                position += 1
            }
            let unitName = String(String.UnicodeScalarView(scalars[unitStart..<position]))
            if unitName.isEmpty {
                if integerStart == 0 {
                    throw ValueProblem("duration '\(text)' has no unit", hint: Self.unitHint)
                }
                throw ValueProblem("'\(text)' is missing a unit at the end", hint: Self.unitHint)
            }
            guard let rank = Self.units.firstIndex(where: { $0.name == unitName }) else {
                throw ValueProblem("unknown duration unit '\(unitName)' in '\(text)'", hint: Self.unitList)
            }
            // `us` and `µs` share a rank.
            let effectiveRank = Self.units[rank].name == "µs" ? rank - 1 : rank
            if effectiveRank <= previousRank {
                throw ValueProblem(
                    "units in duration '\(text)' must go from largest to smallest, each once",
                    hint: "write e.g. 1m30s"
                )
            }
            previousRank = effectiveRank
            let part = try Self.nanoseconds(
                integer: integerDigits,
                fraction: fractionDigits,
                unit: Self.units[rank].nanoseconds,
                text: text
            )
            let (sum, overflow) = total.addingReportingOverflow(part)
            if overflow {
                throw ValueProblem("duration '\(text)' is too large")
            }
            total = sum
        }
        if total <= 0 {
            throw ValueProblem("duration '\(text)' must be greater than 0")
        }
        return .nanoseconds(total)
    }

    private static func nanoseconds(
        integer: String,
        fraction: String,
        unit: Int64,
        text: String
    ) throws(ValueProblem) -> Int64 {
        guard let whole = Int64(integer) else {
            throw ValueProblem("duration '\(text)' is too large")
        }
        let (wholePart, overflow) = whole.multipliedReportingOverflow(by: unit)
        if overflow {
            throw ValueProblem("duration '\(text)' is too large")
        }
        // Twelve fraction digits reach below a nanosecond even for hours; anything finer is dropped anyway.
        let digits = fraction.prefix(12)
        guard !digits.isEmpty, let numerator = Int64(digits) else {
            return wholePart
        }
        var scale: Int64 = 1
        for _ in 0..<digits.count { scale *= 10 }
        let product = numerator.multipliedFullWidth(by: unit)
        let fractionPart = scale.dividingFullWidth(product).quotient
        let (sum, sumOverflow) = wholePart.addingReportingOverflow(fractionPart)
        if sumOverflow {
            throw ValueProblem("duration '\(text)' is too large")
        }
        return sum
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar >= "0" && scalar <= "9"
    }
}
