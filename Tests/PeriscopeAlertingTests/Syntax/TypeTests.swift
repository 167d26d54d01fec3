import Testing

@testable import PeriscopeAlerting

/// Static types and the function table.
@Suite struct TypeTests {
    static let types: [(String, PromQLType)] = [
        ("1", .scalar), ("-1", .scalar), ("\"a\"", .string), ("x", .vector), ("x[5m]", .matrix), ("x[5m:]", .matrix),
        ("rate(x[5m])", .vector), ("time()", .scalar), ("pi()", .scalar), ("scalar(x)", .scalar),
        ("vector(1)", .vector),
        ("sum(x)", .vector), ("1 + 2", .scalar), ("1 + x", .vector), ("x + 1", .vector), ("x + y", .vector),
        ("1 > bool 2", .scalar), ("-x", .vector), ("-time()", .scalar), ("(1)", .scalar), ("(x[5m])", .matrix),
        ("((\"s\"))", .string), ("x and y", .vector), ("-(1 + 2) * 3", .scalar), ("count_values(\"v\", x)", .vector),
        ("time() > bool scalar(x)", .scalar), ("x offset 5m", .vector), ("x @ start()", .vector),
    ]

    @Test(arguments: types)
    func valueType(_ input: String, _ type: PromQLType) throws {
        #expect(try PromQL.parse(input).valueType == type)
    }

    @Test func documentedNames() {
        #expect(PromQLType.scalar.documentedName == "scalar")
        #expect(PromQLType.vector.documentedName == "instant vector")
        #expect(PromQLType.matrix.documentedName == "range vector")
        #expect(PromQLType.string.documentedName == "string")
    }

    @Test func everyFunctionListedForPeriscopeIsKnown() {
        let listed = [
            "rate", "irate", "increase", "delta", "idelta", "resets", "changes", "deriv", "predict_linear",
            "avg_over_time",
            "sum_over_time", "min_over_time", "max_over_time", "count_over_time", "last_over_time",
            "quantile_over_time",
            "stddev_over_time", "stdvar_over_time", "present_over_time", "absent", "absent_over_time",
            "histogram_quantile", "clamp", "clamp_min", "clamp_max", "abs", "ceil", "floor", "round", "exp", "ln",
            "log2",
            "log10", "sqrt", "sgn", "scalar", "vector", "time", "timestamp", "label_replace", "label_join", "sort",
            "sort_desc", "minute", "hour", "day_of_week", "day_of_month", "days_in_month", "month", "year",
        ]
        for name in listed { #expect(PromQLFunction.named(name) != nil, "\(name)") }
        #expect(PromQLFunction.named("sort_by_label") == nil)
        #expect(PromQLFunction.named("Rate") == nil)
    }

    @Test func signatures() throws {
        let rate = try #require(PromQLFunction.named("rate"))
        #expect(rate.argumentTypes == [.matrix])
        #expect(rate.returnType == .vector)
        #expect(rate.minimumArguments == 1 && rate.maximumArguments == 1)
        let round = try #require(PromQLFunction.named("round"))
        #expect(round.minimumArguments == 1 && round.maximumArguments == 2)
        let labelJoin = try #require(PromQLFunction.named("label_join"))
        #expect(labelJoin.minimumArguments == 3 && labelJoin.maximumArguments == nil)
        #expect(labelJoin.argumentType(at: 9) == .string)
        let year = try #require(PromQLFunction.named("year"))
        #expect(year.minimumArguments == 0 && year.maximumArguments == 1)
        #expect(PromQLFunction.named("time")?.returnType == .scalar)
        #expect(PromQLFunction.named("scalar")?.returnType == .scalar)
        #expect(PromQLFunction.named("quantile_over_time")?.argumentTypes == [.scalar, .matrix])
        #expect(PromQLFunction.named("histogram_quantile")?.argumentTypes == [.scalar, .vector])
        #expect(PromQLFunction.named("label_replace")?.argumentTypes == [.vector, .string, .string, .string, .string])
        #expect(PromQLFunction.named("vector")?.argumentTypes == [.scalar])
    }

    @Test func optionalArguments() throws {
        for name in ["minute", "hour", "day_of_week", "day_of_month", "days_in_month", "month", "year"] {
            #expect(try PromQL.parse("\(name)()") == .call(function: name, args: []))
            #expect(try PromQL.parse("\(name)(x)").valueType == .vector)
        }
    }

    @Test func durationsParseLikeModelParseDuration() throws {
        #expect(try PromQL.parseDuration("0") == 0)
        #expect(try PromQL.parseDuration("0s") == 0)
        #expect(try PromQL.parseDuration("5m") == 300_000)
        #expect(try PromQL.parseDuration("1h30m") == 5_400_000)
        #expect(try PromQL.parseDuration("500ms") == 500)
        #expect(try PromQL.parseDuration("1y1w1d1h1m1s1ms") == 31_536_000_000 + 604_800_000 + 90_061_001)
        #expect(throws: PromQLParseError.self) { try PromQL.parseDuration("") }
        #expect(throws: PromQLParseError.self) { try PromQL.parseDuration("1m1h") }
        #expect(throws: PromQLParseError.self) { try PromQL.parseDuration("5") }
        #expect(throws: PromQLParseError.self) { try PromQL.parseDuration("1.5h") }
        #expect(throws: PromQLParseError.self) { try PromQL.parseDuration("-5m") }
        #expect(throws: PromQLParseError.self) { try PromQL.parseDuration("1000y") }
        do {
            _ = try PromQL.parseDuration("1hh")
        } catch {
            #expect(error.message == "not a valid duration string: \"1hh\"")
        }
    }
}
