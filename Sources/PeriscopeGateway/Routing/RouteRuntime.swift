import NIOCore
import NIOHTTP1
import PeriscopeConfig

/// A route compiled for the request path: everything a request needs, resolved at config load.
public final class RouteRuntime: Sendable {
    /// Configured route name (the `route` label).
    public let name: String
    /// Dense index of the route within its listener.
    public let index: Int
    /// The cluster requests are sent to.
    public let cluster: ClusterRuntime
    /// Accepted methods as their canonical names; empty accepts all.
    public let methods: [String]
    let methodSet: [HTTPMethod]
    /// Upstream response-head timeout, counted from the end of the request.
    let timeout: TimeAmount
    /// Longest gap with no bytes moving while bodies stream.
    let idleTimeout: TimeAmount
    /// The header that carries the remaining deadline upstream (lower-case), if configured.
    let deadlineHeader: String?
    /// The retry policy, if configured.
    let retry: RetryConfig?
    /// `retry.per_try_timeout`.
    let perTryTimeout: TimeAmount?
    /// `hedge.delay`, when the route hedges.
    let hedgeDelay: TimeAmount?
    /// The body size kept for a replay or a hedge (`retry.max_body_bytes`, 64 KiB without `retry`).
    let replayBodyLimit: Int64
    /// Body limit for this route (route override or the listener's); `nil` is unlimited.
    let maxBodyBytes: Int64?
    /// The route's match as OpenTelemetry's `http.route` wants it: the path template (`/api/users/{id}`) or the
    /// prefix (`/api/orders`).
    public let template: String

    init(config: RouteConfig, index: Int, cluster: ClusterRuntime, listenerLimits: RequestLimits) {
        self.name = config.name
        self.index = index
        self.cluster = cluster
        self.methods = config.match.methods
        self.methodSet = config.match.methods.map { HTTPMethod(rawValue: $0) }
        self.timeout = TimeAmount(config.timeout)
        self.idleTimeout = TimeAmount(config.idleTimeout)
        self.deadlineHeader = config.deadlineHeader
        self.retry = config.retry
        self.perTryTimeout = config.retry?.perTryTimeout.map { TimeAmount($0) }
        self.hedgeDelay = config.hedge.map { TimeAmount($0.delay) }
        self.replayBodyLimit = config.retry?.maxBodyBytes ?? RetryConfig().maxBodyBytes
        self.maxBodyBytes = config.maxBodyBytes ?? listenerLimits.maxBodyBytes
        self.template = config.match.path ?? config.match.prefix ?? "/"
    }

    @inline(__always)
    func accepts(_ method: HTTPMethod) -> Bool {
        self.methodSet.isEmpty || self.methodSet.contains(method)
    }
}

extension TimeAmount {
    /// Converts a Swift `Duration` (from config) to NIO's `TimeAmount`.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
