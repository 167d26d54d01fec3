import Testing

@testable import PeriscopeTelemetry

@Suite struct TraceParentTests {
    static let traceID = "12345678901234567890123456789012"
    static let parentID = "1234567890123456"
    static let valid = "00-\(traceID)-\(parentID)-01"

    @Test func parsesAValidVersion00Value() throws {
        let parsed = try #require(TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        #expect(parsed.traceID == TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736))
        #expect(parsed.parentID == SpanID(0x00f0_67aa_0ba9_02b7))
        #expect(parsed.flags == .sampled)
        #expect(parsed.isSampled)
    }

    /// Every invalid `traceparent` of the W3C test suite (test/test.py, `test_traceparent_*`) and of §13: each one
    /// makes the gateway start a new trace.
    @Test(arguments: [
        // test_traceparent_version_0x00: version 00 is exactly 55 characters.
        "00-\(traceID)-\(parentID)-01.",
        "00-\(traceID)-\(parentID)-01-what-the-future-will-be-like",
        // test_traceparent_version_0xcc: a later version continues only with `-` after the flags.
        "cc-\(traceID)-\(parentID)-01.what-the-future-will-be-like",
        // test_traceparent_version_0xff
        "ff-\(traceID)-\(parentID)-01",
        // test_traceparent_version_illegal_characters
        ".0-\(traceID)-\(parentID)-01",
        "0.-\(traceID)-\(parentID)-01",
        // test_traceparent_version_too_long / too_short
        "000-\(traceID)-\(parentID)-01",
        "0000-\(traceID)-\(parentID)-01",
        "0-\(traceID)-\(parentID)-01",
        // test_traceparent_trace_id_all_zero
        "00-00000000000000000000000000000000-\(parentID)-01",
        // test_traceparent_trace_id_illegal_characters
        "00-.2345678901234567890123456789012-\(parentID)-01",
        "00-1234567890123456789012345678901.-\(parentID)-01",
        // test_traceparent_trace_id_too_long / too_short
        "00-123456789012345678901234567890123-\(parentID)-01",
        "00-1234567890123456789012345678901-\(parentID)-01",
        // test_traceparent_parent_id_all_zero
        "00-\(traceID)-0000000000000000-01",
        // test_traceparent_parent_id_illegal_characters
        "00-\(traceID)-.234567890123456-01",
        "00-\(traceID)-123456789012345.-01",
        // test_traceparent_parent_id_too_long / too_short
        "00-\(traceID)-12345678901234567-01",
        "00-\(traceID)-123456789012345-01",
        // test_traceparent_trace_flags_illegal_characters
        "00-\(traceID)-\(parentID)-.0",
        "00-\(traceID)-\(parentID)-0.",
        // test_traceparent_trace_flags_too_long / too_short
        "00-\(traceID)-\(parentID)-001",
        "00-\(traceID)-\(parentID)-1",
        // §13: lowercase hex only, in every field.
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
        "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "FF-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        // §13: a version that is not 2 hex digits followed by `-`; misplaced separators.
        "00_\(traceID)-\(parentID)-01",
        "00-\(traceID)_\(parentID)-01",
        "00-\(traceID)-\(parentID)_01",
        "00--\(traceID)-\(parentID)-1",
        // A later version still needs every field right, and at least 55 characters.
        "cc-\(traceID)-\(parentID)-0",
        "cc-00000000000000000000000000000000-\(parentID)-01",
        "cc-\(traceID)-0000000000000000-01",
        "cc-\(traceID)-\(parentID)-0g",
        // Empty, whitespace, junk, whitespace inside.
        "",
        " \t ",
        "traceparent",
        "00-\(traceID) -\(parentID)-01",
        "00-\(traceID)-\(parentID)-01\u{0B}",
        "\u{A0}00-\(traceID)-\(parentID)-01",
    ])
    func rejects(_ value: String) {
        #expect(TraceParent(value) == nil)
        #expect(TraceParent(utf8: Array(value.utf8)) == nil)
    }

    /// test_traceparent_ows_handling: leading and trailing spaces and tabs are accepted.
    @Test(arguments: [
        " \(valid)", "\t\(valid)", "\(valid) ", "\(valid)\t", "\t \(valid) \t", "  \t\t\(valid)\t\t  ",
    ])
    func acceptsOptionalWhitespaceAround(_ value: String) throws {
        let parsed = try #require(TraceParent(value))
        #expect(parsed.traceID.hexString == Self.traceID)
        #expect(parsed.parentID.hexString == Self.parentID)
    }

    /// test_traceparent_version_0xcc: a later version of at least 55 characters is parsed, extra fields after a
    /// `-` are ignored, and it goes back out as version 00.
    @Test(arguments: [
        "cc-\(traceID)-\(parentID)-01",
        "cc-\(traceID)-\(parentID)-01-what-the-future-will-be-like",
        "01-\(traceID)-\(parentID)-01-",
        "fe-\(traceID)-\(parentID)-01-x",
    ])
    func acceptsHigherVersions(_ value: String) throws {
        let parsed = try #require(TraceParent(value))
        #expect(parsed.traceID.hexString == Self.traceID)
        #expect(parsed.headerValue == "00-\(Self.traceID)-\(Self.parentID)-01")
    }

    @Test func flagsKeepSampledAndRandomAndDropTheRest() throws {
        let cases: [(flags: String, kept: TraceFlags, out: String)] = [
            ("00", [], "00"), ("01", .sampled, "01"), ("02", .random, "02"), ("03", [.sampled, .random], "03"),
            ("ff", [.sampled, .random], "03"), ("fe", .random, "02"), ("04", [], "00"), ("09", .sampled, "01"),
            ("80", [], "00"),
        ]
        for (flags, kept, out) in cases {
            let parsed = try #require(TraceParent("00-\(Self.traceID)-\(Self.parentID)-\(flags)"))
            #expect(parsed.flags == kept, "flags \(flags)")
            #expect(parsed.headerValue == "00-\(Self.traceID)-\(Self.parentID)-\(out)", "flags \(flags)")
            // Higher versions: same rule.
            let later = try #require(TraceParent("cc-\(Self.traceID)-\(Self.parentID)-\(flags)-extra"))
            #expect(later.flags == kept)
        }
        #expect(TraceFlags(rawValue: 0xFF).rawValue == 0x03)
    }

    @Test func roundTripsThroughEveryInputForm() throws {
        var ids = IDGenerator(seed: 7)
        for index in 0..<500 {
            let original = TraceParent(
                traceID: ids.nextTraceID(),
                parentID: ids.nextSpanID(),
                flags: TraceFlags(rawValue: UInt8(index % 4))
            )
            let text = original.headerValue
            #expect(text.utf8.count == TraceParent.encodedLength)
            #expect(TraceParent(text) == original)
            #expect(TraceParent(Substring(text)) == original)
            #expect(TraceParent(utf8: Array(text.utf8)) == original)
            #expect(TraceParent(utf8: text.utf8) == original)
            #expect(TraceParent(utf8: Substring(text).utf8) == original)
            var bytes: [UInt8] = [0x41]
            original.append(to: &bytes)
            #expect(TraceParent(utf8: bytes.dropFirst()) == original)
        }
    }

    @Test func parsesInsideALargerBuffer() throws {
        let line = Array("traceparent: \(Self.valid)\r\n".utf8)
        let parsed = try #require(TraceParent(utf8: line[13..<(line.count - 2)]))
        #expect(parsed.traceID.hexString == Self.traceID)
        #expect(TraceParent(utf8: line[12..<(line.count - 2)]) != nil)  // leading space is OWS
        #expect(TraceParent(utf8: line[13..<(line.count - 1)]) == nil)  // CR is not OWS
    }

    @Test func writesVersion00WithLowercaseHex() {
        let value = TraceParent(
            traceID: TraceID(high: 0xABCD_EF01_2345_6789, low: 1),
            parentID: SpanID(0xFEDC_BA98_7654_3210),
            flags: [.sampled, .random]
        )
        #expect(value.headerValue == "00-abcdef01234567890000000000000001-fedcba9876543210-03")
        #expect(value.description == value.headerValue)
    }
}
