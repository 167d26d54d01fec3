import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// The drain sequence: readiness fails at once, listeners accept for `drain.delay`, in-flight requests finish
    /// (with `connection: close`), then the process exits 0.
    @Suite struct Drain {
        /// How the drain is started.
        enum Trigger: String, CaseIterable, Sendable {
            case sigterm = "SIGTERM"
            case sigint = "SIGINT"
            case adminDrain = "POST /drain"
        }

        static func yaml(_ upstreamPort: Int) -> String {
            GatewayYAML.proxyAll(to: upstreamPort, top: "drain:\n  delay: 1s\n  timeout: 5s")
        }

        @Test(
            "drain: readyz 503 within 100 ms, livez 200, in-flight 2 s request completes, refused after delay, exit 0",
            arguments: Trigger.allCases)
        func drain(trigger: Trigger) async throws {
            try await withUpstream { upstream in
                upstream.setBehavior { $0.uri == "/slow" ? .delay(.seconds(2), then: .echo) : .echo }
                try await withPeriscope(Self.yaml(upstream.port)) { gateway in
                    let port = try await gateway.port()
                    let verbose = try await gateway.admin("/readyz?verbose")
                    #expect(verbose.status == 200)
                    #expect(verbose.bodyText.contains("[+]drain ok"))

                    // An idle keep-alive connection, and a request that takes 2 s.
                    let idle = try await HTTPTestClient.connect(port: port)
                    defer { idle.close() }
                    #expect(try await idle.request(.GET, "/warm").status == 200)
                    let slow = try await HTTPTestClient.connect(port: port)
                    defer { slow.close() }
                    try await slow.send(.GET, "/slow")
                    try await waitUntil("the slow request to reach the upstream", timeout: .seconds(5)) {
                        upstream.requests.contains { $0.uri == "/slow" }
                    }

                    let start = ContinuousClock.now
                    switch trigger {
                    case .sigterm: gateway.signal(SIGTERM)
                    case .sigint: gateway.signal(SIGINT)
                    case .adminDrain:
                        let accepted = try await gateway.admin("/drain", method: "POST")
                        #expect(accepted.status == 202)
                    }

                    // Readiness fails within 100 ms.
                    var notReadyAfter: Double?
                    while millisecondsSince(start) < 1000 {
                        if try await gateway.admin("/readyz").status == 503 {
                            notReadyAfter = millisecondsSince(start)
                            break
                        }
                        try await Task.sleep(for: .milliseconds(2))
                    }
                    let readyzMilliseconds = try #require(notReadyAfter, "readyz never turned 503")
                    #expect(readyzMilliseconds < 100, "readyz turned 503 after \(readyzMilliseconds) ms")
                    let failing = try await gateway.admin("/readyz?verbose")
                    #expect(failing.status == 503)
                    #expect(failing.bodyText.contains("[-]drain failed"))
                    #expect(try await gateway.admin("/livez").status == 200)
                    #expect(try await gateway.admin("/startupz").status == 200)

                    // The idle keep-alive connection is closed; new connections are still accepted during the delay
                    // and told to close.
                    #expect(try await idle.waitForClose(timeout: .milliseconds(500)), "idle connection left open")
                    #expect(millisecondsSince(start) < 800, "too slow to check the delay window")
                    let late = try await HTTPTestClient.connect(port: port)
                    defer { late.close() }
                    let lateResponse = try await late.request(.GET, "/late")
                    #expect(lateResponse.status == 200)
                    #expect(lateResponse.closesConnection)

                    // After the delay the listener refuses connections.
                    var refusedAfter: Double?
                    while millisecondsSince(start) < 3000 {
                        if await !RawClient.canConnect(port: port) {
                            refusedAfter = millisecondsSince(start)
                            break
                        }
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    let refusedMilliseconds = try #require(refusedAfter, "the listener still accepts after 3 s")
                    #expect(
                        refusedMilliseconds >= 900 && refusedMilliseconds < 1600,
                        "connections refused after \(refusedMilliseconds) ms; drain.delay is 1 s")
                    #expect(try await gateway.admin("/livez").status == 200)

                    // The in-flight request completes, with connection: close.
                    let slowResponse = try await slow.readResponse(timeout: .seconds(5))
                    #expect(slowResponse.status == 200)
                    #expect(slowResponse.closesConnection)
                    #expect(try await slow.waitForClose(timeout: .seconds(2)))

                    let status = try await gateway.waitForExit(timeout: .seconds(10))
                    #expect(
                        status == 0, "exit status \(String(describing: status)); stderr: \(gateway.stderr.suffix(1500))"
                    )
                    let exitedAfter = millisecondsSince(start)
                    #expect(exitedAfter >= 1900, "exited after \(exitedAfter) ms, before the in-flight request ended")
                    print(
                        "drain via \(trigger.rawValue): readyz 503 after \(Int(readyzMilliseconds)) ms, "
                            + "refused after \(Int(refusedMilliseconds)) ms, exit 0 after \(Int(exitedAfter)) ms")
                }
            }
        }

        @Test("drain timeout: a request still running when drain.timeout ends is cut, and the process exits 0")
        func drainTimeout() async throws {
            try await withUpstream(.delay(.seconds(10), then: .echo)) { upstream in
                let yaml = GatewayYAML.proxyAll(to: upstream.port, top: "drain:\n  delay: 200ms\n  timeout: 500ms")
                try await withPeriscope(yaml) { gateway in
                    let client = try await HTTPTestClient.connect(port: try await gateway.port())
                    defer { client.close() }
                    try await client.send(.GET, "/stuck")
                    try await waitUntil("the request to reach the upstream", timeout: .seconds(5)) {
                        upstream.requestCount == 1
                    }
                    let start = ContinuousClock.now
                    gateway.signal(SIGTERM)
                    let status = try await gateway.waitForExit(timeout: .seconds(5))
                    let exitedAfter = millisecondsSince(start)
                    #expect(status == 0)
                    #expect(
                        exitedAfter >= 650 && exitedAfter < 3000,
                        "exited after \(exitedAfter) ms; delay + timeout is 700 ms")
                    #expect(try await client.waitForClose(timeout: .seconds(2)), "client connection left open")
                }
            }
        }
    }
}
