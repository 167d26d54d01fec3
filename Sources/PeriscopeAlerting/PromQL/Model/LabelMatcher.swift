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

    /// Fails when a regex matcher's pattern does not compile.
    public init(_ kind: Kind, _ name: String, _ value: String) throws {
        self.name = name
        self.kind = kind
        self.value = value
        switch kind {
        case .regex, .notRegex: regex = try AnchoredRegex(value)
        default: regex = nil
        }
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
