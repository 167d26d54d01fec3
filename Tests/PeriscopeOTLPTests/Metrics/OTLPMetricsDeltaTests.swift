import PeriscopeOTLP
import PeriscopeTelemetry
import Testing

/// Delta temporality: differences between consecutive snapshots, started at the previous collection.
@Suite struct OTLPMetricsDeltaTests {
    private static let first: UInt64 = SampleRegistry.collectionTime
    private static let second: UInt64 = SampleRegistry.collectionTime + 60_000_000_000

    private func encode(
        _ encoder: OTLPMetricsEncoder,
        _ families: [MetricFamilySnapshot],
        at time: UInt64
    ) throws -> UnpackedMetricsRequest {
        try UnpackedMetricsRequest(
            encoder.encode(families, collectionTimeUnixNano: time, startTimeUnixNano: SampleRegistry.startTime).bytes
        )
    }

    @Test func twoSnapshotsOfARegistry() throws {
        let sample = SampleRegistry()
        let encoder = SampleRegistry.encoder(temporality: .delta)

        // First export: everything counted since the start time.
        let first = try self.encode(encoder, sample.registry.snapshot(), at: Self.first)
        let requests1 = try #require(first.metric("periscope_test_requests"))
        #expect(requests1.kind == .sum(temporality: .delta, isMonotonic: true))
        let api200First = try #require(requests1.point(["route": "/api", "code": "200"]))
        #expect(api200First.asDouble == 3)
        #expect(api200First.startTimeUnixNano == SampleRegistry.startTime)
        #expect(api200First.timeUnixNano == Self.first)
        let duration1 = try #require(first.metric("periscope_test_request_duration_seconds"))
        #expect(duration1.kind == .histogram(temporality: .delta))
        #expect(duration1.histogramPoint(["route": "/api"])?.bucketCounts == [1, 2, 0, 1])

        // Record more, including a new series, then export again.
        sample.requests.bind(["/api", "200"]).add(2)
        sample.requests.bind(["/api", "404"]).increment()
        sample.busy.add(0.5)
        sample.memory.set(2_000_000)
        sample.duration.bind(["/api"]).observe(0.4)
        sample.duration.bind(["/api"]).observe(0.7)
        let second = try self.encode(encoder, sample.registry.snapshot(), at: Self.second)

        let requests = try #require(second.metric("periscope_test_requests"))
        #expect(requests.kind == .sum(temporality: .delta, isMonotonic: true))
        let api200 = try #require(requests.point(["route": "/api", "code": "200"]))
        #expect(api200.asDouble == 2)
        #expect(api200.startTimeUnixNano == Self.first)
        #expect(api200.timeUnixNano == Self.second)
        // Unchanged series report a zero delta.
        #expect(requests.point(["route": "/api", "code": "500"])?.asDouble == 0)
        #expect(requests.point(["route": "/health", "code": "200"])?.asDouble == 0)
        // A series bound since the last export: all of its value, over the same interval.
        let api404 = try #require(requests.point(["route": "/api", "code": "404"]))
        #expect(api404.asDouble == 1)
        #expect(api404.startTimeUnixNano == Self.first)

        #expect(second.metric("periscope_test_busy_seconds")?.numberPoints.first?.asDouble == 0.5)

        // Gauges are not deltas: the current value, no start time.
        let memory = try #require(second.metric("periscope_test_memory_bytes"))
        #expect(memory.kind == .gauge)
        #expect(memory.numberPoints.first?.asDouble == 2_000_000)
        #expect(memory.numberPoints.first?.startTimeUnixNano == 0)

        let duration = try #require(second.metric("periscope_test_request_duration_seconds"))
        let api = try #require(duration.histogramPoint(["route": "/api"]))
        #expect(api.bucketCounts == [0, 1, 1, 0])
        #expect(api.count == 2)
        #expect(abs((api.sum ?? 0) - 1.1) < 1e-9)
        #expect(api.startTimeUnixNano == Self.first)
        let health = try #require(duration.histogramPoint(["route": "/health"]))
        #expect(health.bucketCounts == [0, 0, 0, 0])
        #expect(health.count == 0)
        #expect(health.sum == 0)
    }

    @Test func aValueThatWentDownIsAReset() throws {
        let encoder = SampleRegistry.encoder(temporality: .delta)
        func families(counter: Double, buckets: [UInt64], sum: Double) -> [MetricFamilySnapshot] {
            [
                MetricFamilySnapshot(
                    kind: .counter,
                    name: "c_total",
                    labelNames: [],
                    series: [MetricSeriesSnapshot(labelValues: [], value: counter)]
                ),
                MetricFamilySnapshot(
                    kind: .histogram,
                    name: "h",
                    labelNames: [],
                    buckets: [1],
                    series: [MetricSeriesSnapshot(labelValues: [], value: sum, cumulativeBuckets: buckets)]
                ),
            ]
        }
        _ = try self.encode(encoder, families(counter: 10, buckets: [4, 6], sum: 9), at: Self.first)
        // The process behind the snapshot restarted: lower totals.
        let reset = try self.encode(encoder, families(counter: 3, buckets: [1, 1], sum: 0.5), at: Self.second)
        let counter = try #require(reset.metric("c")?.numberPoints.first)
        #expect(counter.asDouble == 3)
        #expect(counter.startTimeUnixNano == Self.first)
        let histogram = try #require(reset.metric("h")?.histogramPoints.first)
        #expect(histogram.bucketCounts == [1, 0])
        #expect(histogram.count == 1)
        #expect(histogram.sum == 0.5)

        // One bucket going down is enough, even if the count grew.
        let third = try self.encode(encoder, families(counter: 4, buckets: [0, 5], sum: 7), at: Self.second + 1)
        #expect(third.metric("h")?.histogramPoints.first?.bucketCounts == [0, 5])
        #expect(third.metric("c")?.numberPoints.first?.asDouble == 1)
    }

    @Test func seriesAreMatchedByLabelsWhenTheirOrderChanges() throws {
        let encoder = SampleRegistry.encoder(temporality: .delta)
        func family(_ series: [(String, Double)]) -> [MetricFamilySnapshot] {
            [
                MetricFamilySnapshot(
                    kind: .counter,
                    name: "c_total",
                    labelNames: ["k"],
                    series: series.map { MetricSeriesSnapshot(labelValues: [$0.0], value: $0.1) }
                )
            ]
        }
        _ = try self.encode(encoder, family([("a", 1), ("b", 10), ("c", 100)]), at: Self.first)
        let second = try self.encode(encoder, family([("c", 101), ("a", 3), ("d", 5), ("b", 10)]), at: Self.second)
        let counter = try #require(second.metric("c"))
        #expect(counter.point(["k": "a"])?.asDouble == 2)
        #expect(counter.point(["k": "b"])?.asDouble == 0)
        #expect(counter.point(["k": "c"])?.asDouble == 1)
        #expect(counter.point(["k": "d"])?.asDouble == 5)
    }

    @Test func aFamilyFirstSeenLaterStartsAtThePreviousCollection() throws {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let early = registry.counter(name: "early_total", help: "E.").bind()
        early.increment()
        let encoder = SampleRegistry.encoder(temporality: .delta)
        _ = try self.encode(encoder, registry.snapshot(), at: Self.first)

        registry.counter(name: "late_total", help: "L.").bind().add(4)
        let second = try self.encode(encoder, registry.snapshot(), at: Self.second)
        let late = try #require(second.metric("late")?.numberPoints.first)
        #expect(late.asDouble == 4)
        #expect(late.startTimeUnixNano == Self.first)

        // After a reset of the delta state, deltas count from the start time again.
        encoder.resetDeltaState()
        let third = try self.encode(encoder, registry.snapshot(), at: Self.second + 1)
        let lateAgain = try #require(third.metric("late")?.numberPoints.first)
        #expect(lateAgain.asDouble == 4)
        #expect(lateAgain.startTimeUnixNano == SampleRegistry.startTime)
    }

    @Test func cumulativeEncodersKeepNoState() throws {
        let sample = SampleRegistry()
        let encoder = SampleRegistry.encoder()
        _ = try self.encode(encoder, sample.registry.snapshot(), at: Self.first)
        sample.requests.bind(["/api", "200"]).add(2)
        let second = try self.encode(encoder, sample.registry.snapshot(), at: Self.second)
        let point = try #require(second.metric("periscope_test_requests")?.point(["route": "/api", "code": "200"]))
        #expect(point.asDouble == 5)
        #expect(point.startTimeUnixNano == SampleRegistry.startTime)
    }

    @Test func temporalityPreferenceValues() {
        #expect(OTLPAggregationTemporality(preference: "Cumulative") == .cumulative)
        #expect(OTLPAggregationTemporality(preference: "DELTA") == .delta)
        #expect(OTLPAggregationTemporality(preference: "lowmemory") == .delta)
        #expect(OTLPAggregationTemporality(preference: "sometimes") == nil)
        #expect(OTLPAggregationTemporality(preference: "") == nil)
    }
}
