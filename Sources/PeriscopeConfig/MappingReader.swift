import Yams

/// Reads the keys of one YAML mapping, against a fixed list of allowed keys.
///
/// Created by ``NodeReader/mapping(keys:)``, which reports every key not in the list (with a
/// "did you mean" hint). Absent keys and keys with a null value read as `nil`, so the caller's default
/// applies; ``required(_:)`` reports them instead.
struct MappingReader {
    /// Where the mapping is in the document.
    let path: ConfigPath
    /// The mapping's position in the file.
    let mark: Mark?
    private let diagnostics: Diagnostics
    private let values: [String: NodeReader]

    init(mapping: Node.Mapping, reader: NodeReader, keys: [String]) {
        self.path = reader.path
        self.mark = reader.mark
        self.diagnostics = reader.diagnostics
        var values: [String: NodeReader] = [:]
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                reader.diagnostics.error(
                    reader.path,
                    at: keyNode.mark,
                    "mapping keys must be plain strings",
                    hint: "check the indentation around this line"
                )
                continue
            }
            let key = keyScalar.string
            let keyPath = reader.path.key(key)
            guard keys.contains(key) else {
                reader.diagnostics.error(
                    keyPath,
                    at: keyNode.mark,
                    "unknown key '\(key)'",
                    hint: Suggestion.didYouMean(key, among: keys) ?? Self.allowedHint(keys)
                )
                continue
            }
            values[key] = NodeReader(node: valueNode, path: keyPath, diagnostics: reader.diagnostics)
        }
        self.values = values
    }

    private static func allowedHint(_ keys: [String]) -> String {
        keys.isEmpty ? "no keys are allowed here" : "allowed keys: " + keys.joined(separator: ", ")
    }

    /// Reports a problem with the mapping as a whole, at its own position unless `mark` is given.
    func error(_ message: String, at mark: Mark? = nil, hint: String? = nil) {
        self.diagnostics.error(self.path, at: mark ?? self.mark, message, hint: hint)
    }

    /// The value of `key`, or `nil` when it is absent or null.
    subscript(key: String) -> NodeReader? {
        guard let value = self.values[key], !value.isNull else { return nil }
        return value
    }

    /// Whether `key` is present with a non-null value.
    func contains(_ key: String) -> Bool {
        self[key] != nil
    }

    /// The value of `key`; reports it as missing when it is absent or null.
    func required(_ key: String) -> NodeReader? {
        if let value = self.values[key] {
            if value.isNull {
                value.error("'\(key)' needs a value")
                return nil
            }
            return value
        }
        self.diagnostics.error(self.path.key(key), at: self.mark, "missing required key '\(key)'")
        return nil
    }
}
