import NIOHTTP1

/// Matches a request path (and method) against the routes of one host.
///
/// Tiers are tried in order — exact paths (hash map), then parameterised templates (segment radix tree),
/// then prefixes and trailing wildcards, longest first — and the first route in a tier whose method list
/// accepts the request wins.
struct PathRouter: Sendable {
    private var exact: [Substring: [RouteRuntime]] = [:]
    private var templates = ParamRouteTree<RouteRuntime>()
    private var prefixes: [(prefix: String, route: RouteRuntime)] = []

    mutating func add(_ pattern: PathPattern, route: RouteRuntime) {
        switch pattern {
        case .exact(let path):
            self.exact[Substring(path), default: []].append(route)
        case .template(let segments):
            self.templates.insert(segments, value: route)
        case .prefix(let prefix):
            self.prefixes.append((prefix, route))
            // Longest prefix first; the sort is stable, so equal lengths keep config order.
            self.prefixes = self.prefixes.enumerated()
                .sorted { ($0.element.prefix.utf8.count, -$0.offset) > ($1.element.prefix.utf8.count, -$1.offset) }
                .map(\.element)
        }
    }

    /// The outcome of matching one path.
    enum Outcome {
        case matched(RouteRuntime)
        /// Some route matches the path, but none accepts the method.
        case methodNotAllowed([String])
        case notFound
    }

    func match(path: Substring, method: HTTPMethod) -> Outcome {
        var pathMatched: [RouteRuntime] = []
        if let candidates = self.exact[path] {
            if let route = candidates.first(where: { $0.accepts(method) }) { return .matched(route) }
            pathMatched.append(contentsOf: candidates)
        }
        if !self.templates.isEmpty {
            if let route = self.templates.lookup(path, where: { $0.accepts(method) }) { return .matched(route) }
            if let route = self.templates.lookup(path, where: { _ in true }) { pathMatched.append(route) }
        }
        for entry in self.prefixes where path.utf8.starts(with: entry.prefix.utf8) {
            if entry.route.accepts(method) { return .matched(entry.route) }
            pathMatched.append(entry.route)
        }
        if pathMatched.isEmpty { return .notFound }
        var allowed: [String] = []
        for route in pathMatched {
            for method in route.methods where !allowed.contains(method) { allowed.append(method) }
        }
        return .methodNotAllowed(allowed)
    }
}
