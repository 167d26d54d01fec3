import Benchmark
import NIOHTTP1
import PeriscopeConfig
import PeriscopeGateway

/// The cost of one pick per balancer over 10 endpoints, called through `any LoadBalancer` as the proxy calls it.
/// Weighted balancers get weights 1…10; hashing balancers hash the `X-User` header of a request with 8 headers.

let endpointCount = 10

func endpoints(weighted: Bool) -> BalancerEndpoints {
    BalancerEndpoints(
        weights: weighted ? Array(1...endpointCount) : [Int](repeating: 1, count: endpointCount),
        names: (0..<endpointCount).map { "10.0.0.\($0 + 1):8080" }
    )
}

let request: HTTPRequestHead = {
    var headers = HTTPHeaders()
    headers.add(name: "host", value: "api.example.com")
    headers.add(name: "user-agent", value: "curl/8.5.0")
    headers.add(name: "accept", value: "*/*")
    headers.add(name: "accept-encoding", value: "gzip")
    headers.add(name: "cookie", value: "theme=dark; session=4bf92f3577b34da6")
    headers.add(name: "x-request-id", value: "0af7651916cd43dd8448eb211c80319c")
    headers.add(name: "x-user", value: "user-4711")
    headers.add(name: "content-length", value: "0")
    return HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/users/4711?expand=orders", headers: headers)
}()

/// `pick` only.
func benchmarkPick(_ name: String, _ make: @escaping @Sendable () -> any LoadBalancer) {
    Benchmark("LB.\(name).pick") { benchmark in
        let balancer = make()
        let head = request
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            blackHole(
                balancer.pick(request: head, clientAddressHash: UInt64(truncatingIfNeeded: iteration), excluding: nil))
        }
    }
}

/// `pick`, then the start and end hooks the proxy calls around the exchange.
func benchmarkExchange(_ name: String, _ make: @escaping @Sendable () -> any LoadBalancer) {
    Benchmark("LB.\(name).pickStartedFinished") { benchmark in
        let balancer = make()
        let head = request
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let picked = balancer.pick(request: head, clientAddressHash: 1, excluding: nil)!
            balancer.requestStarted(endpoint: picked)
            balancer.requestFinished(endpoint: picked, latencyNanos: 1_000_000 + Int64(picked) * 10_000, failed: false)
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .instructions, .mallocCountTotal],
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 20
    )

    benchmarkPick("roundRobin") { RoundRobinBalancer(endpoints: endpoints(weighted: false)) }
    benchmarkPick("weightedRoundRobin") { WeightedRoundRobinBalancer(endpoints: endpoints(weighted: true)) }
    benchmarkPick("random") { RandomBalancer(endpoints: endpoints(weighted: true), seed: 1) }
    benchmarkPick("leastRequest") { LeastRequestBalancer(endpoints: endpoints(weighted: false), seed: 1) }
    benchmarkExchange("leastRequest") { LeastRequestBalancer(endpoints: endpoints(weighted: false), seed: 1) }
    benchmarkPick("peakEWMA") {
        PeakEWMABalancer(endpoints: endpoints(weighted: false), decay: .seconds(10), seed: 1)
    }
    benchmarkExchange("peakEWMA") {
        PeakEWMABalancer(endpoints: endpoints(weighted: false), decay: .seconds(10), seed: 1)
    }
    benchmarkPick("ringHash.header") {
        RingHashBalancer(endpoints: endpoints(weighted: false), hashKey: .header("X-User"), virtualNodes: 100, seed: 1)
    }
    benchmarkPick("ringHash.clientIP") {
        RingHashBalancer(endpoints: endpoints(weighted: false), hashKey: .clientIP, virtualNodes: 100, seed: 1)
    }
    benchmarkPick("ringHash.cookie") {
        RingHashBalancer(endpoints: endpoints(weighted: false), hashKey: .cookie("session"), virtualNodes: 100, seed: 1)
    }
    benchmarkPick("maglev.header") {
        MaglevBalancer(endpoints: endpoints(weighted: false), hashKey: .header("X-User"), tableSize: 65537, seed: 1)
    }
    benchmarkPick("maglev.clientIP") {
        MaglevBalancer(endpoints: endpoints(weighted: false), hashKey: .clientIP, tableSize: 65537, seed: 1)
    }
    benchmarkPick("maglev.path") {
        MaglevBalancer(endpoints: endpoints(weighted: false), hashKey: .path, tableSize: 65537, seed: 1)
    }
}
