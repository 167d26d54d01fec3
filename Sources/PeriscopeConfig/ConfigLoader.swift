import Yams

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Loads and validates Periscope's YAML configuration.
///
/// Every problem in the file is collected — YAML syntax, unknown keys (with "did you mean" hints),
/// wrong types, missing keys, malformed durations, sizes and addresses, and cross-checks such as
/// duplicate names or routes to unknown clusters — and thrown together as ``ConfigErrors``, each
/// ``ConfigError`` naming its file, line, column and key path. See `docs/configuration.md` for the
/// schema.
///
/// ```swift
/// do {
///     let config = try ConfigLoader.load(path: "Config/periscope.yaml")
/// } catch {
///     print(error)  // one "file:line:col: key.path: message (hint: …)" per line
/// }
/// ```
public enum ConfigLoader {
    /// Reads, parses and validates the file at `path`.
    ///
    /// - Throws: ``ConfigErrors`` with every problem found, including an unreadable file.
    public static func load(path: String) throws(ConfigErrors) -> GatewayConfig {
        let text: String
        do {
            text = try Self.read(path)
        } catch {
            throw ConfigErrors(errors: [
                ConfigError(
                    file: path,
                    keyPath: "",
                    message: "cannot read the file: \(error.message)",
                    hint: error.hint
                )
            ])
        }
        return try Self.parse(yaml: text, file: path)
    }

    /// Parses and validates `yaml`; `file` is used in error messages and as ``GatewayConfig/sourceFile``.
    ///
    /// - Throws: ``ConfigErrors`` with every problem found.
    public static func parse(yaml: String, file: String) throws(ConfigErrors) -> GatewayConfig {
        let diagnostics = Diagnostics(file: file)
        let root: Node
        do {
            root = try Yams.compose(yaml: yaml) ?? Node([(Node, Node)]())
        } catch {
            throw ConfigErrors(errors: [YAMLSyntaxError.configError(for: error, file: file)])
        }
        let config = GatewayConfigDecoder.decode(
            NodeReader(node: root, path: .root, diagnostics: diagnostics),
            file: file
        )
        if diagnostics.hasErrors {
            throw ConfigErrors(errors: diagnostics.errors)
        }
        return config
    }

    /// The UTF-8 text of the file at `path`.
    private static func read(_ path: String) throws(ValueProblem) -> String {
        let hint = "check the path and the file's permissions"
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ValueProblem("no such file", hint: hint)
        }
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            throw ValueProblem("it is a directory", hint: "give the path of a YAML file, e.g. Config/periscope.yaml")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as CocoaError where error.code == .fileReadNoPermission {
            throw ValueProblem("permission denied", hint: hint)
        } catch {
            throw ValueProblem("\(error)", hint: hint)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValueProblem("it is not UTF-8 text", hint: "save the file as UTF-8")
        }
        return text
    }
}
