import NIOHTTP1
import PeriscopeConfig
import Testing

@testable import PeriscopeGateway

@Suite struct RouterTests {
    /// Builds a router from (name, hosts, path, prefix, methods) rows, in order.
    private func router(_ rows: [(String, [String], String?, String?, [String])]) -> Router {
        let cluster = ClusterRuntime(
            index: 0,
            config: ClusterConfig(
                name: "c", endpoints: [EndpointConfig(address: HostPort(host: "127.0.0.1", port: 1))]),
            endpoints: []
        )
        var entries: [(pattern: PathPattern, hosts: [String], route: RouteRuntime)] = []
        for (index, row) in rows.enumerated() {
            let config = RouteConfig(
                name: row.0,
                match: RouteMatch(hosts: row.1, path: row.2, prefix: row.3, methods: row.4),
                cluster: "c"
            )
            let route = RouteRuntime(config: config, index: index, cluster: cluster, listenerLimits: RequestLimits())
            entries.append((row.2.map(PathPattern.init(path:)) ?? .prefix(row.3!), row.1, route))
        }
        return Router(routes: entries)
    }

    private func name(_ outcome: PathRouter.Outcome) -> String {
        switch outcome {
        case .matched(let route): route.name
        case .notFound: "404"
        case .methodNotAllowed(let allowed): "405:\(allowed.joined(separator: ","))"
        }
    }

    @Test func exactBeatsParamBeatsPrefix() {
        let router = self.router([
            ("prefix", [], nil, "/api/", []),
            ("param", [], "/api/users/{id}", nil, []),
            ("exact", [], "/api/users/me", nil, []),
        ])
        #expect(self.name(router.match(host: nil, target: "/api/users/me", method: .GET)) == "exact")
        #expect(self.name(router.match(host: nil, target: "/api/users/42", method: .GET)) == "param")
        #expect(self.name(router.match(host: nil, target: "/api/users/42/orders", method: .GET)) == "prefix")
        #expect(self.name(router.match(host: nil, target: "/api/other", method: .GET)) == "prefix")
        #expect(self.name(router.match(host: nil, target: "/elsewhere", method: .GET)) == "404")
    }

    @Test func longestPrefixWinsRegardlessOfOrder() {
        let router = self.router([
            ("root", [], nil, "/", []),
            ("api", [], nil, "/api", []),
            ("apiv2", [], nil, "/api/v2/", []),
        ])
        #expect(self.name(router.match(host: nil, target: "/api/v2/x", method: .GET)) == "apiv2")
        #expect(self.name(router.match(host: nil, target: "/api/v1/x", method: .GET)) == "api")
        #expect(self.name(router.match(host: nil, target: "/apiary", method: .GET)) == "api")
        #expect(self.name(router.match(host: nil, target: "/x", method: .GET)) == "root")
    }

    @Test func literalSegmentsBeatParametersWithBacktracking() {
        let router = self.router([
            ("a", [], "/{x}/edit", nil, []),
            ("b", [], "/users/{id}", nil, []),
        ])
        #expect(self.name(router.match(host: nil, target: "/users/edit", method: .GET)) == "b")
        #expect(self.name(router.match(host: nil, target: "/posts/edit", method: .GET)) == "a")
        // `/users/x/edit` has three segments: neither template matches.
        #expect(self.name(router.match(host: nil, target: "/users/x/edit", method: .GET)) == "404")
        // A parameter never matches an empty segment.
        #expect(self.name(router.match(host: nil, target: "/users/", method: .GET)) == "404")
    }

    @Test func trailingWildcardIsSegmentAware() {
        let router = self.router([("static", [], "/static/*", nil, [])])
        #expect(self.name(router.match(host: nil, target: "/static/css/site.css", method: .GET)) == "static")
        #expect(self.name(router.match(host: nil, target: "/static/", method: .GET)) == "static")
        #expect(self.name(router.match(host: nil, target: "/staticfiles", method: .GET)) == "404")
    }

    @Test func queryAndAbsoluteFormAreIgnoredForMatching() {
        let router = self.router([("exact", [], "/search", nil, [])])
        #expect(self.name(router.match(host: nil, target: "/search?q=1", method: .GET)) == "exact")
        #expect(self.name(router.match(host: nil, target: "http://example.com/search?q=1", method: .GET)) == "exact")
        #expect(Router.path(of: "http://example.com") == "/")
    }

    @Test func methodsFilterAndReport405() {
        let router = self.router([
            ("read", [], "/items", nil, ["GET", "HEAD"]),
            ("write", [], "/items", nil, ["POST"]),
        ])
        #expect(self.name(router.match(host: nil, target: "/items", method: .GET)) == "read")
        #expect(self.name(router.match(host: nil, target: "/items", method: .POST)) == "write")
        #expect(self.name(router.match(host: nil, target: "/items", method: .DELETE)) == "405:GET,HEAD,POST")
    }

    @Test func hostsExactThenWildcardThenAny() {
        let router = self.router([
            ("any", [], nil, "/", []),
            ("wild", ["*.example.com"], nil, "/", []),
            ("deeper", ["*.eu.example.com"], nil, "/", []),
            ("exact", ["api.example.com"], nil, "/", []),
        ])
        #expect(self.name(router.match(host: "api.example.com", target: "/", method: .GET)) == "exact")
        #expect(self.name(router.match(host: "API.Example.com:8080", target: "/", method: .GET)) == "exact")
        #expect(self.name(router.match(host: "www.example.com", target: "/", method: .GET)) == "wild")
        #expect(self.name(router.match(host: "a.eu.example.com", target: "/", method: .GET)) == "deeper")
        #expect(self.name(router.match(host: "example.com", target: "/", method: .GET)) == "any")
        #expect(self.name(router.match(host: "other.org", target: "/", method: .GET)) == "any")
        #expect(self.name(router.match(host: nil, target: "/", method: .GET)) == "any")
    }

    @Test func hostSpecificRoutesFallBackToLessSpecific() {
        let router = self.router([
            ("api-only", ["api.example.com"], "/v1", nil, []),
            ("fallback", [], nil, "/", []),
        ])
        #expect(self.name(router.match(host: "api.example.com", target: "/v1", method: .GET)) == "api-only")
        #expect(self.name(router.match(host: "api.example.com", target: "/other", method: .GET)) == "fallback")
    }

    @Test func hostNormalisation() {
        #expect(Router.normalise(host: "Example.COM:8080") == "example.com")
        #expect(Router.normalise(host: "[::1]:8080") == "[::1]")
        #expect(Router.normalise(host: "example.com.") == "example.com")
    }
}
