import PeriscopeTelemetry

/// `ALERTS` and `ALERTS_FOR_STATE` in the exposition: one series per pending or firing alert, as Prometheus
/// writes them into its TSDB (§C.4). Their label names vary per alert, so they are rendered here rather than
/// held in the registry.
enum AlertSeriesExposition {
    static func append(_ groups: [RuleGroup], to out: inout [UInt8]) {
        var alerts: [(labels: Labels, activeAt: Timestamp, state: Alert.State, rule: AlertingRule)] = []
        for group in groups {
            for case .alerting(let rule) in group.rules {
                for alert in rule.alerts where alert.state != .inactive {
                    alerts.append((alert.labels, alert.activeAt, alert.state, rule))
                }
            }
        }
        out.append(contentsOf: "# HELP ALERTS Pending and firing alerts of the gateway's alerting rules.\n".utf8)
        out.append(contentsOf: "# TYPE ALERTS gauge\n".utf8)
        for alert in alerts {
            var labels = alert.labels
            labels["alertstate"] = alert.state.rawValue
            Self.appendSample("ALERTS", labels, "1", to: &out)
        }
        out.append(
            contentsOf: "# HELP ALERTS_FOR_STATE Unix time each pending or firing alert became active.\n".utf8
        )
        out.append(contentsOf: "# TYPE ALERTS_FOR_STATE gauge\n".utf8)
        for alert in alerts {
            let seconds = alert.activeAt >= 0 ? alert.activeAt / 1000 : (alert.activeAt - 999) / 1000
            Self.appendSample("ALERTS_FOR_STATE", alert.labels, String(seconds), to: &out)
        }
    }

    private static func appendSample(_ name: String, _ labels: Labels, _ value: String, to out: inout [UInt8]) {
        var line = name + "{"
        line += labels.items.filter { $0.name != Labels.metricName }
            .map { "\($0.name)=\"\(PromQLString.escape($0.value))\"" }
            .joined(separator: ",")
        line += "} " + value + "\n"
        out.append(contentsOf: line.utf8)
    }
}
