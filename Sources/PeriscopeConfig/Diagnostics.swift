import Yams

/// Collects the errors and source positions found while one configuration file is read.
///
/// Readers report every problem here instead of throwing, so loading carries on and all errors are
/// shown at once. A path that had an error is remembered as *failed*: later checks that depend on its
/// value (duplicates, cross references) skip it rather than report a follow-on error.
///
/// Used by one load on one task; never shared.
final class Diagnostics {
    /// The file name put into every error.
    let file: String
    private var collected: [ConfigError] = []
    private var failed: Set<ConfigPath> = []
    private var marks: [ConfigPath: Mark] = [:]

    init(file: String) {
        self.file = file
    }

    /// Whether any error was reported.
    var hasErrors: Bool { !self.collected.isEmpty }

    /// The errors ordered by position; errors without a position come first, ties keep report order.
    var errors: [ConfigError] {
        self.collected.enumerated()
            .sorted { lhs, rhs in
                let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
                let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
                return left < right
            }
            .map(\.element)
    }

    /// Remembers where the node at `path` starts.
    func record(_ path: ConfigPath, at mark: Mark?) {
        if let mark {
            self.marks[path] = mark
        }
    }

    /// The position of `path`, or of its nearest enclosing node whose position is known.
    func mark(of path: ConfigPath) -> Mark? {
        for candidate in path.selfAndAncestors {
            if let mark = self.marks[candidate] {
                return mark
            }
        }
        return nil
    }

    /// Whether `path`, everything enclosing it and everything inside it was read without error,
    /// so checks that look at its value will not report a follow-on error.
    func isUsable(_ path: ConfigPath) -> Bool {
        !self.failed.contains { failed in
            failed.components.starts(with: path.components) || path.components.starts(with: failed.components)
        }
    }

    /// Reports an error at `path`; the position defaults to the recorded one of `path` (or an ancestor).
    ///
    /// `invalidatesValue` marks the value at `path` as unusable for later checks; cross checks pass
    /// `false`, since the value itself was read fine (a duplicate name still names a cluster).
    func error(
        _ path: ConfigPath,
        at mark: Mark? = nil,
        _ message: String,
        hint: String? = nil,
        invalidatesValue: Bool = true
    ) {
        let position = mark ?? self.mark(of: path)
        if invalidatesValue {
            self.failed.insert(path)
        }
        self.collected.append(
            ConfigError(
                file: self.file,
                line: position?.line,
                column: position?.column,
                keyPath: path.description,
                message: message,
                hint: hint
            )
        )
    }

    /// Reports a problem found by one of the value parsers.
    func error(_ path: ConfigPath, at mark: Mark? = nil, _ problem: ValueProblem) {
        self.error(path, at: mark, problem.message, hint: problem.hint)
    }
}
