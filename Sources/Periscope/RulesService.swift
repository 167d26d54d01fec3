import PeriscopeAlerting
import ServiceLifecycle

/// Runs the rule groups' schedules until shutdown.
struct RulesService: Service {
    let manager: RuleManager

    func run() async throws {
        self.manager.start()
        try? await gracefulShutdown()
        self.manager.stop()
    }
}
