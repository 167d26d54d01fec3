import Foundation
import PeriscopeOTLP
import PeriscopeTelemetry
import Testing

/// Decodes the encoder's bytes with the official `opentelemetry-proto` Python package (see ``PythonOTLPDecoder``
/// for the venv these tests need).
@Suite struct OTLPMetricsPythonDecodeTests {
    private func decode(_ encoded: OTLPEncodedMetrics) throws -> PythonJSON {
        let decoded = try PythonOTLPDecoder.decodeMetricsRequest(encoded.bytes)
        // Every field is known to upstream's schema, and the bytes are exactly what protobuf itself would write.
        #expect(decoded.unknownFieldCount == 0)
        #expect(decoded.reencodesIdentically)
        return decoded.request
    }

    @Test func registrySnapshotDecodesWithTheOfficialSchema() throws {
        let sample = SampleRegistry()
        let request = try self.decode(
            SampleRegistry.encoder().encode(
                sample.registry.snapshot(),
                collectionTimeUnixNano: SampleRegistry.collectionTime,
                startTimeUnixNano: SampleRegistry.startTime
            )
        )
        let start = String(SampleRegistry.startTime)
        let time = String(SampleRegistry.collectionTime)

        #expect(request["resource_metrics"].array.count == 1)
        let resourceMetrics = request["resource_metrics"][0]
        let resource = resourceMetrics["resource"]["attributes"]
        #expect(
            resource.array.map { $0["key"].string ?? "" } == [
                "service.name", "service.version", "service.instance.id", "process.pid",
            ])
        #expect(resource[0]["value"]["string_value"].string == "periscope-test")
        #expect(resource[3]["value"]["int_value"].string == "4242")
        #expect(resourceMetrics["scope_metrics"].array.count == 1)
        let scopeMetrics = resourceMetrics["scope_metrics"][0]
        #expect(scopeMetrics["scope"]["name"].string == "periscope")
        #expect(scopeMetrics["scope"]["version"].string == "1.2.3")
        let metrics = scopeMetrics["metrics"]
        #expect(metrics.array.count == 6)

        // Counter with labels → monotonic cumulative Sum, `_total` dropped.
        let requests = try #require(metrics.metric(named: "periscope_test_requests"))
        #expect(requests["description"].string == "Requests by route and status code.")
        #expect(requests["unit"].isNull)
        #expect(requests["sum"]["aggregation_temporality"].string == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        #expect(requests["sum"]["is_monotonic"].bool == true)
        let points = requests["sum"]["data_points"]
        #expect(points.array.count == 3)
        let api200 = try #require(points.point(withAttributes: ["route": "/api", "code": "200"]))
        #expect(api200["as_double"].double == 3)
        #expect(api200["start_time_unix_nano"].string == start)
        #expect(api200["time_unix_nano"].string == time)
        #expect(api200["attributes"].array.map { $0["key"].string ?? "" } == ["route", "code"])
        #expect(points.point(withAttributes: ["route": "/api", "code": "500"])?["as_double"].double == 1)
        #expect(points.point(withAttributes: ["route": "/health", "code": "200"])?["as_double"].double == 7)

        // Counter with a unit.
        let busy = try #require(metrics.metric(named: "periscope_test_busy_seconds"))
        #expect(busy["unit"].string == "s")
        #expect(busy["sum"]["is_monotonic"].bool == true)
        #expect(busy["sum"]["data_points"][0]["as_double"].double == 1.25)
        #expect(busy["sum"]["data_points"][0]["attributes"].isNull)

        // Gauges.
        let memory = try #require(metrics.metric(named: "periscope_test_memory_bytes"))
        #expect(memory["unit"].string == "By")
        #expect(memory["sum"].isNull)
        #expect(memory["gauge"]["data_points"][0]["as_double"].double == 1_048_576)
        #expect(memory["gauge"]["data_points"][0]["time_unix_nano"].string == time)
        #expect(memory["gauge"]["data_points"][0]["start_time_unix_nano"].isNull)
        let inFlight = try #require(metrics.metric(named: "periscope_test_in_flight"))
        #expect(inFlight["gauge"]["data_points"].point(withAttributes: ["route": "/api"])?["as_double"].double == 2)

        // Histogram: name kept, per-bucket counts, bounds, count, sum; no min/max.
        let duration = try #require(metrics.metric(named: "periscope_test_request_duration_seconds"))
        #expect(duration["unit"].string == "s")
        #expect(duration["description"].string == "Request duration.")
        #expect(duration["histogram"]["aggregation_temporality"].string == "AGGREGATION_TEMPORALITY_CUMULATIVE")
        let api = try #require(duration["histogram"]["data_points"].point(withAttributes: ["route": "/api"]))
        #expect(api["bucket_counts"].uint64s == [1, 2, 0, 1])
        #expect(api["explicit_bounds"].doubles == [0.1, 0.5, 1])
        #expect(api["count"].string == "4")
        #expect(abs((api["sum"].double ?? 0) - 2.55) < 1e-9)
        #expect(api["min"].isNull)
        #expect(api["max"].isNull)
        #expect(api["start_time_unix_nano"].string == start)
        #expect(api["time_unix_nano"].string == time)
        let health = try #require(duration["histogram"]["data_points"].point(withAttributes: ["route": "/health"]))
        #expect(health["bucket_counts"].uint64s == [1, 0, 0, 0])
        #expect(health["count"].string == "1")

        let overflow = try #require(metrics.metric(named: "periscope_metric_series_overflow"))
        // 0 values are still present (`as_double` is a oneof member).
        #expect(
            overflow["sum"]["data_points"].point(withAttributes: ["metric": "periscope_test_unused_total"])?[
                "as_double"
            ]
            .double == 0
        )
    }

    @Test func deltaExportDecodesWithDeltaTemporality() throws {
        let sample = SampleRegistry()
        let encoder = SampleRegistry.encoder(temporality: .delta)
        _ = try encoder.encode(
            sample.registry.snapshot(),
            collectionTimeUnixNano: SampleRegistry.collectionTime,
            startTimeUnixNano: SampleRegistry.startTime
        )
        sample.requests.bind(["/api", "200"]).add(4)
        sample.duration.bind(["/health"]).observe(0.6)
        let later = SampleRegistry.collectionTime + 10_000_000_000
        let request = try self.decode(
            encoder.encode(
                sample.registry.snapshot(),
                collectionTimeUnixNano: later,
                startTimeUnixNano: SampleRegistry.startTime
            )
        )
        let metrics = request["resource_metrics"][0]["scope_metrics"][0]["metrics"]
        let requests = try #require(metrics.metric(named: "periscope_test_requests"))
        #expect(requests["sum"]["aggregation_temporality"].string == "AGGREGATION_TEMPORALITY_DELTA")
        #expect(requests["sum"]["is_monotonic"].bool == true)
        let api200 = try #require(
            requests["sum"]["data_points"].point(withAttributes: ["route": "/api", "code": "200"]))
        #expect(api200["as_double"].double == 4)
        #expect(api200["start_time_unix_nano"].string == String(SampleRegistry.collectionTime))
        #expect(api200["time_unix_nano"].string == String(later))

        let duration = try #require(metrics.metric(named: "periscope_test_request_duration_seconds"))
        #expect(duration["histogram"]["aggregation_temporality"].string == "AGGREGATION_TEMPORALITY_DELTA")
        let health = try #require(duration["histogram"]["data_points"].point(withAttributes: ["route": "/health"]))
        #expect(health["bucket_counts"].uint64s == [0, 0, 1, 0])
        #expect(health["count"].string == "1")
        #expect(abs((health["sum"].double ?? 0) - 0.6) < 1e-9)
        let api = try #require(duration["histogram"]["data_points"].point(withAttributes: ["route": "/api"]))
        #expect(api["count"].isNull)  // 0: a plain fixed64, not sent
        #expect(api["sum"].double == 0)  // explicit presence: sent even at 0
    }

    @Test func exemplarsDecodeWithTheirIDs() throws {
        let sample = SampleRegistry()
        let traceID: [UInt8] = Array(0xA0...0xAF)
        let spanID: [UInt8] = Array(0xB0...0xB7)
        let request = try self.decode(
            SampleRegistry.encoder().encode(
                sample.registry.snapshot(),
                collectionTimeUnixNano: SampleRegistry.collectionTime,
                startTimeUnixNano: SampleRegistry.startTime
            ) { family, seriesIndex, bucketIndex in
                guard seriesIndex == 0, bucketIndex == 2 else { return nil }
                return OTLPExemplar(
                    traceID: traceID, spanID: spanID, value: 0.3, timeUnixNano: 1_700_000_001_000_000_000)
            }
        )
        let duration = try #require(
            request["resource_metrics"][0]["scope_metrics"][0]["metrics"]
                .metric(named: "periscope_test_request_duration_seconds")
        )
        let api = try #require(duration["histogram"]["data_points"].point(withAttributes: ["route": "/api"]))
        let exemplar = api["exemplars"][0]
        #expect(api["exemplars"].array.count == 1)
        #expect(exemplar["as_double"].double == 0.3)
        #expect(exemplar["time_unix_nano"].string == "1700000001000000000")
        #expect(exemplar["trace_id"].string == Data(traceID).base64EncodedString())
        #expect(exemplar["span_id"].string == Data(spanID).base64EncodedString())
    }
}
