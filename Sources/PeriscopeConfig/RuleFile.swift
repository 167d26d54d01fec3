/// A Prometheus rule file as written (see docs/alerting.md): groups of recording and alerting rules whose
/// expressions and templates are kept as text. PeriscopeAlerting compiles them; the loader checks them through
/// ``RuleTextChecks`` so every error carries the file, line, key path, group and rule.
public struct RuleFile: Sendable, Equatable {
    /// The path the file was read from (as given, for messages and `/api/v1/rules`' `file`).
    public var path: String
    public var groups: [RuleGroupSpec]

    public init(path: String, groups: [RuleGroupSpec]) {
        self.path = path
        self.groups = groups
    }
}

/// One `groups[]` entry.
public struct RuleGroupSpec: Sendable, Equatable {
    public var name: String
    /// `interval`, or nil for the configured evaluation interval.
    public var interval: Duration?
    /// `limit`: the most series (recording) or alerts (alerting) a rule may produce; 0 = no limit.
    public var limit: Int
    public var rules: [RuleSpec]

    public init(name: String, interval: Duration? = nil, limit: Int = 0, rules: [RuleSpec]) {
        self.name = name
        self.interval = interval
        self.limit = limit
        self.rules = rules
    }
}

/// One rule of a group.
public struct RuleSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `record: <metric name>`.
        case recording(String)
        /// `alert: <name>`.
        case alerting(String)
    }

    public var kind: Kind
    /// The PromQL text as written.
    public var expr: String
    /// `for` (alerting rules; zero when absent).
    public var forDuration: Duration
    /// `keep_firing_for` (alerting rules; zero when absent).
    public var keepFiringFor: Duration
    /// Rule labels (templates for alerting rules, literal for recording rules), sorted by name.
    public var labels: [String: String]
    /// Annotation templates (alerting rules only).
    public var annotations: [String: String]
    /// The line of the rule in its file (for messages), if known.
    public var line: Int?

    public init(
        kind: Kind,
        expr: String,
        forDuration: Duration = .zero,
        keepFiringFor: Duration = .zero,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        line: Int? = nil
    ) {
        self.kind = kind
        self.expr = expr
        self.forDuration = forDuration
        self.keepFiringFor = keepFiringFor
        self.labels = labels
        self.annotations = annotations
        self.line = line
    }

    /// The rule's name: the alert name or the recorded metric name.
    public var name: String {
        switch self.kind {
        case .recording(let name), .alerting(let name): name
        }
    }

    /// `alert "Name"` or `record "name"`, for messages.
    public var title: String {
        switch self.kind {
        case .recording(let name): "record \"\(name)\""
        case .alerting(let name): "alert \"\(name)\""
        }
    }
}

/// The checks the rule-file loader cannot do itself: parsing PromQL and alert templates belongs to
/// PeriscopeAlerting, which passes them in. Each returns nil when the text is fine, or the problem.
public struct RuleTextChecks: Sendable {
    /// Checks an `expr`; `isRecording` tells whether the rule records (both kinds need a vector or scalar).
    public var expression: @Sendable (_ text: String) -> String?
    /// Checks a label or annotation template.
    public var template: @Sendable (_ text: String) -> String?

    public init(
        expression: @escaping @Sendable (_ text: String) -> String?,
        template: @escaping @Sendable (_ text: String) -> String?
    ) {
        self.expression = expression
        self.template = template
    }

    /// Accepts every text (structure-only checks).
    public static let none = RuleTextChecks(expression: { _ in nil }, template: { _ in nil })
}
