import Logging
import NIOCore
import PeriscopeTelemetry

/// Exports the proxy's spans: it drains the span buffer's rings (on its own event loop, never a traffic loop) into an
/// ``OTLPExportPipeline`` that batches (`max_export_batch_size`, `schedule_delay`), bounds the queue
/// (`max_queue_size`), retries and counts. Each batch is encoded into one `ExportTraceServiceRequest`, its strings
/// resolved from the span string table.
///
/// ## Draining
/// A drain moves only as many spans as the queue has room for; the rest wait in the rings, which drop and count
/// (`periscope_spans_dropped_total{reason="buffer_full"}`) only when they fill up. So the rings buffer what the queue
/// cannot take yet: a steady load the collector keeps up with loses nothing, however the drains fall, and a
/// collector that falls behind costs the spans beyond both bounds. The exporter drains every
/// ``busyDrainInterval`` while spans keep coming and every ``idleDrainInterval`` once the rings were empty. At
/// shutdown it drains everything, and what the queue cannot take then is dropped and counted by the pipeline.
public final class OTLPSpanExporter: Sendable {
    /// The wait between drains while spans are coming.
    static let busyDrainInterval = TimeAmount.milliseconds(10)
    /// The wait after a drain that found the rings empty.
    static let idleDrainInterval = TimeAmount.milliseconds(100)

    private let buffer: SpanBuffer
    private let eventLoop: any EventLoop
    private let pipeline: OTLPExportPipeline<SpanRecord>
    private let logger: Logger
    private let state: NIOLoopBoundBox<DrainState>

    private struct DrainState {
        var task: Scheduled<Void>?
        var stopped = false
        /// The rings' drop count at the last drain, and whether the drops since were logged.
        var droppedAtLastDrain: UInt64 = 0
        var droppingLogged = false
    }

    /// - Throws: ``OTLPHTTPClientError`` for an endpoint the client cannot use (https).
    public init(
        buffer: SpanBuffer,
        strings: SpanStringTable,
        configuration: OTLPExporterConfiguration,
        encoder encoderConfiguration: OTLPTracesEncoder.Configuration,
        eventLoop: any EventLoop,
        registry: MetricsRegistry,
        logger: Logger
    ) throws(OTLPHTTPClientError) {
        self.buffer = buffer
        self.eventLoop = eventLoop
        self.logger = logger
        self.state = NIOLoopBoundBox.makeBoxSendingValue(DrainState(), eventLoop: eventLoop)
        // The pipeline encodes one batch at a time on `eventLoop`, so one encoder serves every batch: its arena
        // keeps a chunk warm and interned strings are converted to C once, not once per batch.
        let encoder = NIOLoopBoundBox.makeBoxSendingValue(
            OTLPTracesEncoder(configuration: encoderConfiguration),
            eventLoop: eventLoop
        )
        self.pipeline = try OTLPExportPipeline(
            signal: .traces,
            configuration: configuration,
            eventLoop: eventLoop,
            registry: registry,
            logger: logger,
            encode: { spans in
                try encoder.value.encode(spans, strings: strings).body
            }
        )
    }

    /// Starts draining the span buffer.
    public func start() {
        self.eventLoop.execute {
            self.schedule(after: Self.idleDrainInterval)
        }
    }

    /// Drains everything once more, then exports what is queued until `deadline`.
    public func shutdown(deadline: NIODeadline) async {
        try? await self.eventLoop.submit {
            self.state.value.stopped = true
            self.state.value.task?.cancel()
            self.state.value.task = nil
            while self.buffer.drain(max: 4096, { chunk in self.pipeline.offer(contentsOf: chunk) }) > 0 {}
        }.get()
        await self.pipeline.shutdown(deadline: deadline)
    }

    private func schedule(after delay: TimeAmount) {
        guard !self.state.value.stopped else { return }
        self.state.value.task = self.eventLoop.scheduleTask(in: delay) {
            let moved = self.drain()
            self.schedule(after: moved > 0 || self.buffer.length > 0 ? Self.busyDrainInterval : Self.idleDrainInterval)
        }
    }

    /// Moves waiting spans to the pipeline, straight from ring memory into its queue, as many as the queue has room
    /// for. Returns how many moved.
    private func drain() -> Int {
        var moved = 0
        while true {
            let room = self.pipeline.room
            guard room > 0 else { break }
            let count = self.buffer.drain(max: min(room, 4096)) { chunk in self.pipeline.offer(contentsOf: chunk) }
            guard count > 0 else { break }
            moved += count
        }
        self.noteDrops()
        return moved
    }

    /// Logs once per episode that the rings are dropping spans (the queue is full: the collector is slow or down).
    private func noteDrops() {
        let dropped = self.buffer.dropped
        if dropped != self.state.value.droppedAtLastDrain {
            self.state.value.droppedAtLastDrain = dropped
            if !self.state.value.droppingLogged {
                self.state.value.droppingLogged = true
                self.logger.warning(
                    "span buffer full; dropping spans until the OTLP export queue has room",
                    metadata: ["otlp.queue_length": "\(self.pipeline.queueLength)"]
                )
            }
        } else {
            self.state.value.droppingLogged = false
        }
    }
}
