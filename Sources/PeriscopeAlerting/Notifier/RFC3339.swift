/// RFC 3339 text of millisecond Unix timestamps, in UTC.
enum RFC3339 {
    /// `2006-01-02T15:04:05.000Z` (go-openapi's `strfmt.DateTime`, which Prometheus sends to Alertmanager).
    static func milliseconds(_ t: Timestamp) -> String {
        Self.format(t, fraction: Self.padded(Int((t % 1000 + 1000) % 1000), 3))
    }

    /// `2006-01-02T15:04:05.123Z` with Go's RFC3339Nano trailing-zero trimming (`…05Z` for whole seconds), as
    /// the Prometheus HTTP API writes `activeAt` and `lastEvaluation`.
    static func nano(_ t: Timestamp) -> String {
        var fraction = Self.padded(Int((t % 1000 + 1000) % 1000), 3)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return Self.format(t, fraction: fraction)
    }

    private static func format(_ t: Timestamp, fraction: String) -> String {
        let seconds = t >= 0 ? t / 1000 : (t - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        var text = "\(Self.padded(Int(year), 4))-\(Self.padded(month, 2))-\(Self.padded(day, 2))T"
        text += "\(Self.padded(Int(secondOfDay / 3600), 2)):\(Self.padded(Int(secondOfDay % 3600 / 60), 2)):"
        text += Self.padded(Int(secondOfDay % 60), 2)
        if !fraction.isEmpty { text += "." + fraction }
        return text + "Z"
    }

    /// Year, month and day of a day count since 1970-01-01 (proleptic Gregorian; Howard Hinnant's algorithm).
    private static func civil(fromDays days: Int64) -> (Int64, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthPrime = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthPrime + 2) / 5 + 1)
        let month = Int(monthPrime < 10 ? monthPrime + 3 : monthPrime - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// Minimal JSON writing for the notifier and the API (strings escaped per RFC 8259).
enum JSONText {
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// `{"a":"1","b":"2"}` in label order.
    static func object(_ labels: Labels) -> String {
        "{" + labels.items.map { "\(Self.string($0.name)):\(Self.string($0.value))" }.joined(separator: ",") + "}"
    }
}
