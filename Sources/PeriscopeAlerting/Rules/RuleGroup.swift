import NIOConcurrencyHelpers

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A recording or alerting rule of a group.
public enum Rule: Sendable {
    case recording(RecordingRule)
    case alerting(AlertingRule)

    public var name: String {
        switch self {
        case .recording(let rule): rule.name
        case .alerting(let rule): rule.name
        }
    }
}

/// How a rule's last evaluation went, for the API and the metrics.
public struct RuleStatus: Sendable, Equatable {
    public enum Health: String, Sendable {
        case unknown, ok, err
    }

    public var health: Health = .unknown
    public var lastError: String?
    /// Milliseconds since the epoch of the last evaluation, nil before the first.
    public var lastEvaluation: Timestamp?
    /// Seconds the last evaluation took.
    public var evaluationTime: Double = 0
}

/// A rule group: rules run in file order at the same timestamp, each seeing the outputs of those before it
/// (prometheus.md §C.2). Outputs that disappear get a staleness marker at the next evaluation.
public final class RuleGroup: Sendable {
    public let name: String
    public let file: String
    /// Milliseconds between evaluations.
    public let interval: Int64
    public let limit: Int
    public let rules: [Rule]

    private struct State {
        var ruleStatus: [RuleStatus]
        var seriesInPreviousEvaluation: [Set<Labels>]
        var lastEvaluation: Timestamp?
        var evaluationTime: Double = 0
    }

    private let state: NIOLockedValueBox<State>

    public init(name: String, file: String, interval: Int64, limit: Int, rules: [Rule]) {
        self.name = name
        self.file = file
        self.interval = interval
        self.limit = limit
        self.rules = rules
        self.state = NIOLockedValueBox(
            State(
                ruleStatus: Array(repeating: RuleStatus(), count: rules.count),
                seriesInPreviousEvaluation: Array(repeating: [], count: rules.count)
            )
        )
    }

    /// The status of each rule, in order.
    public var ruleStatus: [RuleStatus] { self.state.withLockedValue { $0.ruleStatus } }
    /// The start of the last evaluation (ms), nil before the first.
    public var lastEvaluation: Timestamp? { self.state.withLockedValue { $0.lastEvaluation } }
    /// Seconds the last evaluation took.
    public var evaluationTime: Double { self.state.withLockedValue { $0.evaluationTime } }

    /// The outcome of one evaluation of the group.
    public struct Outcome: Sendable {
        /// The index of each rule that failed, with its error.
        public var failures: [(rule: Int, error: String)] = []
        /// Alerts to hand to the notifier.
        public var notifications: [AlertNotification] = []
    }

    /// Evaluates every rule at `ts` (ms) in order, writing outputs (and staleness markers) to the context's
    /// source. A failing rule is recorded and the others still run.
    public func evaluate(
        at ts: Timestamp,
        context: RuleEvaluationContext,
        resendDelay: Int64 = 60_000
    ) -> Outcome {
        var outcome = Outcome()
        let groupStart = ContinuousClock.now
        for (index, rule) in self.rules.enumerated() {
            let start = ContinuousClock.now
            var status = RuleStatus(health: .ok, lastEvaluation: ts)
            var output: [VectorElement] = []
            do {
                switch rule {
                case .recording(let recording):
                    output = try recording.evaluate(at: ts, context: context, limit: self.limit)
                case .alerting(let alerting):
                    output = try alerting.evaluate(at: ts, context: context, limit: self.limit)
                }
            } catch {
                status.health = .err
                status.lastError = "\(error)"
                outcome.failures.append((index, "\(error)"))
            }
            if case .alerting(let alerting) = rule {
                outcome.notifications += alerting.alertsToSend(
                    at: ts,
                    resendDelay: resendDelay,
                    interval: self.interval,
                    externalURL: context.externalURL
                )
            }
            var current = Set<Labels>()
            for element in output {
                context.source.append(labels: element.labels, t: ts, v: element.v)
                current.insert(element.labels)
            }
            let previous = self.state.withLockedValue { $0.seriesInPreviousEvaluation[index] }
            for labels in previous where !current.contains(labels) {
                context.source.append(labels: labels, t: ts, v: StaleNaN.value)
            }
            status.evaluationTime = (ContinuousClock.now - start).seconds
            self.state.withLockedValue { state in
                state.seriesInPreviousEvaluation[index] = current
                state.ruleStatus[index] = status
            }
        }
        let elapsed = (ContinuousClock.now - groupStart).seconds
        self.state.withLockedValue { state in
            state.lastEvaluation = ts
            state.evaluationTime = elapsed
        }
        return outcome
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
