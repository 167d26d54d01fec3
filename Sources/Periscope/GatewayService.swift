import Logging
import PeriscopeConfig
import PeriscopeGateway
import ServiceLifecycle

/// Runs the gateway until SIGTERM/SIGINT (graceful shutdown) or `POST /drain`, then drains it.
struct GatewayService: Service {
    let gateway: Gateway
    let drain: DrainConfig
    let trigger: DrainTrigger
    let logger: Logger

    func run() async throws {
        try await self.gateway.start()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await gracefulShutdown() }
            group.addTask { await self.trigger.wait() }
            await group.next()
            group.cancelAll()
        }
        await self.gateway.drain(delay: self.drain.delay, timeout: self.drain.timeout)
    }
}
