/// Reads the `rules` section (see ``RulesConfig``).
enum RulesDecoder {
    static let keys = [
        "files", "evaluation_interval", "semantics", "external_labels", "external_url", "alertmanagers",
        "resend_delay", "notification_queue_capacity", "max_stored_series",
    ]
    static let semantics = ["prometheus3", "prometheus2"]

    static func decode(_ mapping: MappingReader) -> RulesConfig {
        var rules = RulesConfig()
        for file in mapping["files"]?.scalarOrList() ?? [] {
            if let path = file.nonEmptyString() { rules.files.append(path) }
        }
        if let interval = mapping["evaluation_interval"]?.duration() { rules.evaluationInterval = interval }
        if let semantics = mapping["semantics"]?.oneOf(Self.semantics) { rules.semantics = semantics }
        for (name, keyMark, value) in mapping["external_labels"]?.entries() ?? [] {
            guard RuleFileLoader.isLabelName(name), name != "__name__" else {
                value.diagnostics.error(
                    value.path,
                    at: keyMark,
                    "invalid label name '\(name)'",
                    hint: "names match [a-zA-Z_][a-zA-Z0-9_]*"
                )
                continue
            }
            if let text = value.string() { rules.externalLabels[name] = text }
        }
        if let url = mapping["external_url"]?.string() { rules.externalURL = url }
        for node in mapping["alertmanagers"]?.list() ?? [] {
            guard let entry = node.mapping(keys: ["url", "timeout"]) else { continue }
            guard let urlNode = entry.required("url"), let url = urlNode.nonEmptyString() else { continue }
            if !(url.hasPrefix("http://") && url.count > "http://".count) {
                urlNode.error(
                    "'\(url)' is not an http:// URL",
                    hint: "e.g. http://127.0.0.1:9093 (https is not supported yet)"
                )
                continue
            }
            var alertmanager = AlertmanagerConfig(url: url)
            if let timeout = entry["timeout"]?.duration() { alertmanager.timeout = timeout }
            rules.alertmanagers.append(alertmanager)
        }
        if let delay = mapping["resend_delay"]?.duration() { rules.resendDelay = delay }
        if let capacity = mapping["notification_queue_capacity"]?.int(minimum: 1) {
            rules.notificationQueueCapacity = capacity
        }
        if let limit = mapping["max_stored_series"]?.int(minimum: 1) { rules.maxStoredSeries = limit }
        return rules
    }
}
