import Foundation
import Testing

@testable import PeriscopeTelemetry

@Suite struct CollectorTests {
    @Test func collectorsRunBeforeEveryRenderInRegistrationOrder() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let gauge = registry.gauge(name: "reads", help: "R.").bind()
        let order = LockedBox<[String]>([])
        let counter = LockedBox(0)
        #expect(
            registry.registerCollector(named: "first") {
                order.withLockedValue { $0.append("first") }
                let reads = counter.withLockedValue { count -> Int in
                    count += 1
                    return count
                }
                gauge.set(Double(reads))
            })
        #expect(registry.registerCollector(named: "second") { order.withLockedValue { $0.append("second") } })
        #expect(registry.renderString(.prometheusText).contains("\nreads 1\n"))
        #expect(registry.renderString(.openMetrics).contains("\nreads 2.0\n"))
        var buffer: [UInt8] = []
        registry.render(format: .prometheusText, into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self).contains("\nreads 3\n"))
        #expect(order.withLockedValue { $0 } == ["first", "second", "first", "second", "first", "second"])
    }

    @Test func registeringANameAgainKeepsTheFirstCollector() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let calls = LockedBox<[Int]>([])
        #expect(registry.registerCollector(named: "c") { calls.withLockedValue { $0.append(1) } })
        #expect(!registry.registerCollector(named: "c") { calls.withLockedValue { $0.append(2) } })
        registry.collect()
        #expect(calls.withLockedValue { $0 } == [1])
    }

    @Test func aCollectorMayBindSeriesThatTheSameRenderShows() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = registry.gauge(name: "late", help: "L.", labelNames: ["k"])
        registry.registerCollector(named: "binder") { family.bind(["v"]).set(7) }
        #expect(registry.renderString(.prometheusText).contains("late{k=\"v\"} 7\n"))
    }
}

@Suite struct ProcessMetricsTests {
    @Test func parsesProcStatCountingFromTheLastParenthesis() throws {
        // A command name with spaces and parentheses must not shift the fields.
        let line =
            "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1200 0 0 0 "
            + "250 75 0 0 20 0 9 0 123456 987654321 4321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
        let stat = try #require(ProcStat.parse(Array(line.utf8)))
        #expect(
            stat
                == ProcStat(
                    userTicks: 250,
                    systemTicks: 75,
                    startTicks: 123_456,
                    virtualBytes: 987_654_321,
                    residentPages: 4321
                ))
        #expect(ProcStat.parse(Array("4242 (x) S 1 2 3".utf8)) == nil)
        #expect(ProcStat.parse(Array("no parenthesis at all".utf8)) == nil)
        #expect(ProcStat.parse(nil) == nil)
    }

    @Test func parsesBootTime() {
        let text = "cpu  1 2 3 4\nintr 5 6\nctxt 77\nbtime 1700000000\nprocesses 9\n"
        #expect(ProcStat.bootTime(Array(text.utf8)) == 1_700_000_000)
        #expect(ProcStat.bootTime(Array("cpu 1\n".utf8)) == nil)
    }

    #if os(Linux)
        /// Parses `name value` lines of a text rendering.
        static func values(_ text: String) -> [String: Double] {
            var values: [String: Double] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                let parts = line.split(separator: " ")
                if parts.count == 2, let value = Double(parts[1]) { values[String(parts[0])] = value }
            }
            return values
        }

        @Test func registersTheStandardProcessFamiliesWithLiveValues() throws {
            let registry = MetricsRegistry(eventLoopCount: 1)
            ProcessMetrics.register(in: registry)
            let text = registry.renderString(.prometheusText)
            for (name, type) in [
                ("process_cpu_seconds_total", "counter"), ("process_resident_memory_bytes", "gauge"),
                ("process_virtual_memory_bytes", "gauge"), ("process_open_fds", "gauge"),
                ("process_max_fds", "gauge"), ("process_start_time_seconds", "gauge"),
            ] {
                #expect(text.contains("# TYPE \(name) \(type)\n"), "\(name)")
                #expect(text.contains("# HELP \(name) "), "\(name)")
            }
            let values = Self.values(text)
            let start = try #require(values["process_start_time_seconds"])
            let now = Date().timeIntervalSince1970
            // The test process started before this test, and not days ago.
            #expect(start <= now && start > now - 86_400, "start \(start)")
            #expect((values["process_resident_memory_bytes"] ?? 0) > 1_000_000)
            #expect((values["process_virtual_memory_bytes"] ?? 0) > (values["process_resident_memory_bytes"] ?? 0))
            let open = try #require(values["process_open_fds"])
            let listed = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
            #expect(open >= 3 && abs(open - Double(listed)) <= 16, "open \(open), listed \(listed)")
            #expect((values["process_max_fds"] ?? 0) >= open)

            let openMetrics = registry.renderString(.openMetrics)
            #expect(openMetrics.contains("# TYPE process_cpu_seconds counter\n# UNIT process_cpu_seconds seconds\n"))
            #expect(openMetrics.contains("# UNIT process_resident_memory_bytes bytes\n"))
        }

        @Test func cpuSecondsFollowTheKernelAndNeverCountTwice() throws {
            let registry = MetricsRegistry(eventLoopCount: 1)
            ProcessMetrics.register(in: registry)
            ProcessMetrics.register(in: registry)  // again: still one collector
            func kernelSeconds() throws -> Double {
                let stat = try #require(ProcStat.parse(readProcFile("/proc/self/stat")))
                return Double(stat.userTicks + stat.systemTicks) / Double(sysconf(Int32(_SC_CLK_TCK)))
            }
            var previous = 0.0
            for _ in 0..<5 {
                // Burn some CPU so the kernel's count moves.
                var x: UInt64 = 1
                for i in 0..<3_000_000 { x = x &* 6_364_136_223_846_793_005 &+ UInt64(i) }
                #expect(x != 0)
                let before = try kernelSeconds()
                let value = try #require(
                    Self.values(registry.renderString(.prometheusText))["process_cpu_seconds_total"])
                let after = try kernelSeconds()
                #expect(value >= before - 1e-9 && value <= after + 1e-9, "\(value) not within [\(before), \(after)]")
                #expect(value >= previous)
                previous = value
            }
        }
    #endif
}
