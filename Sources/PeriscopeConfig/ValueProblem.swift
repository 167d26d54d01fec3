/// Why a single value (a duration, a size, an address, a pattern) is not acceptable.
///
/// The value parsers throw it; the reader turns it into a ``ConfigError`` with the value's key path
/// and position.
struct ValueProblem: Error, Sendable, Equatable {
    /// What is wrong, e.g. `'10' has no unit`.
    var message: String
    /// How to fix it, if there is an obvious fix.
    var hint: String?

    init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}
