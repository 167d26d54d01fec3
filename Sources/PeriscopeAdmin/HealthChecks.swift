import NIOCore
import PeriscopeGateway

/// One named check of a health endpoint, as kube-apiserver lists them with `?verbose`.
public struct HealthCheckResult: Sendable, Equatable {
    /// Check name, e.g. `eventloops`.
    public var name: String
    /// Whether it passed.
    public var ok: Bool
    /// Why it failed (shown in verbose output).
    public var reason: String?

    public init(name: String, ok: Bool, reason: String? = nil) {
        self.name = name
        self.ok = ok
        self.reason = reason
    }
}

/// The three Kubernetes probes and what each of them checks.
///
/// - `livez`: the process answers and every gateway event loop runs a task within a second. Stays 200 during a
///   drain (restarting a draining instance would kill the requests it is finishing).
/// - `readyz`: config loaded, listeners bound, not draining, and (with `admin.ready_requires_clusters`) each named
///   cluster has an endpoint its health checks consider healthy.
/// - `startupz`: config loaded and listeners bound (stays 200 once true).
public enum HealthProbe: String, Sendable, CaseIterable {
    case livez
    case readyz
    case startupz

    /// Runs the checks of this probe. `eventLoops` are the gateway's loops (for `livez`).
    public func evaluate(
        state: GatewayState,
        eventLoops: [any EventLoop],
        on loop: any EventLoop
    ) -> EventLoopFuture<[HealthCheckResult]> {
        switch self {
        case .livez:
            return Self.checkEventLoops(eventLoops, on: loop).map { loopsResult in
                [HealthCheckResult(name: "ping", ok: true), loopsResult]
            }
        case .readyz:
            var checks = [
                Self.configCheck(state),
                Self.listenersCheck(state),
                HealthCheckResult(name: "drain", ok: !state.isDraining, reason: state.isDraining ? "draining" : nil),
            ]
            if let unhealthy = state.clustersWithoutHealthyEndpoint {
                checks.append(
                    HealthCheckResult(
                        name: "clusters",
                        ok: unhealthy.isEmpty,
                        reason: unhealthy.isEmpty
                            ? nil : "no healthy endpoint in " + unhealthy.map { "'\($0)'" }.joined(separator: ", ")
                    ))
            }
            return loop.makeSucceededFuture(checks)
        case .startupz:
            return loop.makeSucceededFuture([Self.configCheck(state), Self.listenersCheck(state)])
        }
    }

    private static func configCheck(_ state: GatewayState) -> HealthCheckResult {
        HealthCheckResult(
            name: "config", ok: state.configLoaded, reason: state.configLoaded ? nil : "config not loaded")
    }

    private static func listenersCheck(_ state: GatewayState) -> HealthCheckResult {
        HealthCheckResult(
            name: "listeners",
            ok: state.listenersBound,
            reason: state.listenersBound ? nil : "listeners not bound"
        )
    }

    /// Every loop must run a no-op within one second.
    private static func checkEventLoops(_ loops: [any EventLoop], on loop: any EventLoop) -> EventLoopFuture<
        HealthCheckResult
    > {
        guard !loops.isEmpty else { return loop.makeSucceededFuture(HealthCheckResult(name: "eventloops", ok: true)) }
        let promise = loop.makePromise(of: HealthCheckResult.self)
        let timeout = loop.scheduleTask(in: .seconds(1)) {
            promise.succeed(
                HealthCheckResult(name: "eventloops", ok: false, reason: "an event loop did not answer within 1s"))
        }
        let pings = loops.map { $0.submit {} }
        EventLoopFuture.whenAllComplete(pings, on: loop).whenComplete { _ in
            timeout.cancel()
            promise.succeed(HealthCheckResult(name: "eventloops", ok: true))
        }
        return promise.futureResult
    }
}

extension [HealthCheckResult] {
    /// Body in kube-apiserver's format: verbose lists `[+]name ok` / `[-]name failed: reason`.
    func render(probe: HealthProbe, verbose: Bool) -> String {
        let passed = self.allSatisfy(\.ok)
        var text = ""
        if verbose || !passed {
            for check in self {
                text += check.ok ? "[+]\(check.name) ok\n" : "[-]\(check.name) failed: \(check.reason ?? "failed")\n"
            }
        }
        text += passed ? "\(probe.rawValue) check passed\n" : "\(probe.rawValue) check failed\n"
        return text
    }
}
