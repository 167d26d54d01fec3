/// One problem found in a configuration file, with where it is and how to fix it.
///
/// Its ``description`` is the compiler-like line `periscope check` prints:
///
/// ```
/// periscope.yaml:12:16: listeners[0].routes[2].cluster: unknown cluster 'user' (hint: did you mean 'users'?)
/// ```
///
/// The line and column parts are left out when the position is unknown (an unreadable file, a key
/// missing from an empty document), the key path part when the error concerns the whole file, and the
/// hint part when there is no hint.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file the error is in, as given to the loader.
    public var file: String
    /// 1-based line of the offending node, when known.
    public var line: Int?
    /// 1-based column of the offending node (counted in Unicode scalars), when known.
    public var column: Int?
    /// Where in the document the error is, e.g. `listeners[0].routes[2].match.path`; empty for the whole file.
    public var keyPath: String
    /// What is wrong.
    public var message: String
    /// How to fix it, when the loader has an idea.
    public var hint: String?

    /// Creates an error.
    public init(
        file: String,
        line: Int? = nil,
        column: Int? = nil,
        keyPath: String,
        message: String,
        hint: String? = nil
    ) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
        self.hint = hint
    }

    /// `FILE:LINE:COL: KEYPATH: MESSAGE (hint: HINT)`, leaving out the parts that are absent.
    public var description: String {
        var text = self.file
        if let line = self.line {
            text += ":\(line)"
            if let column = self.column {
                text += ":\(column)"
            }
        }
        text += ": "
        if !self.keyPath.isEmpty {
            text += "\(self.keyPath): "
        }
        text += self.message
        if let hint = self.hint {
            text += " (hint: \(hint))"
        }
        return text
    }
}

/// Every problem found in a configuration file; thrown by ``ConfigLoader``.
///
/// The loader does not stop at the first problem: all of them are collected, ordered by position
/// in the file, so one run of `periscope check` shows everything that needs fixing.
public struct ConfigErrors: Error, Sendable, CustomStringConvertible {
    /// The errors, in file order (errors without a position come first).
    public var errors: [ConfigError]

    /// Creates the collection.
    public init(errors: [ConfigError]) {
        self.errors = errors
    }

    /// One error per line, each formatted as ``ConfigError/description``.
    public var description: String {
        self.errors.map(\.description).joined(separator: "\n")
    }
}
