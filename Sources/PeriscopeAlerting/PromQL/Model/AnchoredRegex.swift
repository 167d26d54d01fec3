import Foundation

/// A regular expression matched against the whole string (`^(?:pattern)$`), as Prometheus anchors
/// label matchers and `label_replace`.
///
/// Uses `NSRegularExpression` (ICU), whose syntax covers what RE2 patterns in rule files use.
public struct AnchoredRegex: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after creation and documented as thread-safe
    // for matching; Foundation on Linux does not mark it Sendable.
    public let pattern: String
    /// Whether `.` matches `\n` (Prometheus 3) or not (Prometheus 2).
    public let dotMatchesNewline: Bool
    let expression: NSRegularExpression

    public init(_ pattern: String, dotMatchesNewline: Bool = true) throws {
        self.pattern = pattern
        self.dotMatchesNewline = dotMatchesNewline
        do {
            expression = try NSRegularExpression(
                pattern: "^(?:\(pattern))$",
                options: dotMatchesNewline ? [.dotMatchesLineSeparators] : []
            )
        } catch {
            throw PromQLRegexError(pattern: pattern)
        }
    }

    public func matches(_ string: String) -> Bool {
        let range = NSRange(string.startIndex..<string.endIndex, in: string)
        return expression.firstMatch(in: string, options: [], range: range) != nil
    }

    /// The capture groups of a whole-string match, or nil when it does not match; group 0 is the
    /// whole string. Unmatched optional groups are "".
    public func captures(_ string: String) -> [String]? {
        let range = NSRange(string.startIndex..<string.endIndex, in: string)
        guard let match = expression.firstMatch(in: string, options: [], range: range) else { return nil }
        return (0..<match.numberOfRanges).map { index in
            let found = match.range(at: index)
            guard found.location != NSNotFound, let swiftRange = Range(found, in: string) else { return "" }
            return String(string[swiftRange])
        }
    }
}

/// A regular expression in a matcher or function argument does not compile.
public struct PromQLRegexError: Error, Sendable, CustomStringConvertible {
    public let pattern: String
    public var description: String { "invalid regular expression \"\(pattern)\"" }
}
