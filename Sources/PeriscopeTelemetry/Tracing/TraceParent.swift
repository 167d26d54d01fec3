/// The W3C `traceparent` header (Trace Context Level 2): parsing with every validity rule, and formatting as
/// version `00`.
///
/// Parsing works on the UTF-8 bytes in place and never allocates. A value is accepted when, after trimming
/// leading and trailing spaces and tabs:
/// - it starts with a 2-digit lowercase-hex version followed by `-`, and the version is not `ff`;
/// - for version `00` it is exactly 55 characters: `00-` 32 hex `-` 16 hex `-` 2 hex;
/// - for a higher version it is at least 55 characters, the same fields sit at the same places, and the flags are
///   followed by the end of the value or by `-` (whatever follows is ignored);
/// - every hex digit is lowercase (`0-9a-f`), and neither the trace id nor the parent id is all zeros.
///
/// Only the defined flags (``TraceFlags/sampled``, ``TraceFlags/random``) are kept, and ``headerValue`` always
/// writes version `00`, so unknown flag bits go out as zero. More than one `traceparent` field in a request makes
/// the header invalid; ``TracePropagation/extract(_:)`` enforces that, since it sees all the fields.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// The trace id; always valid on a parsed value.
    public var traceID: TraceID
    /// The caller's span id (`parent-id`); always valid on a parsed value.
    public var parentID: SpanID
    /// The defined trace flags.
    public var flags: TraceFlags

    /// The header name (lowercase, as senders should write it; matching is case-insensitive).
    public static let headerName = "traceparent"
    /// Length of a version-00 value: 2 + 1 + 32 + 1 + 16 + 1 + 2.
    public static let encodedLength = 55

    /// Creates a value to send.
    public init(traceID: TraceID, parentID: SpanID, flags: TraceFlags) {
        self.traceID = traceID
        self.parentID = parentID
        self.flags = flags
    }

    /// Parses a `traceparent` field value; `nil` when it is invalid. Does not allocate.
    @inlinable
    public init?(_ value: some StringProtocol) {
        guard let parsed = TracingASCII.withUTF8(value, Self.parse) else { return nil }
        self = parsed
    }

    /// Parses a `traceparent` field value given as UTF-8 bytes (`[UInt8]`, `String.UTF8View`, a slice of a
    /// buffer…); `nil` when it is invalid. Does not allocate when the bytes are contiguous.
    @inlinable
    public init?(utf8 bytes: some Collection<UInt8>) {
        guard let parsed = TracingASCII.withBytes(bytes, Self.parse) else { return nil }
        self = parsed
    }

    /// The sampled flag.
    public var isSampled: Bool { self.flags.contains(.sampled) }

    /// The core parser over raw bytes.
    @usableFromInline
    static func parse(_ bytes: UnsafeRawBufferPointer) -> TraceParent? {
        let trimmed = TracingASCII.trimOWS(bytes, 0, bytes.count)
        let start = trimmed.lowerBound
        let length = trimmed.count
        guard length >= Self.encodedLength,
            let version = TracingASCII.parseHex(bytes, from: start, count: 2),
            version != 0xFF
        else { return nil }
        if version == 0 {
            // Version 00 is exactly 55 characters: `00-…-01.` and `00-…-01-future` are invalid.
            guard length == Self.encodedLength else { return nil }
        } else {
            // A later version may append fields, but only after a `-`.
            guard length == Self.encodedLength || bytes[start &+ Self.encodedLength] == TracingASCII.dash else {
                return nil
            }
        }
        guard bytes[start &+ 2] == TracingASCII.dash,
            bytes[start &+ 35] == TracingASCII.dash,
            bytes[start &+ 52] == TracingASCII.dash,
            let traceHigh = TracingASCII.parseHex16(bytes, at: start &+ 3),
            let traceLow = TracingASCII.parseHex16(bytes, at: start &+ 19),
            let parent = TracingASCII.parseHex16(bytes, at: start &+ 36),
            let flags = TracingASCII.parseHex(bytes, from: start &+ 53, count: 2)
        else { return nil }
        let traceID = TraceID(high: traceHigh, low: traceLow)
        let parentID = SpanID(parent)
        guard traceID.isValid, parentID.isValid else { return nil }
        return TraceParent(traceID: traceID, parentID: parentID, flags: TraceFlags(rawValue: UInt8(flags)))
    }

    /// Writes the version-00 value (55 bytes) at the start of `buffer`, which must hold at least 55, and returns
    /// 55. Does not allocate.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.encodedLength, "TraceParent.write needs 55 bytes")
        let base = buffer.baseAddress!
        base.storeBytes(of: 0x30, toByteOffset: 0, as: UInt8.self)
        base.storeBytes(of: 0x30, toByteOffset: 1, as: UInt8.self)
        base.storeBytes(of: TracingASCII.dash, toByteOffset: 2, as: UInt8.self)
        TracingASCII.writeHex(self.traceID.high, to: base + 3)
        TracingASCII.writeHex(self.traceID.low, to: base + 19)
        base.storeBytes(of: TracingASCII.dash, toByteOffset: 35, as: UInt8.self)
        TracingASCII.writeHex(self.parentID.rawValue, to: base + 36)
        base.storeBytes(of: TracingASCII.dash, toByteOffset: 52, as: UInt8.self)
        TracingASCII.writeHex(self.flags.rawValue, to: base + 53)
        return Self.encodedLength
    }

    /// Appends the version-00 value to `bytes` (allocation-free when `bytes` has the capacity).
    public func append(to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Self.encodedLength))
        _ = bytes.withUnsafeMutableBytes { self.write(into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
    }

    /// The version-00 header value, e.g. `00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01` (allocates
    /// one `String`).
    public var headerValue: String {
        String(unsafeUninitializedCapacity: Self.encodedLength) { self.write(into: UnsafeMutableRawBufferPointer($0)) }
    }

    /// The version-00 header value.
    public var description: String { self.headerValue }
}
