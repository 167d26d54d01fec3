import PeriscopeTelemetry

/// One exemplar for a histogram bucket: an observation that fell in the bucket and the span that made it.
public struct OTLPExemplar: Sendable, Hashable {
    /// The 16-byte trace id, or empty when the observation had no span. Any other length is sent as empty.
    public var traceID: [UInt8]
    /// The 8-byte span id, or empty when the observation had no span. Any other length is sent as empty.
    public var spanID: [UInt8]
    /// The observed value.
    public var value: Double
    /// When the value was observed, in nanoseconds since the Unix epoch.
    public var timeUnixNano: UInt64

    /// Creates an exemplar.
    public init(traceID: [UInt8], spanID: [UInt8], value: Double, timeUnixNano: UInt64) {
        self.traceID = traceID
        self.spanID = spanID
        self.value = value
        self.timeUnixNano = timeUnixNano
    }
}

/// Supplies the exemplar of one histogram bucket while an ``OTLPMetricsEncoder`` encodes a batch, or `nil` when the
/// bucket has none.
///
/// The encoder calls it for every bucket of every histogram series it encodes: `seriesIndex` indexes
/// `family.series`, and `bucketIndex` runs over `0...family.buckets.count`, the last index being the `+Inf` bucket.
/// Counters and gauges never ask (the registry takes exemplars on histograms only). It runs synchronously on the
/// encoding thread, so it must be cheap; return `nil` quickly for families without exemplars.
public typealias OTLPExemplarSource = (
    _ family: MetricFamilySnapshot, _ seriesIndex: Int, _ bucketIndex: Int
) -> OTLPExemplar?
