import Logging
import NIOCore
import PeriscopeAdmin
import ServiceLifecycle

/// Keeps the admin listener up until the gateway has drained (it shuts down after the gateway service).
struct AdminService: Service {
    let server: AdminServer

    func run() async throws {
        let channel = try await self.server.bind()
        try? await gracefulShutdown()
        try? await channel.close()
    }
}
