import PeriscopeConfig
import Testing

/// One invalid document and the error it must produce.
struct InvalidCase: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    /// Expected key path of the error.
    var keyPath: String
    /// Text on the line the error must point at, and which occurrence of it.
    var marker: String
    var occurrence = 1
    /// Text the message must contain.
    var message: String
    /// Text the hint must contain, if any.
    var hint: String?

    var testDescription: String { self.name }
}

@Suite("Validation errors name their key path and line")
struct ValidationErrorTests {
    static let cluster = Fixture.usersCluster
    static let listener = Fixture.publicListener

    static func route(_ match: String, cluster: String = "users", extra: String = "") -> String {
        """
        listeners:
          - name: public
            routes:
              - name: r
                match:
        \(match)
                cluster: \(cluster)
        \(extra)
        """ + "\n" + Self.cluster
    }

    static let cases: [InvalidCase] = [
        // Unknown keys, types, required keys.
        InvalidCase(
            name: "unknown key with suggestion",
            yaml: """
                listeners:
                  - name: public
                    adress: 0.0.0.0:8080
                    routes:
                      - { name: all, match: { prefix: / }, cluster: users }
                """ + "\n" + cluster,
            keyPath: "listeners[0].adress",
            marker: "adress:",
            message: "unknown key 'adress'",
            hint: "did you mean 'address'?"
        ),
        InvalidCase(
            name: "unknown top-level key lists allowed keys",
            yaml: "metrics: true\n" + listener + cluster,
            keyPath: "metrics",
            marker: "metrics:",
            message: "unknown key 'metrics'",
            hint: "allowed keys: admin, drain, logging, telemetry, rules, otlp, tracing, access_log, listeners, "
                + "clusters"
        ),
        InvalidCase(
            name: "wrong type: scalar for a list",
            yaml: "listeners: public\n" + cluster,
            keyPath: "listeners",
            marker: "listeners:",
            message: "expected a list, found 'public'"
        ),
        InvalidCase(
            name: "wrong type: scalar for a mapping",
            yaml: "drain: 5s\n" + listener + cluster,
            keyPath: "drain",
            marker: "drain:",
            message: "expected a mapping, found '5s'"
        ),
        InvalidCase(
            name: "wrong type: list for an integer",
            yaml: "listeners:\n  - name: public\n    limits:\n      max_headers: [1]\n    routes:\n"
                + "      - { name: all, match: { prefix: / }, cluster: users }\n" + cluster,
            keyPath: "listeners[0].limits.max_headers",
            marker: "max_headers",
            message: "expected an integer, found a list"
        ),
        InvalidCase(
            name: "not an integer",
            yaml: "listeners:\n  - name: public\n    limits:\n      max_headers: many\n    routes:\n"
                + "      - { name: all, match: { prefix: / }, cluster: users }\n" + cluster,
            keyPath: "listeners[0].limits.max_headers",
            marker: "max_headers",
            message: "expected an integer, found 'many'"
        ),
        InvalidCase(
            name: "missing listeners",
            yaml: "admin:\n  address: 127.0.0.1:9901\n" + cluster,
            keyPath: "listeners",
            marker: "admin:",
            message: "missing required key 'listeners'"
        ),
        InvalidCase(
            name: "missing clusters",
            yaml: listener,
            keyPath: "clusters",
            marker: "listeners:",
            message: "missing required key 'clusters'"
        ),
        InvalidCase(
            name: "no listeners",
            yaml: "listeners: []\n" + cluster,
            keyPath: "listeners",
            marker: "listeners:",
            message: "at least one listener is required"
        ),
        InvalidCase(
            name: "no clusters",
            yaml: listener + "clusters: []\n",
            keyPath: "clusters",
            marker: "clusters:",
            message: "at least one cluster is required"
        ),
        InvalidCase(
            name: "missing listener name",
            yaml: "listeners:\n  - address: 0.0.0.0:8080\n    routes:\n"
                + "      - { name: all, match: { prefix: / }, cluster: users }\n" + cluster,
            keyPath: "listeners[0].name",
            marker: "- address:",
            message: "missing required key 'name'"
        ),
        InvalidCase(
            name: "empty route name",
            yaml: "listeners:\n  - name: public\n    routes:\n      - name: ''\n        match: { prefix: / }\n"
                + "        cluster: users\n" + cluster,
            keyPath: "listeners[0].routes[0].name",
            marker: "name: ''",
            message: "must not be empty"
        ),
        InvalidCase(
            name: "missing routes",
            yaml: "listeners:\n  - name: public\n" + cluster,
            keyPath: "listeners[0].routes",
            marker: "- name: public",
            message: "missing required key 'routes'"
        ),
        InvalidCase(
            name: "listener without routes",
            yaml: "listeners:\n  - name: public\n    routes: []\n" + cluster,
            keyPath: "listeners[0].routes",
            marker: "routes: []",
            message: "at least one route is required"
        ),
        InvalidCase(
            name: "missing route cluster",
            yaml: "listeners:\n  - name: public\n    routes:\n      - name: all\n        match: { prefix: / }\n"
                + cluster,
            keyPath: "listeners[0].routes[0].cluster",
            marker: "- name: all",
            message: "missing required key 'cluster'"
        ),
        InvalidCase(
            name: "null required value",
            yaml: "listeners:\n  - name:\n    routes:\n      - { name: all, match: { prefix: / }, cluster: users }\n"
                + cluster,
            keyPath: "listeners[0].name",
            marker: "- name:",
            message: "'name' needs a value"
        ),
        // Durations, sizes, addresses.
        InvalidCase(
            name: "duration without unit",
            yaml: "drain:\n  delay: 10\n" + listener + cluster,
            keyPath: "drain.delay",
            marker: "delay:",
            message: "has no unit",
            hint: "add a unit, e.g. 250ms or 10s"
        ),
        InvalidCase(
            name: "zero duration",
            yaml: route("          prefix: /", extra: "        timeout: 0s"),
            keyPath: "listeners[0].routes[0].timeout",
            marker: "timeout: 0s",
            message: "must be greater than 0"
        ),
        InvalidCase(
            name: "address without port",
            yaml: "admin:\n  address: 127.0.0.1\n" + listener + cluster,
            keyPath: "admin.address",
            marker: "address: 127.0.0.1",
            message: "has no port",
            hint: "add a port, e.g. 127.0.0.1:8080"
        ),
        InvalidCase(
            name: "endpoint port 0",
            yaml: listener + "clusters:\n  - name: users\n    endpoints:\n      - 127.0.0.1:0\n",
            keyPath: "clusters[0].endpoints[0]",
            marker: "127.0.0.1:0",
            message: "port 0 is not allowed here"
        ),
        InvalidCase(
            name: "endpoint invalid host",
            yaml: listener + "clusters:\n  - name: users\n    endpoints:\n      - address: my_host:80\n",
            keyPath: "clusters[0].endpoints[0].address",
            marker: "my_host",
            message: "'my_host' is not a valid host name"
        ),
        InvalidCase(
            name: "route body limit zero",
            yaml: route("          prefix: /", extra: "        max_body_bytes: 0"),
            keyPath: "listeners[0].routes[0].max_body_bytes",
            marker: "max_body_bytes: 0",
            message: "must be at least 1 byte"
        ),
        InvalidCase(
            name: "bad size unit",
            yaml: "listeners:\n  - name: public\n    limits: { max_body_bytes: 10mb }\n    routes:\n"
                + "      - { name: all, match: { prefix: / }, cluster: users }\n" + cluster,
            keyPath: "listeners[0].limits.max_body_bytes",
            marker: "max_body_bytes",
            message: "unknown size unit 'mb'",
            hint: "did you mean 'MB'?"
        ),
        // Limits and weights.
        InvalidCase(
            name: "max_headers below 1",
            yaml: "listeners:\n  - name: public\n    limits:\n      max_headers: 0\n    routes:\n"
                + "      - { name: all, match: { prefix: / }, cluster: users }\n" + cluster,
            keyPath: "listeners[0].limits.max_headers",
            marker: "max_headers: 0",
            message: "must be at least 1, found 0"
        ),
        InvalidCase(
            name: "max_header_bytes below 1",
            yaml: "listeners:\n  - name: public\n    limits:\n      max_header_bytes: 0\n    routes:\n"
                + "      - { name: all, match: { prefix: / }, cluster: users }\n" + cluster,
            keyPath: "listeners[0].limits.max_header_bytes",
            marker: "max_header_bytes: 0",
            message: "must be at least 1 byte"
        ),
        InvalidCase(
            name: "pool max_connections below 1",
            yaml: listener + "clusters:\n  - name: users\n    endpoints: [127.0.0.1:9001]\n    pool:\n"
                + "      max_connections_per_endpoint: 0\n",
            keyPath: "clusters[0].pool.max_connections_per_endpoint",
            marker: "max_connections_per_endpoint",
            message: "must be at least 1"
        ),
        InvalidCase(
            name: "max_requests_per_connection negative",
            yaml: listener + "clusters:\n  - name: users\n    endpoints: [127.0.0.1:9001]\n    pool:\n"
                + "      max_requests_per_connection: -1\n",
            keyPath: "clusters[0].pool.max_requests_per_connection",
            marker: "max_requests_per_connection",
            message: "must be at least 0"
        ),
        InvalidCase(
            name: "weight below 1",
            yaml: listener + "clusters:\n  - name: users\n    endpoints:\n      - address: 127.0.0.1:9001\n"
                + "        weight: 0\n",
            keyPath: "clusters[0].endpoints[0].weight",
            marker: "weight: 0",
            message: "must be at least 1, found 0"
        ),
        InvalidCase(
            name: "cluster without endpoints",
            yaml: listener + "clusters:\n  - name: users\n    endpoints: []\n",
            keyPath: "clusters[0].endpoints",
            marker: "endpoints: []",
            message: "cluster 'users' has no endpoints"
        ),
        InvalidCase(
            name: "cluster missing endpoints",
            yaml: listener + "clusters:\n  - name: users\n",
            keyPath: "clusters[0].endpoints",
            marker: "- name: users",
            message: "missing required key 'endpoints'"
        ),
        // Enumerations.
        InvalidCase(
            name: "unknown load balancer",
            yaml: listener + "clusters:\n  - name: users\n    load_balancer: fair\n    endpoints: [127.0.0.1:9001]\n",
            keyPath: "clusters[0].load_balancer",
            marker: "load_balancer",
            message: "unknown value 'fair'",
            hint: "valid values: round_robin, weighted_round_robin, random, least_request, peak_ewma, ring_hash, maglev"
        ),
        InvalidCase(
            name: "misspelt load balancer",
            yaml: listener
                + "clusters:\n  - name: users\n    load_balancer: roundrobin\n    endpoints: [127.0.0.1:9001]\n",
            keyPath: "clusters[0].load_balancer",
            marker: "load_balancer",
            message: "unknown value 'roundrobin'",
            hint: "did you mean 'round_robin'?"
        ),
        InvalidCase(
            name: "unknown log level",
            yaml: "logging:\n  level: verbose\n" + listener + cluster,
            keyPath: "logging.level",
            marker: "level:",
            message: "unknown value 'verbose'",
            hint: "trace, debug, info, notice, warning, error, critical"
        ),
        InvalidCase(
            name: "unknown log format",
            yaml: "logging:\n  format: jsn\n" + listener + cluster,
            keyPath: "logging.format",
            marker: "format:",
            message: "unknown value 'jsn'",
            hint: "did you mean 'json'?"
        ),
        // Route matches.
        InvalidCase(
            name: "both path and prefix",
            yaml: route("          path: /a\n          prefix: /b"),
            keyPath: "listeners[0].routes[0].match",
            marker: "prefix: /b",
            message: "set either path or prefix, not both"
        ),
        InvalidCase(
            name: "neither path nor prefix",
            yaml: route("          methods: [GET]"),
            keyPath: "listeners[0].routes[0].match",
            marker: "methods: [GET]",
            message: "a route needs a path or a prefix",
            hint: "prefix: /"
        ),
        InvalidCase(
            name: "path without leading slash",
            yaml: route("          path: api/users"),
            keyPath: "listeners[0].routes[0].match.path",
            marker: "path: api/users",
            message: "must start with '/'",
            hint: "write /api/users"
        ),
        InvalidCase(
            name: "prefix without leading slash",
            yaml: route("          prefix: api"),
            keyPath: "listeners[0].routes[0].match.prefix",
            marker: "prefix: api",
            message: "must start with '/'"
        ),
        InvalidCase(
            name: "parameter not a whole segment",
            yaml: route("          path: /users/user-{id}"),
            keyPath: "listeners[0].routes[0].match.path",
            marker: "path:",
            message: "must be a whole path segment"
        ),
        InvalidCase(
            name: "parameter name not an identifier",
            yaml: route("          path: /users/{user-id}"),
            keyPath: "listeners[0].routes[0].match.path",
            marker: "path:",
            message: "parameter name 'user-id'"
        ),
        InvalidCase(
            name: "duplicate parameter",
            yaml: route("          path: /a/{id}/b/{id}"),
            keyPath: "listeners[0].routes[0].match.path",
            marker: "path:",
            message: "parameter '{id}' appears twice"
        ),
        InvalidCase(
            name: "wildcard not last",
            yaml: route("          path: /static/*/x"),
            keyPath: "listeners[0].routes[0].match.path",
            marker: "path:",
            message: "only allowed as the whole last segment"
        ),
        InvalidCase(
            name: "bad host pattern in a list",
            yaml: route("          host: [ok.example.com, 'api.*.com']\n          prefix: /"),
            keyPath: "listeners[0].routes[0].match.host[1]",
            marker: "host:",
            message: "may only use '*' as a whole leading label"
        ),
        InvalidCase(
            name: "bad host pattern",
            yaml: route("          host: '*example.com'\n          prefix: /"),
            keyPath: "listeners[0].routes[0].match.host",
            marker: "host:",
            message: "host pattern '*example.com'"
        ),
        InvalidCase(
            name: "method not a token",
            yaml: route("          prefix: /\n          methods: ['GET POST']"),
            keyPath: "listeners[0].routes[0].match.methods[0]",
            marker: "methods:",
            message: "'GET POST' is not a valid HTTP method"
        ),
        // Cross checks.
        InvalidCase(
            name: "duplicate listener names",
            yaml: """
                listeners:
                  - name: public
                    routes: [{ name: all, match: { prefix: / }, cluster: users }]
                  - name: public
                    address: 0.0.0.0:8081
                    routes: [{ name: all, match: { prefix: / }, cluster: users }]
                """ + "\n" + cluster,
            keyPath: "listeners[1].name",
            marker: "- name: public",
            occurrence: 2,
            message: "duplicate listener name 'public'",
            hint: "already used by listeners[0] at line 2"
        ),
        InvalidCase(
            name: "duplicate listener addresses",
            yaml: """
                listeners:
                  - name: a
                    routes: [{ name: all, match: { prefix: / }, cluster: users }]
                  - name: b
                    address: 0.0.0.0:8080
                    routes: [{ name: all, match: { prefix: / }, cluster: users }]
                """ + "\n" + cluster,
            keyPath: "listeners[1].address",
            marker: "address: 0.0.0.0:8080",
            message: "listener 'b' has the same address 0.0.0.0:8080 as listener 'a'"
        ),
        InvalidCase(
            name: "admin address equals a listener address",
            yaml: """
                admin:
                  address: 127.0.0.1:8080
                listeners:
                  - name: public
                    address: 127.0.0.1:8080
                    routes: [{ name: all, match: { prefix: / }, cluster: users }]
                """ + "\n" + cluster,
            keyPath: "admin.address",
            marker: "address: 127.0.0.1:8080",
            message: "admin address 127.0.0.1:8080 is also the address of listener 'public'"
        ),
        InvalidCase(
            name: "duplicate route names",
            yaml: """
                listeners:
                  - name: public
                    routes:
                      - { name: api, match: { prefix: /api }, cluster: users }
                      - { name: api, match: { prefix: /v2 }, cluster: users }
                """ + "\n" + cluster,
            keyPath: "listeners[0].routes[1].name",
            marker: "prefix: /v2",
            message: "duplicate route name 'api' in listener 'public'"
        ),
        InvalidCase(
            name: "duplicate cluster names",
            yaml: listener + """
                clusters:
                  - name: users
                    endpoints: [127.0.0.1:9001]
                  - name: users
                    endpoints: [127.0.0.1:9002]
                """,
            keyPath: "clusters[1].name",
            marker: "- name: users",
            occurrence: 2,
            message: "duplicate cluster name 'users'"
        ),
        InvalidCase(
            name: "route to unknown cluster",
            yaml: route("          prefix: /", cluster: "user"),
            keyPath: "listeners[0].routes[0].cluster",
            marker: "cluster: user",
            message: "unknown cluster 'user'",
            hint: "did you mean 'users'? known clusters: users"
        ),
        InvalidCase(
            name: "identical matches",
            yaml: """
                listeners:
                  - name: public
                    routes:
                      - name: first
                        match: { host: [b.example.com, a.example.com], path: '/u/{id}', methods: [GET, HEAD] }
                        cluster: users
                      - name: second
                        match: { host: [a.example.com, b.example.com], path: '/u/{user}', methods: [head, get] }
                        cluster: users
                """ + "\n" + cluster,
            keyPath: "listeners[0].routes[1].match",
            marker: "path: '/u/{user}'",
            message: "route 'second' has the same match as route 'first'",
            hint: "the second can never match"
        ),
    ]

    @Test(arguments: Self.cases + TelemetryConfigTests.invalidCases + LoadBalancerConfigTests.invalidCases)
    func reportsError(_ testCase: InvalidCase) throws {
        let errors = Fixture.errors(testCase.yaml, file: "case.yaml")
        let matching = errors.filter { $0.keyPath == testCase.keyPath && $0.message.contains(testCase.message) }
        #expect(matching.count == 1, "errors were:\n\(ConfigErrors(errors: errors))")
        let error = try #require(matching.first)
        let line = try #require(Fixture.line(of: testCase.marker, occurrence: testCase.occurrence, in: testCase.yaml))
        #expect(error.line == line, "\(error)")
        #expect(error.column != nil)
        #expect(error.file == "case.yaml")
        if let hint = testCase.hint {
            #expect(error.hint?.contains(hint) == true, "\(error)")
        }
        #expect(errors.count == 1, "expected exactly one error, got:\n\(ConfigErrors(errors: errors))")
    }

    @Test func listenerAndAdminMayBothUsePortZero() throws {
        let yaml = """
            admin:
              address: 127.0.0.1:0
            listeners:
              - name: a
                address: 127.0.0.1:0
                routes: [{ name: all, match: { prefix: / }, cluster: users }]
              - name: b
                address: 127.0.0.1:0
                routes: [{ name: all, match: { prefix: / }, cluster: users }]
            """ + "\n" + Fixture.usersCluster
        #expect(Fixture.errors(yaml).isEmpty)
    }

    @Test func sameMatchOnDifferentListenersIsFine() throws {
        let yaml = """
            listeners:
              - name: a
                routes: [{ name: all, match: { prefix: / }, cluster: users }]
              - name: b
                address: 0.0.0.0:8081
                routes: [{ name: all, match: { prefix: / }, cluster: users }]
            """ + "\n" + Fixture.usersCluster
        #expect(Fixture.errors(yaml).isEmpty)
    }

    @Test func differentMethodsAreDifferentMatches() throws {
        let yaml = """
            listeners:
              - name: a
                routes:
                  - { name: read, match: { path: /x, methods: [GET] }, cluster: users }
                  - { name: write, match: { path: /x, methods: [POST] }, cluster: users }
                  - { name: any, match: { path: /x }, cluster: users }
                  - { name: under, match: { prefix: /x }, cluster: users }
            """ + "\n" + Fixture.usersCluster
        #expect(Fixture.errors(yaml).isEmpty)
    }
}
