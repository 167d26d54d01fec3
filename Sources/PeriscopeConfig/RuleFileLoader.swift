import Yams

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Loads Prometheus rule files (the format `promtool check rules` reads) with Periscope's error reporting: every
/// problem is collected with file, line, column and key path, and names its group and rule.
///
/// Checks, as Prometheus 2.42 does: unknown keys (strict), group names present and unique in the file, exactly one
/// of `record`/`alert`, a valid metric name for `record`, no `for`/`keep_firing_for`/`annotations` on recording
/// rules, valid label and annotation names (never `__name__`), expressions and templates that parse (through
/// ``RuleTextChecks``). It also rejects what promtool only warns about: duplicate rules (same name, expression
/// and labels in one group). Group-level `labels` and `query_offset` are rejected, as Prometheus 2.42 does.
public enum RuleFileLoader {
    static let fileKeys = ["groups"]
    static let groupKeys = ["name", "interval", "limit", "rules"]
    static let ruleKeys = ["record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"]

    /// Reads and checks the rule file at `path`.
    public static func load(path: String, checks: RuleTextChecks) throws(ConfigErrors) -> RuleFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigErrors(errors: [
                ConfigError(
                    file: path,
                    keyPath: "",
                    message: "cannot read the rule file",
                    hint: "check the path (relative paths are resolved against the config file's directory)"
                )
            ])
        }
        return try Self.parse(yaml: text, file: path, checks: checks)
    }

    /// Parses and checks rule-file text; `file` is used in messages and kept as ``RuleFile/path``.
    public static func parse(yaml: String, file: String, checks: RuleTextChecks) throws(ConfigErrors) -> RuleFile {
        let diagnostics = Diagnostics(file: file)
        let root: Node
        do {
            root = try Yams.compose(yaml: yaml) ?? Node([(Node, Node)]())
        } catch {
            throw ConfigErrors(errors: [YAMLSyntaxError.configError(for: error, file: file)])
        }
        var ruleFile = RuleFile(path: file, groups: [])
        let reader = NodeReader(node: root, path: .root, diagnostics: diagnostics)
        if let mapping = reader.mapping(keys: Self.fileKeys), let groups = mapping.required("groups")?.list() {
            var seen: Set<String> = []
            for group in groups {
                guard let spec = Self.group(group, checks: checks) else { continue }
                if !seen.insert(spec.name).inserted {
                    group.error("group name \"\(spec.name)\" is repeated in the same file", hint: "rename one")
                }
                ruleFile.groups.append(spec)
            }
        }
        if diagnostics.hasErrors {
            throw ConfigErrors(errors: diagnostics.errors)
        }
        return ruleFile
    }

    private static func group(_ node: NodeReader, checks: RuleTextChecks) -> RuleGroupSpec? {
        guard let mapping = Self.mapping(node, keys: Self.groupKeys, context: nil) else { return nil }
        guard let name = mapping.required("name")?.nonEmptyString() else { return nil }
        let context = "group \"\(name)\""
        var spec = RuleGroupSpec(name: name, rules: [])
        if let interval = mapping["interval"] {
            spec.interval = Self.duration(interval, context: context, positive: true)
        }
        if let limit = mapping["limit"] {
            spec.limit = limit.int(minimum: 0) ?? 0
        }
        var seen: Set<String> = []
        for ruleNode in mapping.required("rules")?.list() ?? [] {
            guard let rule = Self.rule(ruleNode, group: name, checks: checks) else { continue }
            let identity = "\(rule.title)\u{0}\(rule.expr)\u{0}\(rule.labels.sorted { $0.key < $1.key })"
            if !seen.insert(identity).inserted {
                ruleNode.error(
                    "\(context), \(rule.title): duplicate rule (same name, expression and labels as an earlier one)",
                    hint: "remove one of them"
                )
            }
            spec.rules.append(rule)
        }
        return spec
    }

    private static func rule(_ node: NodeReader, group: String, checks: RuleTextChecks) -> RuleSpec? {
        guard let mapping = Self.mapping(node, keys: Self.ruleKeys, context: "group \"\(group)\"") else { return nil }
        let record = mapping["record"]?.nonEmptyString()
        let alert = mapping["alert"]?.nonEmptyString()
        let kind: RuleSpec.Kind
        switch (record, alert) {
        case (let name?, nil): kind = .recording(name)
        case (nil, let name?): kind = .alerting(name)
        case (.some, .some):
            mapping.error("group \"\(group)\": a rule has either 'record' or 'alert', not both")
            return nil
        case (nil, nil):
            if !mapping.contains("record") && !mapping.contains("alert") {
                mapping.error(
                    "group \"\(group)\": a rule needs 'record' or 'alert'",
                    hint: "'record: <metric name>' for a recording rule, 'alert: <name>' for an alerting rule"
                )
            }
            return nil
        }
        var spec = RuleSpec(kind: kind, expr: "", line: node.mark?.line)
        let context = "group \"\(group)\", \(spec.title)"
        if case .recording(let name) = kind, !Self.isMetricName(name) {
            mapping["record"]?.error(
                "\(context): '\(name)' is not a valid metric name",
                hint: "metric names match [a-zA-Z_:][a-zA-Z0-9_:]*"
            )
        }
        if let expr = mapping.required("expr"), let text = expr.nonEmptyString() {
            spec.expr = text
            if let problem = checks.expression(text) {
                expr.error("\(context): \(problem)")
            }
        }
        if case .recording = kind {
            for key in ["for", "keep_firing_for", "annotations"] where mapping.contains(key) {
                mapping[key]?.error("\(context): '\(key)' is only allowed on alerting rules", hint: "remove it")
            }
        } else {
            if let node = mapping["for"], let value = Self.duration(node, context: context, positive: false) {
                spec.forDuration = value
            }
            if let node = mapping["keep_firing_for"],
                let value = Self.duration(node, context: context, positive: false)
            {
                spec.keepFiringFor = value
            }
            spec.annotations = Self.labelMap(mapping["annotations"], context: context, what: "annotation") {
                checks.template($0)
            }
        }
        let isAlerting = if case .alerting = kind { true } else { false }
        spec.labels = Self.labelMap(mapping["labels"], context: context, what: "label") { text in
            isAlerting ? checks.template(text) : nil
        }
        return spec
    }

    /// A `labels`/`annotations` mapping: valid label names (never `__name__`), string values, each checked.
    private static func labelMap(
        _ node: NodeReader?,
        context: String,
        what: String,
        check: (String) -> String?
    ) -> [String: String] {
        guard let node else { return [:] }
        var result: [String: String] = [:]
        for (name, keyMark, value) in node.entries() ?? [] {
            if !Self.isLabelName(name) || name == "__name__" {
                value.diagnostics.error(
                    value.path,
                    at: keyMark,
                    "\(context): invalid \(what) name '\(name)'",
                    hint: name == "__name__"
                        ? "__name__ cannot be set by a rule" : "names match [a-zA-Z_][a-zA-Z0-9_]*"
                )
                continue
            }
            guard let text = value.scalar(expected: "a string") else { continue }
            if let problem = check(text) {
                value.error("\(context): \(what) '\(name)': \(problem)")
            }
            result[name] = text
        }
        return result
    }

    private static func mapping(_ node: NodeReader, keys: [String], context: String?) -> MappingReader? {
        if case .mapping(let pairs) = node.node {
            for (key, _) in pairs {
                if case .scalar(let scalar) = key, ["labels", "query_offset"].contains(scalar.string),
                    keys == Self.groupKeys
                {
                    node.diagnostics.error(
                        node.path.key(scalar.string),
                        at: key.mark,
                        "group-level '\(scalar.string)' is not supported",
                        hint: "Prometheus 2.42 (and its promtool) rejects it; set labels on each rule instead"
                    )
                }
            }
        }
        return node.mapping(keys: keys + (keys == Self.groupKeys ? ["labels", "query_offset"] : []))
    }

    private static func duration(_ node: NodeReader, context: String, positive: Bool) -> Duration? {
        guard let text = node.scalar(expected: "a duration such as 1m") else { return nil }
        do {
            let milliseconds = try PrometheusDuration.parse(text)
            if positive && milliseconds == 0 {
                node.error("\(context): must be greater than zero")
                return nil
            }
            return .milliseconds(milliseconds)
        } catch {
            node.error("\(context): \(error.message)", hint: error.hint)
            return nil
        }
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isMetricName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == ":" }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`.
    static func isLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
