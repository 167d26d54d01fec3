/// `year()`, `month()`, `day_of_month()`, ... over Unix seconds in UTC, as Go's `time` package computes them.
enum DateFunctions {
    static let names: Set<String> = [
        "year", "month", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute",
    ]

    /// The function `name` of the instant `seconds` (Unix seconds, UTC).
    static func value(_ name: String, unixSeconds seconds: Int64) -> Double {
        // Go adds a fixed offset in wrapping 64-bit arithmetic to reach its "absolute" calendar origin; doing the
        // same makes out-of-range inputs (Go converts NaN and huge floats to Int64.min) land on the same dates.
        let absolute = UInt64(bitPattern: seconds &+ 9_223_372_028_715_321_600)
        let days = Int64(absolute / 86_400) - 106_751_991_073_094
        let secondOfDay = Int64(absolute % 86_400)
        let (year, month, day) = civil(fromDays: days)
        switch name {
        case "year": return Double(year)
        case "month": return Double(month)
        case "day_of_month": return Double(day)
        case "day_of_week":
            let weekday = (days + 4) % 7
            return Double(weekday < 0 ? weekday + 7 : weekday)
        case "day_of_year": return Double(days - Self.days(fromCivil: year, 1, 1) + 1)
        case "days_in_month":
            let nextMonth =
                month == 12 ? Self.days(fromCivil: year + 1, 1, 1) : Self.days(fromCivil: year, month + 1, 1)
            return Double(nextMonth - Self.days(fromCivil: year, month, 1))
        case "hour": return Double(secondOfDay / 3600)
        case "minute": return Double(secondOfDay % 3600 / 60)
        default: return .nan
        }
    }

    /// Go's `int64(f)` on amd64: truncation, and Int64.min for NaN and out-of-range values.
    static func goInt64(_ value: Double) -> Int64 {
        guard value.isFinite, value > -9.223_372_036_854_775_808e18, value < 9.223_372_036_854_775_808e18 else {
            return Int64.min
        }
        return Int64(value.rounded(.towardZero))
    }

    /// The proleptic Gregorian date `days` days after 1970-01-01.
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days from 1970-01-01 to the proleptic Gregorian date.
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

extension Evaluator {
    /// A date function: of the evaluation time without arguments, else of each element's value; drops the name.
    func evaluateDateFunction(_ name: String, _ args: [Expr], at ts: Timestamp) throws(PromQLEvaluationError)
        -> [VectorElement]
    {
        if args.isEmpty {
            return [VectorElement(labels: Labels(), t: ts, v: DateFunctions.value(name, unixSeconds: ts / 1000))]
        }
        try EngineHelpers.checkArity(name, args, 1)
        return try self.mapValues(args[0], at: ts, dropName: true) {
            DateFunctions.value(name, unixSeconds: DateFunctions.goInt64($0))
        }
    }
}
