import Benchmark
import PeriscopeOTLP
import PeriscopeTelemetry

/// What the proxy does per request with tracing on, minus the socket work: extract `traceparent`, start the
/// SERVER span (sampling decision, new span id), fill a SERVER and a CLIENT record (path, user agent, interned
/// ids, status), push both to the loop's ring. The ring is drained between iterations, as the exporter does.
@inline(never)
func recordOneRequest(
    headers: [(String, String)],
    sampler: Sampler,
    ids: inout IDGenerator,
    buffer: SpanBuffer,
    routeID: SpanStringID
) {
    let incoming = TracePropagation.w3c.extract { name in
        headers.lazy.filter { $0.0 == name }.map(\.1)
    }
    let context = SpanContext(incoming: incoming, sampler: sampler, ids: &ids)
    var server = SpanRecord(
        kind: .server,
        traceID: context.traceID,
        spanID: context.spanID,
        parentSpanID: context.parentSpanID,
        traceFlags: context.flags.rawValue,
        parentIsRemote: true,
        startTimeUnixNano: 1_700_000_000_000_000_000
    )
    server.method = .get
    server.setURLPath(requestTarget: "/api/users/42?expand=orders")
    server.setUserAgent("curl/8.5.0")
    server.routeID = routeID
    server.responseStatusCode = 200
    server.endTimeUnixNano = 1_700_000_000_000_500_000
    var client = SpanRecord(
        kind: .client,
        traceID: context.traceID,
        spanID: ids.nextSpanID(),
        parentSpanID: context.spanID,
        traceFlags: context.flags.rawValue,
        parentIsRemote: false,
        startTimeUnixNano: 1_700_000_000_000_100_000
    )
    client.method = .get
    client.responseStatusCode = 200
    client.endTimeUnixNano = 1_700_000_000_000_400_000
    _ = buffer.push(server, loop: 0)
    _ = buffer.push(client, loop: 0)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .throughput, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 30
    )

    Benchmark("Tracing.recordRequest.serverAndClientSpans") { benchmark in
        let buffer = SpanBuffer(loopCount: 1, capacity: 4096)
        let strings = SpanStringTable()
        let routeID = strings.intern("/api/users/{id}")
        var ids = IDGenerator()
        let headers = [("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
        var drained: [SpanRecord] = []
        drained.reserveCapacity(4096)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            recordOneRequest(headers: headers, sampler: Sampler(), ids: &ids, buffer: buffer, routeID: routeID)
            if buffer.length >= 4000 {
                benchmark.stopMeasurement()
                drained.removeAll(keepingCapacity: true)
                _ = buffer.drain(into: &drained, max: 4096)
                benchmark.startMeasurement()
            }
        }
    }

    Benchmark(
        "Tracing.encode.10kSpans",
        configuration: .init(scalingFactor: .one, maxIterations: 30)
    ) { benchmark in
        let (spans, strings) = recordedSpans(requests: 5_000)
        let encoder = OTLPTracesEncoder(configuration: .init(resource: OTLPResource.detect()))
        var bytes = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let encoded = try encoder.encode(spans, strings: strings)
            bytes = encoded.body.readableBytes
        }
        benchmark.stopMeasurement()
        blackHole(bytes)
    }

    // The exporter's default batch: 512 spans a request, encoded 100 times per sample (the arena keeps one chunk,
    // the body's memory is reused), so the sample is long enough to time.
    Benchmark(
        "Tracing.encode.512SpanBatches",
        configuration: .init(scalingFactor: .one, maxIterations: 30)
    ) { benchmark in
        let (spans, strings) = recordedSpans(requests: 256)
        let encoder = OTLPTracesEncoder(configuration: .init(resource: OTLPResource.detect()))
        var bytes = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for _ in 0..<100 {
                let encoded = try encoder.encode(spans, strings: strings)
                bytes &+= encoded.body.readableBytes
            }
        }
        benchmark.stopMeasurement()
        blackHole(bytes)
    }
}

/// The SERVER and CLIENT spans of `requests` recorded requests (two per request), drained from a buffer, and the
/// string table their ids resolve through: the input of the encode benchmarks.
private func recordedSpans(requests: Int) -> (spans: [SpanRecord], strings: SpanStringTable) {
    let buffer = SpanBuffer(loopCount: 1, capacity: 2 * requests)
    let strings = SpanStringTable()
    let routeID = strings.intern("/api/users/{id}")
    var ids = IDGenerator()
    for _ in 0..<requests {
        recordOneRequest(headers: [], sampler: Sampler(), ids: &ids, buffer: buffer, routeID: routeID)
    }
    var spans: [SpanRecord] = []
    _ = buffer.drain(into: &spans, max: 2 * requests)
    return (spans, strings)
}
