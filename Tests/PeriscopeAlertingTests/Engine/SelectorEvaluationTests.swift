import Testing

@testable import PeriscopeAlerting

@Suite("Selectors, lookback, staleness, offset, @ and subqueries")
struct SelectorEvaluationTests {
    let fixture = EngineFixture([
        "x{job=\"a\"}": "1 2 3",
        "x{job=\"b\"}": "10 _ _ _ _ _ _ 40",
        "s{job=\"a\"}": "1 2 stale 4",
        "y{job=\"a\"}": "0+1x10",
    ])

    @Test func instantSelectorTakesTheNewestSampleAndTheEvaluationTime() throws {
        let result = try fixture.eval(PQL.sel("x"), at: 150_000)
        #expect(
            result
                == .vector([
                    VectorElement(labels: EngineFixture.parseSeries("x{job=\"a\"}"), t: 150_000, v: 3),
                    VectorElement(labels: EngineFixture.parseSeries("x{job=\"b\"}"), t: 150_000, v: 10),
                ]))
    }

    @Test func lookbackEdgeIsClosedIn2AndOpenIn3() throws {
        // x{job="b"} has a sample at 0 and the next at 7m: at exactly 5m, 2.42 still sees the sample at 0.
        #expect(try fixture.value(PQL.sel("x", [("job", "b")]), at: 300_000, .prometheus2) == 10)
        #expect(try fixture.value(PQL.sel("x", [("job", "b")]), at: 300_000, .prometheus3) == nil)
        #expect(try fixture.value(PQL.sel("x", [("job", "b")]), at: 299_999, .prometheus3) == 10)
        #expect(try fixture.value(PQL.sel("x", [("job", "b")]), at: 300_001, .prometheus2) == nil)
        #expect(try fixture.value(PQL.sel("x", [("job", "b")]), at: 420_000) == 40)
    }

    @Test func aStaleMarkerEndsTheSeriesImmediately() throws {
        #expect(try fixture.value(PQL.sel("s"), at: 60_000) == 2)
        #expect(try fixture.value(PQL.sel("s"), at: 120_000) == nil)
        #expect(try fixture.value(PQL.sel("s"), at: 179_999) == nil)
        #expect(try fixture.value(PQL.sel("s"), at: 180_000) == 4)
        // Range selectors drop stale markers: 1, 2, 4.
        #expect(try fixture.value(PQL.call("count_over_time", PQL.range("s", 300_000)), at: 240_000) == 3)
    }

    @Test func offsetAndAtShiftTheReferenceTime() throws {
        #expect(try fixture.value(PQL.sel("y", offset: 120_000), at: 600_000) == 8)
        #expect(try fixture.value(PQL.sel("y", at: 180_000), at: 600_000) == 3)
        #expect(try fixture.value(PQL.sel("y", offset: 60_000, at: 180_000), at: 0) == 2)
        // A negative offset looks ahead.
        #expect(try fixture.value(PQL.sel("y", offset: -60_000), at: 120_000) == 3)
        guard case .vector(let elements) = try fixture.eval(PQL.sel("y", offset: 120_000), at: 600_000) else {
            Issue.record("not a vector")
            return
        }
        #expect(elements.map(\.t) == [600_000])
    }

    @Test func rangeWindowIsClosedIn2AndLeftOpenIn3() throws {
        // Samples at 0, 1m, ..., 5m: [0, 5m] holds 6, (0, 5m] holds 5.
        let expr = PQL.call("count_over_time", PQL.range("y", 300_000))
        #expect(try fixture.value(expr, at: 300_000, .prometheus2) == 6)
        #expect(try fixture.value(expr, at: 300_000, .prometheus3) == 5)
    }

    @Test func rangeSelectorResultKeepsSampleTimestamps() throws {
        let result = try fixture.eval(PQL.range("y", 120_000, offset: 60_000), at: 300_000)
        #expect(
            result
                == .matrix([
                    Series(
                        labels: EngineFixture.parseSeries("y{job=\"a\"}"),
                        samples: [Sample(t: 120_000, v: 2), Sample(t: 180_000, v: 3), Sample(t: 240_000, v: 4)])
                ]))
    }

    @Test func subqueryEvaluatesAtAlignedSteps() throws {
        // (y)[5m:2m] at 10m: steps at multiples of 2m in [5m, 10m] = 6m, 8m, 10m.
        let subquery = Expr.subquery(PQL.sel("y"), range: 300_000, step: 120_000, offset: 0)
        guard case .matrix(let series) = try fixture.eval(subquery, at: 600_000) else {
            Issue.record("not a matrix")
            return
        }
        #expect(series.count == 1)
        #expect(series.first?.labels == EngineFixture.parseSeries("y{job=\"a\"}"))
        #expect(
            series.first?.samples == [Sample(t: 360_000, v: 6), Sample(t: 480_000, v: 8), Sample(t: 600_000, v: 10)])
    }

    @Test func subqueryDefaultStepAndLeftEdge() throws {
        // Default step 1m; [5m:] at 10m covers 5m..10m in 2.42 (6 steps) and 6m..10m in 3 (5 steps).
        let expr = PQL.call("count_over_time", .subquery(PQL.sel("y"), range: 300_000, step: nil, offset: 0))
        #expect(try fixture.value(expr, at: 600_000, .prometheus2) == 6)
        #expect(try fixture.value(expr, at: 600_000, .prometheus3) == 5)
        let engine = PromQLEngine(semantics: .prometheus2, defaultSubqueryStep: 150_000)
        guard case .vector(let elements) = try engine.evaluate(expr, at: 600_000, source: fixture.source) else {
            Issue.record("not a vector")
            return
        }
        // 5m, 7m30s, 10m.
        #expect(elements.map(\.v) == [3])
    }

    @Test func subqueryWithOffsetAndRate() throws {
        // rate over a 1m-step subquery of y (1 per minute): 1/60 per second.
        let expr = PQL.call(
            "rate", .subquery(PQL.sel("y"), range: 300_000, step: 60_000, offset: 120_000))
        #expect(try fixture.value(expr, at: 600_000) == 1.0 / 60)
        let sum = PQL.call(
            "sum_over_time", .subquery(PQL.sel("y"), range: 180_000, step: 60_000, offset: 120_000))
        // Steps 5m, 6m, 7m, 8m: 5+6+7+8.
        #expect(try fixture.value(sum, at: 600_000) == 26)
    }

    @Test func atInsideASubqueryStaysPinnedForStepInvariantExpressions() throws {
        // (y @ 120)[3m:1m] at 10m: every step reads y at 2m.
        let expr = PQL.call(
            "sum_over_time", .subquery(PQL.sel("y", at: 120_000), range: 180_000, step: 60_000, offset: 0))
        #expect(try fixture.value(expr, at: 600_000) == 8)
    }

    @Test func atOfAPerStepRangeArgumentSlidesInsideASubquery() throws {
        // Prometheus rewrites `@ t` as an offset from the subquery's first step (7m here); predict_linear (not
        // step-invariant) is evaluated at every step, so its window ends at 2m, 3m, 4m, 5m for steps 7m..10m, while
        // the selector only ever loads samples up to its @ time (2m): [0,2m] gives 7 at 7m, [1m,2m] gives 8 at 8m,
        // one sample or none give nothing. promtool 2.42: max 8, min 7.
        let inner = PQL.call("predict_linear", PQL.range("y", 120_000, at: 120_000), PQL.num(0))
        let max = PQL.call("max_over_time", .subquery(inner, range: 180_000, step: 60_000, offset: 0))
        let min = PQL.call("min_over_time", .subquery(inner, range: 180_000, step: 60_000, offset: 0))
        #expect(try fixture.value(max, at: 600_000) == 8)
        #expect(try fixture.value(min, at: 600_000) == 7)
        // timestamp(y @ 120) slides too, but still only sees the sample at 2m: 4 × 120 (promtool 2.42: 480).
        let timestamps = PQL.call(
            "sum_over_time",
            .subquery(PQL.call("timestamp", PQL.sel("y", at: 120_000)), range: 180_000, step: 60_000, offset: 0))
        #expect(try fixture.value(timestamps, at: 600_000) == 480)
    }

    @Test func matchersWithRegexAndNegation() throws {
        let regex = try LabelMatcher(.regex, "job", "a|c")
        let notEqual = try LabelMatcher(.notEqual, "job", "a")
        #expect(try fixture.vector(PQL.matchers("x", [regex]), at: 120_000) == ["{__name__=\"x\", job=\"a\"}": 3])
        #expect(try fixture.vector(PQL.matchers("x", [notEqual]), at: 120_000) == ["{__name__=\"x\", job=\"b\"}": 10])
        let byName = try LabelMatcher(.regex, Labels.metricName, "x|y")
        let all = try fixture.vector(PQL.matchers(nil, [byName, try LabelMatcher(.equal, "job", "a")]), at: 120_000)
        #expect(all == ["{__name__=\"x\", job=\"a\"}": 3, "{__name__=\"y\", job=\"a\"}": 2])
    }

    @Test func numberAndStringLiterals() throws {
        #expect(try fixture.eval(PQL.num(1.5), at: 1000) == .scalar(t: 1000, v: 1.5))
        #expect(try fixture.eval(PQL.str("hi"), at: 1000) == .string(t: 1000, v: "hi"))
        #expect(try fixture.eval(.unaryMinus(.paren(PQL.num(2))), at: 0) == .scalar(t: 0, v: -2))
    }

    @Test func unaryMinusDropsTheName() throws {
        #expect(try fixture.vector(.unaryMinus(PQL.sel("x", [("job", "a")])), at: 120_000) == ["{job=\"a\"}": -3])
    }

    @Test func regexMatchersFollowGo() throws {
        let fixture = EngineFixture([
            "note{text=\"foo\\nbar\"}": "7", "note{text=\"fooxbar\"}": "8", "note{text=\"foo\\n\"}": "9",
        ])
        let dot = PQL.matchers("note", [try LabelMatcher(.regex, "text", "foo.bar")])
        // 2.42: `.` does not match a newline; Prometheus 3: it does.
        #expect(try fixture.vector(dot, at: 0, .prometheus2).count == 1)
        #expect(try fixture.vector(dot, at: 0, .prometheus3).count == 2)
        // Anchoring is to the very end: `foo` does not match "foo\n" (ICU's `$` alone would).
        let exact = PQL.matchers("note", [try LabelMatcher(.regex, "text", "foo")])
        #expect(try fixture.vector(exact, at: 0, .prometheus2).isEmpty)
        #expect(try fixture.vector(exact, at: 0, .prometheus3).isEmpty)
        let negated = PQL.matchers("note", [try LabelMatcher(.notRegex, "text", "foo.*")])
        #expect(try fixture.vector(negated, at: 0, .prometheus2).count == 2)
        #expect(try fixture.vector(negated, at: 0, .prometheus3).isEmpty)
    }

    @Test func oversizedSubqueriesAreRefused() throws {
        let expr = PQL.call("max_over_time", .subquery(PQL.sel("y"), range: 86_400_000, step: 100, offset: 0))
        #expect(fixture.error(expr, at: 0)?.hasPrefix("subquery would be evaluated at 864001 steps") == true)
    }
}
