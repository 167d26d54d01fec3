/// One label matcher: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`.
///
/// Regular expressions are fully anchored, as in Prometheus.
public struct LabelMatcher: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case equal = "="
        case notEqual = "!="
        case regex = "=~"
        case notRegex = "!~"
    }

    public let name: String
    public let kind: Kind
    public let value: String
    private let regex: AnchoredRegex?

    /// Fails when a regex matcher's pattern does not compile. `.` matches a newline as in Prometheus 3 unless
    /// `dotMatchesNewline` is false (Prometheus 2).
    public init(_ kind: Kind, _ name: String, _ value: String, dotMatchesNewline: Bool = true) throws {
        self.name = name
        self.kind = kind
        self.value = value
        switch kind {
        case .regex, .notRegex: regex = try AnchoredRegex(value, dotMatchesNewline: dotMatchesNewline)
        default: regex = nil
        }
    }

    /// This matcher with `.` in its regex matching newlines or not (Prometheus 3 or 2); itself for `=`/`!=`.
    public func withDotMatchingNewline(_ dotMatchesNewline: Bool) -> LabelMatcher {
        guard let regex, regex.dotMatchesNewline != dotMatchesNewline else { return self }
        // The pattern compiled before, so it compiles again.
        return (try? LabelMatcher(self.kind, self.name, self.value, dotMatchesNewline: dotMatchesNewline)) ?? self
    }

    /// Whether a label value (`""` for a missing label) matches.
    public func matches(_ labelValue: String) -> Bool {
        switch kind {
        case .equal: labelValue == value
        case .notEqual: labelValue != value
        case .regex: regex!.matches(labelValue)
        case .notRegex: !regex!.matches(labelValue)
        }
    }

    /// Whether a label set matches this matcher (a missing label counts as the empty value).
    public func matches(_ labels: Labels) -> Bool {
        matches(labels[name] ?? "")
    }

    public var description: String { "\(name)\(kind.rawValue)\"\(PromQLString.escape(value))\"" }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.name == rhs.name && lhs.kind == rhs.kind && lhs.value == rhs.value
    }
}
