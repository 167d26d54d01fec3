import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PeriscopeTelemetry
import Testing

@testable import PeriscopeOTLP

/// End-to-end tests of the pipeline against an in-process collector. Items are bytes and a batch's body is the
/// bytes themselves, so the collector sees exactly which items each request carried.
@Suite(.timeLimit(.minutes(1))) struct OTLPExportPipelineTests {
    private typealias Support = ExporterTestSupport

    private let eventLoop = MultiThreadedEventLoopGroup.singleton.next()
    private let registry = MetricsRegistry(eventLoopCount: 1)

    /// A retry policy fast enough for tests.
    private static let fastRetries = OTLPRetryPolicy(
        initialBackoff: .milliseconds(20),
        maxBackoff: .milliseconds(100),
        maxElapsedTime: .seconds(20)
    )

    private func pipeline(
        _ collector: ExporterTestCollector,
        signal: OTLPSignal = .traces,
        batch: OTLPExporterConfiguration.BatchSettings,
        retryPolicy: OTLPRetryPolicy = fastRetries,
        timeout: Duration = .seconds(5),
        logger: Logger = ExporterTestSupport.silentLogger
    ) throws -> OTLPExportPipeline<UInt8> {
        try self.pipeline(
            port: collector.port,
            signal: signal,
            batch: batch,
            retryPolicy: retryPolicy,
            timeout: timeout,
            logger: logger
        )
    }

    private func pipeline(
        port: Int,
        signal: OTLPSignal = .traces,
        batch: OTLPExporterConfiguration.BatchSettings,
        retryPolicy: OTLPRetryPolicy = fastRetries,
        timeout: Duration = .seconds(5),
        logger: Logger = ExporterTestSupport.silentLogger
    ) throws -> OTLPExportPipeline<UInt8> {
        let client = try OTLPHTTPClient(
            endpoint: OTLPEndpoint(host: "127.0.0.1", port: port, target: "/" + signal.relativePath),
            timeout: timeout,
            eventLoop: self.eventLoop
        )
        return OTLPExportPipeline(
            signal: signal,
            client: client,
            batch: batch,
            retryPolicy: retryPolicy,
            registry: self.registry,
            logger: logger,
            encode: { ByteBuffer(bytes: $0) }
        )
    }

    /// A client POSTing to `path` on `collector`, for tests that build their pipeline with closures of their own.
    private func client(_ collector: ExporterTestCollector, path: String) throws -> OTLPHTTPClient {
        try OTLPHTTPClient(endpoint: OTLPEndpoint(url: collector.baseURL + path), eventLoop: self.eventLoop)
    }

    private func exports(_ result: String, signal: String = "traces") -> Double {
        Support.value(self.registry, "periscope_otlp_exports_total", ["signal": signal, "result": result])
    }

    private func dropped(_ reason: String, signal: String = "traces") -> Double {
        Support.value(self.registry, "periscope_otlp_items_dropped_total", ["signal": signal, "reason": reason])
    }

    private func exported(signal: String = "traces") -> Double {
        Support.value(self.registry, "periscope_otlp_items_exported_total", ["signal": signal])
    }

    @Test func fullBatchesGoAtOnceAndTheRestWaitsForTheDelayOrAFlush() async throws {
        let collector = try await ExporterTestCollector.start()
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 100, maxExportBatchSize: 10)
        )
        for item in 0..<25 {
            #expect(pipeline.offer(UInt8(item)))
        }
        try await Support.waitUntil("two full batches") { collector.requests.count == 2 }
        #expect(collector.requests.map(\.body) == [Array(0..<10), Array(10..<20)])
        #expect(pipeline.queueLength == 5)
        #expect(Support.value(self.registry, "periscope_otlp_queue_length", ["signal": "traces"]) == 5)
        #expect(Support.value(self.registry, "periscope_otlp_queue_capacity", ["signal": "traces"]) == 100)
        await pipeline.forceFlush()
        #expect(collector.requests.map(\.body) == [Array(0..<10), Array(10..<20), Array(20..<25)])
        #expect(collector.requests.allSatisfy { $0.uri == "/v1/traces" })
        #expect(self.exports("success") == 3)
        #expect(self.exported() == 25)
        #expect(Support.count(self.registry, "periscope_otlp_export_duration_seconds", ["signal": "traces"]) == 3)
        #expect(Support.value(self.registry, "periscope_otlp_queue_length", ["signal": "traces"]) == 0)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func aPartialBatchIsExportedAfterTheScheduleDelay() async throws {
        let collector = try await ExporterTestCollector.start()
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .milliseconds(300), maxQueueSize: 100, maxExportBatchSize: 50)
        )
        let start = ContinuousClock.now
        pipeline.offer(1)
        pipeline.offer(2)
        pipeline.offer(3)
        try await Support.waitUntil("the delayed export") { collector.requests.count == 1 }
        let request = try #require(collector.requests.first)
        #expect(request.body == [1, 2, 3])
        #expect(request.receivedAt - start >= .milliseconds(300))
        // Offers after the export start a new delay.
        pipeline.offer(4)
        try await Support.waitUntil("the second delayed export") { collector.requests.count == 2 }
        #expect(collector.requests[1].body == [4])
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func configurationFromTheEnvironmentDrivesTheRequests() async throws {
        let collector = try await ExporterTestCollector.start()
        let (configuration, warnings) = OTLPExporterConfiguration.resolve(
            file: OTLPFileSettings(compression: .identity, maxExportBatchSize: 4),
            environment: [
                "OTEL_EXPORTER_OTLP_ENDPOINT": collector.baseURL + "/base",
                "OTEL_EXPORTER_OTLP_HEADERS": "x-tenant=blue%20team,authorization=Bearer%20t0ken",
                "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION": "gzip",
                "OTEL_BSP_SCHEDULE_DELAY": "3600000",
            ]
        )
        #expect(warnings.isEmpty)
        let pipeline = try OTLPExportPipeline<UInt8>(
            signal: .metrics,
            configuration: configuration,
            eventLoop: self.eventLoop,
            registry: self.registry,
            logger: Support.silentLogger,
            encode: { ByteBuffer(bytes: $0) }
        )
        #expect(pipeline.offer(contentsOf: [9, 8, 7, 6]) == 4)
        try await Support.waitUntil("the batch") { collector.requests.count == 1 }
        let request = try #require(collector.requests.first)
        #expect(request.uri == "/base/v1/metrics")
        #expect(request.header("x-tenant") == "blue team")
        #expect(request.header("authorization") == "Bearer t0ken")
        #expect(request.header("Content-Encoding") == "gzip")
        #expect(try Support.gunzip(request.body) == [9, 8, 7, 6])
        try await Support.waitUntil("the export to be counted") { self.exported(signal: "metrics") == 4 }
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func badRequestIsNotRetried() async throws {
        let collector = try await ExporterTestCollector.start(behavior: .status(400, message: "invalid span"))
        let logs = RecordingLogs()
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 10),
            logger: logs.logger()
        )
        pipeline.offer(contentsOf: [1, 2, 3])
        await pipeline.forceFlush()
        #expect(collector.requests.count == 1)
        #expect(self.exports("failed") == 1)
        #expect(self.exports("retryable_failure") == 0)
        #expect(self.exports("success") == 0)
        #expect(self.dropped("export_failed") == 3)
        let error = try #require(logs.records.first { $0.level == .error })
        #expect(error.metadata["error"] == "HTTP 400: invalid span")
        #expect(error.metadata["otlp.signal"] == "traces")
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func unavailableIsRetriedAfterRetryAfter() async throws {
        let collector = try await ExporterTestCollector.start(
            behavior: .ok,
            script: [.status(503, message: "overloaded", headers: [("Retry-After", "1")])]
        )
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 10)
        )
        pipeline.offer(contentsOf: [1, 2])
        await pipeline.forceFlush()
        let requests = collector.requests
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.body == [1, 2] })
        // The policy's own backoff is ≤ 20 ms here: the gap is the server's Retry-After.
        #expect(requests[1].receivedAt - requests[0].receivedAt >= .seconds(1))
        #expect(self.exports("retryable_failure") == 1)
        #expect(self.exports("success") == 1)
        #expect(self.exported() == 2)
        #expect(self.dropped("export_failed") == 0)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func throttlingAndDroppedConnectionsAreRetried() async throws {
        let collector = try await ExporterTestCollector.start(
            behavior: .ok,
            script: [.status(429, message: "slow down"), .close, .status(502, message: "gw")]
        )
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 10)
        )
        pipeline.offer(7)
        await pipeline.forceFlush()
        #expect(collector.requests.count == 4)
        #expect(collector.requests.allSatisfy { $0.body == [7] })
        // The 429 left the connection open; the close on it, before any response byte, is taken for a stale
        // kept-alive connection and the client resends at once on a new one (no backoff, no retry counted).
        #expect(collector.requests.map(\.connection) == [1, 1, 2, 2])
        #expect(self.exports("retryable_failure") == 2)
        #expect(self.exports("success") == 1)
        #expect(self.exported() == 1)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func anOutageIsBridgedByBackoff() async throws {
        // Reserve a port, then take the collector down: connections are refused.
        let first = try await ExporterTestCollector.start()
        let port = first.port
        await first.stop()
        let pipeline = try self.pipeline(
            port: port,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 10)
        )
        pipeline.offer(contentsOf: [1, 2, 3])
        let flushed = pipeline.forceFlushFuture()
        try await Support.waitUntil("two refused attempts") { self.exports("retryable_failure") >= 2 }
        #expect(self.exports("success") == 0)
        let collector = try await ExporterTestCollector.start(port: port)
        try await flushed.get()
        #expect(collector.requests.map(\.body) == [[1, 2, 3]])
        #expect(self.exports("success") == 1)
        #expect(self.exported() == 3)
        #expect(self.exports("failed") == 0)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func retriesGiveUpAfterTheMaxElapsedTime() async throws {
        let collector = try await ExporterTestCollector.start(behavior: .status(503, message: "down"))
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 10),
            retryPolicy: OTLPRetryPolicy(
                initialBackoff: .milliseconds(50),
                maxBackoff: .milliseconds(50),
                maxElapsedTime: .milliseconds(400)
            )
        )
        pipeline.offer(contentsOf: [1, 2, 3, 4])
        // Gives up (rather than retrying forever): the flush returns, and the counts say how.
        await pipeline.forceFlush()
        #expect(collector.requests.count >= 2)
        #expect(self.exports("retryable_failure") == Double(collector.requests.count))
        #expect(self.exports("failed") == 1)
        #expect(self.dropped("export_failed") == 4)
        #expect(self.exported() == 0)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func partialSuccessIsCountedLoggedAndNotRetried() async throws {
        let collector = try await ExporterTestCollector.start(
            behavior: .partial(rejected: 2, message: "2 spans had invalid trace ids")
        )
        let logs = RecordingLogs()
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 10),
            logger: logs.logger()
        )
        pipeline.offer(contentsOf: [1, 2, 3, 4, 5])
        await pipeline.forceFlush()
        #expect(collector.requests.count == 1)
        #expect(self.exports("partial") == 1)
        #expect(self.exports("success") == 0)
        #expect(self.exported() == 3)
        #expect(self.dropped("rejected") == 2)
        let warning = try #require(logs.records.first { $0.message.contains("partially") })
        #expect(warning.level == .warning)
        #expect(warning.metadata["otlp.message"] == "2 spans had invalid trace ids")
        #expect(warning.metadata["otlp.rejected"] == "2")

        // A partial_success with nothing rejected and no message is a full success.
        collector.setBehavior(.partial(rejected: 0, message: ""))
        pipeline.offer(6)
        await pipeline.forceFlush()
        #expect(self.exports("success") == 1)
        #expect(self.exported() == 4)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func aFullQueueDropsAndCountsExactly() async throws {
        // The first batch is held by the collector, so the queue fills while it is in flight.
        let collector = try await ExporterTestCollector.start(behavior: .ok, script: [.hold])
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 50, maxExportBatchSize: 10),
            timeout: .seconds(30)
        )
        #expect(pipeline.offer(contentsOf: Array(0..<10)) == 10)
        try await Support.waitUntil("the held first batch") { collector.heldCount == 1 }
        // Four producers race to offer 1000 more: exactly 50 fit.
        let refused = await withTaskGroup(of: Int.self) { group in
            for task in 0..<4 {
                group.addTask {
                    var refused = 0
                    for item in 0..<250 where !pipeline.offer(UInt8(truncatingIfNeeded: task * 250 + item)) {
                        refused += 1
                    }
                    return refused
                }
            }
            return await group.reduce(0, +)
        }
        #expect(refused == 950)
        #expect(self.dropped("queue_full") == 950)
        #expect(pipeline.queueLength == 50)
        collector.releaseHeld()
        await pipeline.forceFlush()
        let offered = 1010.0
        #expect(self.exported() + self.dropped("queue_full") == offered)
        #expect(self.exported() == 60)
        #expect(collector.requests.map(\.body.count) == [10, 10, 10, 10, 10, 10])
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func shutdownDrainsThenStopsAccepting() async throws {
        let collector = try await ExporterTestCollector.start()
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 100, maxExportBatchSize: 4)
        )
        pipeline.offer(contentsOf: Array(0..<10))
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        #expect(collector.requests.flatMap(\.body) == Array(0..<10))
        #expect(self.exported() == 10)
        #expect(!pipeline.offer(11))
        #expect(pipeline.offer(contentsOf: [12, 13]) == 0)
        #expect(self.dropped("shutdown") == 3)
        await collector.stop()
    }

    @Test func shutdownGivesUpAtItsDeadline() async throws {
        let collector = try await ExporterTestCollector.start(behavior: .hold)
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 100, maxExportBatchSize: 5),
            timeout: .seconds(30)
        )
        pipeline.offer(contentsOf: Array(0..<12))
        try await Support.waitUntil("the first batch to be held") { collector.heldCount == 1 }
        let start = ContinuousClock.now
        await pipeline.shutdown(deadline: .now() + .milliseconds(300))
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(250))
        // The held batch was cut off (failed); the 7 still queued were dropped at the deadline.
        #expect(self.exports("failed") == 1)
        #expect(self.dropped("export_failed") == 5)
        #expect(self.dropped("shutdown") == 7)
        #expect(self.exported() == 0)
        await collector.stop()
    }

    @Test func aPendingRetryIsCancelledAtTheShutdownDeadline() async throws {
        let collector = try await ExporterTestCollector.start(
            behavior: .status(503, message: "later", headers: [("Retry-After", "30")])
        )
        let pipeline = try self.pipeline(
            collector,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 100, maxExportBatchSize: 5),
            retryPolicy: OTLPRetryPolicy(maxElapsedTime: .seconds(120))
        )
        pipeline.offer(contentsOf: [1, 2, 3])
        _ = pipeline.forceFlushFuture()
        try await Support.waitUntil("the first attempt") { self.exports("retryable_failure") == 1 }
        // Returns at the deadline rather than after the 30 s Retry-After (the suite's time limit catches a hang).
        await pipeline.shutdown(deadline: .now() + .milliseconds(200))
        #expect(collector.requests.count == 1)
        #expect(self.exports("failed") == 1)
        #expect(self.dropped("export_failed") == 3)
        await collector.stop()
    }

    @Test func anEncodingFailureDropsTheBatch() async throws {
        struct EncodingFailed: Error {}
        let collector = try await ExporterTestCollector.start()
        let client = try self.client(collector, path: "/v1/traces")
        let pipeline = OTLPExportPipeline<UInt8>(
            signal: .traces,
            client: client,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 10, maxExportBatchSize: 10),
            registry: self.registry,
            logger: Support.silentLogger,
            encode: { items in
                if items.contains(0) { throw EncodingFailed() }
                return ByteBuffer(bytes: items)
            }
        )
        pipeline.offer(contentsOf: [0, 1])
        await pipeline.forceFlush()
        pipeline.offer(2)
        await pipeline.forceFlush()
        #expect(collector.requests.map(\.body) == [[2]])
        #expect(self.exports("failed") == 1)
        #expect(self.dropped("export_failed") == 2)
        #expect(self.exported() == 1)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func weightedItemsAreCountedInCollectorUnits() async throws {
        // Each item stands for `item` data points, as a whole encoded collection would.
        let collector = try await ExporterTestCollector.start(behavior: .partial(rejected: 4, message: "stale"))
        let client = try self.client(collector, path: "/v1/metrics")
        let pipeline = OTLPExportPipeline<UInt8>(
            signal: .metrics,
            client: client,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 2, maxExportBatchSize: 2),
            registry: self.registry,
            logger: Support.silentLogger,
            weigh: { Int($0) },
            encode: { ByteBuffer(bytes: $0) }
        )
        #expect(pipeline.offer(contentsOf: [10, 5, 7]) == 2)
        await pipeline.forceFlush()
        #expect(self.exported(signal: "metrics") == 11)
        #expect(self.dropped("rejected", signal: "metrics") == 4)
        #expect(self.dropped("queue_full", signal: "metrics") == 7)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        #expect(!pipeline.offer(3))
        #expect(self.dropped("shutdown", signal: "metrics") == 3)
        await collector.stop()
    }

    @Test func refillTopsTheQueueUpBeforeEachBatchIsTaken() async throws {
        // A producer keeping 25 items elsewhere hands them over only when the pipeline asks (before each batch), as
        // much as the queue has room for: the queue never holds more than 4, yet all 25 go out, in order, in batches
        // of 4 — and nothing else moved them.
        let collector = try await ExporterTestCollector.start()
        let client = try self.client(collector, path: "/v1/traces")
        let source = NIOLockedValueBox((next: 0, calls: 0, largestQueue: 0))
        let pipeline = OTLPExportPipeline<UInt8>(
            signal: .traces,
            client: client,
            batch: .init(scheduleDelay: .seconds(3600), maxQueueSize: 4, maxExportBatchSize: 4),
            registry: self.registry,
            logger: Support.silentLogger,
            refill: { pipeline in
                let items = source.withLockedValue { state -> [UInt8] in
                    state.calls += 1
                    let count = min(pipeline.room, 25 - state.next)
                    defer { state.next += count }
                    return (state.next..<state.next + count).map { UInt8($0) }
                }
                #expect(pipeline.offer(contentsOf: items) == items.count)
                source.withLockedValue { $0.largestQueue = max($0.largestQueue, pipeline.queueLength) }
            },
            encode: { ByteBuffer(bytes: $0) }
        )
        // The first four come in the usual way; each export that ends refills the queue for the next one, until
        // the last item waits alone for the schedule delay (an hour) or a flush.
        #expect(pipeline.offer(contentsOf: [100, 101, 102, 103]) == 4)
        try await Support.waitUntil("full batches exported") { self.exported() == 28 }
        #expect(pipeline.queueLength == 1)
        await pipeline.forceFlush()
        let bodies = collector.requests.map(\.body)
        #expect(bodies.map(\.count) == [4, 4, 4, 4, 4, 4, 4, 1])
        #expect(bodies.joined().map { Int($0) } == [100, 101, 102, 103] + Array(0..<25))
        #expect(source.withLockedValue { $0.largestQueue } <= 4)
        #expect(source.withLockedValue { $0.calls } >= bodies.count)
        #expect(self.dropped("queue_full") == 0)
        await pipeline.shutdown(deadline: .now() + .seconds(5))
        await collector.stop()
    }

    @Test func metricNamesCarryThePrefix() throws {
        _ = OTLPExporterMetrics(registry: self.registry, signal: .metrics)
        let names = self.registry.snapshot().map(\.name).filter { $0.contains("otlp") }
        #expect(
            Set(names) == [
                "periscope_otlp_exports_total", "periscope_otlp_export_duration_seconds", "periscope_otlp_queue_length",
                "periscope_otlp_queue_capacity", "periscope_otlp_items_exported_total",
                "periscope_otlp_items_dropped_total",
            ]
        )
        #expect(names.allSatisfy { $0.hasPrefix("periscope_otlp_") })
    }

    @Test func exporterMetricsKeepTheirRegistryAlive() {
        // Handles are raw pointers into the registry's cells: metrics that outlive the caller's registry reference
        // must keep it, or recording writes to freed memory.
        weak var released: MetricsRegistry?
        var metrics: OTLPExporterMetrics?
        do {
            let registry = MetricsRegistry(eventLoopCount: 1)
            released = registry
            metrics = OTLPExporterMetrics(registry: registry, signal: .traces)
        }
        #expect(released != nil)
        metrics?.queueLength.set(3)
        #expect(
            released.map { ExporterTestSupport.value($0, "periscope_otlp_queue_length", ["signal": "traces"]) } == 3)
        metrics = nil
        #expect(released == nil)
    }
}
