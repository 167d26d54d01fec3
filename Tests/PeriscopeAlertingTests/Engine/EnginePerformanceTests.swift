import Foundation
import Testing

@testable import PeriscopeAlerting

@Suite("Evaluation at scale")
struct EnginePerformanceTests {
    /// 5,000 series with an hour of 15 s samples, and a 50-rule group that reads all of them, evaluate to results.
    /// Its cost is measured by Benchmarks/RuleBenchmarks, not here.
    @Test func fiftyRulesOverFiveThousandSeries() throws {
        let source = MemorySampleSource()
        let codes = ["200", "302", "404", "500", "503"]
        for route in 0..<100 {
            for code in codes {
                for instance in 0..<10 {
                    let labels = Labels([
                        ("__name__", "http_requests_total"), ("route", "/r\(route)"), ("code", code),
                        ("instance", "i\(instance)"),
                    ])
                    var value = 0.0
                    for step in 0..<240 {
                        value += Double((route + instance + step) % 7)
                        source.append(labels: labels, t: Int64(step) * 15_000, v: value)
                    }
                }
            }
        }
        let selector = PQL.selector("http_requests_total")
        let rate = PQL.call("rate", .matrixSelector(selector, range: 300_000))
        let errors = PQL.call(
            "rate",
            .matrixSelector(
                VectorSelector(
                    name: "http_requests_total",
                    matchers: [
                        try LabelMatcher(.equal, Labels.metricName, "http_requests_total"),
                        try LabelMatcher(.equal, "code", "500"),
                    ]), range: 300_000))
        let rules: [Expr] = [
            PQL.agg(.sum, rate, .by(["route"])),
            PQL.bin(.div, PQL.agg(.sum, errors, .by(["route"])), PQL.agg(.sum, rate, .by(["route"])), PQL.on("route")),
            PQL.agg(.topk, PQL.agg(.sum, rate, .by(["route"])), param: PQL.num(5)),
            PQL.bin(.gtr, rate, PQL.num(0.3)),
            PQL.agg(.count, .vectorSelector(selector), .by(["code"])),
        ]
        let engine = PromQLEngine(semantics: .prometheus2)
        var elements = 0
        for index in 0..<50 {
            guard
                case .vector(let result) = try engine.evaluate(
                    rules[index % rules.count], at: 3_600_000, source: source)
            else {
                Issue.record("not a vector")
                return
            }
            elements += result.count
        }
        #expect(elements > 0)
    }
}
