import NIOConcurrencyHelpers
import PeriscopeTelemetry

/// `periscope_spans_*`: the span buffer's counters, brought into the registry at every collection.
enum SpanBufferMetrics {
    /// Registers the families and a collector that copies the buffer's counters into them.
    static func register(_ buffer: SpanBuffer, in registry: MetricsRegistry) {
        let recorded = registry.counter(
            name: "periscope_spans_recorded_total",
            help: "Finished spans offered to the span buffer (sampled, or kept by the error/slow rules)."
        ).bind()
        let dropped = registry.counter(
            name: "periscope_spans_dropped_total",
            help: "Spans dropped before export, by reason (buffer_full: the loop's ring was full).",
            labelNames: ["reason"]
        ).bind(["buffer_full"])
        let length = registry.gauge(
            name: "periscope_span_buffer_length",
            help: "Spans waiting in the span buffer for the exporter."
        ).bind()
        let seen = NIOLockedValueBox((recorded: UInt64(0), dropped: UInt64(0)))
        registry.registerCollector(named: "periscope_spans") {
            let now = (recorded: buffer.recorded, dropped: buffer.dropped(reason: .bufferFull))
            let (addRecorded, addDropped) = seen.withLockedValue { last in
                defer { last = now }
                return (now.recorded &- last.recorded, now.dropped &- last.dropped)
            }
            if addRecorded > 0 { recorded.add(Int(addRecorded)) }
            if addDropped > 0 { dropped.add(Int(addDropped)) }
            length.set(Double(buffer.length))
        }
    }
}
