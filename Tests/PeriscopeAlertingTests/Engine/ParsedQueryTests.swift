import Testing

@testable import PeriscopeAlerting

/// End-to-end: PromQL text through the parser and the engine.
@Suite("Parsed queries")
struct ParsedQueryTests {
    let fixture = EngineFixture([
        "gw_http_requests_total{route=\"/api\",code=\"200\"}": "0+100x30",
        "gw_http_requests_total{route=\"/api\",code=\"500\"}": "0x10 50+50x20",
        "a{instance=\"i1\",job=\"j\",x=\"1\"}": "10",
        "a{instance=\"i2\",job=\"j\",x=\"2\"}": "20",
        "b{job=\"j\",team=\"t\"}": "15",
    ])

    func run(_ query: String, at t: Int64, _ semantics: PromQLSemantics = .prometheus2) throws -> [String: Double] {
        try fixture.vector(try PromQL.parse(query), at: t, semantics)
    }

    @Test func gatewayExampleFromTheReference() throws {
        #expect(
            try run("sum by (route) (rate(gw_http_requests_total[5m]))", at: 300_000) == [
                "{route=\"/api\"}": 1.6666666666666667
            ])
        // At 11m the 500s have 0,0,0,0,0,50 in [6m,11m]: ratio 0.0909..., not > 0.1; at 12m it is.
        let ratio = """
            sum by (route) (rate(gw_http_requests_total{code=~"5.."}[5m]))
              / on (route)
            sum by (route) (rate(gw_http_requests_total[5m]))
            """
        let at11 = try #require(try run(ratio, at: 660_000)["{route=\"/api\"}"])
        let at12 = try #require(try run(ratio, at: 720_000)["{route=\"/api\"}"])
        #expect(at11 < 0.1)
        #expect(at12 > 0.1)
    }

    @Test func matchingExamplesFromTheReference() throws {
        #expect(try run("15 < a", at: 0) == ["{__name__=\"a\", instance=\"i2\", job=\"j\", x=\"2\"}": 20])
        #expect(try run("sum(a) > on() b", at: 0) == ["{}": 30])
        #expect(
            try run("a > on(job) group_left(team) b", at: 0) == [
                "{__name__=\"a\", instance=\"i2\", job=\"j\", team=\"t\", x=\"2\"}": 20
            ])
        #expect(try run("absent(nonexistent{job=\"x\",instance=~\"y\"})", at: 0) == ["{job=\"x\"}": 1])
        #expect(try run("count(a == 0)", at: 0) == [:])
        #expect(try run("count(a == 0) or vector(0)", at: 0) == ["{}": 0])
    }

    @Test func precedenceAndScalars() throws {
        #expect(try fixture.scalar(try PromQL.parse("2 ^ 3 ^ 2"), at: 0) == 512)
        #expect(try fixture.scalar(try PromQL.parse("1 + 2 * 3 - 4 / 2"), at: 0) == 5)
        #expect(try fixture.scalar(try PromQL.parse("-2 ^ 2"), at: 0) == -4)
        #expect(try fixture.scalar(try PromQL.parse("time() + 1"), at: 60_000) == 61)
    }

    @Test func atStartAndEndResolveToTheEvaluationTime() throws {
        #expect(try run("gw_http_requests_total{code=\"200\"} @ end()", at: 120_000).values.first == 200)
        #expect(
            try run("rate(gw_http_requests_total{code=\"200\"}[2m] @ start())", at: 240_000).values.first == 100.0 / 60)
    }

    @Test func windowsPerSemantics() throws {
        let fixture = EngineFixture(["x{job=\"a\"}": "0+1x10"])
        let count = try PromQL.parse("count_over_time(x[5m])")
        #expect(try fixture.value(count, at: 300_000, .prometheus2) == 6)
        #expect(try fixture.value(count, at: 300_000, .prometheus3) == 5)
        let late = EngineFixture(["x{job=\"a\"}": "_ _ _ 5 10 15"])
        let increase = try PromQL.parse("increase(x[5m])")
        #expect(try late.value(increase, at: 300_000, .prometheus2) == 15)
        #expect(try late.value(increase, at: 300_000, .prometheus3) == 12.5)
    }
}
