import PeriscopeTelemetry
import Testing

@testable import PeriscopeOTLP

/// Encodes span records and unpacks the bytes again with libprotobuf-c (no Python needed).
@Suite struct OTLPTracesEncoderTests {
    typealias Value = UnpackedTracesRequest.Value

    private func encodeSample() throws -> (OTLPEncodedSpans, UnpackedTracesRequest, SampleSpans) {
        let sample = SampleSpans()
        let encoded = try SampleSpans.encoder().encode(sample.all, strings: sample.strings)
        return (encoded, try UnpackedTracesRequest(encoded.bytes), sample)
    }

    private func span(_ request: UnpackedTracesRequest, _ id: SpanID) throws -> UnpackedTracesRequest.Span {
        try #require(request.spans.first { $0.spanID == id.bytes })
    }

    @Test func requestHasOneResourceAndOneScopeWithEveryValidSpanInOrder() throws {
        let (encoded, request, _) = try self.encodeSample()
        #expect(request.resourceSpansCount == 1)
        #expect(request.scopeSpansCount == 1)
        #expect(request.scopeName == "periscope")
        #expect(request.scopeVersion == "1.2.3")
        #expect(request.resourceAttributes.map(\.key) == ["service.name", "process.pid"])
        #expect(request.resourceAttributes.first?.value == .string("periscope-test"))
        #expect(request.resourceAttributes.last?.value == .int(4242))
        #expect(
            request.spans.map(\.spanID)
                == [
                    SampleSpans.serverID, SampleSpans.firstAttemptID, SampleSpans.secondAttemptID,
                    SampleSpans.gatewayErrorID, SampleSpans.resetID,
                ].map(\.bytes)
        )
        #expect(encoded.spanCount == 5)
        #expect(encoded.invalidSpanCount == 1)
        // The reset span's path was cut when it was recorded.
        #expect(encoded.truncatedValueCount == 1)
        #expect(!encoded.isEmpty)
    }

    @Test func serverSpanCarriesIdentityTimesAndHTTPServerAttributes() throws {
        let (_, request, _) = try self.encodeSample()
        let span = try self.span(request, SampleSpans.serverID)
        #expect(span.traceID == SampleSpans.traceID.bytes)
        #expect(span.traceID.hex == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(span.spanID.hex == "1111111111111111")
        #expect(span.parentSpanID.hex == "00f067aa0ba902b7")
        #expect(span.traceState == "")
        #expect(span.name == "GET /users/{id}")
        #expect(span.kind == 2)
        #expect(span.startTimeUnixNano == SampleSpans.start)
        #expect(span.endTimeUnixNano == SampleSpans.start + 2_500_000)
        // sampled, is-remote known, parent remote
        #expect(span.flags == 0x301)
        #expect(span.status == nil)
        #expect(span.droppedAttributesCount == 0)
        #expect(span.droppedEventsCount == 0)
        #expect(span.linkCount == 0)
        #expect(span.droppedLinksCount == 0)
        // Attributes filled per span first, then the packed ones (constants, interned names, and the request values
        // of the packed-value table: ports, client addresses, hosts).
        #expect(
            span.attributeKeys == [
                "url.path", "user_agent.original", "http.request.method", "http.route", "http.response.status_code",
                "server.port", "url.scheme", "client.address", "client.port", "network.protocol.version",
                "periscope.cluster", "periscope.listener",
            ]
        )
        #expect(span.attribute("http.request.method") == .string("GET"))
        #expect(span.attribute("http.route") == .string("/users/{id}"))
        #expect(span.attribute("http.response.status_code") == .int(200))
        #expect(span.attribute("server.port") == .int(8080))
        #expect(span.attribute("url.path") == .string("/users/42"))
        #expect(span.attribute("url.scheme") == .string("http"))
        #expect(span.attribute("client.address") == .string("192.0.2.10"))
        #expect(span.attribute("client.port") == .int(51234))
        #expect(span.attribute("user_agent.original") == .string("curl/8.5.0"))
        #expect(span.attribute("network.protocol.version") == .string("1.1"))
        #expect(span.attribute("periscope.cluster") == .string("users"))
        #expect(span.attribute("periscope.listener") == .string("public"))
        #expect(span.attribute("error.type") == nil)
        #expect(span.attribute("http.request.resend_count") == nil)

        #expect(span.events.count == 1)
        let retry = try #require(span.events.first)
        #expect(retry.name == "retry")
        #expect(retry.timeUnixNano == SampleSpans.start + 1_600_000)
        #expect(retry.attributes.map(\.key) == ["periscope.attempt"])
        #expect(retry.attribute("periscope.attempt") == .int(2))
        #expect(retry.droppedAttributesCount == 0)
    }

    @Test func clientPortIsLeftOutUnlessOptedIn() throws {
        // Opt-in in the HTTP conventions (the ephemeral port of each downstream connection): only on request.
        let sample = SampleSpans()
        for clientPort in [false, true] {
            let encoded = try SampleSpans.encoder(clientPort: clientPort).encode(sample.all, strings: sample.strings)
            let server = try self.span(try UnpackedTracesRequest(encoded.bytes), SampleSpans.serverID)
            #expect(server.attribute("client.address") == .string("192.0.2.10"))
            #expect(server.attribute("client.port") == (clientPort ? .int(51234) : nil))
        }
    }

    @Test func clientSpansCarryUpstreamAttributesAndResendCount() throws {
        let (_, request, _) = try self.encodeSample()
        let first = try self.span(request, SampleSpans.firstAttemptID)
        #expect(first.name == "GET")
        #expect(first.kind == 3)
        #expect(first.parentSpanID == SampleSpans.serverID.bytes)
        #expect(first.traceID == SampleSpans.traceID.bytes)
        #expect(first.flags == 0x101)  // sampled, is-remote known, parent local
        #expect(first.status == .init(code: 2, message: "timeout"))
        // Attributes filled per span first, then the packed ones (constants, interned names, and the request values
        // of the packed-value table: ports, client addresses, hosts).
        #expect(
            first.attributeKeys == [
                "url.full", "http.request.method", "server.address", "server.port", "network.protocol.version",
                "error.type", "periscope.cluster",
            ]
        )
        #expect(first.attribute("server.address") == .string("10.0.0.5"))
        #expect(first.attribute("server.port") == .int(8080))
        #expect(first.attribute("url.full") == .string("http://10.0.0.5:8080/users/42"))
        #expect(first.attribute("error.type") == .string("timeout"))
        #expect(first.attribute("periscope.cluster") == .string("users"))
        // Attempt 1 is not a resend.
        #expect(first.attribute("http.request.resend_count") == nil)
        #expect(first.events.map(\.name) == ["timeout"])
        #expect(first.events.first?.attribute("periscope.timeout_ms") == .int(1500))

        let second = try self.span(request, SampleSpans.secondAttemptID)
        #expect(second.name == "GET")
        #expect(second.status == nil)
        #expect(second.attribute("server.address") == .string("2001:db8::7"))
        #expect(second.attribute("server.port") == .int(9443))
        #expect(second.attribute("url.full") == .string("https://[2001:db8::7]:9443/users/42"))
        #expect(second.attribute("url.path") == nil)
        #expect(second.attribute("url.scheme") == nil)
        #expect(second.attribute("http.response.status_code") == .int(200))
        #expect(second.attribute("http.request.resend_count") == .int(1))
        #expect(second.attribute("network.protocol.version") == .string("2"))
        #expect(second.events.isEmpty)
    }

    @Test func errorStatusMessageIsLeftOutWhenItIsTheStatusCode() throws {
        let (_, request, _) = try self.encodeSample()
        let span = try self.span(request, SampleSpans.gatewayErrorID)
        #expect(span.name == "POST /orders")
        #expect(span.parentSpanID.isEmpty)
        #expect(span.flags == 0x03)  // sampled + random, is-remote unknown
        #expect(span.status == .init(code: 2, message: ""))
        #expect(span.attribute("error.type") == .string("502"))
        #expect(span.attribute("http.response.status_code") == .int(502))
        #expect(span.attribute("server.port") == nil)
        #expect(span.attribute("client.address") == nil)
    }

    @Test func unknownMethodIPv6ClientRepairedTextAndDroppedEvents() throws {
        let (_, request, _) = try self.encodeSample()
        let span = try self.span(request, SampleSpans.resetID)
        #expect(span.name == "HTTP")
        #expect(span.attribute("http.request.method") == .string("_OTHER"))
        #expect(span.status == .init(code: 2, message: "upstream_reset"))
        #expect(span.attribute("client.address") == .string("2001:db8::1"))
        #expect(span.attribute("client.port") == .int(443))
        #expect(span.attribute("server.port") == .int(8443))
        // Not a client span: the upstream endpoint is a Periscope attribute, not server.address.
        #expect(span.attribute("server.address") == nil)
        #expect(span.attribute("periscope.endpoint") == .string("10.0.0.5:8080"))
        let path = String(SampleSpans.longPath.prefix(SpanRecord.urlPathCapacity))
        #expect(span.attribute("url.path") == .string(path))
        #expect(span.attribute("user_agent.original") == .string("agent/\u{FFFD}1"))
        #expect(span.droppedEventsCount == 2)
        #expect(
            span.events.map(\.name) == [
                "rejected", "circuit_open", "connect_failure", "upstream_reset",
            ]
        )
        #expect(span.events.map(\.timeUnixNano) == (1...4).map { SampleSpans.start + 7_000_000 + $0 * 100_000 })
        #expect(span.events[0].attributes.map(\.key) == ["periscope.policy"])
        #expect(span.events[0].attribute("periscope.policy") == .string("rate_limit"))
        #expect(span.events[1].attributes.isEmpty)
        #expect(span.events[2].attribute("periscope.errno") == .int(111))
        #expect(span.events[3].attribute("periscope.bytes_received") == .int(123))
    }

    @Test func recordsWithEveryFieldSetMapEveryField() throws {
        let sample = SampleSpans()
        var server = sample.reset
        server.routeID = sample.usersRoute
        server.clusterID = sample.cluster
        server.listenerID = sample.listener
        server.attempt = 3
        server.setUserAgent("curl/8.5.0")
        var client = server
        client.kind = .client
        client.endpointID = sample.ipv6Endpoint
        client.serverPort = 0
        client.setURLPath("/users/7")
        let encoded = try SampleSpans.encoder().encode([server, client], strings: sample.strings)
        let spans = try UnpackedTracesRequest(encoded.bytes).spans
        #expect(spans.count == 2)
        // Attributes filled per span first, then the packed ones (constants, interned names, and the request values
        // of the packed-value table: ports, client addresses, hosts).
        #expect(
            spans.first?.attributeKeys == [
                "url.path", "user_agent.original", "http.request.resend_count", "http.request.method",
                "http.route", "http.response.status_code", "periscope.endpoint", "server.port", "url.scheme",
                "client.address", "client.port", "network.protocol.version", "error.type", "periscope.cluster",
                "periscope.listener",
            ]
        )
        #expect(spans.first?.name == "HTTP /users/{id}")
        #expect(spans.first?.attribute("http.request.resend_count") == .int(2))
        // Attributes filled per span first, then the packed ones (constants, interned names, and the request values
        // of the packed-value table: ports, client addresses, hosts).
        #expect(
            spans.last?.attributeKeys == [
                "url.full", "user_agent.original", "http.request.resend_count", "http.request.method",
                "http.response.status_code", "server.address", "server.port", "client.address", "client.port",
                "network.protocol.version", "error.type", "periscope.cluster", "periscope.listener",
            ]
        )
        #expect(spans.last?.name == "HTTP")
        #expect(spans.last?.attribute("server.port") == .int(9443))
        #expect(spans.last?.attribute("url.full") == .string("https://[2001:db8::7]:9443/users/7"))
    }

    @Test func downstreamResetAndStatusOK() throws {
        let sample = SampleSpans()
        var record = sample.gatewayError
        record.status = .ok
        record.events = SpanRecord.Events()
        record.addEvent(.downstreamReset, timeUnixNano: SampleSpans.start + 1, payload: 4096)
        let encoded = try SampleSpans.encoder().encode([record], strings: sample.strings)
        let span = try #require(try UnpackedTracesRequest(encoded.bytes).spans.first)
        #expect(span.status == .init(code: 1, message: ""))
        #expect(span.events.first?.name == "downstream_reset")
        #expect(span.events.first?.attribute("periscope.bytes_sent") == .int(4096))
    }

    @Test func noValidSpansGiveAnEmptyRequest() throws {
        let sample = SampleSpans()
        let encoder = SampleSpans.encoder()
        let none = try encoder.encode([SpanRecord](), strings: sample.strings)
        #expect(none.bytes.isEmpty)
        #expect(none.isEmpty)
        let invalid = try encoder.encode([sample.invalid, SpanRecord()], strings: sample.strings)
        #expect(invalid.bytes.isEmpty)
        #expect(invalid.spanCount == 0)
        #expect(invalid.invalidSpanCount == 2)
    }

    @Test func idsUnknownToTheTableLeaveTheirAttributesOut() throws {
        let sample = SampleSpans()
        var record = sample.server
        record.routeID = SpanStringID(rawValue: 999)
        record.clusterID = SpanStringID(rawValue: 1000)
        let encoded = try SampleSpans.encoder().encode([record], strings: sample.strings)
        let span = try #require(try UnpackedTracesRequest(encoded.bytes).spans.first)
        #expect(span.name == "GET")
        #expect(span.attribute("http.route") == nil)
        #expect(span.attribute("periscope.cluster") == nil)
        #expect(span.attribute("periscope.listener") == .string("public"))
    }

    @Test func stringsInternedAfterAnEarlierBatchResolveInTheNext() throws {
        let sample = SampleSpans()
        let encoder = SampleSpans.encoder()
        _ = try encoder.encode(sample.all, strings: sample.strings)
        var record = sample.server
        record.routeID = sample.strings.intern("/late/{route}")
        record.clusterID = sample.strings.intern("late-cluster")
        let encoded = try encoder.encode([record, sample.server], strings: sample.strings)
        let spans = try UnpackedTracesRequest(encoded.bytes).spans
        #expect(spans.map(\.name) == ["GET /late/{route}", "GET /users/{id}"])
        #expect(spans.first?.attribute("periscope.cluster") == .string("late-cluster"))
        // Another table is another set of ids.
        let other = SpanStringTable()
        _ = other.intern("/other")
        var otherRecord = sample.server
        otherRecord.routeID = SpanStringID(rawValue: 1)
        otherRecord.clusterID = .none
        otherRecord.listenerID = .none
        let fromOther = try UnpackedTracesRequest(encoder.encode([otherRecord], strings: other).bytes).spans
        #expect(fromOther.first?.name == "GET /other")
    }

    @Test("spans with every field at its largest (invalid UTF-8 repaired, 2 kB names) pack whole and decode")
    func largestPossibleSpansRoundTrip() throws {
        let strings = SpanStringTable()
        let long = String(repeating: "r", count: 2000)
        let route = strings.intern("/" + long)
        let cluster = strings.intern("c" + long)
        let endpoint = strings.intern(String(repeating: "h", count: 2000) + ":65535")
        let errorType = strings.intern("e" + long)
        let policy = strings.intern("p" + long)
        let invalid = [UInt8](repeating: 0xFF, count: 4096)  // every byte becomes U+FFFD (3 bytes)
        var records: [SpanRecord] = []
        for (index, kind) in [SpanRecord.Kind.server, .client, .server].enumerated() {
            var record = SpanRecord(
                kind: kind,
                traceID: SampleSpans.traceID,
                spanID: SpanID(UInt64(index + 1)),
                parentSpanID: SampleSpans.remoteParent,
                traceFlags: 1,
                parentIsRemote: true,
                startTimeUnixNano: SampleSpans.start
            )
            record.endTimeUnixNano = SampleSpans.start + 1
            record.method = .patch
            record.routeID = route
            record.clusterID = cluster
            record.endpointID = endpoint
            record.listenerID = cluster
            record.errorTypeID = errorType
            record.status = .error
            record.responseStatusCode = 599
            record.serverPort = 65535
            record.attempt = 255
            record.urlScheme = .https
            record.protocolVersion = .http1Dot1
            record.clientAddress = .init(ipv6High: 0xABAB_ABAB_ABAB_ABAB, low: 0xABAB_ABAB_ABAB_ABAB, port: 65535)
            invalid.withUnsafeBytes { bytes in
                record.setURLPath(utf8: bytes)
                record.setUserAgent(utf8: bytes)
                record.setServerAddress(utf8: bytes)
            }
            for _ in 0..<(SpanRecord.Events.capacity + 2) {
                _ = record.addEvent(.rejected, timeUnixNano: SampleSpans.start, payload: policy.rawValue)
            }
            records.append(record)
        }
        let encoded = try SampleSpans.encoder().encode(records, strings: strings)
        let spans = try UnpackedTracesRequest(encoded.bytes).spans
        #expect(spans.count == 3)
        for span in spans {
            #expect(span.name.hasSuffix(long) || span.name == "PATCH")
            #expect(span.attribute("periscope.cluster") == .string("c" + long))
            #expect(span.attribute("error.type") == .string("e" + long))
            #expect(span.events.count == SpanRecord.Events.capacity)
            #expect(span.events.allSatisfy { $0.attribute("periscope.policy") == .string("p" + long) })
            let repaired = String(repeating: "\u{FFFD}", count: SpanRecord.userAgentCapacity)
            #expect(span.attribute("user_agent.original") == .string(repaired))
        }
    }

    @Test func everySpanOfALargeBatchRoundTrips() throws {
        let sample = SampleSpans()
        let templates = [sample.server, sample.firstAttempt, sample.secondAttempt, sample.gatewayError, sample.reset]
        var records: [SpanRecord] = []
        for index in 0..<5000 {
            var record = templates[index % templates.count]
            record.spanID = UInt64(index + 1)
            record.startTimeUnixNano += UInt64(index)
            records.append(record)
        }
        let encoder = SampleSpans.encoder()
        for _ in 0..<2 {  // twice: the second batch reuses the reset arena and the string cache
            let encoded = try encoder.encode(records, strings: sample.strings)
            let request = try UnpackedTracesRequest(encoded.bytes)
            #expect(encoded.spanCount == 5000)
            #expect(request.spans.count == 5000)
            #expect(request.spans.map(\.spanID) == (1...5000).map { SpanID(UInt64($0)).bytes })
            #expect(request.spans.map(\.startTimeUnixNano) == records.map(\.startTimeUnixNano))
            #expect(request.spans[5].name == "GET /users/{id}")
            #expect(request.spans[9].attribute("periscope.endpoint") == .string("10.0.0.5:8080"))
        }
    }

    @Test func aBatchIsBuiltInTheSameArenaMemoryWhateverItsSize() throws {
        // Each span is packed as soon as it is filled and its arena memory taken back: 20 and 5,000 spans (with
        // events, texts and error statuses) leave the arena equally full when the batch is packed.
        let sample = SampleSpans()
        let templates = [sample.server, sample.firstAttempt, sample.secondAttempt, sample.gatewayError, sample.reset]
        func arenaBytes(spans: Int) throws -> Int {
            let records = (0..<spans).map { index in
                var record = templates[index % templates.count]
                record.spanID = UInt64(index + 1)
                return record
            }
            let encoder = SampleSpans.encoder()
            let encoded = try encoder.encode(records, strings: sample.strings)
            #expect(try UnpackedTracesRequest(encoded.bytes).spans.count == spans)
            return encoder.lastBatchArenaBytes
        }
        let small = try arenaBytes(spans: 20)
        #expect(small > 0)
        #expect(try arenaBytes(spans: 5000) == small)
    }

    @Test func repeatedAndDistinctRequestValuesAllComeOutRight() throws {
        // server.address/server.port (Host), client.address/client.port: a few values repeated by most spans, and a
        // stream of distinct ones larger than the packed-value table, over several batches — every span must carry
        // its own values whether they came from the table, were packed into it, or were packed per span.
        let sample = SampleSpans()
        let encoder = SampleSpans.encoder()
        for batch in 0..<3 {
            var records: [SpanRecord] = []
            for index in 0..<2000 {
                var record = sample.server
                record.spanID = UInt64(batch * 10_000 + index + 1)
                let distinct = index % 3 == 0
                let host = distinct ? "h\(batch)-\(index).example" : "api\(index % 4).example"
                record.setServerAddress(hostHeader: "\(host):\(8000 + (distinct ? index : index % 2))")
                let port = UInt16(distinct ? 20_000 + index : 40_000 + index % 5)
                record.clientAddress = SpanRecord.ClientAddress(ipv4: UInt32(distinct ? index : index % 7), port: port)
                records.append(record)
            }
            let request = try UnpackedTracesRequest(encoder.encode(records, strings: sample.strings).bytes)
            #expect(request.spans.count == records.count)
            for (span, record) in zip(request.spans, records) {
                #expect(span.attribute("server.address") == .string(record.serverAddress))
                #expect(span.attribute("server.port") == .int(Int64(record.serverPort)))
                #expect(span.attribute("client.address") == .string(record.clientAddress.formatted ?? ""))
                #expect(span.attribute("client.port") == .int(Int64(record.clientAddress.port)))
                #expect(span.attributeKeys.filter { $0 == "server.address" }.count == 1)
            }
        }
    }

    @Test func aCollectionWithoutContiguousStorageIsEncodedToo() throws {
        let sample = SampleSpans()
        let lazy = sample.all.lazy.filter { _ in true }
        let encoded = try SampleSpans.encoder().encode(lazy, strings: sample.strings)
        #expect(encoded.spanCount == 5)
        #expect(try UnpackedTracesRequest(encoded.bytes).spans.count == 5)
    }
}
