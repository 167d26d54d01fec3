/// A UTC instant as Go's `time.Time` prints it, for `toTime` and `humanizeTimestamp`.
struct GoTime: Sendable, Equatable {
    /// Seconds since the Unix epoch.
    var seconds: Int64
    /// Nanoseconds within the second, 0..<1e9.
    var nanoseconds: Int64

    /// The instant `milliseconds` after the epoch (Prometheus' `model.Time`).
    init(milliseconds: Int64) {
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        if remainder < 0 {
            seconds = quotient - 1
            nanoseconds = (remainder + 1000) * 1_000_000
        } else {
            seconds = quotient
            nanoseconds = remainder * 1_000_000
        }
    }

    /// Calendar fields (proleptic Gregorian, UTC).
    var civil: (year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64) {
        let days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400)
        let secondOfDay = seconds - days * 86400
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day, secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60)
    }

    /// Go's `Time.String()`: `2006-01-02 15:04:05.999999999 +0000 UTC`.
    var description: String {
        let fields = civil
        var out = fields.year < 0 ? "-" + pad(-fields.year, 4) : pad(fields.year, 4)
        out += "-" + pad(fields.month, 2) + "-" + pad(fields.day, 2)
        out += " " + pad(fields.hour, 2) + ":" + pad(fields.minute, 2) + ":" + pad(fields.second, 2)
        if nanoseconds != 0 {
            var fraction = pad(nanoseconds, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            out += "." + fraction
        }
        return out + " +0000 UTC"
    }

    private func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
