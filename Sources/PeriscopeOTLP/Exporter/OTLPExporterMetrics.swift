import PeriscopeTelemetry

/// The exporter's own metrics, bound for one signal. Families are shared by the signals' pipelines (the registry
/// returns the existing family on a second registration).
///
/// | family | labels | meaning |
/// |---|---|---|
/// | `periscope_otlp_exports_total` | `signal`, `result` | export attempts by outcome (below) |
/// | `periscope_otlp_export_duration_seconds` | `signal` | time of each HTTP attempt, whatever its outcome |
/// | `periscope_otlp_queue_length` | `signal` | items waiting to be exported |
/// | `periscope_otlp_queue_capacity` | `signal` | the queue's size limit |
/// | `periscope_otlp_items_exported_total` | `signal` | items the collector accepted |
/// | `periscope_otlp_items_dropped_total` | `signal`, `reason` | items lost, by reason (below) |
///
/// `result`: every batch ends as exactly one of `success`, `partial` (accepted with a `partial_success`) or
/// `failed` (permanent error, retries exhausted, or not encodable); each retried attempt before that adds one
/// `retryable_failure`.
///
/// `reason`: `queue_full` (offered while the queue was full), `export_failed` (in a failed batch), `rejected`
/// (counted as rejected in a `partial_success`), `shutdown` (offered after shutdown began, or still queued at
/// the shutdown deadline). Every offered item ends up exported, dropped, or still queued or in flight.
struct OTLPExporterMetrics: Sendable {
    enum ExportResult: String, CaseIterable {
        case success
        case partial
        case retryableFailure = "retryable_failure"
        case failed
    }

    enum DropReason: String, CaseIterable {
        case queueFull = "queue_full"
        case exportFailed = "export_failed"
        case rejected
        case shutdown
    }

    static let durationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    let success: CounterHandle
    let partial: CounterHandle
    let retryableFailure: CounterHandle
    let failed: CounterHandle
    let duration: HistogramHandle
    let queueLength: GaugeHandle
    let queueCapacity: GaugeHandle
    let exported: CounterHandle
    let droppedQueueFull: CounterHandle
    let droppedExportFailed: CounterHandle
    let droppedRejected: CounterHandle
    let droppedShutdown: CounterHandle
    /// The registry the handles point into: handles do not keep its cells alive, and an exporter may outlive the
    /// caller's own reference (a test that passed a registry it did not keep wrote to freed cells).
    private let registry: MetricsRegistry

    init(registry: MetricsRegistry, signal: OTLPSignal) {
        self.registry = registry
        let name = signal.rawValue
        let exports = registry.counter(
            name: "periscope_otlp_exports_total",
            help: "OTLP export attempts by outcome: each batch ends in success, partial or failed; "
                + "each retried attempt adds a retryable_failure.",
            labelNames: ["signal", "result"]
        )
        self.success = exports.bind([name, ExportResult.success.rawValue])
        self.partial = exports.bind([name, ExportResult.partial.rawValue])
        self.retryableFailure = exports.bind([name, ExportResult.retryableFailure.rawValue])
        self.failed = exports.bind([name, ExportResult.failed.rawValue])
        self.duration = registry.histogram(
            name: "periscope_otlp_export_duration_seconds",
            help: "Time of each OTLP/HTTP export attempt, from sending the request to the end of the response "
                + "or the failure.",
            labelNames: ["signal"],
            buckets: Self.durationBuckets,
            unit: "seconds"
        ).bind([name])
        self.queueLength = registry.gauge(
            name: "periscope_otlp_queue_length",
            help: "Items waiting in the OTLP export queue.",
            labelNames: ["signal"]
        ).bind([name])
        self.queueCapacity = registry.gauge(
            name: "periscope_otlp_queue_capacity",
            help: "Most items the OTLP export queue holds; further items are dropped.",
            labelNames: ["signal"]
        ).bind([name])
        self.exported = registry.counter(
            name: "periscope_otlp_items_exported_total",
            help: "Items (spans, data points) the OTLP collector accepted.",
            labelNames: ["signal"]
        ).bind([name])
        let dropped = registry.counter(
            name: "periscope_otlp_items_dropped_total",
            help: "Items lost by the OTLP exporter, by reason: queue_full, export_failed, rejected (by the "
                + "collector in a partial success), shutdown.",
            labelNames: ["signal", "reason"]
        )
        self.droppedQueueFull = dropped.bind([name, DropReason.queueFull.rawValue])
        self.droppedExportFailed = dropped.bind([name, DropReason.exportFailed.rawValue])
        self.droppedRejected = dropped.bind([name, DropReason.rejected.rawValue])
        self.droppedShutdown = dropped.bind([name, DropReason.shutdown.rawValue])
    }
}
