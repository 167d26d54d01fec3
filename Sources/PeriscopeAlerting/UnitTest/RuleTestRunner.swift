import Foundation
import PeriscopeConfig
import Yams

/// Runs rule unit-test files in promtool's format (`periscope test-rules`), the way promtool 2.42 runs them
/// (prometheus.md §E): every group of every rule file is evaluated at 0, evaluation_interval, … up to the
/// largest `eval_time`, with the groups' own intervals ignored; alert tests compare the firing alerts of the
/// evaluation at or just before `eval_time`; expression tests query at `eval_time` after all evaluations and
/// compare exactly.
public struct RuleTestRunner: Sendable {
    public var semantics: PromQLSemantics

    public init(semantics: PromQLSemantics) {
        self.semantics = semantics
    }

    /// The outcome of one file: its report text (promtool's layout) and whether it passed.
    public struct FileResult: Sendable {
        public var path: String
        public var passed: Bool
        public var report: String
    }

    /// Runs one test file.
    public func run(file path: String) -> FileResult {
        var report = "Unit Testing:  \(path)\n"
        do {
            let errors = try self.errors(inFile: path)
            if errors.isEmpty {
                report += "  SUCCESS\n"
                return FileResult(path: path, passed: true, report: report)
            }
            report += "  FAILED:\n" + errors.joined(separator: "\n") + "\n"
        } catch {
            report += "  FAILED:\n    \(error)\n"
        }
        return FileResult(path: path, passed: false, report: report)
    }

    /// Every failure in the file, formatted as promtool does; throws when the file itself cannot be used.
    func errors(inFile path: String) throws -> [String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RuleTestError("cannot read \(path)")
        }
        let file: RuleTestFile
        do {
            file = try YAMLDecoder().decode(RuleTestFile.self, from: text)
        } catch {
            throw RuleTestError("\(path): \(error)")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let ruleFiles = try RuleFilePaths.resolve(file.ruleFiles, relativeTo: directory).map { rulePath in
            do throws(ConfigErrors) {
                return try RuleFileLoader.load(path: rulePath, checks: RuleCompiler.checks)
            } catch {
                throw RuleTestError(error.description)
            }
        }
        let evaluationInterval = try Self.duration(file.evaluationInterval ?? "1m", what: "evaluation_interval")
        guard evaluationInterval > 0 else { throw RuleTestError("evaluation_interval must be greater than zero") }
        var errors: [String] = []
        for group in file.tests {
            errors += try self.run(
                group,
                ruleFiles: ruleFiles,
                groupOrder: file.groupEvalOrder,
                evaluationInterval: evaluationInterval
            )
        }
        return errors
    }

    private func run(
        _ test: RuleTestFile.TestGroup,
        ruleFiles: [RuleFile],
        groupOrder: [String],
        evaluationInterval: Int64
    ) throws -> [String] {
        // promtool 2.42 has no default series interval (every sample lands at 0); Prometheus 3's uses the
        // evaluation interval.
        let seriesInterval =
            try test.interval.map { try Self.duration($0, what: "interval") }
            ?? (self.semantics == .prometheus2 ? 0 : evaluationInterval)
        let source = MemorySampleSource()
        for input in test.inputSeries {
            let labels: Labels
            let values: [SeriesValue]
            do {
                labels = try SeriesNotation.parseSeries(input.series)
                values = try SeriesNotation.parseValues(input.values)
            } catch {
                throw RuleTestError("input series \(input.series): \(error)")
            }
            for (index, value) in values.enumerated() {
                let t = Int64(index) * seriesInterval
                switch value {
                case .value(let v): source.append(labels: labels, t: t, v: v)
                case .stale: source.append(labels: labels, t: t, v: StaleNaN.value)
                case .missing: break
                }
            }
        }
        let groups = try Self.ordered(RuleCompiler.compile(ruleFiles, defaultInterval: evaluationInterval), groupOrder)
        let engine = PromQLEngine(
            semantics: self.semantics,
            lookbackDelta: 300_000,
            defaultSubqueryStep: evaluationInterval
        )
        let context = RuleEvaluationContext(
            engine: engine,
            source: source,
            externalLabels: test.externalLabels,
            externalURL: test.externalURL
        )
        var alertTests: [Int64: [RuleTestFile.AlertRuleTest]] = [:]
        for alertTest in test.alertRuleTests {
            alertTests[try Self.duration(alertTest.evalTime, what: "eval_time"), default: []].append(alertTest)
        }
        let exprTimes = try test.promqlExprTests.map { try Self.duration($0.evalTime, what: "eval_time") }
        let maxTime = (Array(alertTests.keys) + exprTimes).max() ?? 0
        let alertTimes = alertTests.keys.sorted()
        var next = 0
        var errors: [String] = []
        var ts: Int64 = 0
        while ts <= maxTime {
            for group in groups {
                let outcome = group.evaluate(at: ts, context: context, resendDelay: 60_000)
                for failure in outcome.failures {
                    errors.append(
                        "    rule: \(group.rules[failure.rule].name), time: \(GoDurationText.format(milliseconds: ts)), "
                            + "err: \(failure.error)"
                    )
                }
            }
            while next < alertTimes.count && ts <= alertTimes[next] && alertTimes[next] < ts + evaluationInterval {
                let time = alertTimes[next]
                for alertTest in alertTests[time] ?? [] {
                    if let failure = Self.check(alertTest, groups: groups) { errors.append(failure) }
                }
                next += 1
            }
            ts += evaluationInterval
        }
        for (exprTest, time) in zip(test.promqlExprTests, exprTimes) {
            errors += self.check(exprTest, at: time, context: context)
        }
        return errors
    }

    /// Compares an alert test's expectation with the firing alerts of every rule of that name.
    private static func check(_ test: RuleTestFile.AlertRuleTest, groups: [RuleGroup]) -> String? {
        var got: [(labels: Labels, annotations: Labels)] = []
        for group in groups {
            for case .alerting(let rule) in group.rules where rule.name == test.alertname {
                got += rule.alerts.filter { $0.state == .firing }.map { ($0.labels, $0.annotations) }
            }
        }
        let expected: [(labels: Labels, annotations: Labels)] = test.expAlerts.map { alert in
            var labels = Labels(alert.expLabels ?? [:])
            labels["alertname"] = test.alertname
            return (labels, Labels(alert.expAnnotations ?? [:]))
        }
        let sortedGot = got.sorted { $0.labels != $1.labels ? $0.labels < $1.labels : $0.annotations < $1.annotations }
        let sortedExpected = expected.sorted {
            $0.labels != $1.labels ? $0.labels < $1.labels : $0.annotations < $1.annotations
        }
        let same =
            sortedGot.count == sortedExpected.count
            && zip(sortedGot, sortedExpected).allSatisfy { $0.labels == $1.labels && $0.annotations == $1.annotations }
        if same { return nil }
        func describe(_ alerts: [(labels: Labels, annotations: Labels)]) -> String {
            if alerts.isEmpty { return "[]" }
            let items = alerts.enumerated().map { index, alert in
                "\n            \(index):\n              Labels:\(Self.braced(alert.labels))\n              "
                    + "Annotations:\(Self.braced(alert.annotations))"
            }
            return "[" + items.joined() + "\n            ]"
        }
        return "    alertname: \(test.alertname), time: \(test.evalTime), \n        exp:\(describe(sortedExpected)), "
            + "\n        got:\(describe(sortedGot))"
    }

    /// Runs an expression test at `time` and compares the sorted samples exactly (NaN never equals NaN).
    private func check(_ test: RuleTestFile.ExprTest, at time: Int64, context: RuleEvaluationContext) -> [String] {
        let header = "    expr: \(Self.quoted(test.expr)), time: \(test.evalTime)"
        let got: [(labels: Labels, value: Double)]
        do {
            let expr = try PromQL.parse(test.expr)
            got = try context.instantVector(expr, at: time).map { ($0.labels, $0.v) }.sorted { $0.labels < $1.labels }
        } catch {
            return ["\(header), err: \(error)"]
        }
        var expected: [(labels: Labels, value: Double)] = []
        for sample in test.expSamples {
            do {
                expected.append((try SeriesNotation.parseSeries(sample.labels), sample.value))
            } catch {
                return ["\(header), err: expected labels \(sample.labels): \(error)"]
            }
        }
        expected.sort { $0.labels < $1.labels }
        let same =
            got.count == expected.count
            && zip(got, expected).allSatisfy { $0.labels == $1.labels && $0.value == $1.value }
        if same { return [] }
        // promtool's layout: Go's `labels.String()` and `strconv.FormatFloat(v, 'E', -1, 64)`, "nil" when empty.
        func describe(_ samples: [(labels: Labels, value: Double)]) -> String {
            if samples.isEmpty { return "nil" }
            return samples.map { sample in
                let value = GoFloat.format(sample.value, .e).replacingOccurrences(of: "e", with: "E")
                return "\(Self.braced(sample.labels)) \(value)"
            }.joined(separator: ", ")
        }
        return ["\(header),\n        exp: \(describe(expected))\n        got: \(describe(got))"]
    }

    /// `group_eval_order` first, the remaining groups after in file order.
    private static func ordered(_ groups: [RuleGroup], _ order: [String]) throws -> [RuleGroup] {
        var ordered: [RuleGroup] = []
        for name in order {
            guard let group = groups.first(where: { $0.name == name }) else {
                throw RuleTestError("group_eval_order names group \"\(name)\", which no rule file defines")
            }
            ordered.append(group)
        }
        return ordered + groups.filter { !order.contains($0.name) }
    }

    private static func duration(_ text: String, what: String) throws -> Int64 {
        guard let milliseconds = PrometheusDuration.milliseconds(text) else {
            throw RuleTestError("\(what): '\(text)' is not a duration (use 30s, 5m, 1h…)")
        }
        return milliseconds
    }

    private static func braced(_ labels: Labels) -> String {
        "{" + labels.items.map { "\($0.name)=\(Self.quoted($0.value))" }.joined(separator: ", ") + "}"
    }

    private static func quoted(_ text: String) -> String { "\"" + PromQLString.escape(text) + "\"" }
}

/// A rule test file cannot be run (unreadable, malformed, or naming something that does not exist).
struct RuleTestError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
