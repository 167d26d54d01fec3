/// A validated W3C `tracestate` (Trace Context Level 2), kept as its canonical header value for pass-through.
///
/// Building one combines every `tracestate` field of a request, in field order, into one comma-separated list,
/// drops empty and whitespace-only members and the optional whitespace around members, and validates:
/// - each member is `key=value`, the key matching Level 2's `( lcalpha / DIGIT ) 0*255( keychar )` with
///   `keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"` (1-256 characters), and the value 1-256 printable
///   ASCII characters (0x20-0x7E) other than `,` and `=`, not ending in a space (leading spaces are kept);
/// - there are at most 32 members, and no key repeats.
///
/// **If any member is invalid, the whole `tracestate` is discarded** (the result is `nil`), as the W3C test suite
/// expects (`test_tracestate_duplicated_keys`, `…_key_illegal_characters`, `…_value_illegal_characters`,
/// `…_member_count_limit`, `…_key_length_limit`: a bad or 33rd member removes the good ones too). The
/// `traceparent` is unaffected either way, and a `tracestate` is only ever read next to a valid `traceparent`
/// (``TracePropagation/extract(_:)``).
///
/// Keys follow Level 2, where `@` is an ordinary key character after the first: `foo@`, `foo@@bar`, `foo@bar@baz`
/// and a 244-character `tenant@v` key are valid, `@foo` is not. The W3C test suite's
/// `test_tracestate_key_illegal_vendor_format` and the tenant/vendor cases of `test_tracestate_key_length_limit`
/// still check Level 1's `tenant@system` grammar; they are deliberately not followed.
///
/// A valid list whose canonical form is longer than `maxLength` (512 by default, the length vendors SHOULD
/// propagate) is truncated by whole members: members longer than 128 characters go first, right-most first, then
/// members from the right, until it fits.
///
/// Building a `TraceState` allocates its `String` (only when a `tracestate` field is present); validation itself
/// uses stack memory.
public struct TraceState: Sendable, Hashable, CustomStringConvertible {
    /// The canonical list: `key=value` members joined by `,` without whitespace. Never empty.
    public let headerValue: String

    /// The header name (lowercase, as senders should write it; matching is case-insensitive).
    public static let headerName = "tracestate"
    /// The most list members a `tracestate` may carry; one more makes it invalid.
    public static let maxMembers = 32
    /// The longest key.
    public static let maxKeyLength = 256
    /// The longest value.
    public static let maxValueLength = 256
    /// The default length limit for the combined value (vendors SHOULD propagate at least this much).
    public static let defaultMaxLength = 512
    /// Members longer than this are the first to go when truncating.
    public static let longMemberLength = 128

    /// Validates one `tracestate` field value; `nil` when it is invalid or has no members.
    public init?(_ value: some StringProtocol, maxLength: Int = TraceState.defaultMaxLength) {
        self.init(combining: CollectionOfOne(value), maxLength: maxLength)
    }

    /// Combines and validates every `tracestate` field value of a message, in field order; `nil` when there is
    /// none, when the combined list is invalid, or when it has no members.
    @inlinable
    public init?<Values: Collection>(combining values: Values, maxLength: Int = TraceState.defaultMaxLength)
    where Values.Element: StringProtocol {
        var capacity = 0
        for value in values { capacity &+= value.utf8.count &+ 1 }
        let built = Self.build(capacity: capacity, maxLength: maxLength) { appendField in
            for value in values {
                guard TracingASCII.withUTF8(value, appendField) else { return false }
            }
            return true
        }
        guard let built else { return nil }
        self.headerValue = built
    }

    /// Validates the fields `forEachField` hands to its argument, in order, writing the canonical list into a
    /// string of `capacity` bytes (enough for every field plus a separator each); `nil` when the list is invalid
    /// or ends up empty. `forEachField` returns `false` as soon as its argument does.
    @usableFromInline
    static func build(
        capacity: Int,
        maxLength: Int,
        forEachField: (_ appendField: (UnsafeRawBufferPointer) -> Bool) -> Bool
    ) -> String? {
        guard capacity > 0 else { return nil }
        var valid = true
        let text = String(unsafeUninitializedCapacity: capacity) { output in
            withUnsafeTemporaryAllocation(of: Member.self, capacity: Self.maxMembers) { members in
                var builder = Builder(output: UnsafeMutableRawBufferPointer(output), members: members)
                guard forEachField({ builder.append(field: $0) }) else {
                    valid = false
                    return 0
                }
                return builder.finish(maxLength: maxLength)
            }
        }
        return valid && !text.isEmpty ? text : nil
    }

    /// The members in order (allocates; meant for tests, logs and debugging, not the request path).
    public var members: [(key: Substring, value: Substring)] {
        self.headerValue.split(separator: ",").map { member in
            let equals = member.firstIndex(of: "=")!
            return (member[..<equals], member[member.index(after: equals)...])
        }
    }

    /// Number of members.
    public var count: Int {
        self.headerValue.utf8.reduce(1) { $1 == TracingASCII.comma ? $0 &+ 1 : $0 }
    }

    /// The value for `key`, if present.
    public subscript(key: some StringProtocol) -> Substring? {
        self.members.first { $0.key == key }?.value
    }

    /// The canonical header value.
    public var description: String { self.headerValue }

    /// A member already written to the output: where it starts, how long it is, how long its key is.
    private struct Member {
        var start: Int
        var length: Int
        var keyLength: Int
        var dropped: Bool
    }

    /// Validates members and writes them, canonical, into the output buffer.
    private struct Builder {
        let output: UnsafeMutableRawBufferPointer
        let members: UnsafeMutableBufferPointer<Member>
        var memberCount = 0
        var written = 0

        init(output: UnsafeMutableRawBufferPointer, members: UnsafeMutableBufferPointer<Member>) {
            self.output = output
            self.members = members
        }

        /// Appends every member of one field value; `false` if one is invalid.
        mutating func append(field bytes: UnsafeRawBufferPointer) -> Bool {
            var index = 0
            while index <= bytes.count {
                var end = index
                while end < bytes.count && bytes[end] != TracingASCII.comma { end &+= 1 }
                let member = TracingASCII.trimOWS(bytes, index, end)
                if !member.isEmpty && !self.append(member: member, of: bytes) { return false }
                index = end &+ 1
            }
            return true
        }

        private mutating func append(member range: Range<Int>, of bytes: UnsafeRawBufferPointer) -> Bool {
            guard self.memberCount < TraceState.maxMembers else { return false }
            var equals = range.lowerBound
            while equals < range.upperBound && bytes[equals] != TracingASCII.equals { equals &+= 1 }
            let keyLength = equals &- range.lowerBound
            let valueLength = range.upperBound &- equals &- 1
            guard equals < range.upperBound,
                (1...TraceState.maxKeyLength).contains(keyLength),
                (1...TraceState.maxValueLength).contains(valueLength),
                Self.isValidKey(bytes, range.lowerBound, equals),
                Self.isValidValue(bytes, equals &+ 1, range.upperBound),
                !self.hasKey(bytes, range.lowerBound, keyLength)
            else { return false }

            if self.memberCount > 0 {
                self.output[self.written] = TracingASCII.comma
                self.written &+= 1
            }
            let start = self.written
            self.output.baseAddress!.advanced(by: start).copyMemory(
                from: bytes.baseAddress!.advanced(by: range.lowerBound),
                byteCount: range.count
            )
            self.written &+= range.count
            (self.members.baseAddress! + self.memberCount).initialize(
                to: Member(start: start, length: range.count, keyLength: keyLength, dropped: false)
            )
            self.memberCount &+= 1
            return true
        }

        /// `key = ( lcalpha / DIGIT ) 0*255( keychar )`, `keychar = lcalpha / DIGIT / "_" / "-" / "*" / "/" / "@"`.
        private static func isValidKey(_ bytes: UnsafeRawBufferPointer, _ lower: Int, _ upper: Int) -> Bool {
            guard Self.isLowercaseAlphaOrDigit(bytes[lower]) else { return false }
            for index in (lower &+ 1)..<upper {
                let byte = bytes[index]
                guard
                    Self.isLowercaseAlphaOrDigit(byte) || byte == 0x5F || byte == 0x2D || byte == 0x2A
                        || byte == 0x2F || byte == 0x40
                else { return false }
            }
            return true
        }

        /// `value = 0*255(chr) nblk-chr`: 0x20-0x7E except `,` and `=`, not ending in a space.
        private static func isValidValue(_ bytes: UnsafeRawBufferPointer, _ lower: Int, _ upper: Int) -> Bool {
            for index in lower..<upper {
                let byte = bytes[index]
                guard byte >= 0x20 && byte <= 0x7E && byte != TracingASCII.comma && byte != TracingASCII.equals
                else { return false }
            }
            return bytes[upper &- 1] != TracingASCII.space
        }

        @inline(__always)
        private static func isLowercaseAlphaOrDigit(_ byte: UInt8) -> Bool {
            (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
        }

        /// `true` when a member already written has the key `bytes[lower ..< lower + length]`.
        private func hasKey(_ bytes: UnsafeRawBufferPointer, _ lower: Int, _ length: Int) -> Bool {
            for member in self.members[..<self.memberCount] where member.keyLength == length {
                var index = 0
                while index < length && self.output[member.start &+ index] == bytes[lower &+ index] { index &+= 1 }
                if index == length { return true }
            }
            return false
        }

        /// Truncates to `maxLength` by whole members and returns the final length.
        mutating func finish(maxLength: Int) -> Int {
            guard self.written > maxLength else { return self.written }
            var total = self.written
            var kept = self.memberCount
            // First members longer than 128 characters, right-most first; then any member, right-most first.
            for pass in 0..<2 {
                let onlyLong = pass == 0
                var index = self.memberCount &- 1
                while total > maxLength && index >= 0 {
                    if !self.members[index].dropped
                        && (!onlyLong || self.members[index].length > TraceState.longMemberLength)
                    {
                        self.members[index].dropped = true
                        total &-= self.members[index].length &+ (kept > 1 ? 1 : 0)
                        kept &-= 1
                    }
                    index &-= 1
                }
            }
            // Close the gaps; members only move left, so a forward pass never overwrites one not yet moved.
            var length = 0
            for member in self.members[..<self.memberCount] where !member.dropped {
                if length > 0 {
                    self.output[length] = TracingASCII.comma
                    length &+= 1
                }
                self.output.baseAddress!.advanced(by: length).copyMemory(
                    from: UnsafeRawPointer(self.output.baseAddress!.advanced(by: member.start)),
                    byteCount: member.length
                )
                length &+= member.length
            }
            return length
        }
    }
}
