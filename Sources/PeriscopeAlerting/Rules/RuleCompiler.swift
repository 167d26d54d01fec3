import PeriscopeConfig

/// Turns checked rule files into runnable groups, and provides the PromQL and template checks the rule-file
/// loader runs.
public enum RuleCompiler {
    /// The checks ``RuleFileLoader`` runs on expressions (parse, and a vector or scalar result) and templates.
    public static let checks = RuleTextChecks(
        expression: { text in
            do {
                let expr = try PromQL.parse(text)
                switch expr.valueType {
                case .vector, .scalar: return nil
                case .matrix:
                    return "expr: the expression returns a range vector; a rule needs an instant vector or scalar"
                case .string: return "expr: the expression returns a string; a rule needs an instant vector or scalar"
                }
            } catch {
                return "expr: \(error)"
            }
        },
        template: { text in
            do {
                _ = try AlertTemplate(text, name: "check")
                return nil
            } catch {
                return "\(error)"
            }
        }
    )

    /// Compiles loaded rule files; groups without an `interval` run every `defaultInterval` milliseconds.
    /// Throws only for text the loader's checks did not see (callers load with ``checks``).
    public static func compile(_ files: [RuleFile], defaultInterval: Int64) throws -> [RuleGroup] {
        var groups: [RuleGroup] = []
        for file in files {
            for group in file.groups {
                var rules: [Rule] = []
                for spec in group.rules {
                    let expr = try PromQL.parse(spec.expr)
                    switch spec.kind {
                    case .recording(let name):
                        rules.append(.recording(RecordingRule(name: name, expr: expr, labels: Labels(spec.labels))))
                    case .alerting(let name):
                        rules.append(
                            .alerting(
                                try AlertingRule(
                                    name: name,
                                    expr: expr,
                                    holdDuration: spec.forDuration.milliseconds,
                                    keepFiringFor: spec.keepFiringFor.milliseconds,
                                    labels: spec.labels,
                                    annotations: spec.annotations
                                )
                            )
                        )
                    }
                }
                groups.append(
                    RuleGroup(
                        name: group.name,
                        file: file.path,
                        interval: group.interval?.milliseconds ?? defaultInterval,
                        limit: group.limit,
                        rules: rules
                    )
                )
            }
        }
        return groups
    }
}

extension Duration {
    /// Whole milliseconds.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
