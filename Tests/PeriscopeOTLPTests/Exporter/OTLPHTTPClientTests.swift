import NIOCore
import NIOPosix
import Testing

@testable import PeriscopeOTLP

@Suite(.timeLimit(.minutes(1))) struct OTLPHTTPClientTests {
    private let eventLoop = MultiThreadedEventLoopGroup.singleton.next()

    private func client(
        _ collector: ExporterTestCollector,
        path: String = "/v1/traces",
        headers: [String: String] = [:],
        compression: OTLPCompression = .identity,
        timeout: Duration = .seconds(5),
        maxResponseBytes: Int = OTLPHTTPClient.defaultMaxResponseBytes
    ) throws -> OTLPHTTPClient {
        try OTLPHTTPClient(
            endpoint: OTLPEndpoint(url: collector.baseURL + path),
            headers: headers,
            compression: compression,
            timeout: timeout,
            eventLoop: self.eventLoop,
            maxResponseBytes: maxResponseBytes
        )
    }

    @Test func postsProtobufWithTheConfiguredHeadersAndReusesTheConnection() async throws {
        let collector = try await ExporterTestCollector.start(behavior: .partial(rejected: 1, message: "m"))
        let client = try self.client(collector, headers: ["x-api-key": "s3cret", "Content-Type": "text/plain"])
        let body: [UInt8] = [0x0A, 0x02, 0x08, 0x01]
        for _ in 0..<3 {
            guard case .success(let status, let responseBody) = await client.send(client.makeRequest(body)) else {
                Issue.record("expected success")
                return
            }
            #expect(status == 200)
            #expect(responseBody == ProtobufBytes.partialSuccess(rejected: 1, message: "m"))
        }
        let requests = collector.requests
        #expect(requests.count == 3)
        for request in requests {
            #expect(request.method == "POST")
            #expect(request.uri == "/v1/traces")
            #expect(request.body == body)
            #expect(request.header("Content-Type") == "application/x-protobuf")
            #expect(request.header("Content-Length") == "4")
            #expect(request.header("Content-Encoding") == nil)
            #expect(request.header("x-api-key") == "s3cret")
            #expect(request.header("Host") == "127.0.0.1:\(collector.port)")
            #expect(request.header("User-Agent") == OTLPHTTPClient.defaultUserAgent)
            #expect(request.headers.filter { $0.name.lowercased() == "content-type" }.count == 1)
        }
        // Keep-alive: one connection for all three.
        #expect(Set(requests.map(\.connection)) == [1])
        await client.shutdown()
        await collector.stop()
    }

    @Test func gzipBodiesDecodeToTheOriginal() async throws {
        let collector = try await ExporterTestCollector.start()
        let client = try self.client(collector, compression: .gzip)
        let body = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let request = client.makeRequest(body)
        #expect(request.isCompressed)
        #expect(request.uncompressedSize == body.count)
        #expect(request.body.readableBytes < body.count)
        guard case .success = await client.send(request) else {
            Issue.record("expected success")
            return
        }
        let received = try #require(collector.requests.first)
        #expect(received.header("Content-Encoding") == "gzip")
        #expect(received.header("Content-Length") == String(request.body.readableBytes))
        #expect(received.body.starts(with: [0x1F, 0x8B]))
        #expect(try ExporterTestSupport.gunzip(received.body) == body)
        await client.shutdown()
        await collector.stop()
    }

    @Test func statusCodesAreClassified() async throws {
        let collector = try await ExporterTestCollector.start(script: [
            .status(400, message: "bad span"),
            .status(503, message: "busy", headers: [("Retry-After", "7")]),
            .status(429, message: "slow down", headers: [("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")]),
            .status(502, message: "gw"),
            .status(504, message: "gw timeout"),
            .status(500, message: "oops"),
            .status(404, message: "no route"),
            .respond(status: 204),
        ])
        let client = try self.client(collector)
        let request = client.makeRequest([1, 2, 3])

        let badRequest = await client.send(request)
        guard case .permanentFailure(.status(400, let body)) = badRequest else {
            Issue.record("400: \(badRequest)")
            return
        }
        #expect(OTLPResponseBody.statusMessage(body) == "bad span")
        #expect("\(OTLPHTTPFailure.status(400, body: body))" == "HTTP 400: bad span")

        let unavailable = await client.send(request)
        guard case .retryableFailure(.status(503, _), let retryAfter) = unavailable else {
            Issue.record("503: \(unavailable)")
            return
        }
        #expect(retryAfter == .seconds(7))

        let throttled = await client.send(request)
        guard case .retryableFailure(.status(429, _), let pastDate) = throttled else {
            Issue.record("429: \(throttled)")
            return
        }
        #expect(pastDate == .zero)  // a date in the past means "now"

        for code in [502, 504] {
            let result = await client.send(request)
            guard case .retryableFailure(.status(code, _), nil) = result else {
                Issue.record("\(code): \(result)")
                return
            }
        }
        for code in [500, 404] {
            let result = await client.send(request)
            guard case .permanentFailure(.status(code, _)) = result else {
                Issue.record("\(code): \(result)")
                return
            }
        }
        guard case .success(204, _) = await client.send(request) else {
            Issue.record("204 is a success")
            return
        }
        // Error statuses do not cost the connection.
        #expect(collector.acceptedConnections == 1)
        await client.shutdown()
        await collector.stop()
    }

    @Test func aClosedConnectionIsRetryable() async throws {
        let collector = try await ExporterTestCollector.start(behavior: .close)
        let client = try self.client(collector)
        let result = await client.send(client.makeRequest([1]))
        guard case .retryableFailure(.connectionClosed, nil) = result else {
            Issue.record("\(result)")
            return
        }
        await client.shutdown()
        await collector.stop()
    }

    @Test func aHangingCollectorTimesOut() async throws {
        let collector = try await ExporterTestCollector.start(behavior: .hold)
        let client = try self.client(collector, timeout: .milliseconds(300))
        let start = ContinuousClock.now
        let result = await client.send(client.makeRequest([1]))
        let elapsed = ContinuousClock.now - start
        guard case .retryableFailure(.timeout, nil) = result else {
            Issue.record("\(result)")
            return
        }
        #expect(elapsed >= .milliseconds(300))
        // The timed-out connection is not reused: the next request opens a new one.
        collector.setBehavior(.ok)
        guard case .success = await client.send(client.makeRequest([2])) else {
            Issue.record("expected success after the timeout")
            return
        }
        #expect(collector.requests.map(\.connection) == [1, 2])
        await client.shutdown()
        await collector.stop()
    }

    @Test func aRefusedConnectionIsRetryable() async throws {
        let collector = try await ExporterTestCollector.start()
        let port = collector.port
        await collector.stop()
        let client = try OTLPHTTPClient(
            endpoint: OTLPEndpoint(host: "127.0.0.1", port: port, target: "/v1/metrics"),
            eventLoop: self.eventLoop
        )
        let result = await client.send(client.makeRequest([1]))
        guard case .retryableFailure(.connectFailed, nil) = result else {
            Issue.record("\(result)")
            return
        }
        await client.shutdown()
    }

    @Test func aConnectionTheServerClosedWhileIdleIsReplacedTransparently() async throws {
        let collector = try await ExporterTestCollector.start(script: [.respondThenClose(status: 200)])
        let client = try self.client(collector)
        for index in 0..<3 {
            let result = await client.send(client.makeRequest([UInt8(index)]))
            guard case .success = result else {
                Issue.record("request \(index): \(result)")
                return
            }
        }
        #expect(collector.requests.map(\.connection) == [1, 2, 2])
        await client.shutdown()
        await collector.stop()
    }

    @Test func oversizedResponsesArePermanentFailures() async throws {
        let collector = try await ExporterTestCollector.start(
            behavior: .respond(status: 200, body: [UInt8](repeating: 7, count: 100))
        )
        let client = try self.client(collector, maxResponseBytes: 10)
        let result = await client.send(client.makeRequest([1]))
        guard case .permanentFailure(.responseTooLarge(limit: 10)) = result else {
            Issue.record("\(result)")
            return
        }
        await client.shutdown()
        await collector.stop()
    }

    @Test func httpsIsRefusedWithAClearError() throws {
        let endpoint = try OTLPEndpoint(url: "https://collector.example.com/v1/traces")
        #expect {
            try OTLPHTTPClient(endpoint: endpoint, eventLoop: self.eventLoop)
        } throws: { error in
            "\(error)".contains("https is not supported")
        }
    }

    @Test func shutdownEndsRequestsInFlightAndLaterOnes() async throws {
        let collector = try await ExporterTestCollector.start(behavior: .hold)
        let client = try self.client(collector, timeout: .seconds(30))
        let inFlight = client.sendFuture(client.makeRequest([1]))
        try await ExporterTestSupport.waitUntil("the request to arrive") { collector.requests.count == 1 }
        await client.shutdown()
        guard case .permanentFailure(.shutDown) = try await inFlight.get() else {
            Issue.record("in flight")
            return
        }
        guard case .permanentFailure(.shutDown) = await client.send(client.makeRequest([2])) else {
            Issue.record("after shutdown")
            return
        }
        await collector.stop()
    }

    @Test func concurrentSendsRunOneAtATime() async throws {
        let collector = try await ExporterTestCollector.start()
        let client = try self.client(collector)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<20 {
                group.addTask {
                    if case .success = await client.send(client.makeRequest([UInt8(index)])) { return true }
                    return false
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 })
        #expect(collector.requests.count == 20)
        #expect(collector.acceptedConnections == 1)
        await client.shutdown()
        await collector.stop()
    }
}

@Suite struct OTLPRetryTests {
    @Test func retryAfterAcceptsSecondsAndTheThreeHTTPDateForms() {
        let now: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(OTLPRetryAfter.parse("1", nowSeconds: now) == .seconds(1))
        #expect(OTLPRetryAfter.parse(" 120 ", nowSeconds: now) == .seconds(120))
        #expect(OTLPRetryAfter.parse("Sun, 06 Nov 1994 08:49:40 GMT", nowSeconds: now) == .seconds(3))
        #expect(OTLPRetryAfter.parse("Sunday, 06-Nov-94 08:49:47 GMT", nowSeconds: now) == .seconds(10))
        #expect(OTLPRetryAfter.parse("Sun Nov  6 08:50:37 1994", nowSeconds: now) == .seconds(60))
        #expect(OTLPRetryAfter.parse("Sat, 05 Nov 1994 08:49:37 GMT", nowSeconds: now) == .zero)
        #expect(OTLPRetryAfter.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(OTLPRetryAfter.httpDate("Tue, 29 Feb 2028 12:00:00 GMT") == 1_835_438_400)
        for bad in ["", "soon", "-1", "1.5", "Sun, 06 Nov 1994 25:00:00 GMT", "Sun, 06 Foo 1994 08:49:37 GMT"] {
            #expect(OTLPRetryAfter.parse(bad, nowSeconds: now) == nil, "\(bad)")
        }
    }

    @Test func backoffGrowsToItsCapAndJitterStaysBelowTheCeiling() {
        let policy = OTLPRetryPolicy.default
        #expect((1...8).map { policy.backoffCeiling(retry: $0) } == [1, 2, 4, 8, 16, 32, 32, 32].map { .seconds($0) })
        var generator = SystemRandomNumberGenerator()
        for retry in 1...8 {
            for _ in 0..<50 {
                let delay = policy.delay(retry: retry, retryAfter: nil, using: &generator)
                #expect(delay >= .zero && delay <= policy.backoffCeiling(retry: retry))
            }
        }
        // Retry-After wins when it is longer than the jittered backoff, never when shorter.
        #expect(policy.delay(retry: 1, retryAfter: .seconds(5), using: &generator) == .seconds(5))
        let short = policy.delay(retry: 6, retryAfter: .nanoseconds(1), using: &generator)
        #expect(short <= .seconds(32))
    }

    @Test func responseBodiesAreDecodedDefensively() {
        #expect(OTLPResponseBody.partialSuccess([]) == nil)
        let partial = OTLPResponseBody.partialSuccess(ProtobufBytes.partialSuccess(rejected: 300, message: "two bad"))
        #expect(partial?.rejected == 300)
        #expect(partial?.message == "two bad")
        #expect(OTLPResponseBody.partialSuccess([0x0A, 0x05, 0x08]) == nil)  // truncated
        #expect(OTLPResponseBody.partialSuccess([0xFF]) == nil)
        #expect(OTLPResponseBody.statusMessage(ProtobufBytes.status(code: 3, message: "bad")) == "bad")
        #expect(OTLPResponseBody.statusMessage(Array("plain text".utf8)) == nil)
        #expect(OTLPResponseBody.summary(Array("plain text".utf8)) == "plain text")
        #expect(OTLPResponseBody.summary([0x00, 0x01, 0xFF]) == "(3 bytes)")
    }
}
