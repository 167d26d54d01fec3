import Yams

/// Checks that span more than one value: unique names and addresses, routes that name known clusters,
/// and routes that can never match because an earlier route has the same match.
///
/// Runs after decoding, on the decoded config; values whose decoding failed are skipped so a single
/// mistake is reported once.
struct SemanticValidator {
    let config: GatewayConfig
    let diagnostics: Diagnostics

    private let listenersPath = ConfigPath.root.key("listeners")
    private let clustersPath = ConfigPath.root.key("clusters")

    func validate() {
        self.checkListenerNames()
        self.checkAddresses()
        for (index, listener) in self.config.listeners.enumerated() {
            self.checkRoutes(of: listener, at: self.listenersPath.index(index))
        }
        self.checkClusterNames()
        self.checkClusterReferences()
        self.checkSLOs()
        self.checkReadinessClusters()
    }

    /// `admin.ready_requires_clusters` names clusters that exist.
    private func checkReadinessClusters() {
        let known = self.config.clusters.map(\.name)
        for (index, name) in self.config.admin.readyRequiresClusters.enumerated() where !known.contains(name) {
            let path = ConfigPath.root.key("admin").key("ready_requires_clusters").index(index)
            let list = "known clusters: " + known.joined(separator: ", ")
            let hint = Suggestion.didYouMean(name, among: known).map { "\($0) \(list)" } ?? list
            self.diagnostics.error(path, "unknown cluster '\(name)'", hint: hint, invalidatesValue: false)
        }
    }

    // MARK: Listeners

    private func checkListenerNames() {
        var seen: [String: Int] = [:]
        for (index, listener) in self.config.listeners.enumerated() {
            let path = self.listenersPath.index(index).key("name")
            guard self.diagnostics.isUsable(path) else { continue }
            if let first = seen[listener.name] {
                self.diagnostics.error(
                    path,
                    "duplicate listener name '\(listener.name)'",
                    hint: "already used by \(self.describe(self.listenersPath.index(first)))",
                    invalidatesValue: false
                )
            } else {
                seen[listener.name] = index
            }
        }
    }

    private func checkAddresses() {
        var seen: [AddressKey: Int] = [:]
        for (index, listener) in self.config.listeners.enumerated() {
            let path = self.listenersPath.index(index).key("address")
            guard self.diagnostics.isUsable(path), listener.address.port != 0 else { continue }
            let key = AddressKey(listener.address)
            if let first = seen[key] {
                self.diagnostics.error(
                    path,
                    "listener '\(listener.name)' has the same address \(listener.address) as listener "
                        + "'\(self.config.listeners[first].name)'",
                    hint: "give each listener its own address (\(self.describe(self.listenersPath.index(first))))",
                    invalidatesValue: false
                )
            } else {
                seen[key] = index
            }
        }
        let adminPath = ConfigPath.root.key("admin").key("address")
        let admin = self.config.admin.address
        guard self.diagnostics.isUsable(adminPath), admin.port != 0, let clash = seen[AddressKey(admin)] else {
            return
        }
        self.diagnostics.error(
            adminPath,
            "admin address \(admin) is also the address of listener '\(self.config.listeners[clash].name)'",
            hint: "the admin listener needs its own port; the default is 127.0.0.1:9901",
            invalidatesValue: false
        )
    }

    // MARK: Routes

    private func checkRoutes(of listener: ListenerConfig, at listenerPath: ConfigPath) {
        let routesPath = listenerPath.key("routes")
        var names: [String: Int] = [:]
        var matches: [MatchKey: Int] = [:]
        for (index, route) in listener.routes.enumerated() {
            let routePath = routesPath.index(index)
            let namePath = routePath.key("name")
            if self.diagnostics.isUsable(namePath) {
                if let first = names[route.name] {
                    self.diagnostics.error(
                        namePath,
                        "duplicate route name '\(route.name)' in listener '\(listener.name)'",
                        hint: "already used by \(self.describe(routesPath.index(first)))",
                        invalidatesValue: false
                    )
                } else {
                    names[route.name] = index
                }
            }
            let matchPath = routePath.key("match")
            guard self.diagnostics.isUsable(matchPath) else { continue }
            let key = MatchKey(route.match)
            if let first = matches[key] {
                self.diagnostics.error(
                    matchPath,
                    "route '\(route.name)' has the same match as route '\(listener.routes[first].name)' "
                        + "(\(self.describe(routesPath.index(first))))",
                    hint: "the second can never match; change its match or remove it",
                    invalidatesValue: false
                )
            } else {
                matches[key] = index
            }
        }
    }

    // MARK: Clusters

    private func checkClusterNames() {
        var seen: [String: Int] = [:]
        for (index, cluster) in self.config.clusters.enumerated() {
            let path = self.clustersPath.index(index).key("name")
            guard self.diagnostics.isUsable(path) else { continue }
            if let first = seen[cluster.name] {
                self.diagnostics.error(
                    path,
                    "duplicate cluster name '\(cluster.name)'",
                    hint: "already used by \(self.describe(self.clustersPath.index(first)))",
                    invalidatesValue: false
                )
            } else {
                seen[cluster.name] = index
            }
        }
    }

    private func checkClusterReferences() {
        // If a cluster name could not be read, a route naming it would be reported as unknown:
        // better to say nothing than to send the reader after a follow-on error.
        let namePaths = self.config.clusters.indices.map { self.clustersPath.index($0).key("name") }
        guard !self.config.clusters.isEmpty, namePaths.allSatisfy(self.diagnostics.isUsable) else { return }
        var seen: Set<String> = []
        let known = self.config.clusters.map(\.name).filter { seen.insert($0).inserted }
        for (listenerIndex, listener) in self.config.listeners.enumerated() {
            for (routeIndex, route) in listener.routes.enumerated() {
                let path = self.listenersPath.index(listenerIndex).key("routes").index(routeIndex).key("cluster")
                guard self.diagnostics.isUsable(path), !known.contains(route.cluster) else { continue }
                let list = "known clusters: " + known.joined(separator: ", ")
                let hint = Suggestion.didYouMean(route.cluster, among: known).map { "\($0) \(list)" } ?? list
                self.diagnostics.error(path, "unknown cluster '\(route.cluster)'", hint: hint, invalidatesValue: false)
            }
        }
    }

    // MARK: SLOs

    /// A latency threshold must be a bucket bound of the request-duration histogram (the SLI is read from it), and
    /// routes that share a name across listeners (and so share the `route` label) must not set different SLOs.
    private func checkSLOs() {
        let bounds = self.config.telemetry.requestDurationBuckets
        var byName: [String: (slo: RouteSLOConfig, path: ConfigPath)] = [:]
        for (listenerIndex, listener) in self.config.listeners.enumerated() {
            for (routeIndex, route) in listener.routes.enumerated() {
                guard let slo = route.slo else { continue }
                let path = self.listenersPath.index(listenerIndex).key("routes").index(routeIndex).key("slo")
                if let latency = slo.latency {
                    let thresholdPath = path.key("latency").key("threshold")
                    let seconds = latency.thresholdSeconds
                    if self.diagnostics.isUsable(thresholdPath),
                        !bounds.contains(where: { abs($0 - seconds) <= 1e-9 * max(1, $0) })
                    {
                        let listed = bounds.map { Self.secondsText($0) }.joined(separator: ", ")
                        self.diagnostics.error(
                            thresholdPath,
                            "latency threshold \(Self.secondsText(seconds)) is not a bucket bound of "
                                + "periscope_http_request_duration_seconds",
                            hint: "the SLI is read from the histogram; use one of \(listed) "
                                + "(or add it to telemetry.families.periscope_http_request_duration_seconds.buckets)",
                            invalidatesValue: false
                        )
                    }
                }
                if let first = byName[route.name], first.slo != slo {
                    self.diagnostics.error(
                        path,
                        "route '\(route.name)' has another slo in \(self.describe(first.path))",
                        hint: "routes with the same name share their metrics; give them the same slo or other names",
                        invalidatesValue: false
                    )
                } else if byName[route.name] == nil {
                    byName[route.name] = (slo, path)
                }
            }
        }
    }

    /// `0.25s`, `1s`: a bound as the config would write it.
    private static func secondsText(_ seconds: Double) -> String {
        var text = "\(seconds)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        return text + "s"
    }

    // MARK: Helpers

    /// `listeners[0] at line 12`, or just the path when its position is unknown.
    private func describe(_ path: ConfigPath) -> String {
        guard let mark = self.diagnostics.mark(of: path) else { return path.description }
        return "\(path) at line \(mark.line)"
    }
}

/// A bind address compared as the kernel would: host case-insensitively, plus the port.
private struct AddressKey: Hashable {
    let host: String
    let port: Int

    init(_ address: HostPort) {
        self.host = address.host.lowercased()
        self.port = address.port
    }
}

/// What a route matches, with order and parameter names erased, so equal keys match the same requests.
private struct MatchKey: Hashable {
    let hosts: Set<String>
    let path: String?
    let prefix: String?
    let methods: Set<String>

    init(_ match: RouteMatch) {
        self.hosts = Set(match.hosts)
        self.path = match.path.map(PathPattern.shape(of:))
        self.prefix = match.prefix
        self.methods = Set(match.methods)
    }
}
