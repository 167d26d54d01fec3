import Logging
import NIOCore
import NIOPosix
import PeriscopeTelemetry
import Testing

@testable import PeriscopeOTLP

/// A traffic loop that finds its ring three quarters full gets a drain at once, not at the exporter's next timed drain.
@Suite(.timeLimit(.minutes(1))) struct OTLPSpanExporterHighWaterTests {
    /// An exporter of `buffer` to `collector` whose timed drains are far apart (a 256-span queue and batch, an hour's
    /// schedule delay), so that only the high-water signal drains in between.
    static func exporter(
        _ buffer: SpanBuffer,
        _ spans: SampleSpans,
        _ collector: ExporterTestCollector,
        _ eventLoop: any EventLoop,
        logger: Logger
    ) throws -> OTLPSpanExporter {
        var configuration = OTLPExporterConfiguration()
        configuration.traces.endpoint = OTLPEndpoint(host: "127.0.0.1", port: collector.port, target: "/v1/traces")
        configuration.batch = .init(scheduleDelay: .seconds(3600), maxQueueSize: 256, maxExportBatchSize: 256)
        return try OTLPSpanExporter(
            buffer: buffer,
            strings: spans.strings,
            configuration: configuration,
            encoder: SampleSpans.encoder().configuration,
            eventLoop: eventLoop,
            registry: MetricsRegistry(eventLoopCount: 1),
            logger: logger
        )
    }

    @Test func aRingAtHighWaterIsDrainedWithoutWaitingForTheTimer() async throws {
        let collector = try await ExporterTestCollector.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let buffer = SpanBuffer(loopCount: 1, capacity: 64)
        let spans = SampleSpans()
        let exporter = try Self.exporter(buffer, spans, collector, eventLoop, logger: ExporterTestSupport.silentLogger)
        exporter.start()
        // start() registers the handler on the exporter's loop; once a task after it ran, it is in place. The first
        // timed drain is 100 ms away.
        try await eventLoop.submit {}.get()
        let ring = buffer.ring(forLoop: 0)
        let before = ring.accepted
        let record = spans.server
        for _ in 0..<48 {
            ring.push(record)
        }
        #expect(ring.reachedHighWater(since: before))
        buffer.signalHighWater()
        // The drain the signal asked for is queued on the exporter's loop before this barrier.
        try await eventLoop.submit {}.get()
        #expect(buffer.drained == 48)
        #expect(buffer.length == 0)
        await exporter.shutdown(deadline: .now() + .seconds(5))
        #expect(collector.requests.count == 1)
        await collector.stop()
    }

    @Test func dropsWhileTheQueueHasRoomAreLoggedAsRingsTooSmall() async throws {
        let collector = try await ExporterTestCollector.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let buffer = SpanBuffer(loopCount: 1, capacity: 16)
        let spans = SampleSpans()
        let logs = RecordingLogs()
        let exporter = try Self.exporter(buffer, spans, collector, eventLoop, logger: logs.logger())
        exporter.start()
        try await eventLoop.submit {}.get()
        let ring = buffer.ring(forLoop: 0)
        for _ in 0..<40 {
            ring.push(spans.server)
        }
        #expect(buffer.dropped == 24)
        buffer.signalHighWater()
        try await eventLoop.submit {}.get()
        // The 16 waiting spans fit the 256-span queue: the rings, not the collector, were the limit.
        let warnings = logs.records.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("raise tracing.buffer_size") == true)
        #expect(warnings.first?.metadata["tracing.buffer_size"] == "16")
        await exporter.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }
}
