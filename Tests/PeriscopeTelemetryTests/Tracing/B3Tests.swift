import Testing

@testable import PeriscopeTelemetry

@Suite struct B3Tests {
    static let trace128 = "80f198ee56343ba864fe8b2a57d3eff7"
    static let trace64 = "463ac35c9f6413ad"
    static let spanHex = "e457b5a2e4d86bd1"
    static let parent = "05e3ac9a4f6e3b90"

    // MARK: Single header

    @Test func singleHeaderWithEveryField() throws {
        let context = try #require(B3.parseSingle("\(Self.trace128)-\(Self.spanHex)-1-\(Self.parent)"))
        #expect(context.traceID.hexString == Self.trace128)
        #expect(context.spanID.hexString == Self.spanHex)
        #expect(context.sampled == true)
        #expect(!context.isDebug && !context.isRandom)
        #expect(context.isValid && context.isRemote)
        #expect(context.format == .b3Single)
    }

    @Test(
        arguments: [
            ("\(trace128)-\(spanHex)", nil, false),
            ("\(trace128)-\(spanHex)-1", true, false),
            ("\(trace128)-\(spanHex)-0", false, false),
            ("\(trace128)-\(spanHex)-d", true, true),
            ("\(trace128)-\(spanHex)-0-\(parent)", false, false),
            ("\(trace128)-\(spanHex)-d-\(parent)", true, true),
            (" \t\(trace128)-\(spanHex)-1 ", true, false),
        ] as [(String, Bool?, Bool)])
    func singleHeaderSamplingStates(_ value: String, _ sampled: Bool?, _ debug: Bool) throws {
        let context = try #require(B3.parseSingle(value))
        #expect(context.sampled == sampled)
        #expect(context.isDebug == debug)
        #expect(context.traceID.hexString == Self.trace128)
    }

    @Test func sixtyFourBitTraceIDsArePaddedTo128Bits() throws {
        let context = try #require(B3.parseSingle("\(Self.trace64)-\(Self.spanHex)-1"))
        #expect(context.traceID == TraceID(high: 0, low: 0x463a_c35c_9f64_13ad))
        #expect(context.traceID.hexString == "0000000000000000" + Self.trace64)
        let noSampling = try #require(B3.parseSingle("\(Self.trace64)-\(Self.spanHex)"))
        #expect(noSampling.traceID.low == 0x463a_c35c_9f64_13ad)
        #expect(noSampling.sampled == nil)
    }

    @Test(arguments: [("0", false, false), ("1", true, false), ("d", true, true), (" 0 ", false, false)])
    func singleHeaderSamplingOnly(_ value: String, _ sampled: Bool, _ debug: Bool) throws {
        let context = try #require(B3.parseSingle(value))
        #expect(!context.isValid)
        #expect(context.traceID == .invalid && context.spanID == .invalid)
        #expect(context.sampled == sampled)
        #expect(context.isDebug == debug)
    }

    @Test(arguments: [
        "", "2", "true", "D", "00",
        "\(trace128)", "\(trace128)-", "\(trace128)-\(spanHex)-", "\(trace128)-\(spanHex)-2",
        "\(trace128)-\(spanHex)-true",
        "\(trace128)-\(spanHex)-1-", "\(trace128)-\(spanHex)-1-\(parent)-", "\(trace128)-\(spanHex)-1-\(parent)0",
        "\(trace128)-\(spanHex)-1-05e3ac9a4f6e3b9", "\(trace128)-\(spanHex)-1-05E3AC9A4F6E3B90",
        "\(trace128)-\(spanHex)1",
        "80F198EE56343BA864FE8B2A57D3EFF7-\(spanHex)-1", "\(trace128)-E457B5A2E4D86BD1-1",
        "\(trace128)0-\(spanHex)-1", "\(trace64)0-\(spanHex)-1", "463ac35c9f6413a-\(spanHex)-1",
        "\(trace128)-\(spanHex)0-1",
        "00000000000000000000000000000000-\(spanHex)-1", "0000000000000000-\(spanHex)-1",
        "\(trace128)-0000000000000000-1",
        "\(trace128) -\(spanHex)-1", "\(trace128)-\(spanHex) -1",
    ])
    func singleHeaderRejects(_ value: String) {
        #expect(B3.parseSingle(value) == nil)
    }

    // MARK: Multiple headers

    @Test func multipleHeaders() throws {
        let context = try #require(
            B3.parseMulti(
                traceID: Self.trace128,
                spanID: Self.spanHex,
                parentSpanID: Self.parent,
                sampled: "1",
                flags: nil
            )
        )
        #expect(context.traceID.hexString == Self.trace128)
        #expect(context.spanID.hexString == Self.spanHex)
        #expect(context.sampled == true && !context.isDebug)
        #expect(context.format == .b3Multi)
    }

    @Test(
        arguments: [
            ("1", nil, true, false), ("0", nil, false, false), ("true", nil, true, false), ("false", nil, false, false),
            ("True", nil, true, false), ("FALSE", nil, false, false), (nil, nil, nil, false), (nil, "1", true, true),
            ("0", "1", true, true), (nil, "0", nil, false), ("1", "2", true, false),
        ] as [(String?, String?, Bool?, Bool)])
    func multipleHeaderSamplingAndDebug(_ sampled: String?, _ flags: String?, _ expected: Bool?, _ debug: Bool) throws {
        let context = try #require(
            B3.parseMulti(
                traceID: Self.trace64, spanID: Self.spanHex, parentSpanID: nil, sampled: sampled, flags: flags)
        )
        #expect(context.sampled == expected)
        #expect(context.isDebug == debug)
        #expect(context.traceID == TraceID(high: 0, low: 0x463a_c35c_9f64_13ad))
    }

    @Test func multipleHeadersCarryingOnlyADecision() throws {
        let deny = try #require(
            B3.parseMulti(traceID: nil, spanID: nil, parentSpanID: nil, sampled: "0" as String?, flags: nil)
        )
        #expect(!deny.isValid && deny.sampled == false)
        let debug = try #require(
            B3.parseMulti(traceID: nil, spanID: nil, parentSpanID: nil, sampled: nil, flags: "1" as String?)
        )
        #expect(!debug.isValid && debug.sampled == true && debug.isDebug)
        #expect(B3.parseMulti(traceID: nil, spanID: nil, parentSpanID: nil, sampled: nil, flags: nil as String?) == nil)
    }

    @Test(
        arguments: [
            (trace128, nil, nil, "1"), (nil, spanHex, nil, "1"), (trace128, spanHex, nil, "yes"),
            (trace128, spanHex, nil, "2"),
            (trace128, spanHex, "05e3ac9a4f6e3b9", "1"), (trace128 + "0", spanHex, nil, "1"),
            (trace128, "E457B5A2E4D86BD1", nil, "1"),
            ("00000000000000000000000000000000", spanHex, nil, "1"), (trace128, "0000000000000000", nil, "1"),
            ("", spanHex, nil, "1"),
        ] as [(String?, String?, String?, String?)])
    func multipleHeadersReject(_ traceID: String?, _ spanID: String?, _ parent: String?, _ sampled: String?) {
        #expect(
            B3.parseMulti(traceID: traceID, spanID: spanID, parentSpanID: parent, sampled: sampled, flags: nil) == nil)
    }

    // MARK: Injection

    private func span(trace: TraceID, sampled: Bool, debug: Bool = false, parent: SpanID = .invalid) -> SpanContext {
        SpanContext(
            traceID: trace,
            spanID: SpanID(0xe457_b5a2_e4d8_6bd1),
            parentSpanID: parent,
            flags: sampled ? .sampled : [],
            isDebug: debug
        )
    }

    @Test func singleHeaderFormatting() throws {
        let trace = try #require(TraceID(hex: Self.trace128))
        let parent = SpanID(0x05e3_ac9a_4f6e_3b90)
        #expect(B3.singleHeaderValue(for: span(trace: trace, sampled: true)) == "\(Self.trace128)-\(Self.spanHex)-1")
        #expect(B3.singleHeaderValue(for: span(trace: trace, sampled: false)) == "\(Self.trace128)-\(Self.spanHex)-0")
        #expect(
            B3.singleHeaderValue(for: span(trace: trace, sampled: true, debug: true, parent: parent))
                == "\(Self.trace128)-\(Self.spanHex)-d-\(Self.parent)"
        )
        // A 64-bit trace id goes back out with 16 digits.
        let short = TraceID(high: 0, low: 0x463a_c35c_9f64_13ad)
        let value = B3.singleHeaderValue(for: span(trace: short, sampled: true, parent: parent))
        #expect(value == "\(Self.trace64)-\(Self.spanHex)-1-\(Self.parent)")
        #expect(value.utf8.count <= B3.maxSingleHeaderLength)
        let longest = B3.singleHeaderValue(for: span(trace: trace, sampled: true, parent: parent))
        #expect(longest.utf8.count == B3.maxSingleHeaderLength)
    }

    @Test func multipleHeaderFormatting() throws {
        let trace = try #require(TraceID(hex: Self.trace128))
        var headers: [String: String] = [:]
        B3.writeMultiHeaders(span(trace: trace, sampled: true, parent: SpanID(0x05e3_ac9a_4f6e_3b90))) {
            headers[$0] = $1
        }
        #expect(
            headers == [
                "x-b3-traceid": Self.trace128, "x-b3-spanid": Self.spanHex, "x-b3-parentspanid": Self.parent,
                "x-b3-sampled": "1",
            ]
        )
        headers = [:]
        B3.writeMultiHeaders(span(trace: TraceID(high: 0, low: 0x463a_c35c_9f64_13ad), sampled: false)) {
            headers[$0] = $1
        }
        #expect(headers == ["x-b3-traceid": Self.trace64, "x-b3-spanid": Self.spanHex, "x-b3-sampled": "0"])
        // Debug is sent as flags alone.
        headers = [:]
        B3.writeMultiHeaders(span(trace: trace, sampled: true, debug: true)) { headers[$0] = $1 }
        #expect(headers == ["x-b3-traceid": Self.trace128, "x-b3-spanid": Self.spanHex, "x-b3-flags": "1"])
    }

    @Test func roundTrips() throws {
        var ids = IDGenerator(seed: 3)
        for index in 0..<200 {
            let trace = index % 2 == 0 ? ids.nextTraceID() : TraceID(high: 0, low: ids.nextSpanID().rawValue)
            let original = SpanContext(
                traceID: trace,
                spanID: ids.nextSpanID(),
                parentSpanID: index % 3 == 0 ? .invalid : ids.nextSpanID(),
                flags: index % 5 == 0 ? [] : .sampled,
                isDebug: index % 7 == 0 && index % 5 != 0
            )
            let single = try #require(B3.parseSingle(B3.singleHeaderValue(for: original)))
            #expect(single.traceID == original.traceID && single.spanID == original.spanID)
            #expect(single.sampled == original.isSampled && single.isDebug == original.isDebug)

            var headers: [String: String] = [:]
            B3.writeMultiHeaders(original) { headers[$0] = $1 }
            let multi = try #require(
                B3.parseMulti(
                    traceID: headers[B3.traceIDHeaderName],
                    spanID: headers[B3.spanIDHeaderName],
                    parentSpanID: headers[B3.parentSpanIDHeaderName],
                    sampled: headers[B3.sampledHeaderName],
                    flags: headers[B3.flagsHeaderName]
                )
            )
            #expect(multi.traceID == original.traceID && multi.spanID == original.spanID)
            #expect(multi.sampled == original.isSampled && multi.isDebug == original.isDebug)
        }
    }
}
