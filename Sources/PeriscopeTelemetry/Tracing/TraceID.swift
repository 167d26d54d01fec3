/// A W3C / OpenTelemetry trace id: 16 bytes, held as two big-endian halves.
///
/// `high` holds bytes 0-7 and `low` bytes 8-15, so `0x4bf92f3577b34da6_a3ce929d0e0e4736` is the id written
/// `4bf92f3577b34da6a3ce929d0e0e4736` in a `traceparent` header and sent as those 16 bytes, in that order, in OTLP
/// `Span.trace_id`. The all-zero id is invalid (``isValid``). A 64-bit B3 trace id is the id with `high == 0`.
public struct TraceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Bytes 0-7, big-endian (the first 16 hex digits).
    public var high: UInt64
    /// Bytes 8-15, big-endian (the last 16 hex digits). W3C's random-trace-id flag promises that at least the
    /// right-most 7 of these bytes are random, which is why ``Sampler`` decides from this half.
    public var low: UInt64

    /// Number of bytes in a trace id.
    public static let byteCount = 16
    /// Number of hex digits in a trace id.
    public static let hexCount = 32
    /// The all-zero, invalid trace id.
    public static let invalid = TraceID(high: 0, low: 0)

    /// Creates the id whose bytes 0-7 are `high` and bytes 8-15 are `low`, both big-endian.
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// Creates the id from its 16 bytes (for instance OTLP `trace_id`); `nil` unless there are exactly 16.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 {
                high = high &<< 8 | UInt64(byte)
            } else {
                low = low &<< 8 | UInt64(byte)
            }
        }
        self.init(high: high, low: low)
    }

    /// Parses exactly 32 lowercase hex digits; `nil` for anything else. The all-zero id parses (check
    /// ``isValid``), because its format is valid.
    public init?(hex: some StringProtocol) {
        guard
            let id = TracingASCII.withUTF8(
                hex,
                { bytes -> TraceID? in
                    guard bytes.count == Self.hexCount,
                        let high = TracingASCII.parseHex16(bytes, at: 0),
                        let low = TracingASCII.parseHex16(bytes, at: 16)
                    else { return nil }
                    return TraceID(high: high, low: low)
                })
        else { return nil }
        self = id
    }

    /// `true` unless every byte is zero.
    @inlinable
    public var isValid: Bool { (self.high | self.low) != 0 }

    /// The 16 bytes, big-endian, as OTLP `Span.trace_id` carries them. Allocates; see
    /// ``writeBytes(into:)`` for the allocation-free form.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: Self.byteCount) { buffer, initialized in
            initialized = self.writeBytes(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Writes the 16 bytes, big-endian, at the start of `buffer` (which must hold at least 16) and returns 16.
    @discardableResult
    public func writeBytes(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.byteCount, "TraceID.writeBytes needs 16 bytes")
        buffer.storeBytes(of: self.high.bigEndian, toByteOffset: 0, as: UInt64.self)
        buffer.storeBytes(of: self.low.bigEndian, toByteOffset: 8, as: UInt64.self)
        return Self.byteCount
    }

    /// Writes the 32 lowercase hex digits at the start of `buffer` (which must hold at least 32) and returns 32.
    /// Does not allocate.
    @discardableResult
    public func writeHex(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.hexCount, "TraceID.writeHex needs 32 bytes")
        TracingASCII.writeHex(self.high, to: buffer.baseAddress!)
        TracingASCII.writeHex(self.low, to: buffer.baseAddress! + 16)
        return Self.hexCount
    }

    /// Appends the 32 lowercase hex digits to `bytes` (allocation-free when `bytes` has the capacity).
    public func appendHex(to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: Self.hexCount))
        _ = bytes.withUnsafeMutableBytes { self.writeHex(into: UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
    }

    /// The 32 lowercase hex digits (allocates a `String`).
    public var hexString: String {
        String(unsafeUninitializedCapacity: Self.hexCount) { self.writeHex(into: UnsafeMutableRawBufferPointer($0)) }
    }

    /// The 32 lowercase hex digits.
    public var description: String { self.hexString }

    /// Orders ids by their bytes.
    public static func < (lhs: TraceID, rhs: TraceID) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
