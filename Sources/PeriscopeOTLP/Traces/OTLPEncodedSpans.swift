import NIOCore

/// The result of ``OTLPTracesEncoder/encode(_:strings:)``.
public struct OTLPEncodedSpans: Sendable {
    /// The packed `ExportTraceServiceRequest` (its readable bytes), the body of a `POST /v1/traces` with
    /// `Content-Type: application/x-protobuf`. Empty when no span was encoded: don't send it (OTLP says senders
    /// should not send empty envelopes).
    public var body: ByteBuffer
    /// Spans in the request; the unit of `rejected_spans` in a partial-success response.
    public var spanCount: Int
    /// Records left out because OTLP cannot carry them: an all-zero trace id or span id.
    public var invalidSpanCount: Int
    /// `url.path`, `url.full` and `user_agent.original` values sent cut short because the request's value did not
    /// fit the record's inline storage (``PeriscopeTelemetry/SpanRecord/Truncation``).
    public var truncatedValueCount: Int

    /// Creates a result.
    public init(body: ByteBuffer, spanCount: Int, invalidSpanCount: Int = 0, truncatedValueCount: Int = 0) {
        self.body = body
        self.spanCount = spanCount
        self.invalidSpanCount = invalidSpanCount
        self.truncatedValueCount = truncatedValueCount
    }

    /// Whether the request has no spans (and ``body`` is empty).
    public var isEmpty: Bool { self.spanCount == 0 }

    /// A copy of ``body``'s bytes.
    public var bytes: [UInt8] { Array(self.body.readableBytesView) }
}
