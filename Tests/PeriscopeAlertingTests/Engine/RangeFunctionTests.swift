import Testing

@testable import PeriscopeAlerting

@Suite("rate, increase, delta, irate, idelta, resets, changes, deriv, predict_linear, holt_winters")
struct RangeFunctionTests {
    let fixture = EngineFixture([
        "lin_total{job=\"a\"}": "0+60x20",
        "reqs_total{job=\"a\"}": "10 20 30 5 15",
        "late_total{job=\"a\"}": "_ _ _ 5 10 15",
        "stopped_total{job=\"a\"}": "0 10 20 30",
        "temp{room=\"a\"}": "10 12 8 14 6",
        "level{tank=\"a\"}": "100-2x10",
        "wobble{id=\"a\"}": "0 60 60 180 240 240",
        "state{id=\"a\"}": "1 1 2 2 1 1",
    ])

    func rate(_ function: String, _ name: String, _ range: Int64 = 300_000, offset: Int64 = 0) -> Expr {
        PQL.call(function, PQL.range(name, range, offset: offset))
    }

    @Test func rateOfALinearCounter() throws {
        // At 1m the zero point clamps the start extrapolation: 60/300. At 3m: 180 × (1/300) rounds up.
        #expect(try fixture.value(rate("rate", "lin_total"), at: 60_000) == 0.2)
        #expect(try fixture.value(rate("rate", "lin_total"), at: 120_000) == 0.4)
        #expect(try fixture.value(rate("rate", "lin_total"), at: 180_000) == 0.6000000000000001)
        #expect(try fixture.value(rate("rate", "lin_total"), at: 240_000) == 0.8)
        #expect(try fixture.value(rate("rate", "lin_total"), at: 300_000) == 1)
        #expect(try fixture.value(rate("increase", "lin_total"), at: 600_000) == 300)
        #expect(try fixture.value(rate("irate", "lin_total"), at: 600_000) == 1)
        #expect(try fixture.value(rate("rate", "lin_total", offset: 420_000), at: 600_000) == 0.6000000000000001)
    }

    @Test func rateDropsTheNameAndNeedsTwoSamples() throws {
        #expect(try fixture.vector(rate("rate", "lin_total"), at: 300_000) == ["{job=\"a\"}": 1])
        #expect(try fixture.vector(rate("rate", "lin_total", 30_000), at: 600_000) == [:])
        #expect(try fixture.vector(rate("irate", "lin_total", 30_000), at: 600_000) == [:])
        #expect(try fixture.vector(rate("rate", "lin_total", offset: 3_600_000), at: 600_000) == [:])
    }

    @Test func counterReset() throws {
        // (15-10) + 30 = 35; durationToStart 60 < 66; zero point 240×10/35 > 60; factor (240+60)/240.
        #expect(try fixture.value(rate("increase", "reqs_total"), at: 240_000) == 43.75)
        #expect(try fixture.value(rate("rate", "reqs_total"), at: 240_000) == 0.14583333333333334)
        #expect(try fixture.value(rate("irate", "reqs_total"), at: 240_000) == 0.16666666666666666)
        // irate across the reset itself (30 -> 5): last/dt.
        #expect(try fixture.value(rate("irate", "reqs_total"), at: 180_000) == 0.08333333333333333)
        #expect(try fixture.value(rate("resets", "reqs_total"), at: 240_000) == 1)
        #expect(try fixture.value(rate("changes", "reqs_total"), at: 240_000) == 4)
        // delta ignores resets: (15-10) × 1.25.
        #expect(try fixture.value(rate("delta", "reqs_total"), at: 240_000) == 6.25)
    }

    @Test func startSideExtrapolationOrderDiffersBetweenVersions() throws {
        // Samples at 3m..5m, window [0,5m]: 2.42 clamps to the zero point (60 s) first, which is under the threshold
        // (66 s): factor 1.5. Prometheus 3 tests the threshold first (180 s -> avg/2 = 30 s): factor 1.25.
        #expect(try fixture.value(rate("increase", "late_total"), at: 300_000, .prometheus2) == 15)
        #expect(try fixture.value(rate("increase", "late_total"), at: 300_000, .prometheus3) == 12.5)
    }

    @Test func endSideExtrapolation() throws {
        // 0 10 20 30 at 0..3m, window [0,5m]: durationToEnd 120 >= 66 -> 30; factor (180+0+30)/180.
        #expect(try fixture.value(rate("increase", "stopped_total"), at: 300_000) == 35)
    }

    @Test func gaugeFunctions() throws {
        // delta: (6-10) × (240+60)/240 = -5 (no zero clamp for gauges).
        #expect(try fixture.value(rate("delta", "temp"), at: 240_000) == -5)
        #expect(try fixture.value(rate("idelta", "temp"), at: 240_000) == -8)
        #expect(try fixture.value(rate("changes", "temp"), at: 240_000) == 4)
        #expect(try fixture.value(rate("resets", "temp"), at: 240_000) == 2)
        #expect(try fixture.value(rate("changes", "state"), at: 300_000) == 2)
        #expect(try fixture.value(rate("resets", "state"), at: 300_000) == 1)
        // A single sample: no changes, no resets.
        #expect(try fixture.value(rate("changes", "state", 30_000), at: 300_000) == 0)
    }

    @Test func derivAndPredictLinear() throws {
        #expect(try fixture.value(rate("deriv", "level"), at: 300_000) == -0.03333333333333333)
        #expect(
            try fixture.value(PQL.call("predict_linear", PQL.range("level", 300_000), PQL.num(600)), at: 300_000) == 70)
        // Least squares over x = 0..300 s, y = 0 60 60 180 240 240: slope 55800/63000.
        #expect(try fixture.value(rate("deriv", "wobble"), at: 300_000) == 0.8857142857142857)
        #expect(
            try fixture.value(PQL.call("predict_linear", PQL.range("wobble", 300_000), PQL.num(300)), at: 300_000)
                == 528.5714285714287)
        // A constant series has slope 0.
        #expect(try fixture.value(rate("deriv", "state", 120_000), at: 60_000) == 0)
    }

    @Test func holtWintersOnlyIn2() throws {
        // s1 starts at 100, trend -2: smoothing a straight line reproduces it exactly: 90 at 5m.
        let expr = PQL.call("holt_winters", PQL.range("level", 300_000), PQL.num(0.5), PQL.num(0.5))
        #expect(try fixture.value(expr, at: 300_000) == 90)
        #expect(
            fixture.error(PQL.call("holt_winters", PQL.range("level", 300_000), PQL.num(2), PQL.num(0.5)), at: 300_000)
                == "invalid smoothing factor. Expected: 0 < sf < 1, got: 2.000000")
        #expect(
            fixture.error(expr, at: 300_000, .prometheus3) == "unknown function with name \"holt_winters\"")
    }

    @Test func leftEdgeSample() throws {
        let edge = EngineFixture(["edge_total{job=\"a\"}": "0 100 110 120 130 140"])
        // 2.42 includes the 0 at t=0: increase 140, factor 1. Prometheus 3 excludes it: 40 over 4m, extrapolated by
        // the 60 s to the window start (under the 66 s threshold) -> 40 × 300/240 = 50.
        #expect(try edge.value(rate("increase", "edge_total"), at: 300_000, .prometheus2) == 140)
        #expect(try edge.value(rate("rate", "edge_total"), at: 300_000, .prometheus2) == 0.4666666666666667)
        #expect(try edge.value(rate("increase", "edge_total"), at: 300_000, .prometheus3) == 50)
    }

    @Test func duplicateOutputLabelsAreAnError() throws {
        let fixture = EngineFixture(["a_total{job=\"x\"}": "0 1 2", "b_total{job=\"x\"}": "0 1 2"])
        let expr = PQL.call(
            "rate",
            .matrixSelector(
                VectorSelector(name: nil, matchers: [try LabelMatcher(.regex, Labels.metricName, "a_total|b_total")]),
                range: 300_000))
        #expect(fixture.error(expr, at: 120_000) == "vector cannot contain metrics with the same labelset")
        // last_over_time keeps the name, so there is no clash.
        let last = PQL.call(
            "last_over_time",
            .matrixSelector(
                VectorSelector(name: nil, matchers: [try LabelMatcher(.regex, Labels.metricName, "a_total|b_total")]),
                range: 300_000))
        #expect(try fixture.vector(last, at: 120_000).count == 2)
    }
}
