import Testing

@testable import PeriscopeAlerting

@Suite("Aggregations")
struct AggregationTests {
    let fixture = EngineFixture([
        "req{job=\"a\",instance=\"1\",code=\"200\"}": "1",
        "req{job=\"a\",instance=\"2\",code=\"200\"}": "3",
        "req{job=\"a\",instance=\"2\",code=\"500\"}": "4",
        "req{job=\"b\",instance=\"1\",code=\"200\"}": "8",
        "nan{i=\"1\"}": "NaN",
        "nan{i=\"2\"}": "5",
        "nan{i=\"3\"}": "2",
        "inf{i=\"1\"}": "Inf",
        "inf{i=\"2\"}": "7",
        "inf{i=\"3\"}": "-Inf",
    ])
    let req = PQL.sel("req")

    @Test func sumAvgMinMaxCountGroup() throws {
        #expect(try fixture.vector(PQL.agg(.sum, req), at: 0) == ["{}": 16])
        #expect(try fixture.vector(PQL.agg(.sum, req, .by(["job"])), at: 0) == ["{job=\"a\"}": 8, "{job=\"b\"}": 8])
        #expect(
            try fixture.vector(PQL.agg(.sum, req, .without(["instance", "code"])), at: 0)
                == ["{job=\"a\"}": 8, "{job=\"b\"}": 8])
        #expect(try fixture.vector(PQL.agg(.avg, req), at: 0) == ["{}": 4])
        #expect(
            try fixture.vector(PQL.agg(.avg, req, .by(["code"])), at: 0) == ["{code=\"200\"}": 4, "{code=\"500\"}": 4])
        #expect(try fixture.vector(PQL.agg(.min, req, .by(["job"])), at: 0) == ["{job=\"a\"}": 1, "{job=\"b\"}": 8])
        #expect(try fixture.vector(PQL.agg(.max, req, .by(["job"])), at: 0) == ["{job=\"a\"}": 4, "{job=\"b\"}": 8])
        #expect(try fixture.vector(PQL.agg(.count, req, .by(["job"])), at: 0) == ["{job=\"a\"}": 3, "{job=\"b\"}": 1])
        #expect(
            try fixture.vector(PQL.agg(.group, req, .by(["code"])), at: 0) == [
                "{code=\"200\"}": 1, "{code=\"500\"}": 1,
            ])
        #expect(try fixture.vector(PQL.agg(.sum, req), at: 0, .prometheus3) == ["{}": 16])
        #expect(try fixture.vector(PQL.agg(.avg, req), at: 0, .prometheus3) == ["{}": 4])
    }

    @Test func byCanKeepTheNameAndWithoutAlwaysDropsIt() throws {
        #expect(try fixture.vector(PQL.agg(.max, req, .by(["__name__"])), at: 0) == ["{__name__=\"req\"}": 8])
        #expect(
            try fixture.vector(PQL.agg(.max, PQL.sel("req", [("job", "b")]), .without([])), at: 0)
                == ["{code=\"200\", instance=\"1\", job=\"b\"}": 8])
    }

    @Test func emptyInputGivesNoOutput() throws {
        #expect(try fixture.vector(PQL.agg(.count, PQL.sel("missing")), at: 0) == [:])
        #expect(try fixture.vector(PQL.agg(.sum, PQL.bin(.eql, req, PQL.num(100))), at: 0) == [:])
    }

    @Test func nanHandlingInMinMax() throws {
        #expect(try fixture.value(PQL.agg(.max, PQL.sel("nan")), at: 0) == 5)
        #expect(try fixture.value(PQL.agg(.min, PQL.sel("nan")), at: 0) == 2)
        #expect(try fixture.value(PQL.agg(.max, PQL.sel("nan", [("i", "1")])), at: 0)?.isNaN == true)
        #expect(try fixture.value(PQL.agg(.sum, PQL.sel("nan")), at: 0)?.isNaN == true)
    }

    @Test func avgWithInfinities() throws {
        // +Inf then a finite value: +Inf; then -Inf: NaN.
        #expect(try fixture.value(PQL.agg(.avg, PQL.sel("inf", [("i", "1")])), at: 0) == .infinity)
        let twoValues = PQL.matchers("inf", [try LabelMatcher(.regex, "i", "1|2")])
        #expect(try fixture.value(PQL.agg(.avg, twoValues), at: 0) == .infinity)
        #expect(try fixture.value(PQL.agg(.avg, twoValues), at: 0, .prometheus3) == .infinity)
        #expect(try fixture.value(PQL.agg(.avg, PQL.sel("inf")), at: 0)?.isNaN == true)
    }

    @Test func stddevAndStdvar() throws {
        // 1 3 4 8: mean 4, squared deviations 9 1 0 16 -> 26/4.
        #expect(try fixture.value(PQL.agg(.stdvar, req), at: 0) == 6.5)
        #expect(try fixture.value(PQL.agg(.stddev, req), at: 0) == 6.5.squareRoot())
        #expect(try fixture.vector(PQL.agg(.stdvar, req, .by(["job"])), at: 0)["{job=\"b\"}"] == 0)
    }

    @Test func quantile() throws {
        // 1 3 4 8: rank 0.5 × 3 = 1.5 -> 3 + 0.5 × 1.
        #expect(try fixture.value(PQL.agg(.quantile, req, param: PQL.num(0.5)), at: 0) == 3.5)
        #expect(try fixture.value(PQL.agg(.quantile, req, param: PQL.num(0)), at: 0) == 1)
        #expect(try fixture.value(PQL.agg(.quantile, req, param: PQL.num(1)), at: 0) == 8)
        #expect(try fixture.value(PQL.agg(.quantile, req, param: PQL.num(2)), at: 0) == .infinity)
        #expect(try fixture.value(PQL.agg(.quantile, req, param: PQL.num(-1)), at: 0) == -.infinity)
        #expect(try fixture.value(PQL.agg(.quantile, req, param: PQL.num(.nan)), at: 0)?.isNaN == true)
    }

    @Test func topkAndBottomkKeepAllLabels() throws {
        guard case .vector(let top) = try fixture.eval(PQL.agg(.topk, req, param: PQL.num(2)), at: 0) else {
            Issue.record("not a vector")
            return
        }
        #expect(top.map(\.v) == [8, 4])
        #expect(top.first?.labels == EngineFixture.parseSeries("req{job=\"b\",instance=\"1\",code=\"200\"}"))
        guard
            case .vector(let bottom) = try fixture.eval(PQL.agg(.bottomk, req, .by(["job"]), param: PQL.num(2)), at: 0)
        else {
            Issue.record("not a vector")
            return
        }
        #expect(bottom.map(\.v) == [1, 3, 8])
        #expect(try fixture.vector(PQL.agg(.topk, req, param: PQL.num(0)), at: 0) == [:])
        // k is truncated: 2.9 -> 2.
        #expect(try fixture.vector(PQL.agg(.topk, req, param: PQL.num(2.9)), at: 0).count == 2)
        #expect(try fixture.vector(PQL.agg(.topk, req, param: PQL.num(10)), at: 0, .prometheus3).count == 4)
        // NaN is the smallest for topk and bottomk alike.
        guard case .vector(let withNaN) = try fixture.eval(PQL.agg(.topk, PQL.sel("nan"), param: PQL.num(3)), at: 0)
        else {
            Issue.record("not a vector")
            return
        }
        #expect(withNaN.map { $0.labels["i"] } == ["2", "3", "1"])
        #expect(
            try fixture.vector(PQL.agg(.bottomk, PQL.sel("nan"), param: PQL.num(1)), at: 0) == [
                "{__name__=\"nan\", i=\"3\"}": 2
            ])
        #expect(fixture.error(PQL.agg(.topk, req, param: PQL.num(.nan)), at: 0) == "Scalar value NaN overflows int64")
        #expect(fixture.error(PQL.agg(.topk, req, param: PQL.num(1e19)), at: 0) == "Scalar value 1e+19 overflows int64")
    }

    @Test func countValues() throws {
        let fixture = EngineFixture([
            "v{i=\"1\"}": "1", "v{i=\"2\"}": "1", "v{i=\"3\"}": "0.5", "v{i=\"4\"}": "1e21", "v{i=\"5\"}": "-0.000001",
        ])
        #expect(
            try fixture.vector(PQL.agg(.countValues, PQL.sel("v"), param: PQL.str("value")), at: 0) == [
                "{value=\"1\"}": 2, "{value=\"0.5\"}": 1, "{value=\"1000000000000000000000\"}": 1,
                "{value=\"-0.000001\"}": 1,
            ])
        let byI = PQL.agg(.countValues, PQL.sel("v", [("i", "1")]), .by(["i"]), param: PQL.str("x"))
        #expect(try fixture.vector(byI, at: 0) == ["{i=\"1\", x=\"1\"}": 1])
        let without = PQL.agg(.countValues, PQL.sel("v", [("i", "3")]), .without([]), param: PQL.str("x"))
        #expect(try fixture.vector(without, at: 0) == ["{i=\"3\", x=\"0.5\"}": 1])
        #expect(
            fixture.error(PQL.agg(.countValues, PQL.sel("v"), param: PQL.str("a b")), at: 0)
                == "invalid label name \"a b\"")
    }

    @Test func prometheus3SumsWithKahan() throws {
        let fixture = EngineFixture(["k{i=\"1\"}": "1e16", "k{i=\"2\"}": "1", "k{i=\"3\"}": "1"])
        // Plain += loses both ones (2.42); Kahan keeps them (Prometheus 3).
        #expect(try fixture.value(PQL.agg(.sum, PQL.sel("k")), at: 0, .prometheus2) == 1e16)
        #expect(try fixture.value(PQL.agg(.sum, PQL.sel("k")), at: 0, .prometheus3) == 10_000_000_000_000_002)
    }
}
