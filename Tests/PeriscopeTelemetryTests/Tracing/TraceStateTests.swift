import Testing

@testable import PeriscopeTelemetry

@Suite struct TraceStateTests {
    private func combined(_ fields: String...) -> TraceState? {
        TraceState(combining: fields)
    }

    @Test func combinesFieldsInOrder() throws {
        // test_tracestate_multiple_headers_different_keys
        let state = try #require(combined("foo=1,bar=2", "rojo=1,congo=2", "baz=3"))
        #expect(state.headerValue == "foo=1,bar=2,rojo=1,congo=2,baz=3")
        #expect(state.count == 5)
        #expect(state["congo"] == "2")
        #expect(state["nope"] == nil)
        #expect(state.members.map { "\($0.key)=\($0.value)" } == ["foo=1", "bar=2", "rojo=1", "congo=2", "baz=3"])
    }

    /// test_tracestate_empty_header: an empty field is accepted and contributes nothing.
    @Test func emptyFieldsAndMembersAreAllowedButNotSent() {
        #expect(combined("") == nil)
        #expect(combined(" \t ") == nil)
        #expect(combined(",, ,\t,") == nil)
        #expect(combined("foo=1", "")?.headerValue == "foo=1")
        #expect(combined("", "foo=1")?.headerValue == "foo=1")
        #expect(combined("foo=1,,bar=2, ,")?.headerValue == "foo=1,bar=2")
        #expect(TraceState(combining: [String]()) == nil)
    }

    /// test_tracestate_ows_handling
    @Test(arguments: [
        ("foo=1 \t , \t bar=2, \t baz=3", "foo=1,bar=2,baz=3"),
        ("foo=1\t \t,\t \tbar=2,\t \tbaz=3", "foo=1,bar=2,baz=3"),
        (" foo=1", "foo=1"), ("\tfoo=1", "foo=1"), ("foo=1 ", "foo=1"), ("foo=1\t", "foo=1"),
        ("\t foo=1 \t", "foo=1"),
        // Leading spaces belong to the value; trailing ones are whitespace around the member.
        ("foo= 1", "foo= 1"), ("foo=  a b ", "foo=  a b"),
    ])
    func optionalWhitespaceIsDropped(_ input: String, _ canonical: String) {
        #expect(TraceState(input)?.headerValue == canonical)
    }

    /// test_tracestate_all_allowed_characters
    @Test func everyAllowedCharacterPasses() throws {
        let key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/"
        let keyWithVendor = key + "@a-z0-9_-*/"
        let value = String(
            decoding: Array(0x20...0x2B) + Array(0x2D...0x3C) + Array(0x3E...0x7E),
            as: UTF8.self
        )
        let state = try #require(TraceState("\(key)=\(value)"))
        #expect(state[key] == value[...])
        let vendor = try #require(TraceState("\(keyWithVendor)=\(value)"))
        #expect(vendor[keyWithVendor] == value[...])
    }

    /// Any invalid member discards the whole list, as the W3C test suite expects
    /// (`test_tracestate_key_illegal_characters`, `…_value_illegal_characters`, `…_duplicated_keys`).
    @Test(arguments: [
        // test_tracestate_key_illegal_characters
        "foo =1", "FOO=1", "foo.bar=1", "bar=2,foo =1", "bar=2,FOO=1",
        // test_tracestate_value_illegal_characters
        "foo=bar=baz", "foo=,bar=3", "bar=3,foo=",
        // test_tracestate_duplicated_keys
        "foo=1,foo=1", "foo=1,foo=2", "bar=1,foo=1,baz=1,foo=2",
        // Level 2 key grammar: starts with a-z or 0-9.
        "@foo=1,bar=2", "_foo=1", "-foo=1", "*foo=1", "/foo=1", "=1", "bar=2,=1",
        // No `=`, control characters, non-ASCII, tab inside a value.
        "foo", "foo=1,bar", "foo=a\u{7F}", "foo=a\u{01}b", "foo=caf\u{E9}", "foo=a\tb", "f\u{F6}o=1",
    ])
    func anInvalidMemberDiscardsEverything(_ value: String) {
        #expect(TraceState(value) == nil)
    }

    @Test func duplicateKeysAcrossFieldsDiscardEverything() {
        // test_tracestate_duplicated_keys, with the keys in separate fields.
        #expect(combined("foo=1", "foo=1") == nil)
        #expect(combined("foo=1", "foo=2") == nil)
        #expect(combined("foo=1", "bar=2", "foo=3") == nil)
        // Equal prefixes are different keys.
        #expect(combined("foo=1", "foob=2", "fo=3")?.count == 3)
    }

    /// The Level 2 grammar (§13) lets `@` appear anywhere after the first character. The older tenant@vendor
    /// grammar, which the W3C test suite's `test_tracestate_key_illegal_vendor_format` and the tenant/vendor
    /// length cases of `test_tracestate_key_length_limit` still check, is not applied.
    @Test(arguments: [
        "foo@=1,bar=2", "foo@@bar=1,bar=2", "foo@bar@baz=1,bar=2",
        String(repeating: "t", count: 242) + "@v=1", "t@" + String(repeating: "v", count: 15) + "=1",
        String(repeating: "t", count: 241) + "@" + String(repeating: "v", count: 14) + "=1",
        "0key=1", "a=b",
    ])
    func level2KeysWithAtSignsAreValid(_ value: String) {
        #expect(TraceState(value) != nil)
    }

    /// test_tracestate_key_length_limit: 256 characters pass, 257 discard the whole list.
    @Test func keysUpTo256CharactersPass() {
        #expect(combined("foo=1", String(repeating: "z", count: 256) + "=1")?["foo"] == "1")
        #expect(combined("foo=1", String(repeating: "z", count: 257) + "=1") == nil)
    }

    @Test func valuesUpTo256CharactersPass() {
        let value256 = String(repeating: "v", count: 256)
        #expect(TraceState("foo=1,k=\(value256)", maxLength: 1024)?["k"] == value256[...])
        #expect(TraceState("foo=1,k=\(value256)v", maxLength: 1024) == nil)
        // Trailing whitespace is not part of the value, so it does not count.
        #expect(TraceState("k=\(value256)   ", maxLength: 1024) != nil)
    }

    /// test_tracestate_member_count_limit: 32 members pass, 33 discard the whole list.
    @Test func atMost32Members() throws {
        let fields = stride(from: 1, through: 31, by: 10).map { start in
            (start..<min(start + 10, 33)).map { String(format2($0)) }.joined(separator: ",")
        }
        let state = try #require(TraceState(combining: fields))
        #expect(state.count == 32)
        #expect(state["bar01"] == "01")
        #expect(state["bar32"] == "32")
        #expect(TraceState(combining: fields + ["bar33=33"]) == nil)
        // Empty members do not count.
        #expect(TraceState(combining: fields + ["", " , ,"])?.count == 32)
    }

    private func format2(_ index: Int) -> String {
        let digits = index < 10 ? "0\(index)" : "\(index)"
        return "bar\(digits)=\(digits)"
    }

    @Test func listsUpTo512CharactersAreKeptWhole() throws {
        // 4 members of 127 characters + 3 commas = 511; then one more character = 512.
        let members = (0..<4).map { "k\($0)=" + String(repeating: "v", count: 124) }
        let exact = members.joined(separator: ",") + "x"
        #expect(exact.utf8.count == 512)
        let state = try #require(TraceState(exact))
        #expect(state.headerValue == exact)
    }

    @Test func truncationRemovesLongMembersFirstThenFromTheRight() throws {
        let long1 = "long1=" + String(repeating: "a", count: 200)  // 206 characters
        let long2 = "long2=" + String(repeating: "b", count: 150)  // 156
        let short = (0..<12).map { "s\($0 < 10 ? "0" : "")\($0)=" + String(repeating: "c", count: 20) }  // 24 each
        // long1, s00…s05, long2, s06…s11: 206 + 156 + 12 * 24 + 13 commas = 663 > 512.
        let input = ([long1] + short[0..<6] + [long2] + short[6...]).joined(separator: ",")
        let state = try #require(TraceState(input))
        // Dropping long2 (the right-most long member) leaves 206 + 288 + 12 = 506: it fits, long1 stays.
        #expect(state.headerValue == ([long1] + short).joined(separator: ","))

        // With a third long member, both right-most long members go, then short ones from the right.
        let long3 = "long3=" + String(repeating: "d", count: 250)  // 256
        let bigger = ([long1] + short[0..<6] + [long2] + short[6...] + [long3]).joined(separator: ",")
        let truncated = try #require(TraceState(bigger))
        #expect(truncated.headerValue == ([long1] + short).joined(separator: ","))

        // A tighter limit: all long members go first, then short members from the right.
        let tight = try #require(TraceState(bigger, maxLength: 100))
        #expect(tight.headerValue == short[0..<4].joined(separator: ","))
        #expect(tight.headerValue.utf8.count == 99)

        // A member exactly 128 characters long is not "longer than 128": it goes with the short ones.
        let edge = "edge=" + String(repeating: "e", count: 123)
        #expect(edge.utf8.count == 128)
        let list = ([edge] + short[0..<4] + [long1]).joined(separator: ",")
        let edgeKept = try #require(TraceState(list, maxLength: 240))
        #expect(edgeKept.headerValue == ([edge] + short[0..<4]).joined(separator: ","))
    }

    @Test func truncationCanLeaveNothing() {
        #expect(TraceState("k=" + String(repeating: "v", count: 200), maxLength: 100) == nil)
    }

    @Test func stringsAndSubstringsWork() {
        let header: Substring = "xx foo=1,bar=2 yy".dropFirst(2).dropLast(2)
        #expect(TraceState(header)?.headerValue == "foo=1,bar=2")
        #expect(TraceState(combining: [header, "baz=3"[...]])?.headerValue == "foo=1,bar=2,baz=3")
    }
}
