import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PeriscopeTelemetry
import Testing

@testable import PeriscopeOTLP

/// A traffic loop that finds its ring three quarters full gets a drain at once, not at the exporter's next timed drain.
@Suite(.timeLimit(.minutes(1))) struct OTLPSpanExporterHighWaterTests {
    @Test func aRingAtHighWaterIsDrainedWithoutWaitingForTheTimer() async throws {
        let collector = try await ExporterTestCollector.start()
        let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
        let buffer = SpanBuffer(loopCount: 1, capacity: 64)
        let spans = SampleSpans()
        var configuration = OTLPExporterConfiguration()
        configuration.traces.endpoint = OTLPEndpoint(host: "127.0.0.1", port: collector.port, target: "/v1/traces")
        configuration.batch = .init(scheduleDelay: .seconds(3600), maxQueueSize: 256, maxExportBatchSize: 256)
        let exporter = try OTLPSpanExporter(
            buffer: buffer,
            strings: spans.strings,
            configuration: configuration,
            encoder: SampleSpans.encoder().configuration,
            eventLoop: eventLoop,
            registry: MetricsRegistry(eventLoopCount: 1),
            logger: ExporterTestSupport.silentLogger
        )
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
        var configuration = OTLPExporterConfiguration()
        configuration.traces.endpoint = OTLPEndpoint(host: "127.0.0.1", port: collector.port, target: "/v1/traces")
        configuration.batch = .init(scheduleDelay: .seconds(3600), maxQueueSize: 256, maxExportBatchSize: 256)
        let messages = CapturedLogMessages()
        let exporter = try OTLPSpanExporter(
            buffer: buffer,
            strings: spans.strings,
            configuration: configuration,
            encoder: SampleSpans.encoder().configuration,
            eventLoop: eventLoop,
            registry: MetricsRegistry(eventLoopCount: 1),
            logger: Logger(label: "test") { _ in CapturingLogHandler(messages: messages) }
        )
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
        let warnings = messages.all.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("raise tracing.buffer_size") == true)
        #expect(warnings.first?.metadata["tracing.buffer_size"] == "16")
        await exporter.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }
}

/// Log messages a ``CapturingLogHandler`` recorded.
final class CapturedLogMessages: Sendable {
    struct Message: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }
    private let box = NIOLockedValueBox<[Message]>([])
    var all: [Message] { self.box.withLockedValue { $0 } }
    func append(_ message: Message) { self.box.withLockedValue { $0.append(message) } }
}

/// Records every message, with its metadata as strings.
struct CapturingLogHandler: LogHandler {
    let messages: CapturedLogMessages
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { _, new in new }
        self.messages.append(
            .init(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
        )
    }
}
