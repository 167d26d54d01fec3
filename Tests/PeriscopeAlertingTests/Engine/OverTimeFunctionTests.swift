import Testing

@testable import PeriscopeAlerting

@Suite("<aggregation>_over_time and absent_over_time")
struct OverTimeFunctionTests {
    let fixture = EngineFixture([
        "g{id=\"a\"}": "1 4 2 8 5",
        "n{id=\"a\"}": "NaN 3 1",
        "inf{id=\"a\"}": "1 Inf 2",
    ])

    func over(_ function: String, _ name: String = "g", _ range: Int64 = 300_000) -> Expr {
        PQL.call(function, PQL.range(name, range))
    }

    @Test func simpleAggregatesOverTime() throws {
        let t: Int64 = 240_000
        #expect(try fixture.value(over("sum_over_time"), at: t) == 20)
        #expect(try fixture.value(over("avg_over_time"), at: t) == 4)
        #expect(try fixture.value(over("count_over_time"), at: t) == 5)
        #expect(try fixture.value(over("min_over_time"), at: t) == 1)
        #expect(try fixture.value(over("max_over_time"), at: t) == 8)
        #expect(try fixture.value(over("last_over_time"), at: t) == 5)
        #expect(try fixture.value(over("present_over_time"), at: t) == 1)
        // Population variance of 1 4 2 8 5: mean 4, squared deviations 9 0 4 16 1 -> 30/5.
        #expect(try fixture.value(over("stdvar_over_time"), at: t) == 6)
        #expect(try fixture.value(over("stddev_over_time"), at: t) == 6.0.squareRoot())
        // quantile 0.5 of 1 2 4 5 8 is 4; 0.25 -> rank 1 -> 2; 0.1 -> rank 0.4 -> 1 + 0.4 × 1.
        #expect(try fixture.value(PQL.call("quantile_over_time", PQL.num(0.5), PQL.range("g", 300_000)), at: t) == 4)
        #expect(try fixture.value(PQL.call("quantile_over_time", PQL.num(0.25), PQL.range("g", 300_000)), at: t) == 2)
        #expect(try fixture.value(PQL.call("quantile_over_time", PQL.num(0.1), PQL.range("g", 300_000)), at: t) == 1.4)
        #expect(
            try fixture.value(PQL.call("quantile_over_time", PQL.num(-1), PQL.range("g", 300_000)), at: t) == -.infinity
        )
        #expect(
            try fixture.value(PQL.call("quantile_over_time", PQL.num(2), PQL.range("g", 300_000)), at: t) == .infinity)
    }

    @Test func namesAreDroppedExceptByLastOverTime() throws {
        #expect(try fixture.vector(over("max_over_time"), at: 240_000) == ["{id=\"a\"}": 8])
        #expect(try fixture.vector(over("last_over_time"), at: 240_000) == ["{__name__=\"g\", id=\"a\"}": 5])
    }

    @Test func nanIsReplacedByMinAndMax() throws {
        #expect(try fixture.value(over("max_over_time", "n"), at: 120_000) == 3)
        #expect(try fixture.value(over("min_over_time", "n"), at: 120_000) == 1)
        // A NaN among the values makes sums NaN.
        #expect(try fixture.value(over("sum_over_time", "n"), at: 120_000)?.isNaN == true)
    }

    @Test func infinities() throws {
        #expect(try fixture.value(over("sum_over_time", "inf"), at: 120_000) == .infinity)
        #expect(try fixture.value(over("avg_over_time", "inf"), at: 120_000) == .infinity)
        #expect(try fixture.value(over("avg_over_time", "inf"), at: 120_000, .prometheus3) == .infinity)
    }

    @Test func kahanSummationOverTime() throws {
        // 1e16 + 1 + 1 loses both ones in plain summation; the compensated sum keeps them.
        let big = EngineFixture(["k{id=\"a\"}": "1e16 1 1"])
        #expect(try big.value(over("sum_over_time", "k"), at: 120_000) == 10_000_000_000_000_002)
    }

    @Test func avgOverTimeOfFractions() throws {
        // Values verified with promtool 2.42: avg_over_time of 1e15 3.14159 2.71828 1e15 -1e15 0.33.
        let fixture = EngineFixture(["x{a=\"2\"}": "1e15 3.14159 2.71828 1e15 -1e15 0.33"])
        #expect(try fixture.value(over("avg_over_time", "x", 600_000), at: 360_000) == 1.6666666666666775e+14)
        #expect(try fixture.value(over("stdvar_over_time", "x", 600_000), at: 360_000) == 4.722222222222219e+29)
        #expect(try fixture.value(over("sum_over_time", "x", 600_000), at: 360_000) == 1.0000000000000062e+15)
    }

    @Test func absentOverTime() throws {
        let present = PQL.call("absent_over_time", PQL.range("g", 60_000, labels: [("id", "a")]))
        #expect(try fixture.vector(present, at: 240_000) == [:])
        // Window after the last sample: absent, labelled from the equality matchers.
        #expect(try fixture.vector(present, at: 600_000) == ["{id=\"a\"}": 1])
        let missing = PQL.call(
            "absent_over_time",
            .matrixSelector(
                VectorSelector(
                    name: "nope",
                    matchers: [
                        try LabelMatcher(.equal, Labels.metricName, "nope"), try LabelMatcher(.equal, "job", "x"),
                        try LabelMatcher(.regex, "instance", "y"),
                    ]), range: 300_000))
        #expect(try fixture.vector(missing, at: 0) == ["{job=\"x\"}": 1])
        // A subquery argument gives no labels.
        let subquery = PQL.call(
            "absent_over_time", .subquery(PQL.sel("nope", [("job", "x")]), range: 300_000, step: nil, offset: 0))
        #expect(try fixture.vector(subquery, at: 0) == ["{}": 1])
    }
}
