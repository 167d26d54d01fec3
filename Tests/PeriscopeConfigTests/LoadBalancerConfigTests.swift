import PeriscopeConfig
import Testing

/// A cluster's `load_balancer` and the settings of the policies that take some.
@Suite("Load balancer config")
struct LoadBalancerConfigTests {
    /// A document whose only cluster `users` has two endpoints and these extra keys (unindented YAML).
    static func document(_ keys: String, endpoints: Int = 2) -> String {
        let indented = keys.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let list = (0..<endpoints).map { "      - 127.0.0.1:\(9001 + $0)" }.joined(separator: "\n")
        return Fixture.publicListener + """
            clusters:
              - name: users
            \(indented)
                endpoints:
            \(list)

            """
    }

    static func cluster(_ keys: String, endpoints: Int = 2) throws -> ClusterConfig {
        try ConfigLoader.parse(yaml: Self.document(keys, endpoints: endpoints), file: "t.yaml").clusters[0]
    }

    @Test func defaults() throws {
        let cluster = try Self.cluster("")
        #expect(cluster.loadBalancer == .roundRobin)
        #expect(cluster.hashKey == .clientIP)
        #expect(cluster.virtualNodes == 100)
        #expect(cluster.maglevTableSize == 65537)
        #expect(cluster.ewmaDecay == .seconds(10))
    }

    @Test(arguments: LoadBalancerKind.allCases)
    func everyPolicyLoads(kind: LoadBalancerKind) throws {
        #expect(try Self.cluster("load_balancer: \(kind.rawValue)").loadBalancer == kind)
    }

    @Test func policySettings() throws {
        let ring = try Self.cluster("load_balancer: ring_hash\nhash_key: header:X-User\nvirtual_nodes: 160")
        #expect(ring.hashKey == .header("X-User"))
        #expect(ring.virtualNodes == 160)
        let maglev = try Self.cluster("load_balancer: maglev\nhash_key: cookie:session\nmaglev_table_size: 251")
        #expect(maglev.hashKey == .cookie("session"))
        #expect(maglev.maglevTableSize == 251)
        #expect(try Self.cluster("load_balancer: maglev\nhash_key: PATH").hashKey == .path)
        #expect(try Self.cluster("load_balancer: ring_hash\nhash_key: client_ip").hashKey == .clientIP)
        #expect(try Self.cluster("load_balancer: ring_hash\nhash_key: Header:x-user").hashKey == .header("x-user"))
        #expect(try Self.cluster("load_balancer: peak_ewma\newma_decay: 30s").ewmaDecay == .seconds(30))
        // The smallest table for 2 endpoints is the first prime ≥ 14.
        #expect(try Self.cluster("load_balancer: maglev\nmaglev_table_size: 17").maglevTableSize == 17)
    }

    @Test func hashKeyDescriptionIsWhatTheConfigWrites() {
        #expect(HashKey.header("X-User").description == "header:X-User")
        #expect(HashKey.cookie("sid").description == "cookie:sid")
        #expect(HashKey.clientIP.description == "client_ip")
        #expect(HashKey.path.description == "path")
    }

    static let invalidCases: [InvalidCase] = [
        InvalidCase(
            name: "load_balancer: unknown policy lists every policy",
            yaml: Self.document("load_balancer: fastest"),
            keyPath: "clusters[0].load_balancer",
            marker: "load_balancer",
            message: "unknown value 'fastest'",
            hint: "valid values: round_robin, weighted_round_robin, random, least_request, peak_ewma, ring_hash, maglev"
        ),
        InvalidCase(
            name: "load_balancer: misspelt policy",
            yaml: Self.document("load_balancer: leastrequest"),
            keyPath: "clusters[0].load_balancer",
            marker: "load_balancer",
            message: "unknown value 'leastrequest'",
            hint: "did you mean 'least_request'?"
        ),
        InvalidCase(
            name: "hash_key: unknown form",
            yaml: Self.document("load_balancer: ring_hash\nhash_key: client_address"),
            keyPath: "clusters[0].hash_key",
            marker: "hash_key",
            message: "unknown hash_key 'client_address'",
            hint: "valid values: client_ip, path, header:<name>, cookie:<name>"
        ),
        InvalidCase(
            name: "hash_key: misspelt form",
            yaml: Self.document("load_balancer: ring_hash\nhash_key: client-ip"),
            keyPath: "clusters[0].hash_key",
            marker: "hash_key",
            message: "unknown hash_key 'client-ip'",
            hint: "did you mean 'client_ip'?"
        ),
        InvalidCase(
            name: "hash_key: unknown kind with a name",
            yaml: Self.document("load_balancer: maglev\nhash_key: headers:X-User"),
            keyPath: "clusters[0].hash_key",
            marker: "hash_key",
            message: "unknown hash_key 'headers:X-User'",
            hint: "did you mean 'header:<name>'?"
        ),
        InvalidCase(
            name: "hash_key: header without a name",
            yaml: Self.document("load_balancer: ring_hash\nhash_key: 'header:'"),
            keyPath: "clusters[0].hash_key",
            marker: "hash_key",
            message: "needs a header name",
            hint: "header:X-User"
        ),
        InvalidCase(
            name: "hash_key: cookie without a colon",
            yaml: Self.document("load_balancer: ring_hash\nhash_key: cookie"),
            keyPath: "clusters[0].hash_key",
            marker: "hash_key",
            message: "needs a cookie name",
            hint: "cookie:session"
        ),
        InvalidCase(
            name: "hash_key: header name that is not a token",
            yaml: Self.document("load_balancer: maglev\nhash_key: 'header:X User'"),
            keyPath: "clusters[0].hash_key",
            marker: "hash_key",
            message: "'X User' is not a valid header name"
        ),
        InvalidCase(
            name: "hash_key on a policy that does not hash",
            yaml: Self.document("load_balancer: least_request\nhash_key: path"),
            keyPath: "clusters[0].hash_key",
            marker: "hash_key",
            message: "'hash_key' applies only to load_balancer ring_hash or maglev, not least_request",
            hint: "remove it, or set load_balancer: ring_hash"
        ),
        InvalidCase(
            name: "hash_key without load_balancer (round_robin)",
            yaml: Self.document("hash_key: path"),
            keyPath: "clusters[0].hash_key",
            marker: "hash_key",
            message: "not round_robin"
        ),
        InvalidCase(
            name: "virtual_nodes on maglev",
            yaml: Self.document("load_balancer: maglev\nvirtual_nodes: 50"),
            keyPath: "clusters[0].virtual_nodes",
            marker: "virtual_nodes",
            message: "'virtual_nodes' applies only to load_balancer ring_hash, not maglev",
            hint: "set load_balancer: ring_hash"
        ),
        InvalidCase(
            name: "maglev_table_size on ring_hash",
            yaml: Self.document("load_balancer: ring_hash\nmaglev_table_size: 251"),
            keyPath: "clusters[0].maglev_table_size",
            marker: "maglev_table_size",
            message: "applies only to load_balancer maglev, not ring_hash"
        ),
        InvalidCase(
            name: "ewma_decay on least_request",
            yaml: Self.document("load_balancer: least_request\newma_decay: 5s"),
            keyPath: "clusters[0].ewma_decay",
            marker: "ewma_decay",
            message: "applies only to load_balancer peak_ewma, not least_request",
            hint: "set load_balancer: peak_ewma"
        ),
        InvalidCase(
            name: "virtual_nodes below 1",
            yaml: Self.document("load_balancer: ring_hash\nvirtual_nodes: 0"),
            keyPath: "clusters[0].virtual_nodes",
            marker: "virtual_nodes",
            message: "must be at least 1, found 0"
        ),
        InvalidCase(
            name: "ring too large",
            yaml: Self.document("load_balancer: ring_hash\nvirtual_nodes: 600000"),
            keyPath: "clusters[0].virtual_nodes",
            marker: "virtual_nodes",
            message: "ring_hash would place 1200000 points (virtual_nodes 600000 × total weight 2), more than 1048576",
            hint: "lower virtual_nodes"
        ),
        InvalidCase(
            name: "maglev_table_size not a prime",
            yaml: Self.document("load_balancer: maglev\nmaglev_table_size: 65536"),
            keyPath: "clusters[0].maglev_table_size",
            marker: "maglev_table_size",
            message: "maglev_table_size must be a prime, found 65536",
            hint: "the nearest primes are 65521 and 65537"
        ),
        InvalidCase(
            name: "maglev_table_size below 7 × endpoints",
            yaml: Self.document("load_balancer: maglev\nmaglev_table_size: 13"),
            keyPath: "clusters[0].maglev_table_size",
            marker: "maglev_table_size",
            message: "maglev_table_size 13 is below 7 × the 2 endpoints (14)",
            hint: "use a prime of at least 14, e.g. 17"
        ),
        InvalidCase(
            name: "maglev_table_size above the maximum",
            yaml: Self.document("load_balancer: maglev\nmaglev_table_size: 10000019"),
            keyPath: "clusters[0].maglev_table_size",
            marker: "maglev_table_size",
            message: "must be at most 5000011"
        ),
        InvalidCase(
            name: "ewma_decay without a unit",
            yaml: Self.document("load_balancer: peak_ewma\newma_decay: 10"),
            keyPath: "clusters[0].ewma_decay",
            marker: "ewma_decay",
            message: "has no unit"
        ),
        InvalidCase(
            name: "weight above the maximum",
            yaml: listenerAndCluster(endpoint: "      - address: 127.0.0.1:9001\n        weight: 1000001"),
            keyPath: "clusters[0].endpoints[0].weight",
            marker: "weight:",
            message: "must be at most 1000000, found 1000001"
        ),
    ]

    private static func listenerAndCluster(endpoint: String) -> String {
        Fixture.publicListener + "clusters:\n  - name: users\n    endpoints:\n" + endpoint + "\n"
    }

    @Test("an unreadable load_balancer does not also reject the settings of the policy meant")
    func noFollowOnErrors() {
        let errors = Fixture.errors(Self.document("load_balancer: ring_hashh\nhash_key: path\nvirtual_nodes: 10"))
        #expect(errors.map(\.keyPath) == ["clusters[0].load_balancer"], "\(errors)")
    }

    @Test("the default maglev table is checked against the endpoint count too")
    func defaultTableSizeTooSmall() {
        let errors = Fixture.errors(Self.document("load_balancer: maglev", endpoints: 9363))
        #expect(errors.map(\.keyPath) == ["clusters[0].load_balancer"], "\(errors)")
        #expect(errors.first?.hint?.contains("65543") == true, "\(errors)")
    }
}
