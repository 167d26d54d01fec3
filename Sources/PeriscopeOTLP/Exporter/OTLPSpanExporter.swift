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
/// collector that falls behind costs the spans beyond both bounds.
///
/// Drains are paced by how fast the rings fill, to wake the exporter (and preempt a traffic loop sharing its core)
/// as seldom as the rings allow: while spans come, the next drain is due when the fastest-filling ring would be
/// ``targetIntake`` full at the rate it was pushed since the last timed drain, within ``minimumDrainInterval`` …
/// ``maximumDrainInterval``; once no span came, every ``idleDrainInterval``. Between those, the pipeline tops its
/// queue up from the rings before it takes each batch (``OTLPExportPipeline/Refill``), in the wake-up an export
/// already costs, so a busy exporter's queue is refilled as fast as batches leave. At shutdown it drains
/// everything, and what the queue cannot take then is dropped and counted by the pipeline.
public final class OTLPSpanExporter: Sendable {
    /// The share of a ring's capacity the fastest-filling ring may take in between two timed drains (the rest is
    /// headroom for a rising rate: twice the last interval's rate still fits).
    static let targetIntake = 0.5
    /// The shortest wait between timed drains while spans come.
    static let minimumDrainInterval = TimeAmount.milliseconds(5)
    /// The longest wait between timed drains while spans come (a bound on how late a span reaches the queue).
    static let maximumDrainInterval = TimeAmount.milliseconds(50)
    /// The wait after an interval in which no span came.
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
        /// Each ring's push count at the last timed drain, and when that was.
        var intakeCounts: [UInt64] = []
        var lastTimedDrain = NIODeadline.now()
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
            refill: { pipeline in
                _ = Self.drain(buffer, into: pipeline)
            },
            encode: { spans in
                try encoder.value.encode(spans, strings: strings).body
            }
        )
    }

    /// Starts draining the span buffer: on the pacing timer, and at once when a traffic loop finds its ring three
    /// quarters full (``PeriscopeTelemetry/SpanBuffer/signalHighWater()``: a burst the pacing did not expect).
    public func start() {
        self.buffer.onHighWater { [weak self] in
            guard let self else { return }
            self.eventLoop.execute { self.drainNow() }
        }
        self.eventLoop.execute {
            self.state.value.lastTimedDrain = .now()
            _ = self.buffer.largestIntake(since: &self.state.value.intakeCounts)
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
            let now = NIODeadline.now()
            let elapsed = now - self.state.value.lastTimedDrain
            let intake = self.buffer.largestIntake(since: &self.state.value.intakeCounts)
            self.state.value.lastTimedDrain = now
            _ = Self.drain(self.buffer, into: self.pipeline)
            self.noteDrops()
            self.schedule(after: Self.nextDrainInterval(elapsed: elapsed, largestIntake: intake))
        }
    }

    /// A drain out of turn, asked for by a ring at its high water; the timer keeps its schedule (its pacing counts
    /// pushes, not what was drained).
    private func drainNow() {
        guard !self.state.value.stopped else { return }
        _ = Self.drain(self.buffer, into: self.pipeline)
        self.noteDrops()
    }

    /// The wait before the next timed drain, after `elapsed` in which the fastest-filling ring took in
    /// `largestIntake` of its capacity: the time that ring needs to take in ``targetIntake`` at that rate, within
    /// ``minimumDrainInterval`` … ``maximumDrainInterval``; ``idleDrainInterval`` when no span came.
    static func nextDrainInterval(elapsed: TimeAmount, largestIntake: Double) -> TimeAmount {
        guard largestIntake > 0 else { return Self.idleDrainInterval }
        let nanoseconds = Double(max(elapsed.nanoseconds, 0)) * Self.targetIntake / largestIntake
        let lowest = Double(Self.minimumDrainInterval.nanoseconds)
        let highest = Double(Self.maximumDrainInterval.nanoseconds)
        return .nanoseconds(Int64(min(max(nanoseconds, lowest), highest)))
    }

    /// Moves waiting spans to `pipeline`, straight from ring memory into its queue, as many as the queue has room
    /// for. Returns how many moved.
    private static func drain(_ buffer: SpanBuffer, into pipeline: OTLPExportPipeline<SpanRecord>) -> Int {
        var moved = 0
        while true {
            let room = pipeline.room
            guard room > 0 else { break }
            let count = buffer.drain(max: min(room, 4096)) { chunk in pipeline.offer(contentsOf: chunk) }
            guard count > 0 else { break }
            moved += count
        }
        return moved
    }

    /// Logs once per episode that the rings are dropping spans, with the likely cause: a full export queue (the
    /// collector is slow or down), or rings too small for the span rate while the queue had room.
    private func noteDrops() {
        let dropped = self.buffer.dropped
        if dropped != self.state.value.droppedAtLastDrain {
            self.state.value.droppedAtLastDrain = dropped
            if !self.state.value.droppingLogged {
                self.state.value.droppingLogged = true
                let metadata: Logger.Metadata = [
                    "otlp.queue_length": "\(self.pipeline.queueLength)",
                    "tracing.buffer_size": "\(self.buffer.capacityPerLoop)",
                ]
                if self.pipeline.room > 0 {
                    self.logger.warning(
                        "span buffer full while the OTLP export queue has room; the rings are too small for the span rate, raise tracing.buffer_size",
                        metadata: metadata
                    )
                } else {
                    self.logger.warning(
                        "span buffer full; dropping spans until the OTLP export queue has room",
                        metadata: metadata
                    )
                }
            }
        } else {
            self.state.value.droppingLogged = false
        }
    }
}
