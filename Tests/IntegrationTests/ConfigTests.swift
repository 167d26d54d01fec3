import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// `periscope check` and `periscope run` on invalid configs: every error, with file, line and key path.
    @Suite struct Config {
        /// The example of docs/configuration.md ("Validation → Example").
        static let documentedBadConfig = """
            drain:
              delay: 5
            listeners:
              - name: public
                adress: 0.0.0.0:8080
                routes:
                  - name: users
                    match:
                      path: /api/users/user-{id}
                    cluster: user
                  - name: orders
                    match:
                      prefix: /api/orders
                      path: /api/orders/{id}
                    cluster: orders
            clusters:
              - name: users
                load_balancer: least_requests
                endpoints:
                  - 127.0.0.1
              - name: orders
                endpoints: []

            """

        /// What docs/configuration.md says `check` prints for ``documentedBadConfig``.
        static let documentedErrors = [
            "periscope.yaml:2:10: drain.delay: duration '5' has no unit (hint: add a unit, e.g. 250ms or 10s)",
            "periscope.yaml:5:5: listeners[0].adress: unknown key 'adress' (hint: did you mean 'address'?)",
            "periscope.yaml:9:17: listeners[0].routes[0].match.path: parameter in segment 'user-{id}' of "
                + "'/api/users/user-{id}' must be a whole path segment (hint: write e.g. /users/{id}, not /users/id-{id})",
            "periscope.yaml:10:18: listeners[0].routes[0].cluster: unknown cluster 'user' "
                + "(hint: did you mean 'users'? known clusters: users, orders)",
            "periscope.yaml:13:19: listeners[0].routes[1].match: set either path or prefix, not both "
                + "(hint: path matches a whole path (with {params} or a trailing *), prefix any path starting with it)",
            "periscope.yaml:18:20: clusters[0].load_balancer: unknown value 'least_requests' "
                + "(hint: did you mean 'least_request'? valid values: round_robin, weighted_round_robin, random, "
                + "least_request, peak_ewma, ring_hash, maglev)",
            "periscope.yaml:20:9: clusters[0].endpoints[0]: address '127.0.0.1' has no port "
                + "(hint: add a port, e.g. 127.0.0.1:8080)",
            "periscope.yaml:22:16: clusters[1].endpoints: cluster 'orders' has no endpoints "
                + "(hint: add at least one, e.g. - 127.0.0.1:9001)",
        ]

        /// Runs `periscope <command> --config periscope.yaml` in a directory holding `yaml`.
        static func run(_ command: String, _ yaml: String) async throws -> (
            status: Int32, stdout: String, stderr: String
        ) {
            let (directory, _) = try PeriscopeProcess.writeConfig(yaml, addDefaults: false)
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await PeriscopeProcess.runToExit(
                arguments: [command, "--config", "periscope.yaml"], directory: directory)
        }

        @Test("check: the documented bad config exits 1 and prints each error with file:line:column and key path")
        func checkReportsEveryError() async throws {
            let result = try await Self.run("check", Self.documentedBadConfig)
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines == Self.documentedErrors + ["8 error(s)"])
        }

        @Test("check: more kinds of errors, each on its own line with file, line and key path")
        func checkReportsMoreErrors() async throws {
            let yaml = """
                admin:
                  address: 127.0.0.1:8080
                drain:
                  timout: 5s
                listeners:
                  - name: public
                    address: 127.0.0.1:8080
                    routes:
                      - name: first
                        match: { prefix: /a }
                        cluster: app
                      - name: second
                        match: { prefix: /a }
                        cluster: app
                  - name: public
                    address: 127.0.0.1:8081
                    limits: 100
                    routes:
                      - name: r
                        match: { host: "api.*.com", prefix: / }
                        cluster: app
                clusters:
                  - name: app
                    endpoints: ["::1:80"]

                """
            let result = try await Self.run("check", yaml)
            #expect(result.status == 1)
            let expected = [
                "periscope.yaml:2:12: admin.address: admin address 127.0.0.1:8080 is also the address of listener",
                "periscope.yaml:4:3: drain.timout: unknown key 'timout'",
                "periscope.yaml:13:16: listeners[0].routes[1].match: route 'second' has the same match as route 'first'",
                "periscope.yaml:15:11: listeners[1].name: duplicate listener name 'public'",
                "periscope.yaml:17:13: listeners[1].limits: expected a mapping",
                "periscope.yaml:20:24: listeners[1].routes[0].match.host: host pattern 'api.*.com'",
                "periscope.yaml:24:17: clusters[0].endpoints[0]: IPv6 address '::1:80' needs brackets",
            ]
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines.count == expected.count + 1)
            for (line, prefix) in zip(lines, expected) {
                #expect(line.hasPrefix(prefix))
            }
            #expect(lines.last == "\(expected.count) error(s)")
        }

        @Test("check: a valid config exits 0; a missing file exits 1 and names the file")
        func checkValidAndMissing() async throws {
            let valid = try await Self.run("check", GatewayYAML.proxyAll(to: 9001))
            #expect(valid.status == 0)
            #expect(valid.stdout.contains("periscope.yaml: ok"))
            #expect(valid.stderr.isEmpty)

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-it-missing")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let missing = try await PeriscopeProcess.runToExit(
                arguments: ["check", "--config", "missing.yaml"], directory: directory)
            #expect(missing.status == 1)
            #expect(missing.stderr.hasPrefix("missing.yaml: cannot read the file"))
        }

        @Test("run: an invalid config exits 1 with the errors and binds nothing")
        func runRefusesInvalidConfig() async throws {
            let result = try await Self.run("run", Self.documentedBadConfig)
            #expect(result.status == 1)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(lines == Self.documentedErrors + ["8 error(s)"])
            #expect(!result.stderr.contains("listening"))
        }

        @Test("run: a config whose listener cannot bind exits non-zero")
        func runFailsWhenTheAddressIsTaken() async throws {
            try await withUpstream { taken in
                // The upstream holds the port, so the gateway's listener cannot bind it.
                let yaml = """
                    admin:
                      address: 127.0.0.1:0
                    logging:
                      format: json
                    listeners:
                      - name: public
                        address: 127.0.0.1:\(taken.port)
                        routes:
                          - name: all
                            match: { prefix: / }
                            cluster: up
                    clusters:
                      - name: up
                        endpoints: [127.0.0.1:9]

                    """
                let result = try await Self.run("run", yaml)
                #expect(result.status != 0)
                #expect(taken.requestCount == 0)
            }
        }
    }
}
