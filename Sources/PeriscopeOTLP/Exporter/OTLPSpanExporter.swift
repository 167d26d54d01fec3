import Logging
import NIOCore
import PeriscopeTelemetry

/// Exports the proxy's spans: every 100 ms it drains the span buffer's rings (on its own event loop, never a
/// traffic loop) into an ``OTLPExportPipeline`` that batches (`max_export_batch_size`, `schedule_delay`), bounds
/// the queue (`max_queue_size`, further spans dropped and counted), retries and counts. Each batch is encoded
/// into one `ExportTraceServiceRequest`, its strings resolved from the span string table.
public final class OTLPSpanExporter: Sendable {
    static let drainInterval = TimeAmount.milliseconds(100)

    private let buffer: SpanBuffer
    private let eventLoop: any EventLoop
    private let pipeline: OTLPExportPipeline<SpanRecord>
    private let task: NIOLoopBoundBox<RepeatedTask?>

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
        self.task = NIOLoopBoundBox.makeEmptyBox(valueType: RepeatedTask.self, eventLoop: eventLoop)
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
            self.task.value = self.eventLoop.scheduleRepeatedTask(
                initialDelay: Self.drainInterval,
                delay: Self.drainInterval
            ) { _ in
                self.drain()
            }
        }
    }

    /// Drains once more, then exports what is queued until `deadline`.
    public func shutdown(deadline: NIODeadline) async {
        try? await self.eventLoop.submit {
            self.task.value?.cancel()
            self.task.value = nil
            self.drain()
        }.get()
        await self.pipeline.shutdown(deadline: deadline)
    }

    /// Moves every span in the rings to the pipeline (whose full queue drops and counts the excess), straight from
    /// ring memory into the pipeline's queue.
    private func drain() {
        while self.buffer.drain(max: 4096, { chunk in self.pipeline.offer(contentsOf: chunk) }) > 0 {}
    }
}
