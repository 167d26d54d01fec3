/// One instance of an alerting rule: the alert for one label set, with its state and timestamps (milliseconds).
public struct Alert: Sendable, Equatable {
    /// `inactive` (resolved, kept to be re-sent), `pending` or `firing`.
    public enum State: String, Sendable, Comparable {
        case inactive, pending, firing

        private var rank: Int {
            switch self {
            case .inactive: 0
            case .pending: 1
            case .firing: 2
            }
        }

        public static func < (lhs: State, rhs: State) -> Bool { lhs.rank < rhs.rank }
    }

    /// The final labels: the series' labels without `__name__`, the templated rule labels, and `alertname`.
    public var labels: Labels
    /// The templated annotations.
    public var annotations: Labels
    /// The expression's value for this instance at the last evaluation.
    public var value: Double
    public var state: State
    /// When the condition first held (start of pending).
    public var activeAt: Timestamp
    /// When the alert started firing.
    public var firedAt: Timestamp?
    /// When the alert resolved.
    public var resolvedAt: Timestamp?
    /// When it was last handed to the notifier.
    public var lastSentAt: Timestamp?
    /// The `endsAt` sent for a firing alert: it resolves itself in Alertmanager if not re-sent by then.
    public var validUntil: Timestamp?
    /// Since when the alert is kept firing by `keep_firing_for` after its condition stopped holding.
    public var keepFiringSince: Timestamp?

    /// Prometheus' `needsSending`: never while pending; at once after resolving; otherwise once `resendDelay`
    /// has passed strictly since the last send.
    func needsSending(at ts: Timestamp, resendDelay: Int64) -> Bool {
        if self.state == .pending { return false }
        if let resolvedAt, resolvedAt > (self.lastSentAt ?? Int64.min) { return true }
        guard let lastSentAt else { return true }
        return lastSentAt + resendDelay < ts
    }
}

/// An alert as handed to the notifier (Alertmanager's `postableAlert`), times in milliseconds.
public struct AlertNotification: Sendable, Equatable {
    public var labels: Labels
    public var annotations: Labels
    public var startsAt: Timestamp
    public var endsAt: Timestamp
    public var generatorURL: String
}
