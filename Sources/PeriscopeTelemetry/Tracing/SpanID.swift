/// A W3C / OpenTelemetry span id (the `parent-id` of a `traceparent`): 8 bytes, held as one big-endian `UInt64`.
///
/// `0x00f067aa0ba902b7` is written `00f067aa0ba902b7` in headers and sent as those 8 bytes, in that order, in OTLP
/// `Span.span_id`. The all-zero id is invalid (``isValid``).
public struct SpanID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 8 bytes as a big-endian integer (the first hex digit is the top nibble).
    public var rawValue: UInt64

    /// Number of bytes in a span id.
    public static let byteCount = 8
    /// Number of hex digits in a span id.
    public static let hexCount = 16
    /// The all-zero, invalid span id.
    public static let invalid = SpanID(0)

    /// Creates the id whose 8 big-endian bytes are `rawValue`.
    public init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// Creates the id from its 8 bytes (for instance OTLP `span_id`); `nil` unless there are exactly 8.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        self.init(bytes.reduce(0) { $0 &<< 8 | UInt64($1) })
    }

    /// Parses exactly 16 lowercase hex digits; `nil` for anything else. The all-zero id parses (check
    /// ``isValid``), because its format is valid.
    public init?(hex: some StringProtocol) {
        guard
            let value = TracingASCII.withUTF8(
                hex,
                { bytes -> UInt64? in
                    bytes.count == Self.hexCount ? TracingASCII.parseHex16(bytes, at: 0) : nil
                })
        else { return nil }
        self.init(value)
    }

    /// `true` unless every byte is zero.
    @inlinable
    public var isValid: Bool { self.rawValue != 0 }

    /// The 8 bytes, big-endian, as OTLP `Span.span_id` carries them. Allocates; see ``writeBytes(into:)`` for the
    /// allocation-free form.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, initialized in
            initialized = self.writeBytes(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Writes the 8 bytes, big-endian, at the start of `buffer` (which must hold at least 8) and returns 8.
    @discardableResult
    public func writeBytes(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.byteCount, "SpanID.writeBytes needs 8 bytes")
        buffer.storeBytes(of: self.rawValue.bigEndian, toByteOffset: 0, as: UInt64.self)
        return Self.byteCount
    }

    /// Writes the 16 lowercase hex digits at the start of `buffer` (which must hold at least 16) and returns 16.
    /// Does not allocate.
    @discardableResult
    public func writeHex(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.hexCount, "SpanID.writeHex needs 16 bytes")
        TracingASCII.writeHex(self.rawValue, to: buffer.baseAddress!)
        return Self.hexCount
    }

    /// Appends the 16 lowercase hex digits to `bytes` (allocation-free when `bytes` has the capacity).
    public func appendHex(to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Self.hexCount))
        _ = bytes.withUnsafeMutableBytes { self.writeHex(into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
    }

    /// The 16 lowercase hex digits (allocates a `String`).
    public var hexString: String {
        String(unsafeUninitializedCapacity: Self.hexCount) { self.writeHex(into: UnsafeMutableRawBufferPointer($0)) }
    }

    /// The 16 lowercase hex digits.
    public var description: String { self.hexString }

    /// Orders ids by their bytes.
    public static func < (lhs: SpanID, rhs: SpanID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
