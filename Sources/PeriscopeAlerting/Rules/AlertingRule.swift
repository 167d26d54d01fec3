import NIOConcurrencyHelpers

/// An alerting rule and the state machine of its alerts, as Prometheus runs it (prometheus.md §C.4).
///
/// Evaluated by one group at a time; its state is read by the API from other threads, so it lives behind a lock.
public final class AlertingRule: Sendable {
    /// Resolved alerts are kept (and re-sent) this long before they are forgotten.
    public static let resolvedRetention: Int64 = 15 * 60_000

    public let name: String
    public let expr: Expr
    public let query: String
    /// `for`, in milliseconds.
    public let holdDuration: Int64
    /// `keep_firing_for`, in milliseconds.
    public let keepFiringFor: Int64
    /// The label and annotation templates as written (shown by the API).
    public let labelTexts: [String: String]
    public let annotationTexts: [String: String]
    private let labelTemplates: [(name: String, template: AlertTemplate)]
    private let annotationTemplates: [(name: String, template: AlertTemplate)]
    private let active: NIOLockedValueBox<[Labels: Alert]>

    public init(
        name: String,
        expr: Expr,
        holdDuration: Int64,
        keepFiringFor: Int64,
        labels: [String: String],
        annotations: [String: String]
    ) throws {
        self.name = name
        self.expr = expr
        self.query = expr.description
        self.holdDuration = holdDuration
        self.keepFiringFor = keepFiringFor
        self.labelTexts = labels
        self.annotationTexts = annotations
        self.labelTemplates = try labels.sorted { $0.key < $1.key }.map {
            ($0.key, try AlertTemplate($0.value, name: "__alert_\(name)"))
        }
        self.annotationTemplates = try annotations.sorted { $0.key < $1.key }.map {
            ($0.key, try AlertTemplate($0.value, name: "__alert_\(name)"))
        }
        self.active = NIOLockedValueBox([:])
    }

    /// The rule's alerts (resolved ones included), sorted by labels.
    public var alerts: [Alert] {
        self.active.withLockedValue { $0.values.sorted { $0.labels < $1.labels } }
    }

    /// The highest state among the alerts (`inactive` when there are none).
    public var state: Alert.State {
        self.active.withLockedValue { $0.values.map(\.state).max() ?? .inactive }
    }

    /// Runs one evaluation at `ts` and returns the `ALERTS` and `ALERTS_FOR_STATE` samples of the pending and
    /// firing alerts. On error the alerts are unchanged (or, for an exceeded `limit`, cleared).
    func evaluate(at ts: Timestamp, context: RuleEvaluationContext, limit: Int) throws -> [VectorElement] {
        let vector = try context.instantVector(self.expr, at: ts)
        var current: [Labels: Alert] = [:]
        for sample in vector {
            let data = context.templateData(labels: sample.labels, value: sample.v, at: ts)
            var labels = sample.labels.droppingName()
            for (name, template) in self.labelTemplates {
                labels[name] = template.renderOrError(data)
            }
            labels["alertname"] = self.name
            var annotations = Labels()
            for (name, template) in self.annotationTemplates {
                annotations[name] = template.renderOrError(data)
            }
            guard current[labels] == nil else {
                throw RuleEvaluationError("vector contains metrics with the same labelset after applying alert labels")
            }
            current[labels] = Alert(
                labels: labels, annotations: annotations, value: sample.v, state: .pending, activeAt: ts)
        }
        return try self.active.withLockedValue { active in
            for (key, alert) in current {
                if var existing = active[key], existing.state != .inactive {
                    existing.value = alert.value
                    existing.annotations = alert.annotations
                    active[key] = existing
                } else {
                    active[key] = alert
                }
            }
            var output: [VectorElement] = []
            var activeCount = 0
            for key in Array(active.keys) {
                var alert = active[key]!
                if current[key] == nil {
                    var keepFiring = false
                    if alert.state == .firing && self.keepFiringFor > 0 {
                        let since = alert.keepFiringSince ?? ts
                        alert.keepFiringSince = since
                        keepFiring = ts - since < self.keepFiringFor
                    }
                    if alert.state == .pending
                        || (alert.resolvedAt.map { ts - $0 > Self.resolvedRetention } ?? false)
                    {
                        active[key] = nil
                        continue
                    }
                    if alert.state != .inactive && !keepFiring {
                        alert.state = .inactive
                        alert.resolvedAt = ts
                    }
                    if !keepFiring {
                        active[key] = alert
                        continue
                    }
                } else {
                    alert.keepFiringSince = nil
                }
                activeCount += 1
                if alert.state == .pending && ts - alert.activeAt >= self.holdDuration {
                    alert.state = .firing
                    alert.firedAt = ts
                }
                active[key] = alert
                output.append(self.alertsSample(alert, at: ts))
                output.append(self.forStateSample(alert, at: ts))
            }
            if limit > 0 && activeCount > limit {
                active = [:]
                throw RuleEvaluationError("exceeded limit of \(limit) with \(activeCount) alerts")
            }
            return output
        }
    }

    /// `ALERTS{…, alertstate}` = 1: the raw rule labels, overwritten by the alert's, then the fixed names.
    private func alertsSample(_ alert: Alert, at ts: Timestamp) -> VectorElement {
        var labels = Labels(self.labelTexts)
        for label in alert.labels.items { labels[label.name] = label.value }
        labels[Labels.metricName] = "ALERTS"
        labels["alertname"] = self.name
        labels["alertstate"] = alert.state.rawValue
        return VectorElement(labels: labels, t: ts, v: 1)
    }

    /// `ALERTS_FOR_STATE{…}` = the Unix second the alert became active.
    private func forStateSample(_ alert: Alert, at ts: Timestamp) -> VectorElement {
        var labels = Labels(self.labelTexts)
        for label in alert.labels.items { labels[label.name] = label.value }
        labels[Labels.metricName] = "ALERTS_FOR_STATE"
        labels["alertname"] = self.name
        return VectorElement(labels: labels, t: ts, v: Double(alert.activeAt.floorDividedBy1000))
    }

    /// The alerts to send after an evaluation at `ts` (Prometheus' `sendAlerts`), marking them sent.
    func alertsToSend(at ts: Timestamp, resendDelay: Int64, interval: Int64, externalURL: String) -> [AlertNotification]
    {
        let generatorURL = externalURL + "/graph?g0.expr=" + GoText.queryEscape(self.query) + "&g0.tab=1"
        return self.active.withLockedValue { active in
            var notifications: [AlertNotification] = []
            for key in active.keys.sorted() {
                var alert = active[key]!
                guard alert.needsSending(at: ts, resendDelay: resendDelay) else { continue }
                alert.lastSentAt = ts
                alert.validUntil = ts + 4 * max(interval, resendDelay)
                active[key] = alert
                notifications.append(
                    AlertNotification(
                        labels: alert.labels,
                        annotations: alert.annotations,
                        startsAt: alert.firedAt ?? alert.activeAt,
                        endsAt: alert.resolvedAt ?? alert.validUntil!,
                        generatorURL: generatorURL
                    )
                )
            }
            return notifications
        }
    }
}

extension Int64 {
    /// Go's `time.Unix()` of a millisecond timestamp: floor division.
    fileprivate var floorDividedBy1000: Int64 {
        self >= 0 ? self / 1000 : -((-self + 999) / 1000)
    }
}
