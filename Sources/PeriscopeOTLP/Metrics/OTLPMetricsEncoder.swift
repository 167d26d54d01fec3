import COTLP
import CProtobufC
import PeriscopeTelemetry

/// Encodes metric snapshots (``PeriscopeTelemetry/MetricsRegistry/snapshot()``) as the protobuf bytes of an OTLP
/// `ExportMetricsServiceRequest`: the body of an OTLP/HTTP `POST /v1/metrics`.
///
/// ## Mapping
/// One request holds one `ResourceMetrics` (the configured ``Configuration/resource``) with one `ScopeMetrics`
/// (scope ``Configuration/scopeName`` / ``Configuration/scopeVersion``) and one `Metric` per family that has series,
/// in snapshot order. Each series is one data point; its labels become string attributes with the label names as
/// keys. The family's help is the description, its unit the OTLP unit (``OTLPMetricNaming/unit(forPrometheusUnit:)``)
/// and its name is mapped by ``Configuration/naming`` (by default counters drop `_total`; see ``OTLPMetricNaming``).
///
/// - **Counter** → `Sum`, `is_monotonic` true, `as_double` values, temporality per ``Configuration/temporality``.
/// - **Gauge** → `Gauge`, `as_double` values, no start time.
/// - **Histogram** → `Histogram` with the family's finite bounds as `explicit_bounds` and one bucket count per
///   bucket, `+Inf` last, *not* cumulative (OTLP counts each bucket on its own, unlike Prometheus' `le` buckets);
///   `count` is the number of observations. `sum` is set unless the family has a negative bound or the sum is
///   negative: the proto asks for it only when observations are non-negative, and OpenMetrics leaves `_sum` out
///   for such histograms too. `min` and `max` are never set (the registry does not track them). Exemplars come
///   from the `exemplars` argument of ``encode(_:collectionTimeUnixNano:startTimeUnixNano:exemplars:)``.
///
/// Values are always doubles (`as_double`): the registry's counters may be fractional, and one metric should not
/// switch between `as_int` and `as_double` from one export to the next.
///
/// ## Times
/// Every point's `time_unix_nano` is the collection time. With cumulative temporality, counter and histogram points
/// start at the start time passed to `encode` (the process or registry start); with delta temporality, at the
/// previous export's collection time (see ``OTLPAggregationTemporality/delta``).
///
/// ## Memory
/// Each batch is built as protobuf-c structs in a per-encoder arena (`cotlp_arena`): one allocation per family for
/// all its points, attributes and bucket counts, plus one string copy per label value. Nothing per series lives on
/// the Swift heap; the arena is released right after packing and keeps one chunk for the next batch.
///
/// ## Concurrency
/// Not thread-safe and not `Sendable`: one encoder belongs to one exporter task, which calls `encode` once per
/// export interval. The delta state lives here too, so use one encoder per destination.
public final class OTLPMetricsEncoder {
    /// What an encoder sends besides the data points, and how.
    public struct Configuration: Sendable {
        /// The resource every request carries.
        public var resource: OTLPResource
        /// The instrumentation scope name. Default `periscope`.
        public var scopeName: String
        /// The instrumentation scope version; empty means unknown.
        public var scopeVersion: String
        /// Cumulative (the default) or delta counters and histograms.
        public var temporality: OTLPAggregationTemporality
        /// How family names become metric names. Default ``OTLPMetricNaming/droppingTypeSuffix``.
        public var naming: OTLPMetricNaming

        /// Creates a configuration.
        public init(
            resource: OTLPResource,
            scopeName: String = "periscope",
            scopeVersion: String = "",
            temporality: OTLPAggregationTemporality = .cumulative,
            naming: OTLPMetricNaming = .droppingTypeSuffix
        ) {
            self.resource = resource
            self.scopeName = scopeName
            self.scopeVersion = scopeVersion
            self.temporality = temporality
            self.naming = naming
        }
    }

    /// The configuration, fixed for the encoder's life (delta state depends on it).
    public let configuration: Configuration

    /// Standard arena chunk size: a batch of a few hundred series fits in one chunk; bigger batches add chunks, and
    /// a family's point array larger than a quarter chunk gets one of its own.
    static let arenaChunkSize = 256 * 1024

    private var arena: OTLPArena?
    private let templates = MetricTemplates()
    private var deltaTracker = DeltaTracker()

    /// Creates an encoder. Its batch arena is created by the first
    /// ``encode(_:collectionTimeUnixNano:startTimeUnixNano:exemplars:)``.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// Encodes `families` as one `ExportMetricsServiceRequest`.
    ///
    /// Families without series are left out. With delta temporality, a successful call becomes the baseline of the
    /// next one (a failed call changes nothing); if the export of the returned bytes then fails, that interval's
    /// counts are lost, as with any delta exporter.
    ///
    /// - Parameters:
    ///   - families: A snapshot, e.g. `registry.snapshot()`.
    ///   - collectionTimeUnixNano: When the snapshot was taken (every point's `time_unix_nano`; must be non-zero).
    ///   - startTimeUnixNano: When the counters started counting (usually the process start): the start time of
    ///     cumulative points, and of delta points in the first export. Pass a new one if the registry was replaced
    ///     by a fresh one, so that receivers see the reset.
    ///   - exemplars: Looks up the exemplar of each histogram bucket; `nil` sends none.
    /// - Returns: The packed request, empty if there were no data points.
    /// - Throws: ``OTLPEncodingError/outOfMemory`` if the batch arena could not grow.
    public func encode(
        _ families: [MetricFamilySnapshot],
        collectionTimeUnixNano: UInt64,
        startTimeUnixNano: UInt64,
        exemplars: OTLPExemplarSource? = nil
    ) throws(OTLPEncodingError) -> OTLPEncodedMetrics {
        let arena = try self.batchArena()
        defer { arena.reset() }
        let isDelta = self.configuration.temporality == .delta

        var builder = MetricsBatchBuilder(
            arena: arena,
            templates: self.templates,
            collectionTime: collectionTimeUnixNano,
            temporality: self.configuration.temporality,
            exemplars: exemplars
        )
        let metrics = try arena.pointers(to: CMetric.self, count: families.count)
        var metricCount = 0
        for family in families where !family.series.isEmpty {
            let times: PointTimes
            if isDelta && family.kind != .gauge {
                let (previous, start) = self.deltaTracker.previous(of: family, startTime: startTimeUnixNano)
                times = .delta(start: start, previous: previous)
            } else {
                times = .cumulative(start: startTimeUnixNano)
            }
            let metric = try builder.metric(
                for: family,
                name: self.configuration.naming.metricName(for: family),
                unit: OTLPMetricNaming.unit(forPrometheusUnit: family.unit),
                times: times
            )
            if let metric {
                metrics[metricCount] = metric
                metricCount += 1
            }
        }

        var bytes: [UInt8] = []
        if builder.dataPointCount > 0 {
            bytes = try self.pack(metrics: metrics, count: metricCount, arena: arena)
        }
        if isDelta {
            self.deltaTracker.commit(families, collectionTime: collectionTimeUnixNano)
        }
        return OTLPEncodedMetrics(
            bytes: bytes,
            metricCount: metricCount,
            dataPointCount: builder.dataPointCount,
            droppedSeriesCount: builder.droppedSeriesCount
        )
    }

    /// Forgets the previous values kept for delta temporality: the next export's deltas count from its start time.
    /// Call it when the registry is replaced by a new one.
    public func resetDeltaState() {
        self.deltaTracker.reset()
    }

    private func batchArena() throws(OTLPEncodingError) -> OTLPArena {
        if let arena = self.arena { return arena }
        let arena = try OTLPArena(chunkSize: Self.arenaChunkSize)
        self.arena = arena
        return arena
    }

    /// Wraps `metrics` in request → resource metrics → scope metrics and packs it.
    private func pack(
        metrics: MessagePointers<CMetric>,
        count: Int,
        arena: OTLPArena
    ) throws(OTLPEncodingError) -> [UInt8] {
        let scopeMetrics = try arena.message(opentelemetry__proto__metrics__v1__scope_metrics__init)
        scopeMetrics.pointee.scope = try arena.scope(
            name: self.configuration.scopeName,
            version: self.configuration.scopeVersion
        )
        scopeMetrics.pointee.n_metrics = count
        scopeMetrics.pointee.metrics = metrics

        let resourceMetrics = try arena.message(opentelemetry__proto__metrics__v1__resource_metrics__init)
        resourceMetrics.pointee.resource = try arena.resource(
            self.configuration.resource,
            templates: self.templates.common
        )
        let scopeList = try arena.pointers(to: CScopeMetrics.self, count: 1)
        scopeList[0] = scopeMetrics
        resourceMetrics.pointee.n_scope_metrics = 1
        resourceMetrics.pointee.scope_metrics = scopeList

        let request = try arena.message(
            opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__init
        )
        let resourceList = try arena.pointers(to: CResourceMetrics.self, count: 1)
        resourceList[0] = resourceMetrics
        request.pointee.n_resource_metrics = 1
        request.pointee.resource_metrics = resourceList

        // Size first, then pack into exactly that much: protobuf-c's pack needs a big-enough buffer.
        let size = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__get_packed_size(
            request
        )
        guard size > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            initializedCount = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__pack(
                request,
                buffer.baseAddress
            )
            assert(initializedCount == size, "protobuf-c packed \(initializedCount) bytes, sized \(size)")
        }
    }
}

@available(*, unavailable)
extension OTLPMetricsEncoder: Sendable {}
