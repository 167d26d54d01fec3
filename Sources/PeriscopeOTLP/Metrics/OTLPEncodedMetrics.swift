/// The result of ``OTLPMetricsEncoder/encode(_:collectionTimeUnixNano:startTimeUnixNano:exemplars:)``.
public struct OTLPEncodedMetrics: Sendable {
    /// The packed `ExportMetricsServiceRequest`, the body of a `POST /v1/metrics` with
    /// `Content-Type: application/x-protobuf`. Empty when there were no data points: don't send it (OTLP says
    /// senders should not send empty envelopes).
    public var bytes: [UInt8]
    /// Metrics in the request (families with at least one series).
    public var metricCount: Int
    /// Data points in the request, one per series; the unit of `rejected_data_points` in a partial-success response.
    public var dataPointCount: Int
    /// Series left out because their snapshot was malformed (label values not matching the label names, or histogram
    /// buckets not matching the bounds or not cumulative). Always 0 for snapshots from `MetricsRegistry`.
    public var droppedSeriesCount: Int

    /// Whether the request has no data points (and ``bytes`` is empty).
    public var isEmpty: Bool { self.dataPointCount == 0 }
}
