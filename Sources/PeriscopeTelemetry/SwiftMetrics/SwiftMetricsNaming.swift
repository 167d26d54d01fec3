/// How swift-metrics labels and dimension keys become Prometheus metric and label names.
///
/// swift-metrics labels are free-form (`"http.client.requests"`, `"dbQueryTime"`); Prometheus names are
/// `[a-zA-Z_:][a-zA-Z0-9_:]*`, snake_case by convention (`promtool check metrics` warns on camelCase and on
/// colons). Every name is rewritten the same way:
///
/// 1. camelCase word boundaries get an underscore (`dbQueryTime` → `db_Query_Time`, `HTTPRequests` →
///    `HTTP_Requests`), then everything is lowercased;
/// 2. every character outside `[a-z0-9_]` (dots, dashes, spaces, colons, non-ASCII) becomes `_`;
/// 3. runs of underscores collapse to one, and leading and trailing underscores are dropped (so the reserved
///    `__` prefix cannot appear);
/// 4. an empty result becomes `unnamed` (metrics) or `label` (labels); a result starting with a digit gets a
///    `_` (metrics) or `label_` (labels) prefix.
enum SwiftMetricsNaming {
    /// Unit suffixes a timer's name may already carry; they are replaced by `_seconds`, the unit the timer's
    /// histogram records in.
    static let timeUnitSuffixes = [
        "_seconds", "_nanoseconds", "_microseconds", "_milliseconds", "_nanos", "_micros", "_millis", "_secs",
        "_sec", "_ns", "_us", "_ms",
    ]

    /// The counter family name for `label`: sanitized, `_total` appended unless already there.
    static func counterName(_ label: String) -> String {
        let name = self.metricName(label)
        return name.hasSuffix("_total") && name.count > "_total".count ? name : name + "_total"
    }

    /// The timer histogram name for `label`: sanitized, with its time unit (if any) replaced by `_seconds`.
    static func timerName(_ label: String) -> String {
        var name = self.metricName(label)
        if let suffix = self.timeUnitSuffixes.first(where: { name.hasSuffix($0) && name.count > $0.count }) {
            name.removeLast(suffix.count)
        }
        return name + "_seconds"
    }

    /// `label` as a Prometheus metric name (see the type's rules).
    static func metricName(_ label: String) -> String {
        let name = self.snakeCase(label)
        guard let first = name.utf8.first else { return "unnamed" }
        return self.isDigit(first) ? "_" + name : name
    }

    /// `key` as a Prometheus label name (see the type's rules). Histograms cannot use `le`: it becomes `le_`.
    static func labelName(_ key: String, forHistogram: Bool) -> String {
        let name = self.snakeCase(key)
        guard let first = name.utf8.first else { return "label" }
        if self.isDigit(first) { return "label_" + name }
        return forHistogram && name == "le" ? "le_" : name
    }

    /// The label names (sorted) and their values for `dimensions`. When two keys sanitize to the same name, the
    /// first in `dimensions` wins and the later ones are dropped.
    static func labels(
        _ dimensions: [(String, String)],
        forHistogram: Bool
    ) -> (names: [String], values: [String]) {
        var valueByName: [String: String] = [:]
        for (key, value) in dimensions {
            let name = self.labelName(key, forHistogram: forHistogram)
            if valueByName[name] == nil {
                valueByName[name] = value
            }
        }
        let names = valueByName.keys.sorted()
        return (names, names.map { valueByName[$0]! })
    }

    /// Steps 1–3 of the type's rules.
    private static func snakeCase(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out: [UInt8] = []
        out.reserveCapacity(scalars.count + 4)
        /// Appends `_` unless the output is empty or already ends with one.
        func separator() {
            if let last = out.last, last != UInt8(ascii: "_") {
                out.append(UInt8(ascii: "_"))
            }
        }
        for (index, scalar) in scalars.enumerated() {
            guard scalar.isASCII else {
                separator()
                continue
            }
            let byte = UInt8(scalar.value)
            if self.isUpper(byte) {
                let previous = index > 0 ? scalars[index - 1] : nil
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                // A word starts after a lowercase letter or digit (`dbQuery`), or at the last capital of an
                // acronym followed by a lowercase letter (`HTTPRequests`).
                let afterLowerOrDigit = previous.map { self.isLowerOrDigit($0) } ?? false
                let endsAcronym =
                    (previous.map { self.isUpper($0) } ?? false) && (next.map { self.isLower($0) } ?? false)
                if afterLowerOrDigit || endsAcronym { separator() }
                out.append(byte + (UInt8(ascii: "a") - UInt8(ascii: "A")))
            } else if self.isLower(byte) || self.isDigit(byte) {
                out.append(byte)
            } else {
                separator()
            }
        }
        if out.last == UInt8(ascii: "_") {
            out.removeLast()
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isLower(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")
    }

    private static func isUpper(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")
    }

    private static func isLower(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && self.isLower(UInt8(scalar.value))
    }

    private static func isUpper(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && self.isUpper(UInt8(scalar.value))
    }

    private static func isLowerOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (self.isLower(UInt8(scalar.value)) || self.isDigit(UInt8(scalar.value)))
    }
}
