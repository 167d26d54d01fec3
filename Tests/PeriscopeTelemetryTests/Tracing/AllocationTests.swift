import Testing

@testable import PeriscopeTelemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parsing and sampling on the request path make no Swift heap allocation. Each check runs in a child process
/// (an exit test) because the counting hook is not safe next to other tests; the child's exit status is the
/// number of allocations seen (0 = none).
@Suite struct AllocationTests {
    @Test func theCounterSeesAnAllocation() async {
        await #expect(processExitsWith: .success) {
            var sink: [Int] = []
            let count = SwiftAllocationCounter.allocations { sink = Array(repeating: 1, count: 100) }
            precondition(sink.count == 100)
            exit(count.map { $0 >= 1 } == true ? 0 : 1)
        }
    }

    @Test func parsingAValidTraceparentDoesNotAllocate() async {
        await #expect(processExitsWith: .success) {
            let header: Substring = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"[...]
            let string = String(header)
            let bytes = Array(header.utf8)
            var valid = 0
            let status = SwiftAllocationCounter.exitStatus {
                for _ in 0..<1000 {
                    if TraceParent(header) != nil { valid += 1 }
                    if TraceParent(string) != nil { valid += 1 }
                    if TraceParent(utf8: bytes) != nil { valid += 1 }
                    if TraceParent(utf8: string.utf8) != nil { valid += 1 }
                }
            }
            precondition(valid == 4000)
            exit(status)
        }
    }

    @Test func extractingStartingAndInjectingASpanDoesNotAllocate() async {
        await #expect(processExitsWith: .success) {
            let requests: [[String: [Substring]]] = [
                ["traceparent": ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]],
                ["b3": ["80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"]],
                ["x-b3-traceid": ["463ac35c9f6413ad"], "x-b3-spanid": ["a2fb4a1d1a96d312"], "x-b3-sampled": ["1"]],
                [:],
            ]
            let sampler = Sampler(root: .traceIDRatio(0.25))
            var ids = IDGenerator(seed: 1)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 128, alignment: 8)
            var sampled = 0
            var written = 0
            let status = SwiftAllocationCounter.exitStatus {
                for _ in 0..<1000 {
                    for headers in requests {
                        let incoming = TracePropagation.w3cAndB3.extract { headers[$0] ?? [] }
                        let span = SpanContext(incoming: incoming, sampler: sampler, ids: &ids)
                        if span.isSampled { sampled += 1 }
                        written += span.traceParent.write(into: buffer)
                        written += B3.writeSingle(span, into: buffer)
                        written += span.traceID.writeHex(into: buffer) + span.spanID.writeBytes(into: buffer)
                    }
                }
            }
            precondition(sampled > 3000 && written > 0)
            exit(status)
        }
    }
}
