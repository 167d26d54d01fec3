import COTLP
import CProtobufC
import PeriscopeTelemetry

typealias CResourceMetrics = Opentelemetry__Proto__Metrics__V1__ResourceMetrics
typealias CScopeMetrics = Opentelemetry__Proto__Metrics__V1__ScopeMetrics
typealias CMetric = Opentelemetry__Proto__Metrics__V1__Metric
typealias CNumberDataPoint = Opentelemetry__Proto__Metrics__V1__NumberDataPoint
typealias CHistogramDataPoint = Opentelemetry__Proto__Metrics__V1__HistogramDataPoint
typealias CExemplar = Opentelemetry__Proto__Metrics__V1__Exemplar

/// Initialised copies of the per-point messages, copied into the arena a whole family at a time.
struct MetricTemplates {
    let common = OTLPCommonTemplates()
    let numberDataPoint: CNumberDataPoint
    let histogramDataPoint: CHistogramDataPoint
    let exemplar: CExemplar

    init() {
        var numberDataPoint = CNumberDataPoint()
        opentelemetry__proto__metrics__v1__number_data_point__init(&numberDataPoint)
        self.numberDataPoint = numberDataPoint
        var histogramDataPoint = CHistogramDataPoint()
        opentelemetry__proto__metrics__v1__histogram_data_point__init(&histogramDataPoint)
        self.histogramDataPoint = histogramDataPoint
        var exemplar = CExemplar()
        opentelemetry__proto__metrics__v1__exemplar__init(&exemplar)
        self.exemplar = exemplar
    }
}

/// The start times of one family's points, and for delta the values to subtract.
enum PointTimes {
    case cumulative(start: UInt64)
    case delta(start: UInt64, previous: PreviousSeries?)
}

/// Builds the `Metric` messages of one batch in the arena.
struct MetricsBatchBuilder {
    let arena: OTLPArena
    let templates: MetricTemplates
    let collectionTime: UInt64
    let temporality: OTLPAggregationTemporality
    let exemplars: OTLPExemplarSource?

    private(set) var dataPointCount = 0
    private(set) var droppedSeriesCount = 0

    init(
        arena: OTLPArena,
        templates: MetricTemplates,
        collectionTime: UInt64,
        temporality: OTLPAggregationTemporality,
        exemplars: OTLPExemplarSource?
    ) {
        self.arena = arena
        self.templates = templates
        self.collectionTime = collectionTime
        self.temporality = temporality
        self.exemplars = exemplars
    }

    private var cTemporality: Opentelemetry__Proto__Metrics__V1__AggregationTemporality {
        switch self.temporality.backing {
        case .cumulative: OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_CUMULATIVE
        case .delta: OPENTELEMETRY__PROTO__METRICS__V1__AGGREGATION_TEMPORALITY__AGGREGATION_TEMPORALITY_DELTA
        }
    }

    /// The `Metric` of `family`, or `nil` if none of its series could be encoded.
    mutating func metric(
        for family: MetricFamilySnapshot,
        name: String,
        unit: String,
        times: PointTimes
    ) throws(OTLPEncodingError) -> UnsafeMutablePointer<CMetric>? {
        let metric = try self.arena.message(opentelemetry__proto__metrics__v1__metric__init)
        let attributes = try FamilyAttributes(family: family, arena: self.arena, templates: self.templates.common)
        let pointCount: Int
        switch family.kind {
        case .counter:
            let (points, count) = try self.numberDataPoints(family, attributes: attributes, times: times)
            let sum = try self.arena.message(opentelemetry__proto__metrics__v1__sum__init)
            sum.pointee.aggregation_temporality = self.cTemporality
            sum.pointee.is_monotonic = 1
            sum.pointee.n_data_points = count
            sum.pointee.data_points = points
            metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_SUM
            metric.pointee.sum = sum
            pointCount = count
        case .gauge:
            let (points, count) = try self.numberDataPoints(family, attributes: attributes, times: nil)
            let gauge = try self.arena.message(opentelemetry__proto__metrics__v1__gauge__init)
            gauge.pointee.n_data_points = count
            gauge.pointee.data_points = points
            metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_GAUGE
            metric.pointee.gauge = gauge
            pointCount = count
        case .histogram:
            let (points, count) = try self.histogramDataPoints(family, attributes: attributes, times: times)
            let histogram = try self.arena.message(opentelemetry__proto__metrics__v1__histogram__init)
            histogram.pointee.aggregation_temporality = self.cTemporality
            histogram.pointee.n_data_points = count
            histogram.pointee.data_points = points
            metric.pointee.data_case = OPENTELEMETRY__PROTO__METRICS__V1__METRIC__DATA_HISTOGRAM
            metric.pointee.histogram = histogram
            pointCount = count
        }
        guard pointCount > 0 else { return nil }
        self.dataPointCount += pointCount

        metric.pointee.name = try self.arena.string(name)
        if !family.help.isEmpty {
            metric.pointee.description = try self.arena.string(family.help)
        }
        if !unit.isEmpty {
            metric.pointee.unit = try self.arena.string(unit)
        }
        return metric
    }

    // MARK: - Counters and gauges

    /// One `NumberDataPoint` per well-formed series; `times` is `nil` for gauges (no start time).
    private mutating func numberDataPoints(
        _ family: MetricFamilySnapshot,
        attributes: FamilyAttributes,
        times: PointTimes?
    ) throws(OTLPEncodingError) -> (MessagePointers<CNumberDataPoint>, Int) {
        let capacity = family.series.count
        let points = try self.arena.messages(self.templates.numberDataPoint, count: capacity)
        let pointers = try self.arena.pointers(to: CNumberDataPoint.self, count: capacity)
        var start: UInt64 = 0
        var previous: PreviousSeries?
        switch times {
        case .cumulative(let cumulativeStart): start = cumulativeStart
        case .delta(let deltaStart, let previousSeries): (start, previous) = (deltaStart, previousSeries)
        case nil: break
        }

        var count = 0
        for (index, series) in family.series.enumerated() {
            guard series.labelValues.count == attributes.labelCount else {
                self.droppedSeriesCount += 1
                continue
            }
            var value = series.value
            if let prior = previous?.find(index: index, labelValues: series.labelValues) {
                // A counter that went down was reset since the last export: all of its value is new.
                value = prior.value <= series.value ? series.value - prior.value : series.value
            }
            let point = points + count
            point.pointee.start_time_unix_nano = start
            point.pointee.time_unix_nano = self.collectionTime
            point.pointee.value_case = OPENTELEMETRY__PROTO__METRICS__V1__NUMBER_DATA_POINT__VALUE_AS_DOUBLE
            point.pointee.as_double = value
            point.pointee.n_attributes = attributes.labelCount
            point.pointee.attributes = try attributes.fill(slot: count, labelValues: series.labelValues)
            pointers[count] = point
            count += 1
        }
        return (pointers, count)
    }

    // MARK: - Histograms

    private mutating func histogramDataPoints(
        _ family: MetricFamilySnapshot,
        attributes: FamilyAttributes,
        times: PointTimes
    ) throws(OTLPEncodingError) -> (MessagePointers<CHistogramDataPoint>, Int) {
        let capacity = family.series.count
        let bucketCount = family.buckets.count + 1
        let points = try self.arena.messages(self.templates.histogramDataPoint, count: capacity)
        let pointers = try self.arena.pointers(to: CHistogramDataPoint.self, count: capacity)
        let allCounts = try self.arena.allocate(UInt64.self, count: capacity * bucketCount)
        // Every point of the family shares one copy of the bounds.
        let bounds = family.buckets.isEmpty ? nil : try self.arena.copy(family.buckets)
        // The proto wants `sum` only for non-negative observations (as OpenMetrics does for `_sum`).
        let boundsAllowSum = (family.buckets.first ?? 0) >= 0
        let start: UInt64
        var previous: PreviousSeries?
        switch times {
        case .cumulative(let cumulativeStart): start = cumulativeStart
        case .delta(let deltaStart, let previousSeries): (start, previous) = (deltaStart, previousSeries)
        }

        var count = 0
        for (index, series) in family.series.enumerated() {
            let bucketCounts = allCounts + count * bucketCount
            guard series.labelValues.count == attributes.labelCount,
                Self.storeBucketCounts(of: series.cumulativeBuckets, into: bucketCounts, bucketCount: bucketCount)
            else {
                self.droppedSeriesCount += 1
                continue
            }
            var observations = series.count
            var sum = series.value
            if let prior = previous?.find(index: index, labelValues: series.labelValues),
                Self.subtractBucketCounts(of: prior.cumulativeBuckets, from: bucketCounts, bucketCount: bucketCount)
            {
                observations -= prior.count
                // No new observations means no new sum, whatever the float subtraction would say.
                sum = observations == 0 ? 0 : series.value - prior.value
            }
            // (A prior that could not be subtracted means the histogram was reset: the whole value is new.)

            let point = points + count
            point.pointee.start_time_unix_nano = start
            point.pointee.time_unix_nano = self.collectionTime
            point.pointee.count = observations
            point.pointee.n_bucket_counts = bucketCount
            point.pointee.bucket_counts = bucketCounts
            point.pointee.n_explicit_bounds = family.buckets.count
            point.pointee.explicit_bounds = bounds
            if boundsAllowSum && series.value >= 0 {
                point.pointee.optional_sum_case =
                    OPENTELEMETRY__PROTO__METRICS__V1__HISTOGRAM_DATA_POINT__OPTIONAL_SUM_SUM
                point.pointee.sum = sum
            }
            point.pointee.n_attributes = attributes.labelCount
            point.pointee.attributes = try attributes.fill(slot: count, labelValues: series.labelValues)
            if let exemplars = self.exemplars {
                try self.attachExemplars(
                    to: point,
                    from: exemplars,
                    family: family,
                    seriesIndex: index,
                    bucketCount: bucketCount
                )
            }
            pointers[count] = point
            count += 1
        }
        return (pointers, count)
    }

    /// Writes the per-bucket counts of `cumulative` (Prometheus-style running totals) to `counts`; `false` if
    /// `cumulative` has the wrong length or decreases.
    private static func storeBucketCounts(
        of cumulative: [UInt64],
        into counts: UnsafeMutablePointer<UInt64>,
        bucketCount: Int
    ) -> Bool {
        guard cumulative.count == bucketCount else { return false }
        var below: UInt64 = 0
        for bucket in 0..<bucketCount {
            let total = cumulative[bucket]
            guard total >= below else { return false }
            counts[bucket] = total - below
            below = total
        }
        return true
    }

    /// Subtracts the per-bucket counts of `prior` (cumulative) from `counts` if no bucket went down; `false`, and
    /// `counts` untouched, if one did (a reset) or `prior` is malformed.
    private static func subtractBucketCounts(
        of prior: [UInt64],
        from counts: UnsafeMutablePointer<UInt64>,
        bucketCount: Int
    ) -> Bool {
        guard prior.count == bucketCount else { return false }
        var below: UInt64 = 0
        for bucket in 0..<bucketCount {
            guard prior[bucket] >= below, counts[bucket] >= prior[bucket] - below else { return false }
            below = prior[bucket]
        }
        below = 0
        for bucket in 0..<bucketCount {
            counts[bucket] -= prior[bucket] - below
            below = prior[bucket]
        }
        return true
    }

    private func attachExemplars(
        to point: UnsafeMutablePointer<CHistogramDataPoint>,
        from source: OTLPExemplarSource,
        family: MetricFamilySnapshot,
        seriesIndex: Int,
        bucketCount: Int
    ) throws(OTLPEncodingError) {
        var list: MessagePointers<CExemplar>?
        var count = 0
        for bucket in 0..<bucketCount {
            guard let exemplar = source(family, seriesIndex, bucket) else { continue }
            if list == nil {
                list = try self.arena.pointers(to: CExemplar.self, count: bucketCount)
            }
            let message = try self.arena.messages(self.templates.exemplar, count: 1)
            message.pointee.time_unix_nano = exemplar.timeUnixNano
            message.pointee.value_case = OPENTELEMETRY__PROTO__METRICS__V1__EXEMPLAR__VALUE_AS_DOUBLE
            message.pointee.as_double = exemplar.value
            if exemplar.traceID.count == 16 {
                message.pointee.trace_id = try self.arena.binary(exemplar.traceID)
            }
            if exemplar.spanID.count == 8 {
                message.pointee.span_id = try self.arena.binary(exemplar.spanID)
            }
            list![count] = message
            count += 1
        }
        point.pointee.n_exemplars = count
        point.pointee.exemplars = list
    }
}

/// The attribute messages of one family's points: the label names copied once, and room for one `KeyValue` (with
/// its `AnyValue`) per label per series, all allocated together.
struct FamilyAttributes {
    let labelCount: Int
    private let arena: OTLPArena
    private let keys: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    private let pointers: MessagePointers<CKeyValue>?
    private let keyValues: UnsafeMutablePointer<CKeyValue>?
    private let values: UnsafeMutablePointer<CAnyValue>?

    init(family: MetricFamilySnapshot, arena: OTLPArena, templates: OTLPCommonTemplates) throws(OTLPEncodingError) {
        self.labelCount = family.labelNames.count
        self.arena = arena
        guard self.labelCount > 0 else {
            (self.keys, self.pointers, self.keyValues, self.values) = (nil, nil, nil, nil)
            return
        }
        let slots = family.series.count * self.labelCount
        let keys = try arena.allocate(UnsafeMutablePointer<CChar>?.self, count: self.labelCount)
        for (index, name) in family.labelNames.enumerated() {
            keys[index] = try arena.string(name)
        }
        self.keys = keys
        self.pointers = try arena.pointers(to: CKeyValue.self, count: slots)
        self.keyValues = try arena.messages(templates.keyValue, count: slots)
        self.values = try arena.messages(templates.anyValue, count: slots)
    }

    /// Fills point `slot`'s attributes with `labelValues` (one per label name) and returns its `KeyValue *` array.
    func fill(
        slot: Int,
        labelValues: [String]
    ) throws(OTLPEncodingError) -> MessagePointers<CKeyValue>? {
        guard let keys, let pointers, let keyValues, let values else { return nil }
        let base = slot * self.labelCount
        for label in 0..<self.labelCount {
            let value = values + (base + label)
            value.pointee.value_case = OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE
            value.pointee.string_value = try self.arena.string(labelValues[label])
            let keyValue = keyValues + (base + label)
            keyValue.pointee.key = keys[label]
            keyValue.pointee.value = value
            pointers[base + label] = keyValue
        }
        return pointers + base
    }
}
