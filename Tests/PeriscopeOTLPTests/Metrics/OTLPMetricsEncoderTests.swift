import PeriscopeOTLP
import PeriscopeTelemetry
import Testing

/// Encodes registry snapshots and unpacks the bytes again with libprotobuf-c (no Python needed).
@Suite struct OTLPMetricsEncoderTests {
    private func encodeSample(
        naming: OTLPMetricNaming = .droppingTypeSuffix
    ) throws -> (OTLPEncodedMetrics, UnpackedMetricsRequest) {
        let sample = SampleRegistry()
        let encoded = try SampleRegistry.encoder(naming: naming).encode(
            sample.registry.snapshot(),
            collectionTimeUnixNano: SampleRegistry.collectionTime,
            startTimeUnixNano: SampleRegistry.startTime
        )
        return (encoded, try UnpackedMetricsRequest(encoded.bytes))
    }

    @Test func requestHasOneResourceAndOneScope() throws {
        let (encoded, request) = try self.encodeSample()
        #expect(request.resourceMetricsCount == 1)
        #expect(request.scopeMetricsCount == 1)
        #expect(request.scopeName == "periscope")
        #expect(request.scopeVersion == "1.2.3")
        #expect(
            request.resourceAttributes.map(\.key) == [
                "service.name", "service.version", "service.instance.id", "process.pid",
            ])
        #expect(request.resourceAttribute("service.name") == .string("periscope-test"))
        #expect(request.resourceAttribute("process.pid") == .int(4242))
        // Five families with series plus the registry's overflow counter; the unbound family is left out.
        #expect(
            request.metrics.map(\.name) == [
                "periscope_test_requests",
                "periscope_test_busy_seconds",
                "periscope_test_memory_bytes",
                "periscope_test_in_flight",
                "periscope_test_request_duration_seconds",
                "periscope_metric_series_overflow",
            ]
        )
        #expect(encoded.metricCount == 6)
        // 3 + 1 + 1 + 1 + 2 points, plus 4 overflow series (one per labelled family).
        #expect(encoded.dataPointCount == 12)
        #expect(encoded.droppedSeriesCount == 0)
    }

    @Test func countersBecomeMonotonicCumulativeSums() throws {
        let (_, request) = try self.encodeSample()
        let requests = try #require(request.metric("periscope_test_requests"))
        #expect(requests.kind == .sum(temporality: .cumulative, isMonotonic: true))
        #expect(requests.description == "Requests by route and status code.")
        #expect(requests.unit == "")
        #expect(requests.numberPoints.count == 3)
        let api200 = try #require(requests.point(["route": "/api", "code": "200"]))
        #expect(api200.asDouble == 3)
        #expect(api200.asInt == nil)
        #expect(api200.attributes.map(\.key) == ["route", "code"])
        #expect(api200.startTimeUnixNano == SampleRegistry.startTime)
        #expect(api200.timeUnixNano == SampleRegistry.collectionTime)
        #expect(api200.flags == 0)
        #expect(requests.point(["route": "/api", "code": "500"])?.asDouble == 1)
        #expect(requests.point(["route": "/health", "code": "200"])?.asDouble == 7)

        let busy = try #require(request.metric("periscope_test_busy_seconds"))
        #expect(busy.kind == .sum(temporality: .cumulative, isMonotonic: true))
        #expect(busy.unit == "s")
        #expect(busy.numberPoints.count == 1)
        #expect(busy.numberPoints.first?.asDouble == 1.25)
        #expect(busy.numberPoints.first?.attributes.isEmpty == true)
    }

    @Test func gaugesBecomeGaugesWithoutStartTime() throws {
        let (_, request) = try self.encodeSample()
        let memory = try #require(request.metric("periscope_test_memory_bytes"))
        #expect(memory.kind == .gauge)
        #expect(memory.unit == "By")
        #expect(memory.numberPoints.first?.asDouble == 1_048_576)
        #expect(memory.numberPoints.first?.startTimeUnixNano == 0)
        #expect(memory.numberPoints.first?.timeUnixNano == SampleRegistry.collectionTime)
        let inFlight = try #require(request.metric("periscope_test_in_flight"))
        #expect(inFlight.kind == .gauge)
        #expect(inFlight.point(["route": "/api"])?.asDouble == 2)
    }

    @Test func histogramsHavePerBucketCountsBoundsCountAndSum() throws {
        let (_, request) = try self.encodeSample()
        let duration = try #require(request.metric("periscope_test_request_duration_seconds"))
        #expect(duration.kind == .histogram(temporality: .cumulative))
        #expect(duration.unit == "s")
        #expect(duration.description == "Request duration.")
        let api = try #require(duration.histogramPoint(["route": "/api"]))
        // 0.05 | 0.2, 0.3 | — | 2.0: per bucket, not cumulative.
        #expect(api.bucketCounts == [1, 2, 0, 1])
        #expect(api.explicitBounds == SampleRegistry.durationBounds)
        #expect(api.count == 4)
        #expect(abs((api.sum ?? 0) - 2.55) < 1e-9)
        #expect(api.min == nil)
        #expect(api.max == nil)
        #expect(api.exemplars.isEmpty)
        #expect(api.startTimeUnixNano == SampleRegistry.startTime)
        #expect(api.timeUnixNano == SampleRegistry.collectionTime)
        let health = try #require(duration.histogramPoint(["route": "/health"]))
        #expect(health.bucketCounts == [1, 0, 0, 0])
        #expect(health.count == 1)
        #expect(health.sum == 0.01)
    }

    @Test func theOverflowCounterIsExportedLikeAnyCounter() throws {
        let (_, request) = try self.encodeSample()
        let overflow = try #require(request.metric("periscope_metric_series_overflow"))
        #expect(overflow.kind == .sum(temporality: .cumulative, isMonotonic: true))
        #expect(overflow.point(["metric": "periscope_test_unused_total"])?.asDouble == 0)
        #expect(overflow.numberPoints.count == 4)
    }

    @Test func namingOptionsChangeOnlyTheNames() throws {
        let (_, unaltered) = try self.encodeSample(naming: .unaltered)
        #expect(
            unaltered.metrics.map(\.name) == [
                "periscope_test_requests_total",
                "periscope_test_busy_seconds_total",
                "periscope_test_memory_bytes",
                "periscope_test_in_flight",
                "periscope_test_request_duration_seconds",
                "periscope_metric_series_overflow_total",
            ]
        )
        let (_, stripped) = try self.encodeSample(naming: .droppingTypeAndUnitSuffixes)
        #expect(
            stripped.metrics.map(\.name) == [
                "periscope_test_requests",
                "periscope_test_busy",
                "periscope_test_memory",
                "periscope_test_in_flight",
                "periscope_test_request_duration",
                "periscope_metric_series_overflow",
            ]
        )
        #expect(stripped.metrics.map(\.unit) == ["", "s", "By", "", "s", ""])
    }

    @Test func anEmptySnapshotEncodesToNoBytes() throws {
        let encoder = SampleRegistry.encoder()
        let empty = try encoder.encode([], collectionTimeUnixNano: 2, startTimeUnixNano: 1)
        #expect(empty.isEmpty)
        #expect(empty.bytes.isEmpty)
        #expect(empty.metricCount == 0)

        let registry = MetricsRegistry(eventLoopCount: 1)
        _ = registry.counter(name: "unbound_total", help: "U.")
        let unbound = try encoder.encode(registry.snapshot(), collectionTimeUnixNano: 2, startTimeUnixNano: 1)
        #expect(unbound.isEmpty)
        #expect(unbound.bytes.isEmpty)
    }

    @Test func encodingIsDeterministicAcrossBatches() throws {
        let sample = SampleRegistry()
        let encoder = SampleRegistry.encoder()
        let snapshot = sample.registry.snapshot()
        let first = try encoder.encode(snapshot, collectionTimeUnixNano: 2, startTimeUnixNano: 1)
        let second = try encoder.encode(snapshot, collectionTimeUnixNano: 2, startTimeUnixNano: 1)
        #expect(first.bytes == second.bytes)
        #expect(!first.bytes.isEmpty)
    }

    @Test func histogramWithoutFiniteBoundsHasOnlyTheInfBucket() throws {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let histogram = registry.histogram(name: "sizes", help: "S.", buckets: []).bind()
        histogram.observe(5)
        histogram.observe(7)
        let encoded = try SampleRegistry.encoder().encode(
            registry.snapshot(),
            collectionTimeUnixNano: 2,
            startTimeUnixNano: 1
        )
        let point = try #require(UnpackedMetricsRequest(encoded.bytes).metric("sizes")?.histogramPoints.first)
        #expect(point.bucketCounts == [2])
        #expect(point.explicitBounds.isEmpty)
        #expect(point.count == 2)
        #expect(point.sum == 12)
    }

    @Test func histogramSumIsLeftOutWhenObservationsCanBeNegative() throws {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let skew = registry.histogram(name: "clock_skew_seconds", help: "S.", buckets: [-1, 0, 1]).bind()
        skew.observe(-0.5)
        let latency = registry.histogram(name: "latency_seconds", help: "L.", buckets: [1]).bind()
        latency.observe(-3)  // a negative observation in a histogram meant for non-negative ones
        let positive = registry.histogram(name: "ok_seconds", help: "O.", buckets: [1]).bind()
        positive.observe(0)
        let request = try UnpackedMetricsRequest(
            SampleRegistry.encoder().encode(registry.snapshot(), collectionTimeUnixNano: 2, startTimeUnixNano: 1).bytes
        )
        #expect(request.metric("clock_skew_seconds")?.histogramPoints.first?.sum == nil)
        #expect(request.metric("clock_skew_seconds")?.histogramPoints.first?.count == 1)
        #expect(request.metric("latency_seconds")?.histogramPoints.first?.sum == nil)
        // A zero sum is still sent: `sum` has explicit presence.
        #expect(request.metric("ok_seconds")?.histogramPoints.first?.sum == 0)
    }

    @Test func exemplarsComeFromTheHookPerBucket() throws {
        let sample = SampleRegistry()
        let snapshot = sample.registry.snapshot()
        let traceID: [UInt8] = Array(1...16)
        let spanID: [UInt8] = Array(21...28)
        var asked: [String] = []
        let encoded = try SampleRegistry.encoder().encode(
            snapshot,
            collectionTimeUnixNano: SampleRegistry.collectionTime,
            startTimeUnixNano: SampleRegistry.startTime
        ) { family, seriesIndex, bucketIndex in
            asked.append("\(family.name)[\(seriesIndex)][\(bucketIndex)]")
            guard family.name == "periscope_test_request_duration_seconds", seriesIndex == 0 else { return nil }
            switch bucketIndex {
            case 1:
                return OTLPExemplar(
                    traceID: traceID, spanID: spanID, value: 0.2, timeUnixNano: 1_700_000_030_000_000_000)
            case 3:
                return OTLPExemplar(traceID: [1, 2, 3], spanID: [], value: 2, timeUnixNano: 1_700_000_040_000_000_000)
            default: return nil
            }
        }
        // Asked once per bucket (3 bounds + Inf) of each of the two histogram series, and never for counters or gauges.
        #expect(asked.count == 8)
        #expect(asked.allSatisfy { $0.hasPrefix("periscope_test_request_duration_seconds[") })

        let duration = try #require(
            UnpackedMetricsRequest(encoded.bytes).metric("periscope_test_request_duration_seconds"))
        let api = try #require(duration.histogramPoint(["route": "/api"]))
        #expect(
            api.exemplars == [
                .init(timeUnixNano: 1_700_000_030_000_000_000, value: 0.2, traceID: traceID, spanID: spanID),
                // A trace id of the wrong length is not sent; the exemplar still is.
                .init(timeUnixNano: 1_700_000_040_000_000_000, value: 2, traceID: [], spanID: []),
            ]
        )
        #expect(duration.histogramPoint(["route": "/health"])?.exemplars.isEmpty == true)
    }

    @Test func malformedSeriesAreDroppedAndCounted() throws {
        let families = [
            MetricFamilySnapshot(
                kind: .counter,
                name: "manual_total",
                labelNames: ["a"],
                series: [
                    MetricSeriesSnapshot(labelValues: ["x"], value: 1),
                    MetricSeriesSnapshot(labelValues: [], value: 2),  // wrong label count
                ]
            ),
            MetricFamilySnapshot(
                kind: .histogram,
                name: "manual_seconds",
                labelNames: [],
                buckets: [1, 2],
                series: [
                    MetricSeriesSnapshot(labelValues: [], value: 1, cumulativeBuckets: [1, 2]),  // one bucket short
                    MetricSeriesSnapshot(labelValues: [], value: 1, cumulativeBuckets: [2, 1, 3]),  // not cumulative
                ]
            ),
        ]
        let encoded = try SampleRegistry.encoder().encode(families, collectionTimeUnixNano: 2, startTimeUnixNano: 1)
        #expect(encoded.droppedSeriesCount == 3)
        #expect(encoded.dataPointCount == 1)
        #expect(encoded.metricCount == 1)
        let request = try UnpackedMetricsRequest(encoded.bytes)
        #expect(request.metrics.map(\.name) == ["manual"])
        #expect(request.metric("manual")?.point(["a": "x"])?.asDouble == 1)
    }

    @Test func specialValuesAndTextSurvive() throws {
        let families = [
            MetricFamilySnapshot(
                kind: .gauge,
                name: "odd",
                help: "Quotes \" and ünïcödé\nnewline.",
                labelNames: ["path", "empty"],
                series: [
                    MetricSeriesSnapshot(labelValues: ["/ä?q=\"1\"", ""], value: -.infinity),
                    MetricSeriesSnapshot(labelValues: ["/nan", ""], value: .nan),
                    MetricSeriesSnapshot(labelValues: ["/zero", ""], value: 0),
                ]
            )
        ]
        let request = try UnpackedMetricsRequest(
            SampleRegistry.encoder().encode(families, collectionTimeUnixNano: 2, startTimeUnixNano: 1).bytes
        )
        let odd = try #require(request.metric("odd"))
        #expect(odd.description == "Quotes \" and ünïcödé\nnewline.")
        #expect(odd.point(["path": "/ä?q=\"1\"", "empty": ""])?.asDouble == -.infinity)
        #expect(odd.point(["path": "/nan", "empty": ""])?.asDouble?.isNaN == true)
        // as_double 0 is a oneof member: present, not "no value".
        #expect(odd.point(["path": "/zero", "empty": ""])?.asDouble == 0)
    }
}
