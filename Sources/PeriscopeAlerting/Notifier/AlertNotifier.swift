import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import PeriscopeTelemetry

/// Sends alerts to Alertmanagers (API v2) as Prometheus' notifier does: external labels added where an alert
/// lacks them, batches of at most 64, a bounded queue (the oldest alerts are dropped beyond it, and counted),
/// and each batch POSTed to every Alertmanager. A failed POST is retried with exponential backoff and jitter
/// (0.5 s, 1 s, 2 s) before the batch is counted as failed for that Alertmanager; the rules re-send firing
/// alerts anyway. Nothing here ever blocks rule evaluation.
public final class AlertNotifier: Sendable {
    public static let maxBatchSize = 64
    static let retryDelays: [TimeAmount] = [.milliseconds(500), .seconds(1), .seconds(2)]

    private struct State {
        var queue: [AlertNotification] = []
        var sending = false
    }

    private let clients: [AlertmanagerClient]
    private let externalLabels: Labels
    private let capacity: Int
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let metrics: NotifierMetrics
    private let state = NIOLockedValueBox(State())

    /// - Parameters:
    ///   - alertmanagers: `(url, timeout)` pairs; URLs must be `http://host:port[/prefix]`.
    public init(
        alertmanagers: [(url: String, timeout: Duration)],
        externalLabels: [String: String],
        capacity: Int,
        eventLoop: any EventLoop,
        registry: MetricsRegistry,
        logger: Logger
    ) throws {
        self.clients = try alertmanagers.map { entry in
            let (seconds, attoseconds) = entry.timeout.components
            let timeout = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            guard let client = AlertmanagerClient(url: entry.url, timeout: timeout) else {
                throw RuleEvaluationError("alertmanager URL \(entry.url) is not http://host:port[/prefix]")
            }
            return client
        }
        self.externalLabels = Labels(externalLabels)
        self.capacity = capacity
        self.eventLoop = eventLoop
        self.logger = logger
        self.metrics = NotifierMetrics(registry: registry, alertmanagers: self.clients.map(\.url))
    }

    /// Queues alerts for sending; returns at once.
    public func send(_ alerts: [AlertNotification]) {
        guard !alerts.isEmpty, !self.clients.isEmpty else { return }
        let withLabels = alerts.map { alert in
            var alert = alert
            for label in self.externalLabels.items where alert.labels[label.name] == nil {
                alert.labels[label.name] = label.value
            }
            return alert
        }
        let (dropped, startSending, length) = self.state.withLockedValue { state in
            state.queue += withLabels
            let overflow = max(0, state.queue.count - self.capacity)
            state.queue.removeFirst(overflow)
            let start = !state.sending
            state.sending = true
            return (overflow, start, state.queue.count)
        }
        self.metrics.queueLength.set(Double(length))
        if dropped > 0 {
            self.metrics.dropped.add(dropped)
            self.logger.warning(
                "alert notification queue full, dropped the oldest alerts", metadata: ["dropped": "\(dropped)"])
        }
        if startSending {
            self.eventLoop.execute { self.sendNextBatch() }
        }
    }

    /// Alerts waiting to be sent.
    public var queueLength: Int { self.state.withLockedValue { $0.queue.count } }

    private func sendNextBatch() {
        let batch: [AlertNotification]? = self.state.withLockedValue { state in
            guard !state.queue.isEmpty else {
                state.sending = false
                return nil
            }
            let batch = Array(state.queue.prefix(Self.maxBatchSize))
            state.queue.removeFirst(batch.count)
            return batch
        }
        self.metrics.queueLength.set(Double(self.queueLength))
        guard let batch else { return }
        let body = Self.body(batch)
        let posts = self.clients.enumerated().map { index, client in
            self.post(body, to: client, index: index, count: batch.count, attempt: 0)
        }
        EventLoopFuture.andAllComplete(posts, on: self.eventLoop).whenComplete { _ in
            self.sendNextBatch()
        }
    }

    private func post(
        _ body: String,
        to client: AlertmanagerClient,
        index: Int,
        count: Int,
        attempt: Int
    ) -> EventLoopFuture<Void> {
        let start = NIODeadline.now()
        return client.post(body, on: self.eventLoop)
            .flatMapThrowing { status in
                guard (200..<300).contains(status.code) else { throw AlertmanagerError.status(status) }
            }
            .map {
                self.metrics.latency[index].observe(Double((NIODeadline.now() - start).nanoseconds) / 1e9)
                self.metrics.sent[index].add(count)
            }
            .flatMapError { error in
                self.metrics.errors[index].increment()
                // A 4xx means the alerts themselves are wrong: sending them again would not help.
                if case AlertmanagerError.status(let status) = error, (400..<500).contains(status.code) {
                    self.logger.error(
                        "alertmanager rejected alerts",
                        metadata: ["alertmanager": "\(client.url)", "error": "\(error)"]
                    )
                    self.metrics.failed[index].add(count)
                    return self.eventLoop.makeSucceededVoidFuture()
                }
                guard attempt < Self.retryDelays.count else {
                    self.logger.error(
                        "sending alerts failed; giving up on this batch (firing alerts are re-sent)",
                        metadata: ["alertmanager": "\(client.url)", "error": "\(error)", "alerts": "\(count)"]
                    )
                    self.metrics.failed[index].add(count)
                    return self.eventLoop.makeSucceededVoidFuture()
                }
                let base = Self.retryDelays[attempt].nanoseconds
                let delay = TimeAmount.nanoseconds(base / 2 + Int64.random(in: 0...(base / 2)))
                self.logger.warning(
                    "sending alerts failed; retrying",
                    metadata: ["alertmanager": "\(client.url)", "error": "\(error)", "attempt": "\(attempt + 1)"]
                )
                return self.eventLoop.scheduleTask(in: delay) {}.futureResult.flatMap {
                    self.post(body, to: client, index: index, count: count, attempt: attempt + 1)
                }
            }
    }

    /// The JSON array of `postableAlert`s.
    static func body(_ alerts: [AlertNotification]) -> String {
        let items = alerts.map { alert in
            "{\"labels\":\(JSONText.object(alert.labels)),\"annotations\":\(JSONText.object(alert.annotations)),"
                + "\"startsAt\":\(JSONText.string(RFC3339.milliseconds(alert.startsAt))),"
                + "\"endsAt\":\(JSONText.string(RFC3339.milliseconds(alert.endsAt))),"
                + "\"generatorURL\":\(JSONText.string(alert.generatorURL))}"
        }
        return "[" + items.joined(separator: ",") + "]"
    }
}

/// The notifier's own metrics.
struct NotifierMetrics: Sendable {
    let sent: [CounterHandle]
    let failed: [CounterHandle]
    let errors: [CounterHandle]
    let latency: [HistogramHandle]
    let dropped: CounterHandle
    let queueLength: GaugeHandle

    init(registry: MetricsRegistry, alertmanagers: [String]) {
        let sent = registry.counter(
            name: "periscope_alert_notifications_sent_total",
            help: "Alerts delivered to an Alertmanager (2xx).",
            labelNames: ["alertmanager"]
        )
        let failed = registry.counter(
            name: "periscope_alert_notifications_failed_total",
            help: "Alerts that could not be delivered to an Alertmanager after all retries.",
            labelNames: ["alertmanager"]
        )
        let errors = registry.counter(
            name: "periscope_alert_notification_errors_total",
            help: "Failed POSTs to an Alertmanager, retries included.",
            labelNames: ["alertmanager"]
        )
        let latency = registry.histogram(
            name: "periscope_alert_notification_duration_seconds",
            help: "Time of successful POSTs to an Alertmanager.",
            labelNames: ["alertmanager"],
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            unit: "seconds"
        )
        self.sent = alertmanagers.map { sent.bind([$0]) }
        self.failed = alertmanagers.map { failed.bind([$0]) }
        self.errors = alertmanagers.map { errors.bind([$0]) }
        self.latency = alertmanagers.map { latency.bind([$0]) }
        self.dropped = registry.counter(
            name: "periscope_alert_notifications_dropped_total",
            help: "Alerts dropped because the notification queue was full."
        ).bind()
        self.queueLength = registry.gauge(
            name: "periscope_alert_notification_queue_length",
            help: "Alerts waiting to be sent to Alertmanagers."
        ).bind()
    }
}
