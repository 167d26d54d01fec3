import PeriscopeConfig
import Testing

@Suite("Loading valid configurations")
struct LoaderTests {
    @Test func fullConfigLoadsEveryKey() throws {
        let yaml = """
            admin:
              address: "[::1]:9902"
            drain:
              delay: 2s
              timeout: 1m30s
            logging:
              level: DEBUG
              format: json
            listeners:
              - name: public
                address: 127.0.0.1:8081
                timeouts: { request_header: 5s, idle: 2m }
                limits: { max_header_bytes: 8192, max_headers: 50, max_body_bytes: 10MiB }
                routes:
                  - name: users
                    match:
                      host: "*.Example.com"
                      path: /api/users/{id}
                      methods: [get, HEAD]
                    cluster: users
                    timeout: 250ms
                    idle_timeout: 0.5s
                    max_body_bytes: 512KiB
                  - name: static
                    match:
                      host: [static.example.com, cdn.example.com]
                      path: /static/*
                    cluster: users
                  - name: rest
                    match:
                      prefix: /
                    cluster: search
              - name: internal
                address: 0.0.0.0:0
                routes:
                  - name: all
                    match: { prefix: /internal/ }
                    cluster: search
            clusters:
              - name: users
                load_balancer: round_robin
                connect_timeout: 500ms
                endpoints:
                  - address: 10.0.0.1:9001
                    weight: 3
                  - users.internal:9002
                pool:
                  max_connections_per_endpoint: 64
                  max_pending: 10
                  idle_timeout: 30s
                  max_requests_per_connection: 1000
              - name: search
                endpoints:
                  - "[fd00::1]:80"
            """
        let config = try ConfigLoader.parse(yaml: yaml, file: "full.yaml")
        let expected = GatewayConfig(
            sourceFile: "full.yaml",
            listeners: [
                ListenerConfig(
                    name: "public",
                    address: HostPort(host: "127.0.0.1", port: 8081),
                    timeouts: ListenerTimeouts(requestHeader: .seconds(5), idle: .seconds(120)),
                    limits: RequestLimits(maxHeaderBytes: 8192, maxHeaderCount: 50, maxBodyBytes: 10 * 1024 * 1024),
                    routes: [
                        RouteConfig(
                            name: "users",
                            match: RouteMatch(
                                hosts: ["*.example.com"],
                                path: "/api/users/{id}",
                                methods: ["GET", "HEAD"]
                            ),
                            cluster: "users",
                            timeout: .milliseconds(250),
                            idleTimeout: .milliseconds(500),
                            maxBodyBytes: 512 * 1024
                        ),
                        RouteConfig(
                            name: "static",
                            match: RouteMatch(hosts: ["static.example.com", "cdn.example.com"], path: "/static/*"),
                            cluster: "users"
                        ),
                        RouteConfig(name: "rest", match: RouteMatch(prefix: "/"), cluster: "search"),
                    ]
                ),
                ListenerConfig(
                    name: "internal",
                    address: HostPort(host: "0.0.0.0", port: 0),
                    routes: [RouteConfig(name: "all", match: RouteMatch(prefix: "/internal/"), cluster: "search")]
                ),
            ],
            admin: AdminConfig(address: HostPort(host: "::1", port: 9902)),
            clusters: [
                ClusterConfig(
                    name: "users",
                    endpoints: [
                        EndpointConfig(address: HostPort(host: "10.0.0.1", port: 9001), weight: 3),
                        EndpointConfig(address: HostPort(host: "users.internal", port: 9002)),
                    ],
                    loadBalancer: .roundRobin,
                    connectTimeout: .milliseconds(500),
                    pool: PoolConfig(
                        maxConnectionsPerEndpoint: 64,
                        maxPending: 10,
                        idleTimeout: .seconds(30),
                        maxRequestsPerConnection: 1000
                    )
                ),
                ClusterConfig(
                    name: "search", endpoints: [EndpointConfig(address: HostPort(host: "fd00::1", port: 80))]),
            ],
            drain: DrainConfig(delay: .seconds(2), timeout: .seconds(90)),
            logging: LoggingConfig(level: "debug", format: "json")
        )
        #expect(config == expected)
        #expect(config.admin.address.description == "[::1]:9902")
    }

    @Test func defaultsApplyWhenKeysAreLeftOut() throws {
        let yaml = Fixture.publicListener + Fixture.usersCluster
        let config = try ConfigLoader.parse(yaml: yaml, file: "minimal.yaml")
        let expected = GatewayConfig(
            sourceFile: "minimal.yaml",
            listeners: [
                ListenerConfig(
                    name: "public", routes: [RouteConfig(name: "all", match: RouteMatch(prefix: "/"), cluster: "users")]
                )
            ],
            clusters: [
                ClusterConfig(
                    name: "users", endpoints: [EndpointConfig(address: HostPort(host: "127.0.0.1", port: 9001))])
            ]
        )
        #expect(config == expected)
        // Spelled out, so a change of the model's defaults is a deliberate one.
        #expect(config.admin.address == HostPort(host: "127.0.0.1", port: 9901))
        #expect(config.listeners[0].address == HostPort(host: "0.0.0.0", port: 8080))
        #expect(config.listeners[0].timeouts == ListenerTimeouts(requestHeader: .seconds(10), idle: .seconds(60)))
        #expect(
            config.listeners[0].limits == RequestLimits(maxHeaderBytes: 16384, maxHeaderCount: 100, maxBodyBytes: nil))
        #expect(config.listeners[0].routes[0].timeout == .seconds(15))
        #expect(config.listeners[0].routes[0].idleTimeout == .seconds(60))
        #expect(config.listeners[0].routes[0].match.hosts.isEmpty)
        #expect(config.listeners[0].routes[0].match.methods.isEmpty)
        #expect(config.clusters[0].loadBalancer == .roundRobin)
        #expect(config.clusters[0].connectTimeout == .seconds(2))
        #expect(config.clusters[0].endpoints[0].weight == 1)
        #expect(
            config.clusters[0].pool
                == PoolConfig(
                    maxConnectionsPerEndpoint: 1024,
                    maxPending: 1024,
                    idleTimeout: .seconds(60),
                    maxRequestsPerConnection: 0
                )
        )
        #expect(config.drain == DrainConfig(delay: .seconds(5), timeout: .seconds(30)))
        #expect(config.logging == LoggingConfig(level: "info", format: "auto"))
    }

    @Test func nullSectionsMeanDefaults() throws {
        let yaml = "admin:\ndrain: ~\nlogging: null\n" + Fixture.publicListener + Fixture.usersCluster
        let config = try ConfigLoader.parse(yaml: yaml, file: "nulls.yaml")
        #expect(config.admin == AdminConfig())
        #expect(config.drain == DrainConfig())
        #expect(config.logging == LoggingConfig())
    }

    @Test func duplicateMethodsAndHostsAreMergedAndNormalized() throws {
        let yaml = """
            listeners:
              - name: public
                routes:
                  - name: all
                    match:
                      host: [API.example.com, api.example.com]
                      prefix: /
                      methods: [get, GET, Post]
                    cluster: users

            """ + Fixture.usersCluster
        let match = try ConfigLoader.parse(yaml: yaml, file: "t.yaml").listeners[0].routes[0].match
        #expect(match.hosts == ["api.example.com"])
        #expect(match.methods == ["GET", "POST"])
    }

    @Test func anchorsAndAliasesAreResolved() throws {
        let yaml = """
            listeners:
              - name: public
                timeouts: &slow { request_header: 30s, idle: 5m }
                routes:
                  - { name: all, match: { prefix: / }, cluster: users }
              - name: other
                address: 0.0.0.0:8081
                timeouts: *slow
                routes:
                  - { name: all, match: { prefix: / }, cluster: users }

            """ + Fixture.usersCluster
        let config = try ConfigLoader.parse(yaml: yaml, file: "t.yaml")
        #expect(config.listeners[1].timeouts == ListenerTimeouts(requestHeader: .seconds(30), idle: .seconds(300)))
    }
}
