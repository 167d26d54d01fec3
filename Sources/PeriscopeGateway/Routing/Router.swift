import NIOHTTP1

/// The compiled routing table of one listener: host match first, then path and method.
///
/// Hosts are matched exactly (`api.example.com`) or by the longest wildcard suffix (`*.example.com`);
/// routes without a host apply to every host. If the most specific host's routes do not match the path,
/// the less specific ones are tried, ending with the host-less routes.
public struct Router: Sendable {
    private var exactHosts: [String: PathRouter] = [:]
    /// Wildcard hosts as their suffix including the dot (`.example.com`), longest first.
    private var wildcardHosts: [(suffix: String, router: PathRouter)] = []
    private var anyHost = PathRouter()

    /// Builds the table; `routes` come in config order, which breaks ties.
    init(routes: [(pattern: PathPattern, hosts: [String], route: RouteRuntime)]) {
        for (pattern, hosts, route) in routes {
            if hosts.isEmpty {
                self.anyHost.add(pattern, route: route)
                continue
            }
            for host in hosts.map({ $0.lowercased() }) {
                if host.hasPrefix("*.") {
                    let suffix = String(host.dropFirst())
                    if let index = self.wildcardHosts.firstIndex(where: { $0.suffix == suffix }) {
                        self.wildcardHosts[index].router.add(pattern, route: route)
                    } else {
                        var router = PathRouter()
                        router.add(pattern, route: route)
                        self.wildcardHosts.append((suffix, router))
                        self.wildcardHosts.sort { $0.suffix.utf8.count > $1.suffix.utf8.count }
                    }
                } else {
                    self.exactHosts[host, default: PathRouter()].add(pattern, route: route)
                }
            }
        }
    }

    /// Matches a request. `host` is the Host header (port and case are ignored); `target` the request target,
    /// whose query string is ignored.
    func match(host: String?, target: String, method: HTTPMethod) -> PathRouter.Outcome {
        let path = Self.path(of: target)
        var best = PathRouter.Outcome.notFound
        if let host, !self.exactHosts.isEmpty || !self.wildcardHosts.isEmpty {
            let name = Self.normalise(host: host)
            if let router = self.exactHosts[name] {
                let outcome = router.match(path: path, method: method)
                if case .matched = outcome { return outcome }
                best = Self.prefer(best, outcome)
            }
            for entry in self.wildcardHosts where name.hasSuffix(entry.suffix) && name.count > entry.suffix.count {
                let outcome = entry.router.match(path: path, method: method)
                if case .matched = outcome { return outcome }
                best = Self.prefer(best, outcome)
            }
        }
        let outcome = self.anyHost.match(path: path, method: method)
        if case .matched = outcome { return outcome }
        return Self.prefer(best, outcome)
    }

    private static func prefer(_ a: PathRouter.Outcome, _ b: PathRouter.Outcome) -> PathRouter.Outcome {
        if case .notFound = a { return b }
        return a
    }

    /// The path part of a request target: origin-form `/p?q` or absolute-form `http://h/p?q`.
    static func path(of target: String) -> Substring {
        var rest = Substring(target)
        if rest.first != "/" {
            // Absolute form: skip `scheme://authority`.
            let utf8 = rest.utf8
            if let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
                utf8[colon...].starts(with: "://".utf8)
            {
                let authority = rest[utf8.index(colon, offsetBy: 3)...]
                rest = authority.firstIndex(of: "/").map { authority[$0...] } ?? "/"
            }
        }
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            rest = rest[..<query]
        }
        return rest
    }

    /// Lower-cases a Host header value and drops its port (`Example.com:8080` → `example.com`).
    static func normalise(host: String) -> String {
        var name = Substring(host)
        if name.first == "[" {
            if let close = name.firstIndex(of: "]") { name = name[...close] }
        } else if let colon = name.lastIndex(of: ":") {
            name = name[..<colon]
        }
        if name.last == "." { name = name.dropLast() }
        return name.lowercased()
    }
}
