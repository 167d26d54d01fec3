import Testing

@testable import PeriscopeTelemetry

/// Request headers as a list, looked up case-insensitively the way NIO's `HTTPHeaders` does.
private struct Headers {
    var fields: [(name: String, value: String)]

    init(_ fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    func values(_ lowercaseName: String) -> [String] {
        self.fields.filter { $0.name.lowercased() == lowercaseName }.map(\.value)
    }

    func extract(_ propagation: TracePropagation) -> IncomingTraceContext? {
        propagation.extract { self.values($0) }
    }
}

@Suite struct TracePropagationTests {
    static let traceparent = "00-12345678901234567890123456789012-1234567890123456-01"

    @Test func w3cExtraction() throws {
        let context = try #require(
            Headers([("traceparent", Self.traceparent), ("tracestate", "foo=1,bar=2")]).extract(.w3c)
        )
        #expect(context.traceID.hexString == "12345678901234567890123456789012")
        #expect(context.spanID.hexString == "1234567890123456")
        #expect(context.sampled == true && !context.isRandom && !context.isDebug)
        #expect(context.traceState?.headerValue == "foo=1,bar=2")
        #expect(context.isRemote && context.isValid && context.format == .w3c)

        let random = try #require(
            Headers([("traceparent", "00-12345678901234567890123456789012-1234567890123456-02")]).extract(.w3c)
        )
        #expect(random.sampled == false && random.isRandom)
    }

    @Test func nothingToExtract() {
        for propagation in TracePropagation.allCases {
            #expect(Headers([]).extract(propagation) == nil)
            #expect(Headers([("content-type", "text/plain")]).extract(propagation) == nil)
        }
    }

    /// test_traceparent_header_name, test_traceparent_header_name_valid_casing: names match case-insensitively
    /// (the lookup's job), and near-miss names are not `traceparent`.
    @Test func headerNames() {
        for name in ["TraceParent", "TrAcEpArEnT", "TRACEPARENT"] {
            #expect(Headers([(name, Self.traceparent)]).extract(.w3c) != nil)
        }
        for name in ["trace-parent", "trace.parent"] {
            #expect(Headers([(name, Self.traceparent)]).extract(.w3c) == nil)
        }
        for name in ["trace-state", "trace.state"] {
            #expect(Headers([("traceparent", Self.traceparent), (name, "foo=1")]).extract(.w3c)?.traceState == nil)
        }
        for name in ["TraceState", "TrAcEsTaTe", "TRACESTATE"] {
            let state = Headers([("traceparent", Self.traceparent), (name, "foo=1")]).extract(.w3c)?.traceState
            #expect(state?["foo"] == "1")
        }
    }

    /// test_traceparent_duplicated: two `traceparent` fields are invalid, even when identical.
    @Test func twoTraceparentFieldsAreInvalid() {
        let two = Headers([
            ("traceparent", "00-12345678901234567890123456789011-1234567890123456-01"),
            ("traceparent", "00-12345678901234567890123456789012-1234567890123456-01"),
        ])
        #expect(two.extract(.w3c) == nil)
        #expect(Headers([("traceparent", Self.traceparent), ("TraceParent", Self.traceparent)]).extract(.w3c) == nil)
        // One field that is invalid, next to a valid one, is still two fields.
        #expect(Headers([("traceparent", "garbage"), ("traceparent", Self.traceparent)]).extract(.w3c) == nil)
    }

    /// test_tracestate_included_traceparent_missing: a `tracestate` alone is discarded.
    @Test func tracestateWithoutTraceparentIsDiscarded() {
        #expect(Headers([("tracestate", "foo=1")]).extract(.w3c) == nil)
        #expect(
            Headers([
                ("traceparent", "00-00000000000000000000000000000000-1234567890123456-01"), ("tracestate", "foo=1"),
            ]).extract(.w3c) == nil)
    }

    /// An invalid `tracestate` is dropped; the `traceparent` stands.
    @Test func anInvalidTracestateDoesNotAffectTheTraceparent() throws {
        for state in ["foo=1,foo=2", "FOO=1", "foo=bar=baz", "", " "] {
            let context = try #require(
                Headers([("traceparent", Self.traceparent), ("tracestate", state)]).extract(.w3c))
            #expect(context.traceID.hexString == "12345678901234567890123456789012")
            #expect(context.traceState == nil, "tracestate \(state)")
        }
    }

    /// test_tracestate_empty_header and test_tracestate_multiple_headers_different_keys.
    @Test func tracestateFieldsAreCombinedInOrder() throws {
        let context = try #require(
            Headers([
                ("traceparent", Self.traceparent), ("tracestate", "foo=1,bar=2"), ("tracestate", ""),
                ("TraceState", "rojo=1,congo=2"), ("tracestate", "baz=3"),
            ]).extract(.w3c)
        )
        #expect(context.traceState?.headerValue == "foo=1,bar=2,rojo=1,congo=2,baz=3")
    }

    @Test func b3Extraction() throws {
        let single = Headers([("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90")])
        let multi = Headers([
            ("X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124"), ("X-B3-SpanId", "a2fb4a1d1a96d312"),
            ("X-B3-ParentSpanId", "0020000000000001"), ("X-B3-Sampled", "1"),
        ])
        for propagation in [TracePropagation.b3, .b3Multi, .w3cAndB3] {
            let fromSingle = try #require(single.extract(propagation))
            #expect(fromSingle.format == .b3Single)
            #expect(fromSingle.traceID.hexString == "80f198ee56343ba864fe8b2a57d3eff7")
            let fromMulti = try #require(multi.extract(propagation))
            #expect(fromMulti.format == .b3Multi)
            #expect(fromMulti.spanID.hexString == "a2fb4a1d1a96d312")
            // The single header wins over the multiple ones.
            let both = try #require(
                Headers(single.fields.map { ($0.name, $0.value) } + multi.fields.map { ($0.name, $0.value) }).extract(
                    propagation))
            #expect(both.format == .b3Single)
        }
        // Plain W3C does not read B3, and B3 does not read W3C.
        #expect(single.extract(.w3c) == nil)
        #expect(Headers([("traceparent", Self.traceparent)]).extract(.b3) == nil)
    }

    @Test func b3FallsBackFromAnInvalidSingleHeaderAndKeepsADecisionAlone() throws {
        let multi: [(String, String)] = [("x-b3-traceid", "463ac35c9f6413ad"), ("x-b3-spanid", "a2fb4a1d1a96d312")]
        let fallback = try #require(Headers([("b3", "garbage")] + multi).extract(.b3))
        #expect(fallback.format == .b3Multi && fallback.sampled == nil)
        // `b3: 0` with ids in the multiple headers: the ids win.
        let withIDs = try #require(Headers([("b3", "0")] + multi).extract(.b3))
        #expect(withIDs.isValid && withIDs.format == .b3Multi)
        // `b3: 0` alone: a deny without ids.
        let deny = try #require(Headers([("b3", "0")]).extract(.b3))
        #expect(!deny.isValid && deny.sampled == false)
        // First field wins for B3 (the B3 spec's rule).
        let first = try #require(
            Headers([("b3", "463ac35c9f6413ad-a2fb4a1d1a96d312-1"), ("b3", "garbage")]).extract(.b3)
        )
        #expect(first.sampled == true)
    }

    @Test func w3cAndB3PrefersAValidTraceparent() throws {
        let b3 = ("b3", "463ac35c9f6413ad-a2fb4a1d1a96d312-0")
        let w3c = try #require(Headers([("traceparent", Self.traceparent), b3]).extract(.w3cAndB3))
        #expect(w3c.format == .w3c)
        let invalid = try #require(
            Headers([("traceparent", "ff-\(Self.traceparent.dropFirst(3))"), ("tracestate", "a=1"), b3]).extract(
                .w3cAndB3))
        #expect(invalid.format == .b3Single && invalid.traceState == nil)
        let duplicated = try #require(
            Headers([("traceparent", Self.traceparent), ("traceparent", Self.traceparent), b3]).extract(.w3cAndB3))
        #expect(duplicated.format == .b3Single)
    }

    // MARK: Injection

    private func inject(_ propagation: TracePropagation, _ context: SpanContext) -> [String: String] {
        var headers: [String: String] = [:]
        propagation.inject(context) { name, value in
            #expect(headers[name] == nil, "\(name) written twice")
            headers[name] = value
        }
        return headers
    }

    @Test func injection() throws {
        let state = try #require(TraceState("foo=1"))
        let context = SpanContext(
            traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736),
            spanID: SpanID(0x00f0_67aa_0ba9_02b7),
            parentSpanID: SpanID(0x1234_5678_9012_3456),
            flags: [.sampled, .random],
            traceState: state
        )
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"
        let b3 = "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1-1234567890123456"
        #expect(inject(.w3c, context) == ["traceparent": traceparent, "tracestate": "foo=1"])
        #expect(inject(.b3, context) == ["b3": b3])
        #expect(
            inject(.b3Multi, context) == [
                "x-b3-traceid": "4bf92f3577b34da6a3ce929d0e0e4736", "x-b3-spanid": "00f067aa0ba902b7",
                "x-b3-parentspanid": "1234567890123456", "x-b3-sampled": "1",
            ]
        )
        #expect(inject(.w3cAndB3, context) == ["traceparent": traceparent, "tracestate": "foo=1", "b3": b3])

        var root = context
        root.traceState = nil
        root.flags = []
        #expect(inject(.w3c, root) == ["traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"])
    }

    @Test func everyInjectedNameIsInTheHeaderNameList() {
        var ids = IDGenerator(seed: 9)
        let context = SpanContext(
            incoming: IncomingTraceContext(
                traceID: ids.nextTraceID(), spanID: ids.nextSpanID(), sampled: true, isDebug: true,
                traceState: TraceState("a=1"), format: .b3Single),
            sampler: Sampler(),
            ids: &ids
        )
        for propagation in TracePropagation.allCases {
            for name in inject(propagation, context).keys {
                #expect(TracePropagation.headerNames.contains(name))
            }
        }
        #expect(Set(TracePropagation.headerNames).count == TracePropagation.headerNames.count)
        #expect(TracePropagation.headerNames.allSatisfy { $0 == $0.lowercased() })
    }

    /// Through the gateway: a W3C request comes in, the upstream request carries the same trace, a new
    /// parent-id, the caller's random flag and tracestate, and the extracted context round-trips.
    @Test func endToEndContinuation() throws {
        var ids = IDGenerator(seed: 11)
        for propagation in TracePropagation.allCases {
            let incoming = Headers([
                ("traceparent", "00-12345678901234567890123456789012-1234567890123456-03"),
                ("tracestate", " foo=1 , bar=2"),
                ("b3", "12345678901234567890123456789012-1234567890123456-1"),
            ]).extract(propagation)
            let span = SpanContext(incoming: incoming, sampler: Sampler(), ids: &ids)
            #expect(span.traceID.hexString == "12345678901234567890123456789012")
            #expect(span.parentSpanID.hexString == "1234567890123456")
            #expect(span.spanID != span.parentSpanID && span.isSampled)
            var outgoing: [(String, String)] = []
            propagation.inject(span) { outgoing.append(($0, $1)) }
            let downstream = try #require(Headers(outgoing).extract(propagation))
            #expect(downstream.traceID == span.traceID && downstream.spanID == span.spanID)
            #expect(downstream.sampled == true)
            if propagation == .w3c || propagation == .w3cAndB3 {
                #expect(downstream.isRandom)
                #expect(downstream.traceState?.headerValue == "foo=1,bar=2")
            }
        }
    }

    /// test_multiple_requests_with_illegal_traceparent / test_traceparent_*: an invalid header starts a new trace
    /// with a new id each time, and the tracestate is not carried over.
    @Test func anInvalidTraceparentStartsANewTrace() throws {
        var ids = IDGenerator(seed: 12)
        var traces = Set<TraceID>()
        for _ in 0..<3 {
            let incoming = Headers([
                ("traceparent", "00-00000000000000000000000000000000-1234567890123456-01"), ("tracestate", "foo=1"),
            ]).extract(.w3c)
            #expect(incoming == nil)
            let span = SpanContext(incoming: incoming, sampler: Sampler(), ids: &ids)
            #expect(span.isRoot && span.traceState == nil && span.flags.contains(.random))
            traces.insert(span.traceID)
        }
        #expect(traces.count == 3)
    }
}
