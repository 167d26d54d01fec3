import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import PeriscopeAlerting
import PeriscopeConfig
import PeriscopeGateway
import PeriscopeTelemetry

/// The admin listener, on its own address (default 127.0.0.1:9901): `/metrics` (Prometheus text 0.0.4, or
/// OpenMetrics 1.0.0 when `Accept` asks; gzip when `Accept-Encoding` allows), the Kubernetes health endpoints,
/// and drain.
public final class AdminServer: Sendable {
    /// What every admin connection shares.
    struct Shared: Sendable {
        let state: GatewayState
        let registry: MetricsRegistry
        let gatewayLoops: [any EventLoop]
        let rules: RuleManager?
        let onDrain: @Sendable () -> Void
    }

    private let shared: Shared
    private let address: HostPort
    private let group: any EventLoopGroup
    private let logger: Logger

    /// - Parameters:
    ///   - address: where to listen.
    ///   - group: event loops for admin connections.
    ///   - gatewayLoops: the traffic loops `livez` pings.
    ///   - state: the gateway's health and drain state.
    ///   - registry: the metrics served at `/metrics`. The process metrics (`process_*`, `periscope_build_info`)
    ///     are registered in it here (``registerProcessMetrics(registry:version:)``).
    ///   - rules: the rule evaluator behind `/api/v1/rules` and `/api/v1/alerts` (nil: no rules configured).
    ///   - onDrain: called by `POST /drain`.
    public init(
        address: HostPort,
        group: any EventLoopGroup,
        gatewayLoops: [any EventLoop],
        state: GatewayState,
        registry: MetricsRegistry,
        rules: RuleManager? = nil,
        logger: Logger,
        onDrain: @escaping @Sendable () -> Void
    ) {
        self.address = address
        self.group = group
        self.logger = logger
        self.shared = Shared(
            state: state,
            registry: registry,
            gatewayLoops: gatewayLoops,
            rules: rules,
            onDrain: onDrain
        )
        registerProcessMetrics(registry: registry)
    }

    /// Binds the admin listener and returns its channel.
    public func bind() async throws -> any Channel {
        let shared = self.shared
        let channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    // Compresses only the responses AdminHandler marks (GET /metrics), and only when the request's
                    // Accept-Encoding allows gzip or deflate; every other response passes through untouched.
                    let compressor = HTTPResponseCompressor(initialByteBufferCapacity: 0) { head, _ in
                        guard head.headers.contains(name: AdminHandler.compressibleMarker) else {
                            return .doNotCompress
                        }
                        head.headers.remove(name: AdminHandler.compressibleMarker)
                        return .compressIfPossible
                    }
                    try channel.pipeline.syncOperations.addHandler(compressor)
                    try channel.pipeline.syncOperations.addHandler(AdminHandler(admin: shared))
                }
            }
            .bind(host: self.address.host, port: self.address.port)
            .get()
        self.logger.info(
            "admin listening",
            metadata: ["address": "\(channel.localAddress?.hostPortDescription ?? "?")"]
        )
        return channel
    }
}
