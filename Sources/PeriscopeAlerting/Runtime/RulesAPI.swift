/// `/api/v1/rules` and `/api/v1/alerts` in the Prometheus HTTP API's JSON shapes (prometheus.md §F.3), so
/// Grafana and Prometheus tooling can read the gateway's rules.
public enum RulesAPI {
    /// Filters of `/api/v1/rules` (`type`, `rule_name[]`, `rule_group[]`, `file[]`, `exclude_alerts`).
    public struct RulesQuery: Sendable {
        public var type: String?
        public var ruleNames: Set<String> = []
        public var groupNames: Set<String> = []
        public var files: Set<String> = []
        public var excludeAlerts = false

        public init() {}

        /// Reads the query parameters (repeated names collected); fails with a message for bad values.
        public init(parameters: [(String, String)]) throws(RulesAPIError) {
            for (name, value) in parameters {
                switch name {
                case "type":
                    guard value == "alert" || value == "record" else {
                        throw RulesAPIError("invalid type parameter \"\(value)\": use alert or record")
                    }
                    self.type = value
                case "rule_name[]": self.ruleNames.insert(value)
                case "rule_group[]": self.groupNames.insert(value)
                case "file[]": self.files.insert(value)
                case "exclude_alerts":
                    guard let flag = Bool(value) else {
                        throw RulesAPIError("invalid exclude_alerts parameter \"\(value)\": use true or false")
                    }
                    self.excludeAlerts = flag
                default: continue
                }
            }
        }
    }

    /// `{"status":"success","data":{"groups":[…]}}`.
    public static func rules(_ groups: [RuleGroup], query: RulesQuery = RulesQuery()) -> String {
        var groupTexts: [String] = []
        for group in groups {
            if !query.groupNames.isEmpty && !query.groupNames.contains(group.name) { continue }
            if !query.files.isEmpty && !query.files.contains(group.file) { continue }
            let statuses = group.ruleStatus
            var ruleTexts: [String] = []
            for (rule, status) in zip(group.rules, statuses) {
                if !query.ruleNames.isEmpty && !query.ruleNames.contains(rule.name) { continue }
                switch rule {
                case .alerting(let alerting):
                    if query.type == "record" { continue }
                    ruleTexts.append(Self.alertingRule(alerting, status: status, excludeAlerts: query.excludeAlerts))
                case .recording(let recording):
                    if query.type == "alert" { continue }
                    ruleTexts.append(Self.recordingRule(recording, status: status))
                }
            }
            if ruleTexts.isEmpty && (!query.ruleNames.isEmpty || query.type != nil) { continue }
            groupTexts.append(
                "{\"name\":\(JSONText.string(group.name)),\"file\":\(JSONText.string(group.file)),"
                    + "\"rules\":[\(ruleTexts.joined(separator: ","))],"
                    + "\"interval\":\(Self.number(Double(group.interval) / 1000)),\"limit\":\(group.limit),"
                    + "\"evaluationTime\":\(Self.number(group.evaluationTime)),"
                    + "\"lastEvaluation\":\(Self.time(group.lastEvaluation))}"
            )
        }
        return "{\"status\":\"success\",\"data\":{\"groups\":[\(groupTexts.joined(separator: ","))]}}"
    }

    /// `{"status":"success","data":{"alerts":[…]}}`: pending and firing alerts of every rule.
    public static func alerts(_ groups: [RuleGroup]) -> String {
        var alerts: [String] = []
        for group in groups {
            for case .alerting(let rule) in group.rules {
                alerts += rule.alerts.filter { $0.state != .inactive }.map(Self.alert)
            }
        }
        return "{\"status\":\"success\",\"data\":{\"alerts\":[\(alerts.joined(separator: ","))]}}"
    }

    /// The error envelope.
    public static func error(_ type: String, _ message: String) -> String {
        "{\"status\":\"error\",\"errorType\":\(JSONText.string(type)),\"error\":\(JSONText.string(message))}"
    }

    private static func alertingRule(_ rule: AlertingRule, status: RuleStatus, excludeAlerts: Bool) -> String {
        let alerts = rule.alerts.filter { $0.state != .inactive }
        let state = alerts.map(\.state).max() ?? .inactive
        var text = "{\"state\":\"\(status.lastEvaluation == nil ? "inactive" : state.rawValue)\","
        text += "\"name\":\(JSONText.string(rule.name)),\"query\":\(JSONText.string(rule.query)),"
        text += "\"duration\":\(Self.number(Double(rule.holdDuration) / 1000)),"
        text += "\"keepFiringFor\":\(Self.number(Double(rule.keepFiringFor) / 1000)),"
        text += "\"labels\":\(JSONText.object(Labels(rule.labelTexts))),"
        text += "\"annotations\":\(JSONText.object(Labels(rule.annotationTexts))),"
        text += "\"alerts\":" + (excludeAlerts ? "null" : "[" + alerts.map(Self.alert).joined(separator: ",") + "]")
        return text + "," + Self.health(status) + ",\"type\":\"alerting\"}"
    }

    private static func recordingRule(_ rule: RecordingRule, status: RuleStatus) -> String {
        "{\"name\":\(JSONText.string(rule.name)),\"query\":\(JSONText.string(rule.query)),"
            + "\"labels\":\(JSONText.object(rule.labels)),\(Self.health(status)),\"type\":\"recording\"}"
    }

    private static func health(_ status: RuleStatus) -> String {
        var text = "\"health\":\"\(status.health.rawValue)\""
        if let error = status.lastError { text += ",\"lastError\":\(JSONText.string(error))" }
        text += ",\"evaluationTime\":\(Self.number(status.evaluationTime))"
        text += ",\"lastEvaluation\":\(Self.time(status.lastEvaluation))"
        return text
    }

    private static func alert(_ alert: Alert) -> String {
        var text = "{\"labels\":\(JSONText.object(alert.labels)),\"annotations\":\(JSONText.object(alert.annotations)),"
        text += "\"state\":\"\(alert.state.rawValue)\",\"activeAt\":\(JSONText.string(RFC3339.nano(alert.activeAt))),"
        if let since = alert.keepFiringSince {
            text += "\"keepFiringSince\":\(JSONText.string(RFC3339.nano(since))),"
        }
        return text + "\"value\":\(JSONText.string(GoFloat.format(alert.value, .e)))}"
    }

    /// Go's `time.Time{}` before the first evaluation.
    private static func time(_ t: Timestamp?) -> String {
        JSONText.string(t.map(RFC3339.nano) ?? "0001-01-01T00:00:00Z")
    }

    /// A JSON number as Go's encoding/json writes a float64 (`'f'` unless tiny or huge).
    private static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21) { return GoFloat.format(value, .e) }
        return GoFloat.format(value, .f)
    }
}

/// A bad `/api/v1/rules` parameter (answered with 400 and the error envelope).
public struct RulesAPIError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
