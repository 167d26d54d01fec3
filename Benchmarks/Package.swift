// swift-tools-version: 6.1
// Micro-benchmarks of the telemetry hot path (next to swift-prometheus in the same run), of rule evaluation, of
// tracing and of load-balancer picks.
// A separate package so that the main build never resolves the benchmark tooling:
//   cd Benchmarks && swift package --disable-sandbox benchmark
import PackageDescription

let package = Package(
    name: "periscope-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "periscope", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "TelemetryBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PeriscopeTelemetry", package: "periscope"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "TelemetryBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RuleBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PeriscopeAlerting", package: "periscope"),
                .product(name: "PeriscopeConfig", package: "periscope"),
                .product(name: "PeriscopeTelemetry", package: "periscope"),
            ],
            path: "RuleBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TracingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PeriscopeOTLP", package: "periscope"),
                .product(name: "PeriscopeTelemetry", package: "periscope"),
            ],
            path: "TracingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LoadBalancerBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "PeriscopeGateway", package: "periscope"),
                .product(name: "PeriscopeConfig", package: "periscope"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "LoadBalancerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
