import NIOHTTP1
import PeriscopeConfig
import PeriscopeTelemetry

/// The proxy's metric families, registered once per process, with the label sets that are known at config
/// load already bound into handles (routes, clusters, endpoints, bounded reasons).
///
/// Label values `route`, `cluster` and `endpoint` are configured names only; requests that match no route are
/// counted under `route="_none"`. Handles bound on first sight (status codes, methods) are cached per event
/// loop in ``LoopMetrics``.
public final class GatewayMetrics: Sendable {
    /// The registry these families live in.
    public let registry: MetricsRegistry

    let requests: CounterFamily
    let requestDuration: HistogramFamily
    let overhead: HistogramFamily
    let requestSize: HistogramFamily
    let responseSize: HistogramFamily
    let inFlight: GaugeFamily
    let connectionsActive: GaugeFamily
    let connectionsTotal: CounterFamily
    let localResponses: CounterFamily
    let upstreamRequests: CounterFamily
    let upstreamDuration: HistogramFamily
    let upstreamConnectDuration: HistogramFamily
    let upstreamConnectionsActive: GaugeFamily
    let upstreamConnectionsCreated: CounterFamily
    let upstreamConnectionsClosed: CounterFamily
    let upstreamErrors: CounterFamily
    let endpointHealthy: GaugeFamily
    let upstreamPicks: CounterFamily
    let drainState: GaugeFamily
    let configLoads: CounterFamily
    let configLastLoadSuccess: GaugeFamily

    /// Per listener, per route (index `routes.count` is the `_none` route).
    let routes: [[RouteHandles]]
    /// Per listener.
    let listeners: [ListenerHandles]
    /// Per global endpoint index.
    let endpoints: [EndpointHandles]
    /// Drain state handle (0 serving, 1 draining).
    let draining: GaugeHandle
    /// Config load results and the time of the last success.
    let configLoadHandles: ConfigLoadHandles
    /// Health checks, health transitions, ejections and the in-rotation gauge.
    let health: HealthMetrics

    /// Registers the families (with the settings of `runtime.config.telemetry`) and binds the handles for
    /// `runtime`.
    public init(registry: MetricsRegistry, runtime: GatewayRuntime) {
        self.registry = registry
        let configured = ConfiguredRegistry(registry: registry, telemetry: runtime.config.telemetry)
        let bytes = Buckets.exponential(start: 64, factor: 4, count: 10)
        self.requests = configured.counter(
            name: "periscope_http_requests_total",
            help: "Requests answered, by route, method and status code.",
            labelNames: ["route", "method", "code"]
        )
        self.requestDuration = configured.histogram(
            name: "periscope_http_request_duration_seconds",
            help: "Time from the request head to the last response byte, by route, method and status class.",
            labelNames: ["route", "method", "code_class"],
            unit: "seconds",
            exemplars: true
        )
        self.overhead = configured.histogram(
            name: "periscope_http_gateway_overhead_seconds",
            help: "Time the gateway itself added: request duration minus the time spent waiting on the upstream.",
            labelNames: ["route"],
            unit: "seconds"
        )
        self.requestSize = configured.histogram(
            name: "periscope_http_request_size_bytes",
            help: "Request body sizes.",
            labelNames: ["route"],
            buckets: bytes,
            unit: "bytes"
        )
        self.responseSize = configured.histogram(
            name: "periscope_http_response_size_bytes",
            help: "Response body sizes.",
            labelNames: ["route"],
            buckets: bytes,
            unit: "bytes"
        )
        self.inFlight = configured.gauge(
            name: "periscope_http_requests_in_flight",
            help: "Requests received and not yet answered, by listener.",
            labelNames: ["listener"]
        )
        self.connectionsActive = configured.gauge(
            name: "periscope_downstream_connections_active",
            help: "Open client connections, by listener.",
            labelNames: ["listener"]
        )
        self.connectionsTotal = configured.counter(
            name: "periscope_downstream_connections_total",
            help: "Client connections accepted, by listener.",
            labelNames: ["listener"]
        )
        self.localResponses = configured.counter(
            name: "periscope_http_local_responses_total",
            help: "Responses the gateway produced itself, by listener and reason (no_route, upstream_timeout, ...).",
            labelNames: ["listener", "reason"]
        )
        self.upstreamRequests = configured.counter(
            name: "periscope_upstream_requests_total",
            help: "Upstream responses received, by cluster, endpoint and status code.",
            labelNames: ["cluster", "endpoint", "code"]
        )
        self.upstreamDuration = configured.histogram(
            name: "periscope_upstream_request_duration_seconds",
            help:
                "Time from the first request byte sent upstream to the last response byte, by cluster and status class.",
            labelNames: ["cluster", "code_class"],
            unit: "seconds",
            exemplars: true
        )
        self.upstreamConnectDuration = configured.histogram(
            name: "periscope_upstream_connect_duration_seconds",
            help: "Time to establish TCP connections to upstream endpoints.",
            labelNames: ["cluster", "endpoint"],
            unit: "seconds"
        )
        self.upstreamConnectionsActive = configured.gauge(
            name: "periscope_upstream_connections_active",
            help: "Open upstream connections (busy and idle), by cluster and endpoint.",
            labelNames: ["cluster", "endpoint"]
        )
        self.upstreamConnectionsCreated = configured.counter(
            name: "periscope_upstream_connections_created_total",
            help: "Upstream connections established.",
            labelNames: ["cluster", "endpoint"]
        )
        self.upstreamConnectionsClosed = configured.counter(
            name: "periscope_upstream_connections_closed_total",
            help:
                "Upstream connections closed, by reason (remote, idle_timeout, max_requests, not_reusable, aborted, shutdown).",
            labelNames: ["cluster", "endpoint", "reason"]
        )
        self.upstreamErrors = configured.counter(
            name: "periscope_upstream_errors_total",
            help: "Upstream failures by kind (connect_refused, connect_timeout, reset, timeout, protocol).",
            labelNames: ["cluster", "endpoint", "kind"]
        )
        self.endpointHealthy = configured.gauge(
            name: "periscope_upstream_endpoint_healthy",
            help: "1 when the endpoint is in rotation, 0 when it is out.",
            labelNames: ["cluster", "endpoint"]
        )
        self.upstreamPicks = configured.counter(
            name: "periscope_upstream_picks_total",
            help: "Endpoints chosen by the cluster's load balancer, by cluster and endpoint.",
            labelNames: ["cluster", "endpoint"]
        )
        self.drainState = configured.gauge(
            name: "periscope_drain_active",
            help: "1 while the gateway drains (readiness fails), 0 while it serves."
        )
        self.draining = self.drainState.bind()
        self.configLoads = configured.counter(
            name: "periscope_config_loads_total",
            help: "Configuration loads, by result (success, failure).",
            labelNames: ["result"]
        )
        self.configLastLoadSuccess = configured.gauge(
            name: "periscope_config_last_load_success_timestamp_seconds",
            help: "When the configuration in use was loaded, in seconds since the Unix epoch.",
            unit: "seconds"
        )
        self.configLoadHandles = ConfigLoadHandles(loads: self.configLoads, lastSuccess: self.configLastLoadSuccess)
        SLOMetrics.register(in: configured, config: runtime.config)
        self.health = HealthMetrics(configured: configured, runtime: runtime, endpointHealthy: self.endpointHealthy)

        let overhead = self.overhead
        let requestSize = self.requestSize
        let responseSize = self.responseSize
        let inFlight = self.inFlight
        let connectionsActive = self.connectionsActive
        let connectionsTotal = self.connectionsTotal
        let upstreamConnectDuration = self.upstreamConnectDuration
        let upstreamConnectionsActive = self.upstreamConnectionsActive
        let upstreamConnectionsCreated = self.upstreamConnectionsCreated
        let upstreamConnectionsClosed = self.upstreamConnectionsClosed
        let upstreamErrors = self.upstreamErrors
        let endpointHealthy = self.endpointHealthy
        let upstreamPicks = self.upstreamPicks
        let routeHandles = runtime.listeners.map { listener in
            (listener.routeNames + ["_none"]).map { name in
                RouteHandles(
                    overhead: overhead.bind([name]),
                    requestSize: requestSize.bind([name]),
                    responseSize: responseSize.bind([name])
                )
            }
        }
        self.routes = routeHandles
        self.listeners = runtime.listeners.map { listener in
            ListenerHandles(
                inFlight: inFlight.bind([listener.name]),
                connectionsActive: connectionsActive.bind([listener.name]),
                connectionsTotal: connectionsTotal.bind([listener.name])
            )
        }
        var endpoints: [EndpointHandles] = []
        for cluster in runtime.clusters {
            for endpoint in cluster.endpoints {
                let labels = [cluster.name, endpoint.name]
                endpoints.append(
                    EndpointHandles(
                        connectDuration: upstreamConnectDuration.bind(labels),
                        active: upstreamConnectionsActive.bind(labels),
                        created: upstreamConnectionsCreated.bind(labels),
                        closed: UpstreamCloseReason.allCases.map {
                            upstreamConnectionsClosed.bind(labels + [$0.rawValue])
                        },
                        errors: UpstreamErrorKind.allCases.map { upstreamErrors.bind(labels + [$0.rawValue]) },
                        picks: upstreamPicks.bind(labels)
                    )
                )
                // No health checking yet: every configured endpoint is in rotation.
                endpointHealthy.bind(labels).set(1)
            }
        }
        self.endpoints = endpoints
    }

    /// Records a drain start (the gauge flips to 1).
    func drainStarted() {
        self.draining.set(1)
    }
}

/// Handles bound per route.
struct RouteHandles: Sendable {
    let overhead: HistogramHandle
    let requestSize: HistogramHandle
    let responseSize: HistogramHandle
}

/// Handles bound per listener.
struct ListenerHandles: Sendable {
    let inFlight: GaugeHandle
    let connectionsActive: GaugeHandle
    let connectionsTotal: CounterHandle
}

/// Handles bound per upstream endpoint.
struct EndpointHandles: Sendable {
    let connectDuration: HistogramHandle
    let active: GaugeHandle
    let created: CounterHandle
    /// By ``UpstreamCloseReason`` raw index.
    let closed: [CounterHandle]
    /// By ``UpstreamErrorKind`` raw index.
    let errors: [CounterHandle]
    /// Times the balancer chose this endpoint.
    let picks: CounterHandle
}

/// Why an upstream connection closed (the `reason` label).
enum UpstreamCloseReason: String, CaseIterable, Sendable {
    case remote
    case idleTimeout = "idle_timeout"
    case maxRequests = "max_requests"
    case notReusable = "not_reusable"
    case aborted
    case shutdown

    var index: Int { Self.allCases.firstIndex(of: self)! }
}

/// Kinds of upstream failure (the `kind` label).
enum UpstreamErrorKind: String, CaseIterable, Sendable {
    case connectRefused = "connect_refused"
    case connectTimeout = "connect_timeout"
    case reset
    case timeout
    case `protocol`

    var index: Int { Self.allCases.firstIndex(of: self)! }
}
