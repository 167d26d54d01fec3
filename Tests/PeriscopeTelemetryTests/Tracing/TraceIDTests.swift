import Testing

@testable import PeriscopeTelemetry

@Suite struct TraceIDTests {
    @Test func traceIDHexAndBytesAreBigEndian() throws {
        let id = TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736)
        #expect(id.hexString == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(id.description == id.hexString)
        #expect(
            id.bytes == [
                0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36,
            ]
        )
        #expect(TraceID(bytes: id.bytes) == id)
        #expect(TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736") == id)
        #expect(TraceID(bytes: id.bytes.dropLast()) == nil)
        #expect(TraceID(hex: "4BF92F3577B34DA6A3CE929D0E0E4736") == nil)
        #expect(TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e473") == nil)
        #expect(TraceID(hex: "00000000000000000000000000000000") == .invalid)
    }

    @Test func spanIDHexAndBytesAreBigEndian() {
        let id = SpanID(0x00f0_67aa_0ba9_02b7)
        #expect(id.hexString == "00f067aa0ba902b7")
        #expect(id.bytes == [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7])
        #expect(SpanID(bytes: id.bytes) == id)
        #expect(SpanID(hex: "00f067aa0ba902b7") == id)
        #expect(SpanID(hex: "00f067aa0ba902b") == nil)
        #expect(SpanID(hex: "00f067aa0ba902bG") == nil)
        #expect(SpanID(bytes: [1, 2, 3]) == nil)
    }

    @Test func validityIsNonZero() {
        #expect(!TraceID.invalid.isValid)
        #expect(TraceID(high: 0, low: 1).isValid)
        #expect(TraceID(high: 1, low: 0).isValid)
        #expect(!SpanID.invalid.isValid)
        #expect(SpanID(1).isValid)
    }

    @Test func hexIsWrittenIntoCallerMemory() {
        let trace = TraceID(high: .max, low: 0x0123_4567_89ab_cdef)
        let span = SpanID(0xfedc_ba98_7654_3210)
        var buffer = [UInt8](repeating: 0, count: 48)
        buffer.withUnsafeMutableBytes { raw in
            #expect(trace.writeHex(into: raw) == 32)
            #expect(span.writeHex(into: UnsafeMutableRawBufferPointer(rebasing: raw[32...])) == 16)
        }
        #expect(String(decoding: buffer, as: UTF8.self) == "ffffffffffffffff0123456789abcdeffedcba9876543210")

        var appended: [UInt8] = Array("id=".utf8)
        trace.appendHex(to: &appended)
        appended.append(0x2F)
        span.appendHex(to: &appended)
        #expect(String(decoding: appended, as: UTF8.self) == "id=ffffffffffffffff0123456789abcdef/fedcba9876543210")

        var bytes = [UInt8](repeating: 0, count: 24)
        bytes.withUnsafeMutableBytes { raw in
            #expect(trace.writeBytes(into: raw) == 16)
            #expect(span.writeBytes(into: UnsafeMutableRawBufferPointer(rebasing: raw[16...])) == 8)
        }
        #expect(bytes == trace.bytes + span.bytes)
    }

    /// The word-at-a-time hex decoder agrees with the byte-at-a-time one for every byte value in every position.
    @Test func hexDecodingAcceptsExactlyLowercaseHexDigits() {
        var ids = IDGenerator(seed: 17)
        for position in 0..<16 {
            for byte in 0...255 {
                var text = Array(ids.nextSpanID().hexString.utf8)
                text[position] = UInt8(byte)
                let scalar = text.withUnsafeBytes { TracingASCII.parseHex($0, from: 0, count: 16) }
                let wide = text.withUnsafeBytes { TracingASCII.parseHex16($0, at: 0) }
                #expect(wide == scalar, "byte \(byte) at \(position)")
                let isHex = (0x30...0x39).contains(byte) || (0x61...0x66).contains(byte)
                #expect((wide != nil) == isHex, "byte \(byte) at \(position)")
            }
        }
        let all = Array("0123456789abcdeffedcba9876543210".utf8)
        all.withUnsafeBytes { bytes in
            #expect(TracingASCII.parseHex16(bytes, at: 0) == 0x0123_4567_89ab_cdef)
            #expect(TracingASCII.parseHex16(bytes, at: 16) == 0xfedc_ba98_7654_3210)
            #expect(TracingASCII.parseHex16(bytes, at: 3) == 0x3456_789a_bcde_ffed)
        }
    }

    @Test func idsOrderByTheirBytes() {
        #expect(TraceID(high: 0, low: .max) < TraceID(high: 1, low: 0))
        #expect(SpanID(1) < SpanID(2))
    }
}

@Suite struct IDGeneratorTests {
    @Test func idsAreValidAndDistinct() {
        var ids = IDGenerator()
        var traces = Set<TraceID>()
        var spans = Set<SpanID>()
        for _ in 0..<10_000 {
            let trace = ids.nextTraceID()
            let span = ids.nextSpanID()
            #expect(trace.isValid && span.isValid)
            traces.insert(trace)
            spans.insert(span)
        }
        #expect(traces.count == 10_000)
        #expect(spans.count == 10_000)
    }

    @Test func aSeedReproducesTheSequenceAndDifferentSeedsDiffer() {
        var first = IDGenerator(seed: 42)
        var second = IDGenerator(seed: 42)
        var other = IDGenerator(seed: 43)
        let a = (0..<8).map { _ in first.next() }
        let b = (0..<8).map { _ in second.next() }
        let c = (0..<8).map { _ in other.next() }
        #expect(a == b)
        #expect(a != c)
    }

    @Test func systemSeededGeneratorsDiffer() {
        var first = IDGenerator()
        var second = IDGenerator()
        let a = first.nextTraceID()
        let b = second.nextTraceID()
        #expect(a != b)
    }

    /// Every bit of the output is roughly balanced: a cheap guard against a broken mixer (a stuck bit would end
    /// up in every trace id, and the ratio sampler reads the low bits).
    @Test func everyBitIsBalanced() {
        var ids = IDGenerator(seed: 1)
        var ones = [Int](repeating: 0, count: 64)
        let samples = 20_000
        for _ in 0..<samples {
            let value = ids.next()
            for bit in 0..<64 where value & (1 << UInt64(bit)) != 0 { ones[bit] += 1 }
        }
        for (bit, count) in ones.enumerated() {
            #expect(abs(count - samples / 2) < 600, "bit \(bit): \(count) ones of \(samples)")
        }
    }

    @Test func theZeroSeedStillProducesIDs() {
        var ids = IDGenerator(seed: 0)
        let first = ids.nextSpanID()
        let second = ids.nextSpanID()
        #expect(first.isValid && second.isValid && first != second)
    }
}
