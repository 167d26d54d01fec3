import Atomics
import Foundation
import Testing

@testable import PeriscopeTelemetry

@Suite struct ExemplarTests {
    /// The bucket lines of `format`'s rendering.
    private static func bucketLines(_ registry: MetricsRegistry, _ format: ExpositionFormat) -> [String] {
        registry.renderString(format).split(separator: "\n").map(String.init).filter { $0.contains("_bucket{") }
    }

    private static func histogram(
        _ registry: MetricsRegistry,
        exemplars: Bool = true
    ) -> HistogramFamily {
        registry.histogram(
            name: "periscope_test_duration_seconds",
            help: "Durations.",
            labelNames: ["route"],
            buckets: [0.1, 1],
            unit: "seconds",
            exemplars: exemplars
        )
    }

    @Test func openMetricsBucketLinesCarryTheExemplar() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let handle = Self.histogram(registry).bind(["api"])
        let shard = registry.shard(forEventLoop: 0)
        handle.observe(
            0.5,
            shard: shard,
            exemplar: Exemplar(
                traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736),
                spanID: SpanID(0x00f0_67aa_0ba9_02b7),
                timeUnixNano: 1_520_879_607_789_123_456
            )
        )
        handle.observe(0.05, shard: shard)  // no exemplar: the bucket shows none
        handle.observe(
            7,
            shard: shard,
            exemplar: Exemplar(traceIDHigh: 1, traceIDLow: 2, spanID: 3, timeUnixNano: 1_700_000_000_005_000_000)
        )
        #expect(
            Self.bucketLines(registry, .openMetrics) == [
                #"periscope_test_duration_seconds_bucket{route="api",le="0.1"} 1"#,
                #"periscope_test_duration_seconds_bucket{route="api",le="1.0"} 2 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 0.5 1520879607.789"#,
                #"periscope_test_duration_seconds_bucket{route="api",le="+Inf"} 3 # {trace_id="00000000000000010000000000000002",span_id="0000000000000003"} 7.0 1700000000.005"#,
            ]
        )
    }

    @Test func aZeroTimestampIsLeftOut() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let handle = Self.histogram(registry).bind(["api"])
        handle.observe(
            1,
            shard: registry.shard(forEventLoop: 0),
            exemplar: Exemplar(traceIDHigh: 0xab, traceIDLow: 0xcd, spanID: 0xef, timeUnixNano: 0)
        )
        #expect(
            Self.bucketLines(registry, .openMetrics)[1]
                == #"periscope_test_duration_seconds_bucket{route="api",le="1.0"} 1 # {trace_id="00000000000000ab00000000000000cd",span_id="00000000000000ef"} 1.0"#
        )
    }

    @Test func theNewestExemplarWinsWithinAndAcrossShards() {
        let registry = MetricsRegistry(eventLoopCount: 3)
        let handle = Self.histogram(registry).bind(["api"])
        func exemplar(_ id: UInt64, at time: UInt64) -> Exemplar {
            Exemplar(traceIDHigh: 0, traceIDLow: id, spanID: id, timeUnixNano: time)
        }
        handle.observe(0.2, shard: registry.shard(forEventLoop: 0), exemplar: exemplar(1, at: 1_000_000_000))
        handle.observe(0.3, shard: registry.shard(forEventLoop: 0), exemplar: exemplar(2, at: 2_000_000_000))
        handle.observe(0.4, shard: registry.shard(forEventLoop: 1), exemplar: exemplar(3, at: 4_000_000_000))
        handle.observe(0.6, shard: registry.shard(forEventLoop: 2), exemplar: exemplar(4, at: 3_000_000_000))
        let series = registry.snapshot().first { $0.name == "periscope_test_duration_seconds" }!.series[0]
        #expect(series.cumulativeBuckets == [0, 4, 4])
        #expect(series.exemplars.count == 3)
        #expect(series.exemplars[0] == nil)
        #expect(series.exemplars[1] == MetricExemplarSnapshot(exemplar: exemplar(3, at: 4_000_000_000), value: 0.4))
        #expect(series.exemplars[2] == nil)
        // Within one shard, the later write replaces the earlier one.
        handle.observe(0.7, shard: registry.shard(forEventLoop: 2), exemplar: exemplar(5, at: 5_000_000_000))
        let newer = registry.snapshot().first { $0.name == "periscope_test_duration_seconds" }!.series[0]
        #expect(
            newer.exemplar(bucket: 1) == MetricExemplarSnapshot(exemplar: exemplar(5, at: 5_000_000_000), value: 0.7))
        #expect(Self.bucketLines(registry, .openMetrics)[1].hasSuffix(#"} 0.7 5.000"#))
    }

    @Test func textFormatHasNoExemplars() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let handle = Self.histogram(registry).bind(["api"])
        handle.observe(
            0.5,
            shard: registry.shard(forEventLoop: 0),
            exemplar: Exemplar(traceIDHigh: 1, traceIDLow: 2, spanID: 3, timeUnixNano: 4)
        )
        #expect(
            Self.bucketLines(registry, .prometheusText) == [
                #"periscope_test_duration_seconds_bucket{route="api",le="0.1"} 0"#,
                #"periscope_test_duration_seconds_bucket{route="api",le="1"} 1"#,
                #"periscope_test_duration_seconds_bucket{route="api",le="+Inf"} 1"#,
            ]
        )
        #expect(!registry.renderString(.prometheusText).contains("trace_id"))
    }

    @Test func familiesWithoutExemplarsIgnoreThemAndAddNoSlots() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = Self.histogram(registry, exemplars: false)
        let handle = family.bind(["api"])
        handle.observe(
            0.5,
            shard: registry.shard(forEventLoop: 0),
            exemplar: Exemplar(traceIDHigh: 1, traceIDLow: 2, spanID: 3, timeUnixNano: 4)
        )
        #expect(!registry.renderString(.openMetrics).contains("trace_id"))
        let series = registry.snapshot().first { $0.name == "periscope_test_duration_seconds" }!.series[0]
        #expect(series.exemplars.isEmpty)
        #expect(series.cumulativeBuckets == [0, 1, 1])
        #expect(HistogramHandle.cellsPerSeries(boundCount: 2, exemplars: false) == 4)
        #expect(HistogramHandle.cellsPerSeries(boundCount: 2, exemplars: true) == 4 + 3 * ExemplarSlot.cellCount)
    }

    @Test func plainObservationsKeepTheirCountsNextToExemplars() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let handle = Self.histogram(registry).bind(["api"])
        for loop in 0..<2 {
            let shard = registry.shard(forEventLoop: loop)
            for index in 0..<10 {
                let exemplar = Exemplar(traceIDHigh: 1, traceIDLow: 1, spanID: 1, timeUnixNano: UInt64(index + 1))
                handle.observe(Double(index) * 0.25, shard: shard, exemplar: exemplar)
                handle.observe(0.05, shard: shard)
            }
        }
        handle.observe(0.05)
        let samples = ExpositionSamples.parse(registry.render(format: .openMetrics))
        let check = ExpositionSamples.checkHistograms(samples, name: "periscope_test_duration_seconds")
        #expect(check.problems.isEmpty)
        #expect(check.counts["route=api"] == 41)
    }

    /// One writer thread records exemplars whose ids all encode the value and timestamp; the test thread keeps
    /// reading the slot meanwhile. Every exemplar it sees must be one the writer wrote whole. The writer goes on
    /// until the reader has seen many exemplars (so the two really overlapped), within a cap.
    @Test func aConcurrentReaderNeverSeesATornExemplar() {
        let registry = MetricsRegistry(eventLoopCount: 1)
        let family = Self.histogram(registry)
        let handle = family.bind(["api"])
        let shard = registry.shard(forEventLoop: 0)
        let readerStarted = ManagedAtomic(false)
        let done = ManagedAtomic(false)
        let written = ManagedAtomic(0)
        let seen = ManagedAtomic(0)
        let minimumWrites = 200_000
        let maximumWrites = 200_000_000
        let wantedReads = 2_000

        Thread.detachNewThread {
            while !readerStarted.load(ordering: .acquiring) {}
            var index = 0
            while true {
                index += 1
                let stamp = UInt64(index)
                // Every value falls in the same bucket (0.1, 1], so every write hits the same slot.
                let value = 0.5 + Double(index) * 1e-12
                let bits = value.bitPattern
                let exemplar = Exemplar(traceIDHigh: bits, traceIDLow: ~bits, spanID: bits ^ stamp, timeUnixNano: stamp)
                handle.observe(value, shard: shard, exemplar: exemplar)
                if index & 1023 == 0 && index >= minimumWrites
                    && (seen.load(ordering: .relaxed) >= wantedReads || index >= maximumWrites)
                {
                    break
                }
            }
            written.store(index, ordering: .relaxed)
            done.store(true, ordering: .releasing)
        }

        var torn = 0
        readerStarted.store(true, ordering: .releasing)
        while !done.load(ordering: .acquiring) {
            guard let sample = family.snapshot().series[0].exemplar(bucket: 1) else { continue }
            seen.wrappingIncrement(ordering: .relaxed)
            let exemplar = sample.exemplar
            let bits = sample.value.bitPattern
            let stamp = exemplar.timeUnixNano
            let expectedValue = 0.5 + Double(stamp) * 1e-12
            if exemplar.traceIDHigh != bits || exemplar.traceIDLow != ~bits || exemplar.spanID != bits ^ stamp
                || bits != expectedValue.bitPattern
            {
                torn += 1
            }
        }
        #expect(torn == 0)
        #expect(seen.load(ordering: .relaxed) >= wantedReads)
        let last = family.snapshot().series[0]
        let writes = written.load(ordering: .relaxed)
        #expect(last.count == UInt64(writes))
        #expect(last.exemplar(bucket: 1)?.exemplar.timeUnixNano == UInt64(writes))
    }

    @Test func theSnapshotCarriesExemplarsPerBucket() {
        let registry = MetricsRegistry(eventLoopCount: 2)
        let family = Self.histogram(registry)
        let api = family.bind(["api"])
        _ = family.bind(["idle"])
        let traceID = TraceID(high: 0x0102_0304_0506_0708, low: 0x090a_0b0c_0d0e_0f10)
        let spanID = SpanID(0x1112_1314_1516_1718)
        let exemplar = Exemplar(traceID: traceID, spanID: spanID, timeUnixNano: 42)
        api.observe(0.01, shard: registry.shard(forEventLoop: 1), exemplar: exemplar)
        let snapshot = registry.snapshot().first { $0.name == "periscope_test_duration_seconds" }!
        #expect(snapshot.series.count == 2)
        #expect(snapshot.series[0].exemplars == [MetricExemplarSnapshot(exemplar: exemplar, value: 0.01), nil, nil])
        #expect(snapshot.series[0].exemplar(bucket: 0)?.exemplar.traceID == traceID)
        #expect(snapshot.series[0].exemplar(bucket: 0)?.exemplar.span == spanID)
        #expect(snapshot.series[0].exemplar(bucket: 7) == nil)
        #expect(snapshot.series[1].exemplars == [nil, nil, nil])
    }

    @Test func anExemplarFromASpanRecordUsesItsIdsAndEndTime() {
        var record = SpanRecord(
            kind: .server,
            traceID: TraceID(high: 7, low: 8),
            spanID: SpanID(9),
            parentSpanID: SpanID(0),
            traceFlags: 1,
            parentIsRemote: false,
            startTimeUnixNano: 100
        )
        record.endTimeUnixNano = 250
        #expect(
            Exemplar(span: record) == Exemplar(traceIDHigh: 7, traceIDLow: 8, spanID: 9, timeUnixNano: 250)
        )
    }

    @Test func theExemplarLabelSetFitsOpenMetricsLimit() {
        // trace_id + 32 hex digits + span_id + 16 hex digits; OpenMetrics allows 128 code points.
        #expect("trace_id".count + 32 + "span_id".count + 16 <= 128)
        var line: [UInt8] = []
        HistogramFamily.appendExemplar(
            MetricExemplarSnapshot(
                exemplar: Exemplar(traceIDHigh: .max, traceIDLow: .max, spanID: .max, timeUnixNano: .max),
                value: -0.0
            ),
            to: &line
        )
        #expect(
            String(decoding: line, as: UTF8.self)
                == #" # {trace_id="ffffffffffffffffffffffffffffffff",span_id="ffffffffffffffff"} -0.0 18446744073.709"#
        )
    }
}
