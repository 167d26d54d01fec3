import Foundation
import NIOHTTP1
import PeriscopeConfig
import PeriscopeTelemetry
import Testing

@testable import PeriscopeGateway

@Suite struct AccessLogTests {
    static let runtime: GatewayRuntime = {
        let config = GatewayConfig(
            listeners: [
                ListenerConfig(
                    name: "public",
                    routes: [
                        RouteConfig(name: "users", match: RouteMatch(prefix: "/users"), cluster: "users"),
                        RouteConfig(name: "all", match: RouteMatch(prefix: "/"), cluster: "web"),
                    ]
                )
            ],
            clusters: [
                ClusterConfig(
                    name: "web", endpoints: [EndpointConfig(address: HostPort(host: "127.0.0.1", port: 9001))]),
                ClusterConfig(
                    name: "users",
                    endpoints: [
                        EndpointConfig(address: HostPort(host: "10.0.0.1", port: 8080)),
                        EndpointConfig(address: HostPort(host: "10.0.0.2", port: 8080)),
                    ]
                ),
            ]
        )
        return GatewayRuntime(config: config)
    }()

    static var names: AccessLogNames { AccessLogNames(runtime: Self.runtime) }

    /// A fully populated entry.
    static func fullEntry() -> AccessLogEntry {
        var entry = AccessLogEntry()
        entry.startTimeUnixNano = 1_764_000_000_123_456_789  // 2025-11-24T16:00:00.123Z
        entry.durationNanos = 12_345_678
        entry.upstreamNanos = 10_000_999
        entry.requestBodyBytes = 17
        entry.responseBodyBytes = 1024
        entry.traceIDHigh = 0x0af7_6519_16cd_43dd
        entry.traceIDLow = 0x8448_eb21_1c80_319c
        entry.spanID = 0x00f0_67aa_0ba9_02b7
        entry.listenerIndex = 0
        entry.routeIndex = 0
        entry.clusterIndex = 1
        entry.endpointIndex = 2
        entry.localErrorIndex = -1
        entry.client = SpanRecord.ClientAddress(ipv4: 0xC0A8_0107, port: 54321)
        entry.status = 200
        entry.setMethod(.GET)
        entry.setPath(requestTarget: "/users/42?token=secret")
        entry.setUserAgent("curl/8.5.0")
        return entry
    }

    static func line(_ entry: AccessLogEntry, names: AccessLogNames = Self.names) -> String {
        var out: [UInt8] = []
        AccessLogFormatter(names: names).append(entry, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func parse(_ line: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func namesResolveFromRuntime() {
        let names = Self.names
        #expect(names.listeners == ["public"])
        #expect(names.routes == [["users", "all"]])
        #expect(names.clusters == ["web", "users"])
        #expect(names.endpoints == ["127.0.0.1:9001", "10.0.0.1:8080", "10.0.0.2:8080"])
    }

    @Test func fullEntryGoldenLine() throws {
        let line = Self.line(Self.fullEntry())
        let golden =
            #"{"time":"2025-11-24T16:00:00.123Z","listener":"public","route":"users","method":"GET","path":"/users/42","#
            + #""status":200,"duration_ms":12.345,"upstream_ms":10.000,"bytes_in":17,"bytes_out":1024,"#
            + #""client":"192.168.1.7","user_agent":"curl/8.5.0","cluster":"users","endpoint":"10.0.0.2:8080","#
            + #""trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"00f067aa0ba902b7"}"# + "\n"
        #expect(line == golden)
        let object = try Self.parse(line)
        #expect(object["time"] as? String == "2025-11-24T16:00:00.123Z")
        #expect(object["status"] as? Int == 200)
        #expect(object["duration_ms"] as? Double == 12.345)
        #expect(object["path"] as? String == "/users/42")
        #expect(object["endpoint"] as? String == "10.0.0.2:8080")
        #expect(object["error"] == nil)
        #expect(object.count == 16)
    }

    @Test func optionalFieldsAndLocalError() throws {
        var entry = AccessLogEntry()
        entry.startTimeUnixNano = 0
        entry.status = 404
        entry.localErrorIndex = LocalResponse.codes.firstIndex(of: "no_route")!
        entry.setMethod(.RAW(value: "PURGE"))
        entry.setPath("/missing")
        let line = Self.line(entry)
        #expect(
            line
                == #"{"time":"1970-01-01T00:00:00.000Z","listener":"public","route":null,"method":"PURGE","#
                + #""path":"/missing","status":404,"duration_ms":0.000,"upstream_ms":0.000,"bytes_in":0,"bytes_out":0,"#
                + #""client":null,"user_agent":"","cluster":null,"endpoint":null,"error":"no_route"}"# + "\n")
        let object = try Self.parse(line)
        #expect(object["trace_id"] == nil)
        #expect(object["span_id"] == nil)
        #expect(object["route"] is NSNull)
    }

    @Test func ipv6Client() throws {
        var entry = AccessLogEntry()
        entry.client = SpanRecord.ClientAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1, port: 443)
        #expect(try Self.parse(Self.line(entry))["client"] as? String == "2001:db8::1")
    }

    @Test func timestamps() {
        func format(_ nanos: UInt64) -> String {
            var out: [UInt8] = []
            AccessLogFormatter.appendTimestamp(nanos, to: &out)
            return String(decoding: out, as: UTF8.self)
        }
        #expect(format(951_782_400_999_999_999) == "2000-02-29T00:00:00.999Z")
        #expect(format(4_102_444_799_000_000_000) == "2099-12-31T23:59:59.000Z")
        #expect(format(1_709_251_199_500_000_000) == "2024-02-29T23:59:59.500Z")
    }

    @Test func escapesPathAndUserAgent() throws {
        var entry = AccessLogEntry()
        let path = "/q\"uote\\back/\u{01}ctl\n\t\r/ünï/日本/😀"
        let agent = "Mozilla \"x\"\u{7F}\u{1F}\u{08}\u{0C} é"
        entry.setPath(path)
        entry.setUserAgent(agent)
        let line = Self.line(entry)
        #expect(line.contains(#""path":"/q\"uote\\back/\u0001ctl\n\t\r/ünï/日本/😀""#))
        #expect(line.contains(#""user_agent":"Mozilla \"x\"\#u{7F}\u001f\b\f é""#))
        #expect(line.filter { $0 == "\n" }.count == 1)
        let object = try Self.parse(line)
        #expect(object["path"] as? String == path)
        #expect(object["user_agent"] as? String == agent)
    }

    @Test func invalidUTF8BecomesReplacementCharacter() throws {
        var entry = AccessLogEntry()
        let bytes: [UInt8] = [0x2F, 0xFF, 0x61, 0xC3]
        bytes.withUnsafeBytes { entry.setPath(utf8: $0) }
        let object = try Self.parse(Self.line(entry))
        #expect(object["path"] as? String == "/\u{FFFD}a\u{FFFD}")
    }

    @Test func truncatesAtCharacterBoundary() throws {
        var entry = AccessLogEntry()
        let long = "/" + String(repeating: "a", count: AccessLogEntry.pathCapacity - 2) + "é/tail"
        entry.setPath(long)
        #expect(entry.isPathTruncated)
        #expect(entry.path == "/" + String(repeating: "a", count: AccessLogEntry.pathCapacity - 2))
        let agent = String(repeating: "日", count: 40)  // 120 bytes
        entry.setUserAgent(agent)
        #expect(entry.isUserAgentTruncated)
        #expect(entry.userAgent == String(repeating: "日", count: AccessLogEntry.userAgentCapacity / 3))
        entry.setPath("/short")
        #expect(!entry.isPathTruncated)
        let object = try Self.parse(Self.line(entry))
        #expect(object["path"] as? String == "/short")
        #expect(object["user_agent"] as? String == entry.userAgent)
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("periscope-access-\(UUID().uuidString).log").path
    }

    static func lines(at path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func dropsAndCountsWhenRingIsFull() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Not started: nothing drains until shutdown, so the 16-slot ring fills.
        let writer = try AccessLogWriter(destination: .file(path), names: Self.names, loopCount: 1, bufferSize: 16)
        var accepted = 0
        for index in 0..<50 {
            var entry = Self.fullEntry()
            entry.requestBodyBytes = UInt64(index)
            if writer.record(entry, loop: 0) { accepted += 1 }
        }
        #expect(accepted == 16)
        #expect(writer.dropped == 34)
        writer.shutdown()
        #expect(writer.written == 16)
        #expect(writer.recorded == 50)
        #expect(writer.written + writer.dropped == 50)
        let lines = try Self.lines(at: path)
        #expect(lines.count == 16)
        #expect(try lines.map { try Self.parse($0)["bytes_in"] as? Int } == Array(0..<16))
    }

    @Test func twoProducerThreadsToFile() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try AccessLogWriter(
            destination: .file(path), names: Self.names, loopCount: 2, bufferSize: 256,
            flushInterval: .milliseconds(5))
        writer.start()
        let perThread = 20_000
        let done = DispatchGroup()
        for loop in 0..<2 {
            done.enter()
            let thread = Thread {
                for index in 0..<perThread {
                    var entry = Self.fullEntry()
                    entry.listenerIndex = 0
                    entry.requestBodyBytes = UInt64(loop)
                    entry.responseBodyBytes = UInt64(index)
                    writer.record(entry, loop: loop)
                    if index % 64 == 0 { usleep(50) }
                }
                done.leave()
            }
            thread.start()
        }
        done.wait()
        writer.shutdown()
        writer.shutdown()  // idempotent
        let offered = UInt64(2 * perThread)
        #expect(writer.recorded == offered)
        #expect(writer.written + writer.dropped == offered)
        #expect(writer.failed == 0)
        #expect(writer.written > 0)
        let lines = try Self.lines(at: path)
        #expect(UInt64(lines.count) == writer.written)
        var lastIndex = [-1, -1]
        for line in lines {
            let object = try Self.parse(line)
            let loop = try #require(object["bytes_in"] as? Int)
            let index = try #require(object["bytes_out"] as? Int)
            // Each loop's lines come out in its push order.
            #expect(index > lastIndex[loop])
            lastIndex[loop] = index
            #expect(object["route"] as? String == "users")
        }
    }

    @Test func appendsToExistingFile() throws {
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "existing\n".write(toFile: path, atomically: false, encoding: .utf8)
        let writer = try AccessLogWriter(destination: .file(path), names: Self.names, loopCount: 1)
        writer.start()
        writer.record(Self.fullEntry(), loop: 0)
        writer.shutdown()
        let lines = try Self.lines(at: path)
        #expect(lines.count == 2)
        #expect(lines[0] == "existing")
    }

    @Test func unopenableFileThrows() {
        #expect(throws: AccessLogWriter.OpenError.self) {
            _ = try AccessLogWriter(
                destination: .file("/nonexistent-dir-\(UUID().uuidString)/a.log"), names: Self.names, loopCount: 1)
        }
    }

    @Test func destinationFromPath() {
        #expect(AccessLogWriter.Destination(path: "stdout") == .standardOutput)
        #expect(AccessLogWriter.Destination(path: "stderr") == .standardError)
        #expect(AccessLogWriter.Destination(path: "/var/log/a.log") == .file("/var/log/a.log"))
    }

    @Test func configSection() throws {
        let base = """
            listeners:
              - name: public
                address: 127.0.0.1:8080
                routes:
                  - { name: all, match: { prefix: / }, cluster: web }
            clusters:
              - name: web
                endpoints: [{ address: 127.0.0.1:9001 }]
            """
        let defaults = try ConfigLoader.parse(yaml: base, file: "a.yaml")
        #expect(defaults.accessLog == AccessLogConfig())
        #expect(
            !defaults.accessLog.enabled && defaults.accessLog.path == "stdout" && defaults.accessLog.bufferSize == 4096)
        let set = try ConfigLoader.parse(
            yaml: base + "\naccess_log:\n  enabled: true\n  path: /tmp/access.log\n  buffer_size: 1024\n",
            file: "a.yaml")
        #expect(set.accessLog.enabled && set.accessLog.path == "/tmp/access.log" && set.accessLog.bufferSize == 1024)
        #expect(throws: ConfigErrors.self) {
            _ = try ConfigLoader.parse(yaml: base + "\naccess_log:\n  buffer_size: 4\n", file: "a.yaml")
        }
        #expect(throws: ConfigErrors.self) {
            _ = try ConfigLoader.parse(yaml: base + "\naccess_log:\n  format: json\n", file: "a.yaml")
        }
    }

    /// Not a timed assertion: prints the cost of `record` on a ring that is drained in between.
    @Test func recordCost() throws {
        let writer = try AccessLogWriter(
            destination: .file("/dev/null"), names: Self.names, loopCount: 1, bufferSize: 4096)
        let entry = Self.fullEntry()
        let rounds = 200
        var elapsed = Duration.zero
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            elapsed += clock.measure {
                for _ in 0..<4096 { writer.record(entry, loop: 0) }
            }
            writer.rings[0].drain(max: 4096) { _ in }
        }
        let nanos = Double(elapsed.components.attoseconds) / 1e9 + Double(elapsed.components.seconds) * 1e9
        print(
            "AccessLogWriter.record: \(nanos / Double(rounds * 4096)) ns per entry (\(MemoryLayout<AccessLogEntry>.stride) bytes)"
        )
        #expect(writer.dropped == 0)
        writer.shutdown()
    }
}
