import Foundation
import Testing

@testable import PeriscopeAlerting

@Suite("Instant-vector functions")
struct InstantFunctionTests {
    let fixture = EngineFixture([
        "v{i=\"1\"}": "-2.5",
        "v{i=\"2\"}": "4",
        "v{i=\"3\"}": "0.5",
        "one{job=\"x\"}": "8",
        "nan{i=\"n\"}": "NaN",
    ])

    func f(_ name: String, _ args: Expr...) -> Expr { .call(function: name, args: args) }

    @Test func elementwiseMath() throws {
        let v = PQL.sel("v")
        #expect(try fixture.vector(f("abs", v), at: 0) == ["{i=\"1\"}": 2.5, "{i=\"2\"}": 4, "{i=\"3\"}": 0.5])
        #expect(try fixture.vector(f("ceil", v), at: 0) == ["{i=\"1\"}": -2, "{i=\"2\"}": 4, "{i=\"3\"}": 1])
        #expect(try fixture.vector(f("floor", v), at: 0) == ["{i=\"1\"}": -3, "{i=\"2\"}": 4, "{i=\"3\"}": 0])
        #expect(try fixture.vector(f("sgn", v), at: 0) == ["{i=\"1\"}": -1, "{i=\"2\"}": 1, "{i=\"3\"}": 1])
        #expect(try fixture.vector(f("sqrt", PQL.sel("v", [("i", "2")])), at: 0) == ["{i=\"2\"}": 2])
        #expect(try fixture.vector(f("log2", PQL.sel("v", [("i", "2")])), at: 0) == ["{i=\"2\"}": 2])
        #expect(try fixture.vector(f("log2", PQL.sel("v", [("i", "3")])), at: 0) == ["{i=\"3\"}": -1])
        #expect(try fixture.value(f("log10", PQL.sel("one")), at: 0) == 0.9030899869919435)
        #expect(try fixture.value(f("ln", PQL.sel("one")), at: 0) == 2.0794415416798357)
        #expect(try fixture.value(f("exp", PQL.sel("v", [("i", "3")])), at: 0) == 1.6487212707001282)
        #expect(try fixture.value(f("deg", PQL.sel("v", [("i", "3")])), at: 0) == 28.64788975654116)
        #expect(try fixture.value(f("rad", PQL.sel("one")), at: 0) == 0.13962634015954636)
        #expect(try fixture.scalar(f("pi"), at: 0) == Double.pi)
        // NaN stays NaN; ln of a negative number is NaN; sqrt(-x) is NaN.
        #expect(try fixture.value(f("abs", PQL.sel("nan")), at: 0)?.isNaN == true)
        #expect(try fixture.value(f("ln", PQL.sel("v", [("i", "1")])), at: 0)?.isNaN == true)
    }

    @Test func trigonometry() throws {
        let zero = EngineFixture(["z": "0", "o": "1"])
        for (name, expected) in [
            ("sin", 0.0), ("cos", 1), ("tan", 0), ("asin", 0), ("atan", 0), ("sinh", 0), ("cosh", 1), ("tanh", 0),
            ("asinh", 0), ("atanh", 0),
        ] {
            #expect(try zero.value(f(name, PQL.sel("z")), at: 0) == expected, "\(name)")
        }
        #expect(try zero.value(f("acos", PQL.sel("o")), at: 0) == 0)
        #expect(try zero.value(f("acosh", PQL.sel("o")), at: 0) == 0)
        #expect(try zero.value(f("asin", PQL.sel("o")), at: 0) == Double.pi / 2)
        // Names are dropped.
        #expect(try zero.vector(f("cos", PQL.sel("z")), at: 0) == ["{}": 1])
    }

    @Test func clampAndRound() throws {
        let v = PQL.sel("v")
        #expect(
            try fixture.vector(f("clamp", v, PQL.num(0), PQL.num(1)), at: 0)
                == ["{i=\"1\"}": 0, "{i=\"2\"}": 1, "{i=\"3\"}": 0.5])
        // min > max gives nothing.
        #expect(try fixture.vector(f("clamp", v, PQL.num(2), PQL.num(1)), at: 0) == [:])
        #expect(
            try fixture.vector(f("clamp_min", v, PQL.num(1)), at: 0) == [
                "{i=\"1\"}": 1, "{i=\"2\"}": 4, "{i=\"3\"}": 1,
            ])
        #expect(
            try fixture.vector(f("clamp_max", v, PQL.num(1)), at: 0)
                == ["{i=\"1\"}": -2.5, "{i=\"2\"}": 1, "{i=\"3\"}": 0.5])
        // NaN propagates through clamp (Go's math.Max/Min).
        #expect(try fixture.value(f("clamp", PQL.sel("nan"), PQL.num(0), PQL.num(1)), at: 0)?.isNaN == true)
        // Ties round up: -2.5 -> -2, 0.5 -> 1.
        #expect(try fixture.vector(f("round", v), at: 0) == ["{i=\"1\"}": -2, "{i=\"2\"}": 4, "{i=\"3\"}": 1])
        #expect(
            try fixture.vector(f("round", v, PQL.num(3)), at: 0) == ["{i=\"1\"}": -3, "{i=\"2\"}": 3, "{i=\"3\"}": 0])
        // floor(v × (1/0.1) + 0.5) / (1/0.1): 1.25 -> 13/10.
        let fractions = EngineFixture(["w": "1.25"])
        #expect(try fractions.value(f("round", PQL.sel("w"), PQL.num(0.1)), at: 0) == 1.3)
    }

    @Test func scalarVectorTime() throws {
        #expect(try fixture.scalar(f("scalar", PQL.sel("one")), at: 0) == 8)
        // Not exactly one element: NaN.
        #expect(try fixture.scalar(f("scalar", PQL.sel("v")), at: 0)?.isNaN == true)
        #expect(try fixture.scalar(f("scalar", PQL.sel("missing")), at: 0)?.isNaN == true)
        #expect(try fixture.vector(f("vector", PQL.num(3)), at: 0) == ["{}": 3])
        #expect(try fixture.scalar(f("time"), at: 90_500) == 90.5)
        #expect(try fixture.vector(f("vector", f("time")), at: 120_000) == ["{}": 120])
    }

    @Test func timestampUsesSampleTimeForSelectors() throws {
        let fixture = EngineFixture(interval: 15_000, ["x{a=\"1\"}": "1 2 3"])
        // The last sample is at 30 s.
        #expect(try fixture.vector(f("timestamp", PQL.sel("x")), at: 100_000) == ["{a=\"1\"}": 30])
        #expect(try fixture.vector(f("timestamp", .paren(PQL.sel("x"))), at: 100_000) == ["{a=\"1\"}": 30])
        #expect(try fixture.vector(f("timestamp", PQL.sel("x", offset: 80_000)), at: 100_000) == ["{a=\"1\"}": 15])
        // Anything else has the evaluation time.
        #expect(
            try fixture.vector(f("timestamp", PQL.bin(.add, PQL.sel("x"), PQL.num(1))), at: 100_000) == [
                "{a=\"1\"}": 100
            ])
    }

    @Test func sortKeepsNamesAndPutsNaNLast() throws {
        let fixture = EngineFixture(["s{i=\"1\"}": "3", "s{i=\"2\"}": "NaN", "s{i=\"3\"}": "1", "s{i=\"4\"}": "2"])
        guard case .vector(let ascending) = try fixture.eval(f("sort", PQL.sel("s")), at: 0),
            case .vector(let descending) = try fixture.eval(f("sort_desc", PQL.sel("s")), at: 0)
        else {
            Issue.record("not vectors")
            return
        }
        #expect(ascending.map { $0.labels["i"] } == ["3", "4", "1", "2"])
        #expect(descending.map { $0.labels["i"] } == ["1", "4", "3", "2"])
        #expect(ascending.first?.labels.name == "s")
    }

    @Test func dateFunctions() throws {
        // 951782400 = 2000-02-29T00:00:00Z, a Tuesday.
        let fixture = EngineFixture(["d{a=\"1\"}": "951782400", "d{a=\"2\"}": "-1.5", "d{a=\"3\"}": "NaN"])
        func at(_ name: String, _ label: String) throws -> Double? {
            try fixture.vector(f(name, PQL.sel("d", [("a", label)])), at: 0)["{a=\"\(label)\"}"]
        }
        #expect(try at("year", "1") == 2000)
        #expect(try at("month", "1") == 2)
        #expect(try at("day_of_month", "1") == 29)
        #expect(try at("day_of_week", "1") == 2)
        #expect(try at("day_of_year", "1") == 60)
        #expect(try at("days_in_month", "1") == 29)
        #expect(try at("hour", "1") == 0)
        #expect(try at("minute", "1") == 0)
        // -1.5 truncates to -1: 1969-12-31T23:59:59Z, a Wednesday.
        #expect(try at("year", "2") == 1969)
        #expect(try at("day_of_year", "2") == 365)
        #expect(try at("hour", "2") == 23)
        #expect(try at("minute", "2") == 59)
        #expect(try at("day_of_week", "2") == 3)
        // NaN becomes Int64.min seconds in Go; promtool 2.42 reports these fields for it.
        #expect(try at("year", "3") == 292_277_026_596)
        #expect(try at("month", "3") == 12)
        #expect(try at("day_of_month", "3") == 4)
        #expect(try at("hour", "3") == 15)
        #expect(try at("minute", "3") == 30)
        #expect(try at("day_of_week", "3") == 0)
        #expect(try at("day_of_year", "3") == 339)
        // Without an argument: the evaluation time (1970-01-01).
        #expect(try fixture.vector(f("year"), at: 59_000) == ["{}": 1970])
        #expect(try fixture.vector(f("minute"), at: 59_000) == ["{}": 0])
        #expect(try fixture.vector(f("days_in_month"), at: 0) == ["{}": 31])
    }

    @Test func absentDerivesLabelsFromEqualityMatchers() throws {
        #expect(try fixture.vector(f("absent", PQL.sel("one")), at: 0) == [:])
        let selector = PQL.matchers(
            "nonexistent", [try LabelMatcher(.equal, "job", "x"), try LabelMatcher(.regex, "instance", "y")])
        #expect(try fixture.vector(f("absent", selector), at: 0) == ["{job=\"x\"}": 1])
        // Two matchers for one label drop it.
        let twice = PQL.matchers(
            "nonexistent", [try LabelMatcher(.equal, "job", "x"), try LabelMatcher(.equal, "job", "y")])
        #expect(try fixture.vector(f("absent", twice), at: 0) == ["{}": 1])
        // Not a selector: no labels.
        #expect(
            try fixture.vector(f("absent", PQL.agg(.sum, PQL.sel("nonexistent", [("job", "x")]))), at: 0) == ["{}": 1])
    }

    @Test func unknownFunctionsAndArity() throws {
        #expect(fixture.error(f("nope", PQL.sel("v")), at: 0) == "unknown function with name \"nope\"")
        #expect(fixture.error(f("abs"), at: 0) == "expected 1 argument(s) in call to \"abs\", got 0")
    }
}
