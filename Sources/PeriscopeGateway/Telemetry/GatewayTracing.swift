import PeriscopeConfig
import PeriscopeTelemetry

/// What the proxy needs to trace requests, resolved once from the config: propagation, sampling, the keep rules,
/// the span buffer, and the interned ids of every route, cluster, endpoint, listener and error type (so that a
/// finished span is a fixed-size record with no strings).
public final class GatewayTracing: Sendable {
    public let buffer: SpanBuffer
    public let strings: SpanStringTable
    /// The opt-in span attributes asked for (`tracing.opt_in_attributes`), for the exporter's encoder.
    public let optInAttributes: Set<String>
    let propagation: TracePropagation
    let sampler: Sampler
    let keepErrors: Bool
    let keepSlowerThanNanos: UInt64?
    /// By listener index, then route index: the route template's id.
    let routeIDs: [[SpanStringID]]
    let clusterIDs: [SpanStringID]
    /// By global endpoint index: `host:port`.
    let endpointIDs: [SpanStringID]
    let endpointPorts: [UInt16]
    let listenerIDs: [SpanStringID]
    let listenerPorts: [UInt16]
    /// By ``LocalResponse/codes`` index.
    let localErrorIDs: [SpanStringID]
    /// `error.type` of upstream 5xx answers: "500" … "599".
    let statusErrorIDs: [SpanStringID]
    /// Interned ``LoopAdmission/Rejection`` names, for the `rejected` span event's `periscope.policy`.
    let rejectionPolicyIDs: [SpanStringID]
    /// `error.type` of an attempt cut short by the gateway (a hedge that lost, or the attempt a hedge beat).
    let cancelledID: SpanStringID

    /// - Parameters:
    ///   - sampler: the head sampler (from the config, or the `OTEL_TRACES_SAMPLER` variables).
    ///   - registry: where `periscope_spans_*` go.
    public init(
        config: TracingConfig,
        sampler: Sampler,
        runtime: GatewayRuntime,
        loopCount: Int,
        registry: MetricsRegistry
    ) {
        self.buffer = SpanBuffer(loopCount: loopCount, capacity: config.bufferSize)
        SpanBufferMetrics.register(self.buffer, in: registry)
        let strings = SpanStringTable()
        self.strings = strings
        self.optInAttributes = config.optInAttributes
        switch config.propagation {
        case "b3": self.propagation = .b3
        case "b3multi": self.propagation = .b3Multi
        case "w3c_and_b3": self.propagation = .w3cAndB3
        default: self.propagation = .w3c
        }
        self.sampler = sampler
        self.keepErrors = config.keepErrors
        self.keepSlowerThanNanos = config.keepSlowerThan.map { duration in
            let (seconds, attoseconds) = duration.components
            return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
        }
        self.routeIDs = runtime.listeners.map { listener in
            listener.routes.map { strings.intern($0.template) }
        }
        self.clusterIDs = runtime.clusters.map { strings.intern($0.name) }
        let endpoints = runtime.clusters.flatMap(\.endpoints).sorted { $0.index < $1.index }
        self.endpointIDs = endpoints.map { strings.intern($0.name) }
        self.endpointPorts = endpoints.map { UInt16(clamping: $0.port) }
        self.listenerIDs = runtime.listeners.map { strings.intern($0.name) }
        self.listenerPorts = runtime.listeners.map { UInt16(clamping: $0.address.port) }
        self.localErrorIDs = LocalResponse.codes.map { strings.intern($0) }
        self.statusErrorIDs = (500...599).map { strings.intern(String($0)) }
        self.rejectionPolicyIDs = LoopAdmission.Rejection.allCases.map { strings.intern($0.rawValue) }
        self.cancelledID = strings.intern("cancelled")
    }

    /// `error.type` of an upstream answer with `status` (its code for a 5xx, none otherwise).
    func statusErrorID(_ status: Int) -> SpanStringID {
        (500...599).contains(status) ? self.statusErrorIDs[status - 500] : .none
    }

    /// `error.type` of a failure the gateway names with a ``LocalResponse`` code (`upstream_reset`, …).
    func localErrorID(_ response: LocalResponse) -> SpanStringID {
        let index = response.reasonIndex
        return index < self.localErrorIDs.count ? self.localErrorIDs[index] : .none
    }

    /// Whether a finished request's spans are exported: sampled at the head, or kept by the tail rules.
    func shouldExport(sampled: Bool, isError: Bool, durationNanos: UInt64) -> Bool {
        Sampler.shouldExport(
            headSampled: sampled,
            isError: isError,
            durationNanos: durationNanos,
            keepErrors: self.keepErrors,
            keepSlowerThanNanos: self.keepSlowerThanNanos
        )
    }
}

/// A loop's share of tracing: its id generator and wall clock (one per loop, no sharing) and its ring of the span
/// buffer.
final class LoopTracing {
    let shared: GatewayTracing
    let loopIndex: Int
    /// This loop's ring of ``GatewayTracing/buffer`` (the buffer outlives it: `shared` holds it).
    let ring: SpanRing
    /// The loop's mutable tracing state. Behind a pointer rather than in `var`s of this class, whose every access
    /// on the request path would cost a dynamic exclusivity check; only the loop's thread touches it.
    let state: UnsafeMutablePointer<State>

    /// What a loop's requests change: ids drawn, and the wall clock's offset.
    struct State: ~Copyable {
        var ids = IDGenerator()
        var clock = AnchoredWallClock()
    }

    init(shared: GatewayTracing, loopIndex: Int) {
        self.shared = shared
        self.loopIndex = loopIndex
        self.ring = shared.buffer.ring(forLoop: loopIndex)
        self.state = .allocate(capacity: 1)
        self.state.initialize(to: State())
    }

    deinit {
        self.state.deinitialize(count: 1)
        self.state.deallocate()
    }
}
