import Foundation
import PeriscopeAlerting
import PeriscopeConfig
import Testing
import Yams

extension EndToEnd {
    /// alerts/: every rule file passes `promtool check rules`, every test file `promtool test rules` and
    /// `periscope test-rules` (both semantics); every alert is tested firing, and carries a severity, a summary, a
    /// description and a runbook entry that exists in docs/runbooks.md.
    @Suite struct BundledRules {
        static let repository = Repository.root
        static let alerts = Self.repository.appendingPathComponent("alerts")

        /// `alerts/*.yml` (the rule files), sorted paths.
        static func ruleFiles() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: Self.alerts.path)
                .filter { $0.hasSuffix(".yml") }
                .sorted()
                .map { Self.alerts.appendingPathComponent($0).path }
        }

        /// `alerts/tests/*.test.yml`, sorted paths.
        static func testFiles() throws -> [String] {
            let folder = Self.alerts.appendingPathComponent("tests")
            return try FileManager.default.contentsOfDirectory(atPath: folder.path)
                .filter { $0.hasSuffix(".test.yml") }
                .sorted()
                .map { folder.appendingPathComponent($0).path }
        }

        /// Every rule of alerts/, loaded with the gateway's own loader and checks.
        static func rules() throws -> [(group: String, rule: RuleSpec)] {
            try Self.ruleFiles().flatMap { path in
                try RuleFileLoader.load(path: path, checks: RuleCompiler.checks).groups.flatMap { group in
                    group.rules.map { (group.name, $0) }
                }
            }
        }

        @Test("promtool check rules and test rules pass on alerts/")
        func promtoolAgrees() async throws {
            let promtool = try requirePrometheusTool("promtool")
            let rules = try Self.ruleFiles()
            try #require(rules.count >= 2, "alerts/ has \(rules.count) rule files")
            let check = try await runTool(promtool, ["check", "rules"] + rules)
            #expect(check.status == 0, "promtool check rules:\n\(check.stdout)\(check.stderr)")
            let tests = try Self.testFiles()
            try #require(!tests.isEmpty, "alerts/tests/ has no .test.yml files")
            let test = try await runTool(promtool, ["test", "rules"] + tests, timeout: .seconds(120))
            #expect(test.status == 0, "promtool test rules:\n\(test.stdout)\(test.stderr)")
        }

        @Test(
            "periscope test-rules passes on the same test files, in both semantics",
            arguments: ["prometheus3", "prometheus2"])
        func periscopeAgrees(semantics: String) async throws {
            let tests = try Self.testFiles()
            let result = try await runTool(
                PeriscopeProcess.binaryPath,
                ["test-rules", "--semantics", semantics] + tests,
                timeout: .seconds(120)
            )
            #expect(result.status == 0, "periscope test-rules:\n\(result.stdout)\(result.stderr)")
            #expect(result.stdout.components(separatedBy: "SUCCESS").count - 1 == tests.count)
        }

        @Test("every alert: severity, summary, description, a runbook section, and a test that sees it fire")
        func everyAlertIsDocumentedAndTested() throws {
            let runbooks = try String(
                contentsOf: Self.repository.appendingPathComponent("docs/runbooks.md"),
                encoding: .utf8
            )
            // GitHub's anchors of `## Name` headings: lower-cased.
            let anchors = Set(
                runbooks.split(separator: "\n").filter { $0.hasPrefix("## ") }.map { $0.dropFirst(3).lowercased() })
            var fired: Set<String> = []
            for path in try Self.testFiles() {
                let document = try #require(
                    try Yams.load(yaml: String(contentsOfFile: path, encoding: .utf8)) as? [String: Any])
                for test in document["tests"] as? [[String: Any]] ?? [] {
                    for case let expectation as [String: Any] in test["alert_rule_test"] as? [Any] ?? [] {
                        if let name = expectation["alertname"] as? String,
                            let alerts = expectation["exp_alerts"] as? [Any], !alerts.isEmpty
                        {
                            fired.insert(name)
                        }
                    }
                }
            }
            let alerts = try Self.rules().filter {
                if case .alerting = $0.rule.kind { return true } else { return false }
            }
            try #require(alerts.count >= 10, "alerts/ has \(alerts.count) alerts")
            for (group, alert) in alerts {
                let name = "\(group)/\(alert.name)"
                #expect(["page", "ticket", "warning"].contains(alert.labels["severity"] ?? ""), "\(name): severity")
                #expect(!(alert.annotations["summary"] ?? "").isEmpty, "\(name): no summary")
                #expect(!(alert.annotations["description"] ?? "").isEmpty, "\(name): no description")
                let runbook = alert.annotations["runbook_url"] ?? ""
                #expect(
                    runbook.hasSuffix("docs/runbooks.md#\(alert.name.lowercased())"),
                    "\(name): runbook_url \(runbook)")
                #expect(anchors.contains(alert.name.lowercased()), "\(name): no '## \(alert.name)' in docs/runbooks.md")
                #expect(fired.contains(alert.name), "\(name): no alert_rule_test in alerts/tests expects it to fire")
            }
            // And no runbook section for an alert that does not exist.
            let names = Set(alerts.map { $0.rule.name.lowercased() })
            #expect(anchors.subtracting(names).isEmpty, "runbooks without an alert: \(anchors.subtracting(names))")
        }
    }
}
