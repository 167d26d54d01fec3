/// Prometheus' duration syntax (`model.ParseDuration`), used in rule files: `0`, `30s`, `5m`, `1h30m`, `1d`, `2w`,
/// `1y`, `500ms` — integer parts, units `y w d h m s ms` in that order, each at most once.
public enum PrometheusDuration {
    private static let units: [(name: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000),
        ("s", 1_000), ("ms", 1),
    ]

    /// The duration in milliseconds, or nil when `text` is not a Prometheus duration.
    public static func milliseconds(_ text: String) -> Int64? {
        try? Self.parse(text)
    }

    /// The duration in milliseconds.
    static func parse(_ text: String) throws(ValueProblem) -> Int64 {
        let hint = "use Prometheus durations such as 30s, 5m, 1h30m or 1d"
        if text == "0" { return 0 }
        guard !text.isEmpty else { throw ValueProblem("empty duration", hint: hint) }
        var scalars = Substring(text)
        var total: Int64 = 0
        var nextUnit = 0
        while !scalars.isEmpty {
            let digits = scalars.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else {
                throw ValueProblem("'\(text)' is not a duration", hint: hint)
            }
            scalars = scalars.dropFirst(digits.count)
            let letters = scalars.prefix { $0.isLetter }
            guard let index = Self.units.firstIndex(where: { $0.name == letters }) else {
                if letters.isEmpty {
                    throw ValueProblem(
                        scalars.isEmpty ? "'\(text)' has no unit" : "'\(text)' is not a duration",
                        hint: hint
                    )
                }
                throw ValueProblem("unknown unit '\(letters)' in '\(text)'", hint: hint)
            }
            guard index >= nextUnit else {
                throw ValueProblem("units in '\(text)' must go from largest to smallest, each once", hint: hint)
            }
            let (product, overflow) = number.multipliedReportingOverflow(by: Self.units[index].milliseconds)
            guard !overflow, total <= Int64.max - product else { throw ValueProblem("'\(text)' is too long") }
            total += product
            nextUnit = index + 1
            scalars = scalars.dropFirst(letters.count)
        }
        return total
    }
}
