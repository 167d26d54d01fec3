import Foundation
import NIOHTTP1
import Testing

// Helpers of the metrics tests: a text-exposition parser, a traffic plan whose expected counts are known, external
// tools (promtool, prometheus, gzip) run as child processes.

// MARK: - parsing the exposition

/// One sample of a text 0.0.4 exposition.
struct ExposedSample: Equatable {
    var name: String
    var labels: [String: String]
    var value: Double
}

/// A text 0.0.4 exposition, parsed strictly enough for the tests: `# HELP`/`# TYPE` lines and samples.
struct Exposition {
    /// `# TYPE` per family name, in order of appearance.
    var types: [(name: String, type: String)] = []
    /// `# HELP` text per family name (unescaped).
    var helps: [String: String] = [:]
    var samples: [ExposedSample] = []

    /// The type of family `name`, if it has a `# TYPE` line.
    func type(of name: String) -> String? {
        self.types.first { $0.name == name }?.type
    }

    /// The family a sample named `sampleName` belongs to (a histogram's `_bucket`/`_sum`/`_count` belong to it).
    func family(ofSample sampleName: String) -> String? {
        if self.type(of: sampleName) != nil { return sampleName }
        for suffix in ["_bucket", "_sum", "_count"] where sampleName.hasSuffix(suffix) {
            let base = String(sampleName.dropLast(suffix.count))
            if self.type(of: base) == "histogram" { return base }
        }
        return nil
    }

    /// The samples named exactly `name`.
    func samples(named name: String) -> [ExposedSample] {
        self.samples.filter { $0.name == name }
    }

    /// Sums the values of the samples named `name` grouped by the values of `labels` (joined with `|`).
    func sum(_ name: String, by labels: [String]) -> [String: Double] {
        var sums: [String: Double] = [:]
        for sample in self.samples(named: name) {
            let key = labels.map { sample.labels[$0] ?? "" }.joined(separator: "|")
            sums[key, default: 0] += sample.value
        }
        return sums
    }

    /// Parses `text`; a line that is neither a comment nor a well-formed sample is a parse error.
    static func parse(_ text: String) throws -> Exposition {
        var exposition = Exposition()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            if line.hasPrefix("#") {
                let words = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                if words.count >= 4 && words[1] == "TYPE" {
                    exposition.types.append((String(words[2]), String(words[3])))
                } else if words.count >= 3 && words[1] == "HELP" {
                    exposition.helps[String(words[2])] = words.count == 4 ? String(words[3]) : ""
                }
                continue
            }
            guard let sample = Self.parseSample(line) else {
                throw ExpositionParseError(line: number + 1, text: String(line))
            }
            exposition.samples.append(sample)
        }
        return exposition
    }

    private static func parseSample(_ line: Substring) -> ExposedSample? {
        let characters = Array(line.unicodeScalars)
        var index = 0
        var name = ""
        while index < characters.count && characters[index] != "{" && characters[index] != " " {
            name.unicodeScalars.append(characters[index])
            index += 1
        }
        guard !name.isEmpty, index < characters.count else { return nil }
        var labels: [String: String] = [:]
        if characters[index] == "{" {
            index += 1
            while index < characters.count && characters[index] != "}" {
                var labelName = ""
                while index < characters.count && characters[index] != "=" {
                    labelName.unicodeScalars.append(characters[index])
                    index += 1
                }
                guard index + 1 < characters.count, characters[index + 1] == "\"" else { return nil }
                index += 2
                var value = ""
                while index < characters.count && characters[index] != "\"" {
                    if characters[index] == "\\" {
                        index += 1
                        guard index < characters.count else { return nil }
                        switch characters[index] {
                        case "n": value.append("\n")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        default: return nil
                        }
                    } else {
                        value.unicodeScalars.append(characters[index])
                    }
                    index += 1
                }
                guard index < characters.count else { return nil }
                index += 1  // closing quote
                if index < characters.count && characters[index] == "," { index += 1 }
                guard labels[labelName] == nil else { return nil }
                labels[labelName] = value
            }
            guard index < characters.count else { return nil }
            index += 1  // `}`
        }
        guard index < characters.count, characters[index] == " " else { return nil }
        let rest = String(String.UnicodeScalarView(characters[(index + 1)...]))
        guard let valueText = rest.split(separator: " ").first, let value = Double(valueText) else { return nil }
        return ExposedSample(name: name, labels: labels, value: value)
    }
}

struct ExpositionParseError: Error, CustomStringConvertible {
    var line: Int
    var text: String
    var description: String { "exposition line \(self.line) is not a sample: \(self.text)" }
}

// MARK: - scraping

extension PeriscopeProcess {
    /// GETs `/metrics` on a fresh admin connection with `headers` and returns the response.
    func scrape(headers: [(String, String)] = [], method: HTTPMethod = .GET) async throws -> ClientResponse {
        let client = try await HTTPTestClient.connect(port: self.adminPort)
        defer { client.close() }
        return try await client.request(method, "/metrics", headers: headers)
    }

    /// Scrapes `/metrics` as text 0.0.4 and parses it.
    func scrapeText() async throws -> (text: String, exposition: Exposition) {
        let response = try await self.scrape()
        try #require(response.status == 200, "GET /metrics answered \(response.status)")
        try #require(response.bodyBytes < Int64(HTTPTestClient.collectLimit), "exposition larger than the collector")
        return (response.bodyText, try Exposition.parse(response.bodyText))
    }
}

// MARK: - traffic with known counts

/// A fixed set of requests over a gateway with routes `api` (`/api`) and `static` (`/static`) in front of one
/// upstream that answers 404 for paths containing `missing` and 200 otherwise; paths under `/nowhere` match no
/// route (the gateway's own 404, `route="_none"`).
enum MetricsTraffic {
    /// The gateway config for ``withMetricsGateway(_:)``.
    static func yaml(upstreamPort: Int) -> String {
        """
        listeners:
          - name: public
            address: 127.0.0.1:0
            routes:
              - name: api
                match: { prefix: /api }
                cluster: up
                slo:
                  availability: 99.9%
                  latency: { threshold: 250ms, objective: 99% }
              - name: static
                match: { prefix: /static }
                cluster: up
        clusters:
          - name: up
            endpoints: [127.0.0.1:\(upstreamPort)]
            health_check: { path: /health, interval: 1s }
            outlier_detection: {}
            circuit_breaker: { max_requests: 1000, failure_rate: { min_requests: 1000 } }
        rules:
          files: [rules.yml]
          evaluation_interval: 1s
          alertmanagers:
            - url: http://127.0.0.1:9    # never contacted: the rule never fires
        otlp:
          endpoint: http://127.0.0.1:9   # nothing listens: exports fail and are counted
          metric_export_interval: 1s
        """
    }

    /// A rule file for ``yaml(upstreamPort:)``, so the rule evaluator's and the notifier's families are exposed.
    static let rules = """
        groups:
          - name: metrics-test
            rules:
              - record: route:requests:rate1m
                expr: sum by (route) (rate(periscope_http_requests_total[1m]))
              - alert: NeverFires
                expr: vector(1) < 0
        """

    /// Request `index` of a run: method, path, and the route and status code it must be counted under.
    ///
    /// Every 7th request is a POST with a small body, except on paths without a route: the gateway answers those
    /// without reading the body and closes the connection, and the plan keeps its connections open.
    static func request(_ index: Int) -> (method: HTTPMethod, path: String, route: String, code: Int) {
        let method: HTTPMethod = index % 7 == 3 && index % 10 != 0 ? .POST : .GET
        switch index % 10 {
        case 0: return (method, "/nowhere/\(index)", "_none", 404)
        case 1: return (method, "/api/missing/\(index)", "api", 404)
        case 2, 3, 4, 5: return (method, "/api/items/\(index)?page=\(index % 3)", "api", 200)
        default: return (method, "/static/file-\(index % 4).css", "static", 200)
        }
    }

    /// Expected `route|code` → count for requests `0 ..< count`.
    static func expected(count: Int) -> [String: Double] {
        var counts: [String: Double] = [:]
        for index in 0..<count {
            let request = Self.request(index)
            counts["\(request.route)|\(request.code)", default: 0] += 1
        }
        return counts
    }

    /// Sends requests `0 ..< count` to `port` over `connections` keep-alive connections (request `i` goes on
    /// connection `i % connections`) and checks every status. Returns the `route|code` counts actually answered.
    static func send(count: Int, connections: Int, port: Int) async throws -> [String: Double] {
        try await withThrowingTaskGroup(of: [String: Double].self) { group in
            for connection in 0..<connections {
                group.addTask {
                    let client = try await HTTPTestClient.connect(port: port)
                    defer { client.close() }
                    var counts: [String: Double] = [:]
                    for index in stride(from: connection, to: count, by: connections) {
                        let request = Self.request(index)
                        let body: RequestBody = request.method == .POST ? .text("payload \(index)") : .none
                        let response: ClientResponse
                        do {
                            response = try await client.request(request.method, request.path, body: body)
                        } catch {
                            throw TrafficError("request \(index) \(request.method) \(request.path) failed: \(error)")
                        }
                        guard response.status == request.code else {
                            throw TrafficError(
                                "request \(index) \(request.method) \(request.path) answered \(response.status), "
                                    + "expected \(request.code): \(response.bodyText)")
                        }
                        counts["\(request.route)|\(request.code)", default: 0] += 1
                    }
                    return counts
                }
            }
            var total: [String: Double] = [:]
            for try await counts in group {
                total.merge(counts, uniquingKeysWith: +)
            }
            return total
        }
    }

    /// The upstream behaviour the plan expects.
    static let upstreamBehavior: @Sendable (ReceivedRequest) -> UpstreamBehavior = { request in
        request.uri.contains("missing")
            ? .respond(status: 404, body: "no such thing\n")
            : .respond(status: 200, headers: [("content-type", "text/plain")], body: "ok\n")
    }
}

struct TrafficError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` with an upstream following ``MetricsTraffic/upstreamBehavior`` and a gateway in front of it.
func withMetricsGateway<R>(_ body: (PeriscopeProcess, _ proxyPort: Int) async throws -> R) async throws -> R {
    try await withUpstream { upstream in
        upstream.setBehavior(MetricsTraffic.upstreamBehavior)
        return try await withPeriscope(
            MetricsTraffic.yaml(upstreamPort: upstream.port),
            files: ["rules.yml": MetricsTraffic.rules]
        ) { gateway in
            try await body(gateway, try await gateway.port())
        }
    }
}

// MARK: - external tools

/// Finds an executable on `PATH` (or in `/usr/bin`, `/usr/local/bin`, `/bin`); nil if none.
func findTool(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/bin"]
    for directory in directories where !directory.isEmpty {
        let candidate = directory + "/" + name
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    return nil
}

/// Finds a tool of the Debian `prometheus` package or fails the test with how to install it (never skips).
func requirePrometheusTool(_ name: String) throws -> String {
    guard let path = findTool(name) else {
        throw ToolMissing(
            "\(name) not found on PATH. It comes with the Debian package `prometheus`: run "
                + "`Scripts/install-system-deps.sh --for test` (or `apt-get install -y prometheus && "
                + "service prometheus stop`).")
    }
    return path
}

struct ToolMissing: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What a finished child process left.
struct ToolResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Raw standard output.
    var stdoutBytes: Data
}

/// Runs `executable` with `arguments` and `stdin` to completion (stdout and stderr go through temporary files, so
/// no pipe can fill up). Kills it and throws if it runs longer than `timeout`.
func runTool(
    _ executable: String,
    _ arguments: [String],
    stdin: Data = Data(),
    timeout: Duration = .seconds(30)
) async throws -> ToolResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-tool-\(UUID())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let inputURL = directory.appendingPathComponent("stdin")
    let outputURL = directory.appendingPathComponent("stdout")
    let errorURL = directory.appendingPathComponent("stderr")
    try stdin.write(to: inputURL)
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    let input = try FileHandle(forReadingFrom: inputURL)
    let output = try FileHandle(forWritingTo: outputURL)
    let errors = try FileHandle(forWritingTo: errorURL)
    defer {
        try? input.close()
        try? output.close()
        try? errors.close()
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    do {
        try await waitUntil("\(executable) \(arguments.joined(separator: " ")) to exit", timeout: timeout) {
            !process.isRunning
        }
    } catch {
        process.terminate()
        process.waitUntilExit()
        throw error
    }
    process.waitUntilExit()
    let stdoutData = try Data(contentsOf: outputURL)
    return ToolResult(
        status: process.terminationStatus,
        stdout: String(decoding: stdoutData, as: UTF8.self),
        stderr: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self),
        stdoutBytes: stdoutData
    )
}

/// Decompresses a gzip body with the system's `gzip -dc`: an implementation independent of the gateway's.
func gunzip(_ bytes: [UInt8]) async throws -> [UInt8] {
    guard let gzip = findTool("gzip") else { throw ToolMissing("gzip not found (Debian package `gzip`)") }
    let result = try await runTool(gzip, ["-dc"], stdin: Data(bytes))
    try #require(result.status == 0, "gzip -dc failed (\(result.status)): \(result.stderr)")
    return Array(result.stdoutBytes)
}
