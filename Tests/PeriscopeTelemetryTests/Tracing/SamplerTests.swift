import Testing

@testable import PeriscopeTelemetry

@Suite struct SamplerTests {
    private func parent(sampled: Bool?, debug: Bool = false, valid: Bool = true) -> IncomingTraceContext {
        IncomingTraceContext(
            traceID: valid ? TraceID(high: 1, low: 2) : .invalid,
            spanID: valid ? SpanID(3) : .invalid,
            sampled: sampled,
            isDebug: debug,
            format: .b3Single
        )
    }

    // MARK: TraceIdRatioBased

    @Test func ratioBoundaries() {
        let lowest = TraceID(high: .max, low: 0)  // low half 0: sampled by every ratio above 0
        let highest = TraceID(high: 0, low: .max)  // low half 2^64-1: only ratio 1 samples it
        for ratio in [0.0, -1, -0.0, .nan, -.infinity] {
            #expect(!Sampler.traceIDRatioSamples(lowest, ratio: ratio), "ratio \(ratio)")
        }
        for ratio in [1.0, 1.5, .infinity] {
            #expect(Sampler.traceIDRatioSamples(highest, ratio: ratio), "ratio \(ratio)")
        }
        #expect(Sampler.traceIDRatioSamples(lowest, ratio: .leastNonzeroMagnitude) == false)  // bound rounds to 0
        #expect(Sampler.traceIDRatioSamples(lowest, ratio: 1e-18))
        #expect(!Sampler.traceIDRatioSamples(highest, ratio: 0.999_999_999))
        // Only the low 8 bytes count, shifted right by one: bound for 0.5 is 2^62.
        let justBelow = TraceID(high: .max, low: (1 << 63) - 1)  // >> 1 = 2^62 - 1
        let atBound = TraceID(high: 0, low: 1 << 63)  // >> 1 = 2^62
        #expect(Sampler.traceIDRatioSamples(justBelow, ratio: 0.5))
        #expect(!Sampler.traceIDRatioSamples(atBound, ratio: 0.5))
        #expect(Sampler.traceIDRatioSamples(TraceID(high: 0, low: 1), ratio: 0.5))  // the shifted-out bit is ignored
    }

    @Test(arguments: [0.5, 0.1, 0.01, 0.9])
    func ratioSamplesAboutThatShareOfRandomIDs(_ ratio: Double) {
        var ids = IDGenerator(seed: 2024)
        let count = 100_000
        var sampled = 0
        for _ in 0..<count where Sampler.traceIDRatioSamples(ids.nextTraceID(), ratio: ratio) { sampled += 1 }
        let expected = Double(count) * ratio
        let tolerance = 6 * (Double(count) * ratio * (1 - ratio)).squareRoot()  // six standard deviations
        #expect(abs(Double(sampled) - expected) < tolerance, "ratio \(ratio): \(sampled) of \(count)")
    }

    @Test func ratioDecisionsAreMonotonicAndDeterministic() {
        var ids = IDGenerator(seed: 5)
        for _ in 0..<2000 {
            let id = ids.nextTraceID()
            var previous = false
            for ratio in stride(from: 0.0, through: 1.0, by: 0.05) {
                let decision = Sampler.traceIDRatioSamples(id, ratio: ratio)
                #expect(!previous || decision, "sampled at a lower ratio, not at \(ratio)")
                #expect(decision == Sampler.traceIDRatioSamples(id, ratio: ratio))
                previous = decision
            }
        }
    }

    // MARK: Parent-based and the trust setting

    @Test func rootSpansUseTheRootSampler() {
        let id = TraceID(high: 0, low: .max)
        #expect(Sampler(root: .alwaysOn).shouldSample(traceID: id, incoming: nil))
        #expect(!Sampler(root: .alwaysOff).shouldSample(traceID: id, incoming: nil))
        #expect(!Sampler(root: .traceIDRatio(0.5)).shouldSample(traceID: id, incoming: nil))
        #expect(Sampler(root: .traceIDRatio(0.5)).shouldSample(traceID: TraceID(high: 0, low: 1), incoming: nil))
    }

    @Test func parentBasedFollowsTheCallersDecision() {
        let id = TraceID(high: 1, low: 2)
        let alwaysOff = Sampler(root: .alwaysOff)
        let alwaysOn = Sampler(root: .alwaysOn)
        #expect(alwaysOff.shouldSample(traceID: id, incoming: parent(sampled: true)))
        #expect(!alwaysOn.shouldSample(traceID: id, incoming: parent(sampled: false)))
        #expect(alwaysOff.shouldSample(traceID: id, incoming: parent(sampled: false, debug: true)))
        // B3 deferred: the root sampler decides.
        #expect(alwaysOn.shouldSample(traceID: id, incoming: parent(sampled: nil)))
        #expect(!alwaysOff.shouldSample(traceID: id, incoming: parent(sampled: nil)))
        // A decision without ids (`b3: 0`) is still a decision.
        #expect(!alwaysOn.shouldSample(traceID: id, incoming: parent(sampled: false, valid: false)))
        #expect(alwaysOff.shouldSample(traceID: id, incoming: parent(sampled: true, valid: false)))
    }

    @Test func notParentBasedIgnoresTheCaller() {
        let id = TraceID(high: 1, low: 2)
        #expect(
            !Sampler(root: .alwaysOff, isParentBased: false).shouldSample(traceID: id, incoming: parent(sampled: true)))
        #expect(
            Sampler(root: .alwaysOn, isParentBased: false).shouldSample(traceID: id, incoming: parent(sampled: false)))
    }

    @Test func untrustedIncomingDecisionsAreIgnoredButTheTraceContinues() throws {
        var ids = IDGenerator(seed: 8)
        let edge = Sampler(root: .alwaysOff, trustIncomingSampled: false)
        let sampledParent = IncomingTraceContext(
            traceID: TraceID(high: 0xAA, low: 0xBB),
            spanID: SpanID(0xCC),
            sampled: true,
            isRandom: true,
            isDebug: true,
            traceState: TraceState("vendor=x"),
            format: .w3c
        )
        let span = SpanContext(incoming: sampledParent, sampler: edge, ids: &ids)
        #expect(!span.isSampled && !span.isDebug)
        #expect(span.traceID == sampledParent.traceID && span.parentSpanID == sampledParent.spanID)
        #expect(span.flags == .random && span.traceState?.headerValue == "vendor=x")

        // A ratio at the edge decides from the continued trace id, as any TraceIdRatioBased sampler would.
        let ratio = Sampler(root: .traceIDRatio(0.5), trustIncomingSampled: false)
        for low: UInt64 in [1, .max] {
            var denied = sampledParent
            denied.sampled = false
            denied.traceID = TraceID(high: 9, low: low)
            let decision = SpanContext(incoming: denied, sampler: ratio, ids: &ids).isSampled
            #expect(decision == Sampler.traceIDRatioSamples(denied.traceID, ratio: 0.5))
        }
        // `b3: 0` is ignored too.
        let deny = parent(sampled: false, valid: false)
        #expect(
            Sampler(root: .alwaysOn, trustIncomingSampled: false).shouldSample(
                traceID: TraceID(high: 1, low: 1), incoming: deny))
    }

    @Test func startingASpanFromASamplingDecisionWithoutIDs() {
        var ids = IDGenerator(seed: 4)
        let span = SpanContext(incoming: parent(sampled: false, valid: false), sampler: Sampler(), ids: &ids)
        #expect(span.isRoot && span.traceID.isValid && !span.isSampled && span.flags == .random)
        let debug = SpanContext(
            incoming: parent(sampled: true, debug: true, valid: false), sampler: Sampler(), ids: &ids)
        #expect(debug.isSampled && debug.isDebug)
    }

    @Test func otlpSpanFlags() {
        var ids = IDGenerator(seed: 6)
        let root = SpanContext(incoming: nil, sampler: Sampler(), ids: &ids)
        #expect(root.otlpFlags == 0x100 | 0x03)
        let child = SpanContext(incoming: parent(sampled: false), sampler: Sampler(), ids: &ids)
        #expect(child.otlpFlags == 0x300)
    }

    // MARK: Tail keep rule

    @Test func keepRule() {
        func keep(_ head: Bool, _ error: Bool, _ duration: UInt64, _ errors: Bool, _ slower: UInt64?) -> Bool {
            Sampler.shouldExport(
                headSampled: head,
                isError: error,
                durationNanos: duration,
                keepErrors: errors,
                keepSlowerThanNanos: slower
            )
        }
        #expect(keep(true, false, 0, false, nil))
        #expect(!keep(false, false, 0, true, nil))
        #expect(!keep(false, true, 0, false, nil))
        #expect(keep(false, true, 0, true, nil))
        #expect(!keep(false, false, 1_000_000_000, false, nil))
        #expect(!keep(false, false, 500, false, 500))  // strictly slower
        #expect(keep(false, false, 501, false, 500))
        #expect(keep(false, false, .max, false, 0))
        #expect(!keep(false, false, 0, false, 0))
        #expect(keep(false, true, 10, true, 500))
    }

    // MARK: OTEL_TRACES_SAMPLER

    @Test(
        arguments: [
            (nil, nil, Sampler(root: .alwaysOn, isParentBased: true)),
            ("", "0.3", Sampler(root: .alwaysOn, isParentBased: true)),
            ("always_on", nil, Sampler(root: .alwaysOn, isParentBased: false)),
            ("always_off", "0.5", Sampler(root: .alwaysOff, isParentBased: false)),
            ("traceidratio", "0.25", Sampler(root: .traceIDRatio(0.25), isParentBased: false)),
            ("traceidratio", nil, Sampler(root: .traceIDRatio(1), isParentBased: false)),
            ("traceidratio", "  ", Sampler(root: .traceIDRatio(1), isParentBased: false)),
            ("parentbased_always_on", nil, Sampler(root: .alwaysOn, isParentBased: true)),
            ("parentbased_always_off", nil, Sampler(root: .alwaysOff, isParentBased: true)),
            ("parentbased_traceidratio", "0", Sampler(root: .traceIDRatio(0), isParentBased: true)),
            ("parentbased_traceidratio", "1", Sampler(root: .traceIDRatio(1), isParentBased: true)),
            ("parentbased_traceidratio", " 1e-3 ", Sampler(root: .traceIDRatio(0.001), isParentBased: true)),
            (" ParentBased_TraceIdRatio\n", "0.5", Sampler(root: .traceIDRatio(0.5), isParentBased: true)),
            ("ALWAYS_OFF", nil, Sampler(root: .alwaysOff, isParentBased: false)),
        ] as [(String?, String?, Sampler)])
    func environmentParsing(_ name: String?, _ argument: String?, _ expected: Sampler) {
        let (sampler, issues) = Sampler.fromEnvironment(sampler: name, argument: argument)
        #expect(sampler == expected)
        #expect(issues.isEmpty)
    }

    @Test(
        arguments: [
            ("traceidratio", "half", Sampler.EnvironmentIssue.invalidRatio("half")),
            ("parentbased_traceidratio", "1.5", .invalidRatio("1.5")),
            ("traceidratio", "-0.1", .invalidRatio("-0.1")),
            ("traceidratio", "nan", .invalidRatio("nan")),
            ("traceidratio", "inf", .invalidRatio("inf")),
        ] as [(String, String, Sampler.EnvironmentIssue)])
    func invalidRatiosFallBackToOne(_ name: String, _ argument: String, _ issue: Sampler.EnvironmentIssue) {
        let (sampler, issues) = Sampler.fromEnvironment(sampler: name, argument: argument)
        #expect(sampler.root == .traceIDRatio(1))
        #expect(issues == [issue])
        #expect(issues[0].description.contains("OTEL_TRACES_SAMPLER_ARG=\"\(argument)\""))
    }

    @Test func unknownAndUnsupportedSamplersFallBackToTheDefault() {
        let (unknown, unknownIssues) = Sampler.fromEnvironment(sampler: "sometimes", argument: "0.5")
        #expect(unknown == Sampler())
        #expect(unknownIssues == [.unknownSampler("sometimes")])
        #expect(
            unknownIssues[0].description
                == "OTEL_TRACES_SAMPLER=\"sometimes\" is not a known sampler; using parentbased_always_on")
        for name in ["jaeger_remote", "parentbased_jaeger_remote", "xray"] {
            let (sampler, issues) = Sampler.fromEnvironment(sampler: name, argument: nil)
            #expect(sampler == Sampler())
            #expect(issues == [.unsupportedSampler(name)])
        }
    }

    @Test func environmentDictionaryAndTrustSetting() {
        let environment = ["OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.1"]
        let (sampler, issues) = Sampler.fromEnvironment(environment, trustIncomingSampled: false)
        #expect(sampler == Sampler(root: .traceIDRatio(0.1), isParentBased: true, trustIncomingSampled: false))
        #expect(issues.isEmpty)
        #expect(Sampler.fromEnvironment([:]).sampler == Sampler())
    }
}
