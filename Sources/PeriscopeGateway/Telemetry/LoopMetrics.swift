import NIOHTTP1
import PeriscopeTelemetry

/// The metrics view of one event loop: its shard, and the handles bound on first sight of a bounded label value
/// (method, status code), cached so the request path does a dictionary lookup, never a bind.
///
/// Loop-confined like ``LoopContext``: plain dictionaries, no locks.
final class LoopMetrics {
    let shared: GatewayMetrics
    let shard: MetricShard
    /// Request counter and duration histogram by (listener, route, method, status): one lookup per request.
    private var requestSeries: [Int: RequestSeries] = [:]
    /// Upstream counter and duration histogram by (endpoint, status).
    private var upstreamSeries: [Int: RequestSeries] = [:]
    private var localResponses: [Int: CounterHandle] = [:]

    init(shared: GatewayMetrics, loopIndex: Int) {
        self.shared = shared
        self.shard = shared.registry.shard(forEventLoop: loopIndex)
    }

    /// Records one answered request.
    /// - Parameters:
    ///   - route: index of the route in its listener, or `nil` when none matched.
    ///   - upstreamSeconds: time spent waiting on the upstream (0 for local responses).
    ///   - exemplar: the server span of a sampled request, kept as the duration bucket's exemplar; `nil` for
    ///     unsampled requests.
    func requestFinished(
        listener: ListenerRuntime,
        route: Int?,
        method: HTTPMethod,
        status: Int,
        seconds: Double,
        upstreamSeconds: Double,
        requestBytes: Int64,
        responseBytes: Int64,
        exemplar: Exemplar? = nil
    ) {
        let routeIndex = route ?? listener.routeNames.count
        let methodIndex = Self.methodIndex(method)
        let key = listener.index << 40 | routeIndex << 20 | methodIndex << 10 | status
        let series: RequestSeries
        if let cached = self.requestSeries[key] {
            series = cached
        } else {
            let routeName = route.map { listener.routeNames[$0] } ?? "_none"
            let methodName = Self.methodNames[methodIndex]
            series = RequestSeries(
                counter: self.shared.requests.bind([routeName, methodName, String(status)]),
                duration: self.shared.requestDuration.bind([routeName, methodName, Self.codeClass(status)])
            )
            self.requestSeries[key] = series
        }
        series.counter.increment(shard: self.shard)
        if let exemplar {
            series.duration.observe(seconds, shard: self.shard, exemplar: exemplar)
        } else {
            series.duration.observe(seconds, shard: self.shard)
        }
        let handles = self.shared.routes[listener.index][routeIndex]
        handles.overhead.observe(max(0, seconds - upstreamSeconds), shard: self.shard)
        handles.requestSize.observe(Double(requestBytes), shard: self.shard)
        handles.responseSize.observe(Double(responseBytes), shard: self.shard)
    }

    /// Records one upstream response (its last byte arrived, or the exchange ended after its head).
    /// - Parameter exemplar: the client span of a sampled request, kept as the duration bucket's exemplar; `nil`
    ///   for unsampled requests.
    func upstreamFinished(
        cluster: ClusterRuntime,
        endpoint: EndpointRuntime,
        status: Int,
        seconds: Double,
        exemplar: Exemplar? = nil
    ) {
        let key = endpoint.index << 10 | status
        let series: RequestSeries
        if let cached = self.upstreamSeries[key] {
            series = cached
        } else {
            series = RequestSeries(
                counter: self.shared.upstreamRequests.bind([cluster.name, endpoint.name, String(status)]),
                duration: self.shared.upstreamDuration.bind([cluster.name, Self.codeClass(status)])
            )
            self.upstreamSeries[key] = series
        }
        series.counter.increment(shard: self.shard)
        if let exemplar {
            series.duration.observe(seconds, shard: self.shard, exemplar: exemplar)
        } else {
            series.duration.observe(seconds, shard: self.shard)
        }
    }

    /// Counts a response the gateway produced itself.
    func localResponse(listener: ListenerRuntime, reason: String, reasonIndex: Int) {
        let key = listener.index << 8 | reasonIndex
        if let cached = self.localResponses[key] {
            cached.increment(shard: self.shard)
        } else {
            let handle = self.shared.localResponses.bind([listener.name, reason])
            self.localResponses[key] = handle
            handle.increment(shard: self.shard)
        }
    }

    /// Counts a balancer's choice of `endpoint`.
    func picked(_ endpoint: EndpointRuntime) {
        self.shared.endpoints[endpoint.index].picks.increment(shard: self.shard)
    }

    func upstreamError(_ kind: UpstreamErrorKind, endpoint: EndpointRuntime) {
        self.shared.endpoints[endpoint.index].errors[kind.index].increment(shard: self.shard)
    }

    func listener(_ listener: ListenerRuntime) -> ListenerHandles {
        self.shared.listeners[listener.index]
    }

    func endpoint(_ endpoint: EndpointRuntime) -> EndpointHandles {
        self.shared.endpoints[endpoint.index]
    }

    static let methodNames = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "other",
    ]

    static func methodIndex(_ method: HTTPMethod) -> Int {
        switch method {
        case .GET: 0
        case .HEAD: 1
        case .POST: 2
        case .PUT: 3
        case .DELETE: 4
        case .PATCH: 5
        case .OPTIONS: 6
        case .CONNECT: 7
        case .TRACE: 8
        default: 9
        }
    }

    static func codeClass(_ status: Int) -> String {
        switch status / 100 {
        case 1: "1xx"
        case 2: "2xx"
        case 3: "3xx"
        case 4: "4xx"
        default: "5xx"
        }
    }
}

@available(*, unavailable)
extension LoopMetrics: Sendable {}

/// A request counter and its duration histogram, bound together.
struct RequestSeries {
    let counter: CounterHandle
    let duration: HistogramHandle
}
