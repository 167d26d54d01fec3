import Logging
import NIOCore
import PeriscopeTelemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exports the registry as OTLP metrics: every `metricExportInterval` it takes a snapshot, encodes it (on its own
/// event loop, never a traffic loop) and hands the request to an ``OTLPExportPipeline`` that batches, retries and
/// counts. On shutdown it collects once more and flushes within the deadline.
public final class OTLPMetricsExporter: Sendable {
    private let registry: MetricsRegistry
    private let eventLoop: any EventLoop
    private let interval: Duration
    private let startTime: UInt64
    private let encoder: NIOLoopBoundBox<OTLPMetricsEncoder>
    private let pipeline: OTLPExportPipeline<OTLPEncodedMetrics>
    private let task: NIOLoopBoundBox<RepeatedTask?>
    private let logger: Logger

    /// - Throws: ``OTLPHTTPClientError`` for an endpoint the client cannot use (https).
    public init(
        registry: MetricsRegistry,
        configuration: OTLPExporterConfiguration,
        encoder encoderConfiguration: OTLPMetricsEncoder.Configuration,
        eventLoop: any EventLoop,
        logger: Logger
    ) throws(OTLPHTTPClientError) {
        self.registry = registry
        self.eventLoop = eventLoop
        self.interval = configuration.metricExportInterval
        self.startTime = Self.nowUnixNano()
        self.logger = logger
        self.encoder = NIOLoopBoundBox.makeBoxSendingValue(
            OTLPMetricsEncoder(configuration: encoderConfiguration),
            eventLoop: eventLoop
        )
        self.task = NIOLoopBoundBox.makeEmptyBox(valueType: RepeatedTask.self, eventLoop: eventLoop)
        // The batch span processor's settings are for spans: a metric collection goes out as soon as it is
        // taken, one per request, and at most 8 wait while the collector is unreachable (cumulative values make
        // the oldest ones redundant).
        self.pipeline = OTLPExportPipeline(
            signal: .metrics,
            client: try OTLPHTTPClient(signal: .metrics, configuration: configuration, eventLoop: eventLoop),
            batch: .init(scheduleDelay: .zero, maxQueueSize: 8, maxExportBatchSize: 1),
            registry: registry,
            logger: logger,
            weigh: { $0.dataPointCount },
            // One collection per request (concatenated requests would also be one valid request).
            encode: { collections in ByteBuffer(bytes: collections.flatMap(\.bytes)) }
        )
    }

    /// Starts the periodic collection.
    public func start() {
        self.eventLoop.execute {
            let (seconds, attoseconds) = self.interval.components
            let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            self.task.value = self.eventLoop.scheduleRepeatedTask(initialDelay: amount, delay: amount) { _ in
                self.collect()
            }
        }
    }

    /// Collects one last time, then exports what is queued until `deadline`.
    public func shutdown(deadline: NIODeadline) async {
        try? await self.eventLoop.submit {
            self.task.value?.cancel()
            self.task.value = nil
            self.collect()
        }.get()
        await self.pipeline.shutdown(deadline: deadline)
    }

    /// Takes a snapshot and queues its encoding (on the exporter's loop).
    private func collect() {
        self.eventLoop.preconditionInEventLoop()
        let snapshot = self.registry.snapshot()
        do {
            let encoded = try self.encoder.value.encode(
                snapshot,
                collectionTimeUnixNano: Self.nowUnixNano(),
                startTimeUnixNano: self.startTime,
                exemplars: Self.exemplar(family:seriesIndex:bucketIndex:)
            )
            if !encoded.isEmpty { self.pipeline.offer(encoded) }
        } catch {
            self.logger.error("encoding OTLP metrics failed", metadata: ["error": "\(error)"])
        }
    }

    /// The ``OTLPExemplarSource`` of a registry snapshot: the bucket exemplars the snapshot carries.
    static func exemplar(family: MetricFamilySnapshot, seriesIndex: Int, bucketIndex: Int) -> OTLPExemplar? {
        guard family.series.indices.contains(seriesIndex),
            let sample = family.series[seriesIndex].exemplar(bucket: bucketIndex)
        else { return nil }
        let exemplar = sample.exemplar
        return OTLPExemplar(
            traceID: exemplar.traceID.bytes,
            spanID: exemplar.span.bytes,
            value: sample.value,
            timeUnixNano: exemplar.timeUnixNano
        )
    }

    static func nowUnixNano() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
