/// Parses byte sizes: a plain integer (`10485760`) or an integer with a unit (`10MiB`, `512KiB`, `100KB`).
///
/// `KB`, `MB`, `GB`, `TB` are powers of 1000; `KiB`, `MiB`, `GiB`, `TiB` are powers of 1024; `B` is bytes.
/// One space between number and unit is allowed. Units are case-sensitive.
enum ByteSizeParser {
    /// Accepted units and their size in bytes.
    static let units: [(name: String, bytes: Int64)] = [
        ("B", 1),
        ("KB", 1_000),
        ("MB", 1_000_000),
        ("GB", 1_000_000_000),
        ("TB", 1_000_000_000_000),
        ("KiB", 1 << 10),
        ("MiB", 1 << 20),
        ("GiB", 1 << 30),
        ("TiB", 1 << 40),
    ]

    /// Parses `text` into a number of bytes (zero or more; callers check their own minimum).
    static func parse(_ text: String) throws(ValueProblem) -> Int64 {
        if text.hasPrefix("-") {
            throw ValueProblem("size '\(text)' must not be negative")
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        if digits.isEmpty {
            throw ValueProblem("'\(text)' is not a size", hint: "write a number of bytes or e.g. 512KiB, 10MiB, 1GiB")
        }
        guard let number = Int64(digits) else {
            throw ValueProblem("size '\(text)' is too large")
        }
        var unitName = text.dropFirst(digits.count)
        if unitName.hasPrefix(" ") {
            unitName = unitName.dropFirst()
        }
        if unitName.isEmpty {
            return number
        }
        if unitName.hasPrefix(".") {
            throw ValueProblem("size '\(text)' must be a whole number", hint: "use a smaller unit, e.g. 1536KiB")
        }
        guard let unit = Self.units.first(where: { $0.name == unitName }) else {
            throw ValueProblem(
                "unknown size unit '\(unitName)' in '\(text)'",
                hint: Suggestion.hint(for: String(unitName), validValues: Self.units.map(\.name))
            )
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: unit.bytes)
        if overflow {
            throw ValueProblem("size '\(text)' is too large")
        }
        return bytes
    }
}
