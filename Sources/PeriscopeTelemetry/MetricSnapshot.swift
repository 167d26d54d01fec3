/// The values of one family at one moment, for readers other than the exposition: the OTLP exporter and the
/// rule evaluator. See ``MetricsRegistry/snapshot()``.
public struct MetricFamilySnapshot: Sendable {
    public let kind: MetricKind
    /// The registered name (counters end in `_total`; histogram samples add `_bucket`, `_sum`, `_count`).
    public let name: String
    public let help: String
    public let unit: String?
    public let labelNames: [String]
    /// Finite bucket upper bounds (histograms only; `+Inf` is implicit and last in each series' buckets).
    public let buckets: [Double]
    /// Series in bind order.
    public let series: [MetricSeriesSnapshot]

    init(_ descriptor: FamilyDescriptor, series: [MetricSeriesSnapshot]) {
        self.kind = descriptor.kind
        self.name = descriptor.name
        self.help = descriptor.help
        self.unit = descriptor.unit
        self.labelNames = descriptor.labelNames
        self.buckets = descriptor.buckets
        self.series = series
    }

    /// Builds a snapshot directly (tests, and sources outside the registry).
    public init(
        kind: MetricKind,
        name: String,
        help: String = "",
        unit: String? = nil,
        labelNames: [String],
        buckets: [Double] = [],
        series: [MetricSeriesSnapshot]
    ) {
        self.kind = kind
        self.name = name
        self.help = help
        self.unit = unit
        self.labelNames = labelNames
        self.buckets = buckets
        self.series = series
    }
}

/// One series of a ``MetricFamilySnapshot``.
public struct MetricSeriesSnapshot: Sendable, Equatable {
    /// One value per label name of the family, in order.
    public let labelValues: [String]
    /// A counter's or gauge's value; a histogram's sum of observations.
    public let value: Double
    /// A histogram's cumulative bucket counts, one per finite bound and `+Inf` last (so the last is the count);
    /// empty for counters and gauges.
    public let cumulativeBuckets: [UInt64]
    /// A histogram's latest exemplar per bucket, parallel to ``cumulativeBuckets`` (`nil` where the bucket has
    /// none); empty for families registered without exemplars, counters and gauges.
    public let exemplars: [MetricExemplarSnapshot?]

    /// Creates a series snapshot.
    public init(
        labelValues: [String],
        value: Double,
        cumulativeBuckets: [UInt64] = [],
        exemplars: [MetricExemplarSnapshot?] = []
    ) {
        self.labelValues = labelValues
        self.value = value
        self.cumulativeBuckets = cumulativeBuckets
        self.exemplars = exemplars
    }

    /// The exemplar of bucket `bucket` (an index into ``cumulativeBuckets``), or `nil` when it has none.
    public func exemplar(bucket: Int) -> MetricExemplarSnapshot? {
        self.exemplars.indices.contains(bucket) ? self.exemplars[bucket] : nil
    }

    /// A histogram's number of observations (its `+Inf` bucket); 0 for counters and gauges.
    public var count: UInt64 { self.cumulativeBuckets.last ?? 0 }
}
