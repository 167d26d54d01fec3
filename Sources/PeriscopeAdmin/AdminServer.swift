import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PeriscopeConfig
import PeriscopeGateway
import PeriscopeTelemetry

/// The admin listener: Kubernetes health endpoints and drain, on its own address (default 127.0.0.1:9901).
public final class AdminServer: Sendable {
    /// What every admin connection shares.
    struct Shared: Sendable {
        let state: GatewayState
        let registry: MetricsRegistry
        let gatewayLoops: [any EventLoop]
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
    ///   - registry: the metrics served at `/metrics`.
    ///   - onDrain: called by `POST /drain`.
    public init(
        address: HostPort,
        group: any EventLoopGroup,
        gatewayLoops: [any EventLoop],
        state: GatewayState,
        registry: MetricsRegistry,
        logger: Logger,
        onDrain: @escaping @Sendable () -> Void
    ) {
        self.address = address
        self.group = group
        self.logger = logger
        self.shared = Shared(state: state, registry: registry, gatewayLoops: gatewayLoops, onDrain: onDrain)
    }

    /// Binds the admin listener and returns its channel.
    public func bind() async throws -> any Channel {
        let shared = self.shared
        let channel = try await ServerBootstrap(group: self.group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
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
