/// Reads a cluster's load-balancing keys: `load_balancer` and the settings of the policies that take some
/// (`hash_key`, `virtual_nodes`, `maglev_table_size`, `ewma_decay`).
///
/// A setting of a policy other than the cluster's is an error (it would silently do nothing), as is a `ring_hash`
/// ring or a `maglev` table too large or too small for the endpoints.
enum LoadBalancerDecoder {
    static let kinds = LoadBalancerKind.allCases.map(\.rawValue)

    /// Most points a `ring_hash` ring may hold (`virtual_nodes` × the sum of the weights): 12 MiB per event loop.
    static let maximumRingPoints = 1 << 20
    /// Largest `maglev_table_size` (a prime; 20 MB per event loop).
    static let maximumMaglevTableSize = 5_000_011
    /// `maglev_table_size` must be at least this many times the endpoint count.
    static let maglevEntriesPerEndpoint = 7

    /// The keys that only some policies read, with those policies.
    static let settings: [(key: String, policies: [LoadBalancerKind])] = [
        ("hash_key", [.ringHash, .maglev]),
        ("virtual_nodes", [.ringHash]),
        ("maglev_table_size", [.maglev]),
        ("ewma_decay", [.peakEWMA]),
    ]

    /// Decodes the keys of `mapping` (a cluster) into `cluster`, whose endpoints are already read.
    static func decode(_ mapping: MappingReader, into cluster: inout ClusterConfig) {
        var kindIsKnown = true
        if let node = mapping["load_balancer"] {
            if let kind = node.oneOf(Self.kinds).flatMap(LoadBalancerKind.init(rawValue:)) {
                cluster.loadBalancer = kind
            } else {
                kindIsKnown = false
            }
        }
        if let node = mapping["hash_key"], let text = node.string() {
            do {
                cluster.hashKey = try HashKey.parse(text)
            } catch {
                node.error(error)
            }
        }
        var virtualNodesSet = false
        if let virtualNodes = mapping["virtual_nodes"]?.int(minimum: 1, maximum: Self.maximumRingPoints) {
            cluster.virtualNodes = virtualNodes
            virtualNodesSet = true
        }
        var tableSizeSet = false
        if let node = mapping["maglev_table_size"], let size = Self.tableSize(node) {
            cluster.maglevTableSize = size
            tableSizeSet = true
        }
        if let decay = mapping["ewma_decay"]?.duration() {
            cluster.ewmaDecay = decay
        }
        // With an unreadable `load_balancer`, which settings apply is unknown: say nothing more.
        guard kindIsKnown else { return }
        Self.rejectSettingsOfOtherPolicies(mapping, kind: cluster.loadBalancer)
        switch cluster.loadBalancer {
        case .ringHash:
            Self.checkRingSize(mapping, cluster: cluster, virtualNodesSet: virtualNodesSet)
        case .maglev:
            Self.checkTableSize(mapping, cluster: cluster, tableSizeSet: tableSizeSet)
        default:
            break
        }
    }

    /// A prime from 7 to ``maximumMaglevTableSize``.
    private static func tableSize(_ node: NodeReader) -> Int? {
        guard let size = node.int(minimum: Self.maglevEntriesPerEndpoint, maximum: Self.maximumMaglevTableSize) else {
            return nil
        }
        guard Self.isPrime(size) else {
            let below = Self.prime(from: size, step: -1)
            let above = Self.prime(from: size, step: 1)
            node.error(
                "maglev_table_size must be a prime, found \(size)",
                hint: "the nearest primes are \(below) and \(above); the default is 65537"
            )
            return nil
        }
        return size
    }

    private static func rejectSettingsOfOtherPolicies(_ mapping: MappingReader, kind: LoadBalancerKind) {
        for (key, policies) in Self.settings where !policies.contains(kind) {
            guard let node = mapping[key] else { continue }
            let names = policies.map(\.rawValue)
            let choice = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + names.last!
            node.error(
                "'\(key)' applies only to load_balancer \(choice), not \(kind.rawValue)",
                hint: "remove it, or set load_balancer: \(names[0])"
            )
        }
    }

    private static func checkRingSize(_ mapping: MappingReader, cluster: ClusterConfig, virtualNodesSet: Bool) {
        let totalWeight = cluster.endpoints.reduce(0) { $0 + $1.weight }
        let (points, overflow) = cluster.virtualNodes.multipliedReportingOverflow(by: totalWeight)
        guard overflow || points > Self.maximumRingPoints else { return }
        let message =
            "ring_hash would place \(overflow ? "too many" : String(points)) points (virtual_nodes "
            + "\(cluster.virtualNodes) × total weight \(totalWeight)), more than \(Self.maximumRingPoints)"
        let hint = "lower virtual_nodes or the endpoints' weights"
        if virtualNodesSet, let node = mapping["virtual_nodes"] {
            node.error(message, hint: hint)
        } else if let node = mapping["load_balancer"] {
            node.error(message, hint: hint)
        }
    }

    private static func checkTableSize(_ mapping: MappingReader, cluster: ClusterConfig, tableSizeSet: Bool) {
        let needed = Self.maglevEntriesPerEndpoint * cluster.endpoints.count
        guard cluster.maglevTableSize < needed else { return }
        let suggestion = Self.prime(from: needed, step: 1)
        let message =
            "maglev_table_size \(cluster.maglevTableSize) is below \(Self.maglevEntriesPerEndpoint) × the "
            + "\(cluster.endpoints.count) endpoints (\(needed))"
        let hint = "use a prime of at least \(needed), e.g. \(suggestion)"
        if tableSizeSet, let node = mapping["maglev_table_size"] {
            node.error(message, hint: hint)
        } else if let node = mapping["load_balancer"] {
            node.error(message, hint: hint)
        }
    }

    // MARK: Primes

    /// Whether `number` is prime (trial division; table sizes are at most a few million).
    static func isPrime(_ number: Int) -> Bool {
        if number < 2 { return false }
        if number < 4 { return true }
        if number % 2 == 0 || number % 3 == 0 { return false }
        var divisor = 5
        while divisor * divisor <= number {
            if number % divisor == 0 || number % (divisor + 2) == 0 { return false }
            divisor += 6
        }
        return true
    }

    /// The first prime at or past `start` going in `step` (±1) direction; 2 when going down runs out.
    static func prime(from start: Int, step: Int) -> Int {
        var candidate = start
        while candidate >= 2 {
            if Self.isPrime(candidate) { return candidate }
            candidate += step
        }
        return 2
    }
}
