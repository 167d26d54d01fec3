import ArgumentParser
import PeriscopeAlerting
import PeriscopeConfig

/// `periscope check --config FILE`: validates a config and prints every error.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a config file and the rule files it names; prints every error with file, line and key path."
    )

    @Option(name: .shortAndLong, help: "The YAML config file.")
    var config: String

    func run() throws {
        let loaded = try loadConfigOrExit(self.config)
        let routes = loaded.listeners.reduce(0) { $0 + $1.routes.count }
        let ruleFiles: [RuleFile]
        do {
            ruleFiles = try RuleManager.load(loaded.rules, configDirectory: loaded.directory)
        } catch {
            printErrors(error)
            throw ExitCode(1)
        }
        let groups = ruleFiles.reduce(0) { $0 + $1.groups.count }
        let rules = ruleFiles.reduce(0) { $0 + $1.groups.reduce(0) { $0 + $1.rules.count } }
        print(
            "\(self.config): ok (\(loaded.listeners.count) listener(s), \(routes) route(s), "
                + "\(loaded.clusters.count) cluster(s), \(ruleFiles.count) rule file(s), \(groups) group(s), "
                + "\(rules) rule(s))"
        )
    }
}

/// Loads a config; on errors prints every one of them to standard error and exits with status 1.
func loadConfigOrExit(_ path: String) throws -> GatewayConfig {
    do {
        return try ConfigLoader.load(path: path)
    } catch {
        printErrors(error)
        throw ExitCode(1)
    }
}

/// Prints config errors to standard error, one per line, followed by a count.
func printErrors(_ errors: ConfigErrors) {
    var stderr = StandardError()
    for error in errors.errors {
        print(error.description, to: &stderr)
    }
    print("\(errors.errors.count) error(s)", to: &stderr)
}

/// `print(_:to:)` target for standard error.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleWriter.writeToStandardError(string)
    }
}
