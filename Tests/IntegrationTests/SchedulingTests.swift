import Foundation
import Testing

extension EndToEnd {
    /// The background loop (rules, alerts, OTLP export) runs as a Linux batch thread, the traffic loops normally.
    @Suite struct Scheduling {
        /// Each thread of `pid`: its name and scheduling policy (field 41 of /proc/PID/task/TID/stat).
        static func threads(of pid: Int32) throws -> [(name: String, policy: Int)] {
            let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")
            return try tasks.map { task in
                let stat = try String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8)
                // Field 2 is "(name)" and may hold spaces: the fields after the last ')' start at field 3.
                let open = try #require(stat.firstIndex(of: "("))
                let close = try #require(stat.lastIndex(of: ")"))
                let name = String(stat[stat.index(after: open)..<close])
                let rest = stat[stat.index(after: close)...].split(separator: " ")
                return (name, try #require(Int(rest[41 - 3])))
            }
        }

        @Test("the background loop's thread is SCHED_BATCH; the traffic loops keep the normal policy")
        func backgroundThreadIsBatch() async throws {
            try await withUpstream { upstream in
                try await withPeriscope(
                    GatewayYAML.proxyAll(to: upstream.port), environment: ["PERISCOPE_THREADS": "2"]
                ) {
                    gateway in
                    let threads = try Self.threads(of: gateway.pid)
                    let batch = threads.filter { $0.policy == 3 }  // SCHED_BATCH
                    #expect(batch.count == 1, "threads: \(threads)")
                    #expect(batch.allSatisfy { $0.name.hasPrefix("NIO-ELT") })
                    // Two traffic loops and the admin loop are NIO threads with SCHED_OTHER (0).
                    #expect(threads.filter { $0.name.hasPrefix("NIO-ELT") && $0.policy == 0 }.count >= 3)
                }
            }
        }
    }
}
