import Foundation
import PeriscopeConfig
import Testing

@testable import PeriscopeAlerting

/// The rule files shipped under Config/rules load with the real PromQL and template checks, and the demo's
/// error-ratio alert does what Config/rules/demo.yml says: pending once the orders route fails more than 5 %,
/// firing 30 s later.
@Suite("Shipped rule files")
struct ShippedRulesTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // PeriscopeAlertingTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .appendingPathComponent("Config/rules")

    @Test func everyShippedRuleFileLoads() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter {
            $0.hasSuffix(".yml")
        }
        #expect(names.contains("demo.yml"))
        for name in names {
            let path = Self.directory.appendingPathComponent(name).path
            do {
                _ = try RuleCompiler.compile(
                    [try RuleFileLoader.load(path: path, checks: RuleCompiler.checks)],
                    defaultInterval: 15_000
                )
            } catch {
                Issue.record("\(name): \(error)")
            }
        }
    }

    @Test func demoAlertGoesPendingThenFiring() throws {
        let file = try RuleFileLoader.load(
            path: Self.directory.appendingPathComponent("demo.yml").path,
            checks: RuleCompiler.checks
        )
        let groups = try RuleCompiler.compile([file], defaultInterval: 5_000)
        let source = MemorySampleSource()
        let context = RuleEvaluationContext(engine: PromQLEngine(), source: source)
        var states: [Int64: String] = [:]
        // Every 5 s the orders route serves 50 requests, 5 of them (10 %) 503; users never fails.
        for step in Int64(0)...12 {
            let t = step * 5_000
            let ok = Labels([("__name__", "periscope_http_requests_total"), ("route", "orders"), ("code", "200")])
            let failed = Labels([("__name__", "periscope_http_requests_total"), ("route", "orders"), ("code", "503")])
            let users = Labels([("__name__", "periscope_http_requests_total"), ("route", "users"), ("code", "200")])
            source.append(labels: ok, t: t, v: Double(45 * step))
            source.append(labels: failed, t: t, v: Double(5 * step))
            source.append(labels: users, t: t, v: Double(100 * step))
            for group in groups {
                let outcome = group.evaluate(at: t, context: context)
                #expect(outcome.failures.isEmpty, "\(outcome.failures)")
            }
            guard case .alerting(let rule) = groups[0].rules.last else {
                Issue.record("the demo group's last rule is not the alert")
                return
            }
            states[t] = rule.alerts.first.map { "\($0.state.rawValue) \($0.labels["route"] ?? "")" } ?? "none"
        }
        // Two samples are needed for a rate: pending at 5 s, firing 30 s later.
        #expect(states[0] == "none")
        #expect(states[5_000] == "pending orders")
        #expect(states[30_000] == "pending orders")
        #expect(states[35_000] == "firing orders")
        #expect(states[60_000] == "firing orders")
    }
}
