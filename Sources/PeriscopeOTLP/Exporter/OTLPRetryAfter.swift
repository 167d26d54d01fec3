#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `Retry-After` response header (RFC 9110 §10.2.3): a number of seconds, or an HTTP-date.
enum OTLPRetryAfter {
    /// The wait `value` asks for: delta-seconds as they are; an HTTP-date minus `nowSeconds` (Unix seconds),
    /// at least zero. `nil` if `value` is neither.
    ///
    /// HTTP-dates are accepted in the three forms RFC 9110 requires recipients to read: IMF-fixdate
    /// (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime
    /// (`Sun Nov  6 08:49:37 1994`).
    static func parse(_ value: String, nowSeconds: Int64 = Self.wallClockSeconds()) -> Duration? {
        let text = OTLPExporterText.trimmed(value)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // A huge number means "much later": cap it rather than fail (the retry policy gives up anyway).
            guard let seconds = Int64(text), seconds <= 1_000_000_000 else { return .seconds(1_000_000_000) }
            return .seconds(seconds)
        }
        guard let date = Self.httpDate(text) else { return nil }
        return .seconds(max(0, date - nowSeconds))
    }

    /// Unix seconds of an HTTP-date, or `nil`.
    static func httpDate(_ text: String) -> Int64? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map(String.init)
        let day: Int
        let month: Int
        let year: Int
        let time: String
        if tokens.count == 6, tokens[5] == "GMT" {
            // IMF-fixdate or RFC 850.
            guard let d = Int(tokens[1]), let m = Self.month(tokens[2]), let y = Int(tokens[3]),
                tokens[3].count == 2 || tokens[3].count == 4
            else { return nil }
            // RFC 850's two-digit year: RFC 9110 reads one more than 50 years ahead as the past century.
            year = tokens[3].count == 4 ? y : (y < 70 ? 2000 + y : 1900 + y)
            day = d
            month = m
            time = tokens[4]
        } else if tokens.count == 5 {
            // asctime.
            guard let m = Self.month(tokens[1]), let d = Int(tokens[2]), let y = Int(tokens[4]), tokens[4].count == 4
            else { return nil }
            day = d
            month = m
            year = y
            time = tokens[3]
        } else {
            return nil
        }
        let clock = time.split(separator: ":")
        guard clock.count == 3, let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            (0..<24).contains(hour), (0..<60).contains(minute), (0...60).contains(second), (1...31).contains(day)
        else { return nil }
        let days = Self.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day))
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
    }

    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private static func month(_ name: String) -> Int? {
        Self.months.firstIndex(of: name).map { $0 + 1 }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Wall-clock Unix seconds.
    static func wallClockSeconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec)
    }
}
