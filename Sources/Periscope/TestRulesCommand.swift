import ArgumentParser
import PeriscopeAlerting

/// `periscope test-rules [--semantics prometheus2|prometheus3] FILE...`: runs rule unit tests written in
/// promtool's test-file format and prints the results as promtool does.
struct TestRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-rules",
        abstract: "Run rule unit-test files in promtool's format; exits 1 if any test fails."
    )

    @Option(
        help: "PromQL semantics: prometheus3 (default) or prometheus2 (what promtool 2.42 runs).",
        transform: { text in
            guard let semantics = PromQLSemantics(rawValue: text) else {
                throw ValidationError("--semantics must be prometheus2 or prometheus3, not '\(text)'")
            }
            return semantics
        }
    )
    var semantics: PromQLSemantics = .prometheus3

    @Argument(help: "Test files.")
    var files: [String]

    func validate() throws {
        if self.files.isEmpty { throw ValidationError("name at least one test file") }
    }

    func run() throws {
        let runner = RuleTestRunner(semantics: self.semantics)
        var failed = false
        for file in self.files {
            let result = runner.run(file: file)
            print(result.report)
            failed = failed || !result.passed
        }
        if failed { throw ExitCode(1) }
    }
}
