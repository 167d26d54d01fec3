import Yams

/// A YAML node at a known key path, with typed accessors.
///
/// Each accessor returns the value, or reports what is wrong to ``Diagnostics`` (with this node's key
/// path and position) and returns `nil`; callers then substitute a placeholder and carry on reading.
struct NodeReader {
    /// The node being read.
    let node: Node
    /// Where the node is in the document.
    let path: ConfigPath
    /// Where problems go.
    let diagnostics: Diagnostics

    init(node: Node, path: ConfigPath, diagnostics: Diagnostics) {
        self.node = node
        self.path = path
        self.diagnostics = diagnostics
        diagnostics.record(path, at: node.mark)
    }

    /// The node's position in the file.
    var mark: Mark? { self.node.mark }

    /// Whether the node is an explicit or implied null (`~`, `null`, or nothing after the colon).
    var isNull: Bool {
        if case .scalar = self.node {
            return self.node.tag.rawValue == Tag.Name.null.rawValue
        }
        return false
    }

    /// Whether the node is a scalar other than null.
    var isScalar: Bool {
        if case .scalar = self.node {
            return !self.isNull
        }
        return false
    }

    /// Whether the node is a list.
    var isList: Bool {
        if case .sequence = self.node {
            return true
        }
        return false
    }

    /// What the node is, for messages: `a mapping`, `a list`, `nothing` or the quoted scalar.
    var kindDescription: String {
        switch self.node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar): return self.isNull ? "nothing" : "'\(scalar.string)'"
        }
    }

    private func typeError(expected: String) {
        self.diagnostics.error(self.path, at: self.mark, "expected \(expected), found \(self.kindDescription)")
    }

    /// Reports a problem with this node's value.
    func error(_ message: String, hint: String? = nil) {
        self.diagnostics.error(self.path, at: self.mark, message, hint: hint)
    }

    /// Reports a problem found by a value parser.
    func error(_ problem: ValueProblem) {
        self.diagnostics.error(self.path, at: self.mark, problem)
    }

    // MARK: Scalars

    /// The text of a non-null scalar; `expected` names the wanted type in the error otherwise.
    func scalar(expected: String) -> String? {
        guard case .scalar(let scalar) = self.node, !self.isNull else {
            self.typeError(expected: expected)
            return nil
        }
        return scalar.string
    }

    /// A string (any scalar).
    func string() -> String? {
        self.scalar(expected: "a string")
    }

    /// A string that is not empty.
    func nonEmptyString() -> String? {
        guard let text = self.string() else { return nil }
        if text.isEmpty {
            self.error("must not be empty")
            return nil
        }
        return text
    }

    /// A decimal integer of at least `minimum`.
    func int(minimum: Int) -> Int? {
        guard let text = self.scalar(expected: "an integer") else { return nil }
        guard let value = Int(text) else {
            self.error("expected an integer, found '\(text)'")
            return nil
        }
        if value < minimum {
            self.error("must be at least \(minimum), found \(value)")
            return nil
        }
        return value
    }

    /// A decimal integer from `minimum` to `maximum`.
    func int(minimum: Int, maximum: Int) -> Int? {
        guard let value = self.int(minimum: minimum) else { return nil }
        if value > maximum {
            self.error("must be at most \(maximum), found \(value)")
            return nil
        }
        return value
    }

    /// `true` or `false` (YAML's other spellings of booleans are not accepted, to keep configs plain).
    func bool() -> Bool? {
        guard let text = self.scalar(expected: "true or false") else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            self.error("expected true or false, found '\(text)'")
            return nil
        }
    }

    /// A decimal number such as `0.25`, `5` or `1e-3`; YAML's `.inf`, `-.inf` and `.nan` read as infinities and NaN
    /// (callers that need a finite value check it).
    func number() -> Double? {
        guard let text = self.scalar(expected: "a number") else { return nil }
        switch text.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        guard let value = Double(text) else {
            self.error("expected a number, found '\(text)'")
            return nil
        }
        return value
    }

    /// A positive duration such as `10s` (see ``DurationParser``).
    func duration() -> Duration? {
        guard let text = self.scalar(expected: "a duration such as 10s") else { return nil }
        do {
            return try DurationParser.parse(text)
        } catch {
            self.error(error)
            return nil
        }
    }

    /// A byte size such as `10MiB` or `1048576` of at least `minimum` bytes (see ``ByteSizeParser``).
    func byteSize(minimum: Int64) -> Int64? {
        guard let text = self.scalar(expected: "a size such as 1MiB") else { return nil }
        do {
            let bytes = try ByteSizeParser.parse(text)
            if bytes < minimum {
                self.error("must be at least \(minimum) byte\(minimum == 1 ? "" : "s"), found '\(text)'")
                return nil
            }
            return bytes
        } catch {
            self.error(error)
            return nil
        }
    }

    /// A `host:port` address (see ``AddressParser``).
    func address(allowPortZero: Bool) -> HostPort? {
        guard let text = self.scalar(expected: "an address such as 127.0.0.1:8080") else { return nil }
        do {
            return try AddressParser.parse(text, allowPortZero: allowPortZero)
        } catch {
            self.error(error)
            return nil
        }
    }

    /// One of `values`, compared case-insensitively and returned lower-cased.
    func oneOf(_ values: [String]) -> String? {
        guard let text = self.string() else { return nil }
        let lowered = text.lowercased()
        guard values.contains(lowered) else {
            self.error("unknown value '\(text)'", hint: Suggestion.hint(for: text, validValues: values))
            return nil
        }
        return lowered
    }

    // MARK: Collections

    /// The elements of a list, each with its indexed key path.
    func list() -> [NodeReader]? {
        guard case .sequence(let sequence) = self.node else {
            self.typeError(expected: "a list")
            return nil
        }
        return sequence.enumerated().map { index, element in
            NodeReader(node: element, path: self.path.index(index), diagnostics: self.diagnostics)
        }
    }

    /// A single scalar or a list of them, e.g. `host: a.example.com` or `host: [a.example.com, b.example.com]`.
    func scalarOrList() -> [NodeReader]? {
        if self.isScalar {
            return [self]
        }
        if self.isList {
            return self.list()
        }
        self.typeError(expected: "a string or a list of strings")
        return nil
    }

    /// The entries of a mapping whose keys are names chosen by the user (not a fixed schema), in file order, each
    /// with the position of its key. Keys that are not plain strings are reported and left out.
    func entries() -> [(key: String, keyMark: Mark?, value: NodeReader)]? {
        guard case .mapping(let mapping) = self.node else {
            self.typeError(expected: "a mapping")
            return nil
        }
        var entries: [(key: String, keyMark: Mark?, value: NodeReader)] = []
        for (keyNode, valueNode) in mapping {
            guard case .scalar(let keyScalar) = keyNode else {
                self.diagnostics.error(self.path, at: keyNode.mark, "mapping keys must be plain strings")
                continue
            }
            let path = self.path.key(keyScalar.string)
            let value = NodeReader(node: valueNode, path: path, diagnostics: self.diagnostics)
            entries.append((keyScalar.string, keyNode.mark, value))
        }
        return entries
    }

    /// The node as a mapping whose allowed keys are `keys`; unknown keys are reported at once.
    func mapping(keys: [String]) -> MappingReader? {
        guard case .mapping(let mapping) = self.node else {
            self.typeError(expected: "a mapping")
            return nil
        }
        return MappingReader(mapping: mapping, reader: self, keys: keys)
    }
}
