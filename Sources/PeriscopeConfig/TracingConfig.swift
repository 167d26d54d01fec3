/// The `tracing` section: spans of every request, propagation and sampling. The OTLP endpoint is in the `otlp`
/// section; `OTEL_TRACES_SAMPLER`/`OTEL_TRACES_SAMPLER_ARG` win over `sampler`/`ratio`.
public struct TracingConfig: Sendable, Equatable {
    /// Whether spans are recorded at all (default: when OTLP export is on).
    public var enabled: Bool?
    /// Which headers carry the trace context: `w3c` (default), `b3`, `b3multi`, `w3c_and_b3`.
    public var propagation: String = "w3c"
    /// The head sampler for new traces: `parentbased_traceidratio` (default), `parentbased_always_on`,
    /// `parentbased_always_off`, `traceidratio`, `always_on`, `always_off`.
    public var sampler: String = "parentbased_traceidratio"
    /// The ratio of new traces sampled (default 1).
    public var ratio: Double = 1
    /// Whether an incoming sampled flag decides at the edge (default true); false lets only the ratio decide,
    /// so clients cannot force sampling.
    public var trustIncomingSampled = true
    /// Export the spans of every failed request (5xx or gateway error), sampled or not.
    public var keepErrors = false
    /// Export the spans of every request slower than this, sampled or not.
    public var keepSlowerThan: Duration?
    /// Spans each event loop's ring holds until the exporter takes them; more are dropped and counted.
    public var bufferSize = 8192
    /// Attributes the OpenTelemetry HTTP conventions make opt-in that spans should carry: a subset of
    /// ``optInAttributeNames`` (default none).
    public var optInAttributes: Set<String> = []

    /// The opt-in attributes the gateway can add: `client.port` (server spans: the downstream peer's port).
    public static let optInAttributeNames = ["client.port"]

    public init() {}
}
