import ArgumentParser

/// The `periscope` executable.
@main
struct PeriscopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "periscope",
        abstract: "An HTTP gateway built to be seen through.",
        subcommands: [RunCommand.self, CheckCommand.self, TestRulesCommand.self, DemoCommand.self],
        defaultSubcommand: nil
    )
}
