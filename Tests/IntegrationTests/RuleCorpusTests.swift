import Foundation
import Testing

extension EndToEnd {
    /// The rule-test corpus in Tests/PeriscopeAlertingTests/Corpus against the oracle: every file passes
    /// `promtool test rules` (Debian's 2.42) and `periscope test-rules --semantics prometheus2`; the files under
    /// `prometheus3/` (expectations worked out from the Prometheus 3 semantics) pass `periscope test-rules` in its
    /// default mode.
    @Suite struct RuleCorpus {
        static let corpus = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // IntegrationTests
            .deletingLastPathComponent()  // Tests
            .appendingPathComponent("PeriscopeAlertingTests/Corpus")

        static func testFiles(in directory: URL) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix("_test.yml") }
                .sorted()
                .map { directory.appendingPathComponent($0).path }
        }

        @Test("every corpus file passes promtool 2.42 and periscope test-rules --semantics prometheus2")
        func agreesWithPromtool() async throws {
            let promtool = try requirePrometheusTool("promtool")
            let files = try Self.testFiles(in: Self.corpus)
            try #require(files.count >= 10, "corpus has only \(files.count) test files")
            for file in files {
                let oracle = try await runTool(promtool, ["test", "rules", file])
                #expect(oracle.status == 0, "promtool: \(file)\n\(oracle.stdout)\(oracle.stderr)")
                let ours = try await runTool(
                    PeriscopeProcess.binaryPath,
                    ["test-rules", "--semantics", "prometheus2", file]
                )
                #expect(ours.status == 0, "periscope: \(file)\n\(ours.stdout)\(ours.stderr)")
                #expect(ours.stdout.contains("SUCCESS"))
            }
        }

        @Test("the Prometheus 3 expectations pass in the default mode, and differ from what 2.42 computes")
        func prometheus3Semantics() async throws {
            let files = try Self.testFiles(in: Self.corpus.appendingPathComponent("prometheus3"))
            try #require(!files.isEmpty, "no prometheus3 corpus files")
            for file in files {
                let ours = try await runTool(PeriscopeProcess.binaryPath, ["test-rules", file])
                #expect(ours.status == 0, "periscope: \(file)\n\(ours.stdout)\(ours.stderr)")
                // The same expectations under 2.42 semantics must fail: the files test real differences.
                let old = try await runTool(
                    PeriscopeProcess.binaryPath,
                    ["test-rules", "--semantics", "prometheus2", file]
                )
                #expect(old.status == 1, "\(file) passes under prometheus2 semantics too")
            }
        }

        @Test("a failing test prints promtool's layout and exits 1")
        func failureReport() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-rt-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try """
            groups:
              - name: g
                rules:
                  - alert: High
                    expr: x > 1
                    for: 1m
                    labels: {severity: page}
            """.write(to: directory.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
            let test = directory.appendingPathComponent("wrong_test.yml")
            try """
            rule_files: [rules.yml]
            evaluation_interval: 1m
            tests:
              - interval: 1m
                input_series:
                  - series: 'x{job="a"}'
                    values: '0 2 2 2'
                alert_rule_test:
                  - eval_time: 2m
                    alertname: High
                    exp_alerts: []
                promql_expr_test:
                  - expr: x
                    eval_time: 1m
                    exp_samples:
                      - labels: 'x{job="a"}'
                        value: 3
            """.write(to: test, atomically: true, encoding: .utf8)
            for semantics in ["prometheus2", "prometheus3"] {
                let result = try await runTool(
                    PeriscopeProcess.binaryPath,
                    ["test-rules", "--semantics", semantics, test.path]
                )
                #expect(result.status == 1)
                #expect(result.stdout.contains("Unit Testing:  \(test.path)\n  FAILED:\n"), "\(result.stdout)")
                #expect(result.stdout.contains("alertname: High, time: 2m, \n        exp:[], \n        got:["))
                #expect(result.stdout.contains("Labels:{alertname=\"High\", job=\"a\", severity=\"page\"}"))
                #expect(
                    result.stdout.contains(
                        "expr: \"x\", time: 1m,\n        exp: {__name__=\"x\", job=\"a\"} 3E+00\n"
                            + "        got: {__name__=\"x\", job=\"a\"} 2E+00"
                    )
                )
            }
            // promtool agrees that this file fails.
            let promtool = try requirePrometheusTool("promtool")
            #expect(try await runTool(promtool, ["test", "rules", test.path]).status == 1)
        }
    }
}
