import Yams

/// Turns the errors of the YAML parser into ``ConfigError``s with a position.
enum YAMLSyntaxError {
    /// The ``ConfigError`` for an error thrown by `Yams.compose`.
    static func configError(for error: any Error, file: String) -> ConfigError {
        guard let yamlError = error as? YamlError else {
            return ConfigError(file: file, keyPath: "", message: "invalid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, let yaml),
            .parser(let context, let problem, let mark, let yaml),
            .composer(let context, let problem, let mark, let yaml):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return ConfigError(
                file: file,
                line: mark.line,
                column: mark.column,
                keyPath: "",
                message: message,
                hint: Self.hint(for: problem, at: mark, in: yaml)
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return ConfigError(
                file: file,
                line: context.mark.line,
                column: context.mark.column,
                keyPath: "",
                message: "duplicate key \(keys) in one mapping",
                hint: "each key may appear once; merge the entries"
            )
        case .reader(let problem, let offset, _, let yaml):
            let position = offset.map { Self.position(ofCharacterOffset: $0, in: yaml) }
            return ConfigError(
                file: file,
                line: position?.line,
                column: position?.column,
                keyPath: "",
                message: "cannot read YAML: \(problem)"
            )
        default:
            return ConfigError(file: file, keyPath: "", message: "invalid YAML: \(yamlError)")
        }
    }

    private static func hint(for problem: String, at mark: Mark, in yaml: String) -> String? {
        if problem.contains("tab") || Self.character(at: mark, in: yaml) == "\t" {
            return "indent with spaces, not tabs"
        }
        if problem.contains("mapping values are not allowed") {
            return "check the indentation, or quote a value that contains ': '"
        }
        if problem.contains("did not find expected key") || problem.contains("block end") {
            return "check the indentation of this line and the one before"
        }
        return nil
    }

    /// The character at a 1-based line and column (columns count Unicode scalars, as libyaml does).
    private static func character(at mark: Mark, in yaml: String) -> Unicode.Scalar? {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let scalars = Array(lines[mark.line - 1].unicodeScalars)
        guard mark.column >= 1, mark.column <= scalars.count else { return nil }
        return scalars[mark.column - 1]
    }

    private static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
