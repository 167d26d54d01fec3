import COTLP
import CProtobufC

@testable import PeriscopeOTLP

/// An `ExportMetricsServiceRequest` unpacked by libprotobuf-c (`protobuf_c_message_unpack`) and copied into plain
/// Swift values, for assertions that need no Python.
struct UnpackedMetricsRequest {
    enum Value: Equatable {
        case string(String)
        case bool(Bool)
        case int(Int64)
        case double(Double)
        case unset
    }

    struct Exemplar: Equatable {
        var timeUnixNano: UInt64
        var value: Double?
        var traceID: [UInt8]
        var spanID: [UInt8]
    }

    struct NumberPoint {
        var startTimeUnixNano: UInt64
        var timeUnixNano: UInt64
        var asDouble: Double?
        var asInt: Int64?
        var attributes: [(key: String, value: Value)]
        var flags: UInt32
        var exemplarCount: Int

        func attribute(_ key: String) -> Value? { self.attributes.first { $0.key == key }?.value }
    }

    struct HistogramPoint {
        var startTimeUnixNano: UInt64
        var timeUnixNano: UInt64
        var count: UInt64
        var sum: Double?
        var min: Double?
        var max: Double?
        var bucketCounts: [UInt64]
        var explicitBounds: [Double]
        var attributes: [(key: String, value: Value)]
        var exemplars: [Exemplar]

        func attribute(_ key: String) -> Value? { self.attributes.first { $0.key == key }?.value }
    }

    enum Temporality: Equatable {
        case unspecified
        case delta
        case cumulative
    }

    enum Kind: Equatable {
        case sum(temporality: Temporality, isMonotonic: Bool)
        case gauge
        case histogram(temporality: Temporality)
        case none
    }

    struct Metric {
        var name: String
        var description: String
        var unit: String
        var kind: Kind
        var numberPoints: [NumberPoint] = []
        var histogramPoints: [HistogramPoint] = []

        /// The number point whose attributes are exactly `labels`.
        func point(_ labels: [String: String]) -> NumberPoint? {
            self.numberPoints.first { Self.matches($0.attributes, labels) }
        }

        /// The histogram point whose attributes are exactly `labels`.
        func histogramPoint(_ labels: [String: String]) -> HistogramPoint? {
            self.histogramPoints.first { Self.matches($0.attributes, labels) }
        }

        private static func matches(_ attributes: [(key: String, value: Value)], _ labels: [String: String]) -> Bool {
            attributes.count == labels.count && attributes.allSatisfy { labels[$0.key].map(Value.string) == $0.value }
        }
    }

    var resourceMetricsCount: Int
    var scopeMetricsCount: Int
    var resourceAttributes: [(key: String, value: Value)]
    var scopeName: String
    var scopeVersion: String
    var metrics: [Metric]

    func resourceAttribute(_ key: String) -> Value? { self.resourceAttributes.first { $0.key == key }?.value }

    func metric(_ name: String) -> Metric? { self.metrics.first { $0.name == name } }

    struct UnpackError: Error, CustomStringConvertible {
        var description: String
    }

    /// Unpacks `bytes`; fails if libprotobuf-c rejects them or `protobuf_c_message_check` finds the result invalid.
    init(_ bytes: [UInt8]) throws {
        let arena = try OTLPArena(chunkSize: 0)
        // The descriptor's real address, as the generated init function stores it.
        var template = Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest()
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__init(&template)
        let unpacked = bytes.withUnsafeBufferPointer { buffer in
            protobuf_c_message_unpack(template.base.descriptor, arena.allocator, buffer.count, buffer.baseAddress)
        }
        guard let unpacked else { throw UnpackError(description: "protobuf_c_message_unpack rejected the bytes") }
        guard protobuf_c_message_check(unpacked) != 0 else {
            throw UnpackError(description: "protobuf_c_message_check failed")
        }
        let request = UnsafeRawPointer(unpacked).assumingMemoryBound(
            to: Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest.self
        )

        self.resourceMetricsCount = request.pointee.n_resource_metrics
        self.scopeMetricsCount = 0
        self.resourceAttributes = []
        self.scopeName = ""
        self.scopeVersion = ""
        self.metrics = []
        for resourceMetrics in Self.array(request.pointee.resource_metrics, request.pointee.n_resource_metrics) {
            if let resource = resourceMetrics.pointee.resource {
                self.resourceAttributes += Self.attributes(resource.pointee.attributes, resource.pointee.n_attributes)
            }
            self.scopeMetricsCount += resourceMetrics.pointee.n_scope_metrics
            let scopes = Self.array(resourceMetrics.pointee.scope_metrics, resourceMetrics.pointee.n_scope_metrics)
            for scopeMetrics in scopes {
                if let scope = scopeMetrics.pointee.scope {
                    self.scopeName = String(cString: scope.pointee.name)
                    self.scopeVersion = String(cString: scope.pointee.version)
                }
                for metric in Self.array(scopeMetrics.pointee.metrics, scopeMetrics.pointee.n_metrics) {
                    self.metrics.append(Self.metric(metric.pointee))
                }
            }
        }
        withExtendedLifetime(arena) {}
    }

    private static func metric(_ metric: CMetric) -> Metric {
        var decoded = Metric(
            name: String(cString: metric.name),
            description: String(cString: metric.description),
            unit: String(cString: metric.unit),
            kind: .none
        )
        switch metric.data_case {
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM:
            let sum = metric.sum.pointee
            decoded.kind = .sum(
                temporality: Self.temporality(sum.aggregation_temporality), isMonotonic: sum.is_monotonic != 0)
            decoded.numberPoints = Self.array(sum.data_points, sum.n_data_points).map { Self.numberPoint($0.pointee) }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE:
            let gauge = metric.gauge.pointee
            decoded.kind = .gauge
            decoded.numberPoints = Self.array(gauge.data_points, gauge.n_data_points).map {
                Self.numberPoint($0.pointee)
            }
        case OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM:
            let histogram = metric.histogram.pointee
            decoded.kind = .histogram(temporality: Self.temporality(histogram.aggregation_temporality))
            decoded.histogramPoints = Self.array(histogram.data_points, histogram.n_data_points).map {
                Self.histogramPoint($0.pointee)
            }
        default:
            break
        }
        return decoded
    }

    private static func numberPoint(_ point: CNumberDataPoint) -> NumberPoint {
        NumberPoint(
            startTimeUnixNano: point.start_time_unix_nano,
            timeUnixNano: point.time_unix_nano,
            asDouble: point.value_case == OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE
                ? point.as_double : nil,
            asInt: point.value_case == OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_INT
                ? point.as_int : nil,
            attributes: Self.attributes(point.attributes, point.n_attributes),
            flags: point.flags,
            exemplarCount: point.n_exemplars
        )
    }

    private static func histogramPoint(_ point: CHistogramDataPoint) -> HistogramPoint {
        HistogramPoint(
            startTimeUnixNano: point.start_time_unix_nano,
            timeUnixNano: point.time_unix_nano,
            count: point.count,
            sum: point.optional_sum_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__OPTIONAL_SUM_SUM
                ? point.sum : nil,
            min: point.optional_min_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__OPTIONAL_MIN_MIN
                ? point.min : nil,
            max: point.optional_max_case == OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__OPTIONAL_MAX_MAX
                ? point.max : nil,
            bucketCounts: Array(UnsafeBufferPointer(start: point.bucket_counts, count: point.n_bucket_counts)),
            explicitBounds: Array(UnsafeBufferPointer(start: point.explicit_bounds, count: point.n_explicit_bounds)),
            attributes: Self.attributes(point.attributes, point.n_attributes),
            exemplars: Self.array(point.exemplars, point.n_exemplars).map { exemplar in
                let exemplar = exemplar.pointee
                return Exemplar(
                    timeUnixNano: exemplar.time_unix_nano,
                    value: exemplar.value_case == OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE
                        ? exemplar.as_double : nil,
                    traceID: Array(UnsafeBufferPointer(start: exemplar.trace_id.data, count: exemplar.trace_id.len)),
                    spanID: Array(UnsafeBufferPointer(start: exemplar.span_id.data, count: exemplar.span_id.len))
                )
            }
        )
    }

    private static func temporality(_ value: Opentelemetry__Proto__Metrics__V1__AggregationTemporality) -> Temporality {
        switch value {
        case OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA: .delta
        case OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE: .cumulative
        default: .unspecified
        }
    }

    private static func attributes(
        _ list: MessagePointers<CKeyValue>?,
        _ count: Int
    ) -> [(key: String, value: Value)] {
        Self.array(list, count).map { keyValue in
            let key = String(cString: keyValue.pointee.key)
            guard let value = keyValue.pointee.value?.pointee else { return (key, .unset) }
            switch value.value_case {
            case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE:
                return (key, .string(String(cString: value.string_value)))
            case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_BOOL_VALUE:
                return (key, .bool(value.bool_value != 0))
            case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_INT_VALUE:
                return (key, .int(value.int_value))
            case OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_DOUBLE_VALUE:
                return (key, .double(value.double_value))
            default:
                return (key, .unset)
            }
        }
    }

    private static func array<T>(_ list: MessagePointers<T>?, _ count: Int)
        -> [UnsafeMutablePointer<T>]
    {
        guard let list else { return [] }
        return (0..<count).map { list[$0]! }
    }
}
