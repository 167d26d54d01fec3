/// Byte-level helpers shared by the trace-context parsers and formatters.
///
/// Everything works on UTF-8 bytes in caller-provided memory: no `String` is built while parsing, and the
/// formatters write into buffers the caller owns.
@usableFromInline
enum TracingASCII {
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let dash: UInt8 = 0x2D
    static let comma: UInt8 = 0x2C
    static let equals: UInt8 = 0x3D

    /// Returned by ``lowerHexValue(_:)`` for a byte that is not `0-9` or `a-f`.
    static let notHex: UInt8 = 0xFF

    /// The value of a lowercase hex digit (`0-9`, `a-f`), or ``notHex``. Uppercase digits are rejected: W3C Trace
    /// Context and B3 both define their ids as lowercase hex.
    @inline(__always)
    static func lowerHexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case 0x30...0x39: return byte &- 0x30
        case 0x61...0x66: return byte &- 0x57
        default: return notHex
        }
    }

    /// The lowercase hex digit for the low four bits of `nibble`.
    @inline(__always)
    static func hexDigit(_ nibble: UInt64) -> UInt8 {
        let value = UInt8(truncatingIfNeeded: nibble & 0xF)
        return value < 10 ? value &+ 0x30 : value &+ 0x57
    }

    /// Decodes `count` (1...16) lowercase hex digits starting at `start`; `nil` if any byte is not one.
    @inline(__always)
    static func parseHex(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> UInt64? {
        var value: UInt64 = 0
        var invalid: UInt8 = 0
        for index in start..<(start &+ count) {
            let digit = lowerHexValue(bytes[index])
            invalid |= digit & 0xF0
            value = value &<< 4 | UInt64(digit & 0x0F)
        }
        return invalid == 0 ? value : nil
    }

    /// Decodes the 16 lowercase hex digits at `start`, eight at a time; `nil` if any byte is not one.
    @inline(__always)
    static func parseHex16(_ bytes: UnsafeRawBufferPointer, at start: Int) -> UInt64? {
        guard let high = parseHex8(bytes, at: start), let low = parseHex8(bytes, at: start &+ 8) else { return nil }
        return UInt64(high) &<< 32 | UInt64(low)
    }

    /// Decodes the 8 lowercase hex digits at `start` with one 8-byte load and word-wide arithmetic (SWAR);
    /// `nil` if any byte is not one.
    @inline(__always)
    static func parseHex8(_ bytes: UnsafeRawBufferPointer, at start: Int) -> UInt32? {
        precondition(start >= 0 && start &+ 8 <= bytes.count, "parseHex8 reads 8 bytes")
        let chunk = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: UInt64.self))
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        // Bytes at or above 0x80 are never hex; excluding them first keeps every sum below inside its byte.
        guard chunk & highBits == 0 else { return nil }
        // Per byte, (x + 0x80 - lo) has its high bit set when x >= lo, and (x + 0x7F - hi) when x > hi.
        let isDigit = (chunk &+ ones &* (0x80 - 0x30)) & ~(chunk &+ ones &* (0x7F - 0x39))
        let isLetter = (chunk &+ ones &* (0x80 - 0x61)) & ~(chunk &+ ones &* (0x7F - 0x66))
        guard (isDigit | isLetter) & highBits == highBits else { return nil }
        // `0`-`9` are 0x30-0x39 and `a`-`f` are 0x61-0x66: the low nibble, plus 9 when bit 6 is set.
        var value = (chunk & 0x0F0F_0F0F_0F0F_0F0F) &+ ((chunk &>> 6) & ones) &* 9
        // The first character is in the lowest byte and is the most significant nibble: pack pairs, then pairs
        // of pairs.
        value = ((value &<< 4) | (value &>> 8)) & 0x00FF_00FF_00FF_00FF
        value = ((value &<< 8) | (value &>> 16)) & 0x0000_FFFF_0000_FFFF
        value = ((value &<< 16) | (value &>> 32)) & 0xFFFF_FFFF
        return UInt32(truncatingIfNeeded: value)
    }

    /// Writes `value` as 16 lowercase hex digits at `base`.
    @inline(__always)
    static func writeHex(_ value: UInt64, to base: UnsafeMutableRawPointer) {
        for index in 0..<16 {
            base.storeBytes(of: hexDigit(value &>> UInt64(60 &- 4 &* index)), toByteOffset: index, as: UInt8.self)
        }
    }

    /// Writes `value` as 2 lowercase hex digits at `base`.
    @inline(__always)
    static func writeHex(_ value: UInt8, to base: UnsafeMutableRawPointer) {
        base.storeBytes(of: hexDigit(UInt64(value &>> 4)), toByteOffset: 0, as: UInt8.self)
        base.storeBytes(of: hexDigit(UInt64(value)), toByteOffset: 1, as: UInt8.self)
    }

    /// `true` for HTTP optional whitespace (SP, HTAB).
    @inline(__always)
    static func isOWS(_ byte: UInt8) -> Bool {
        byte == space || byte == tab
    }

    /// The range `lower..<upper` without leading and trailing optional whitespace.
    @inline(__always)
    static func trimOWS(_ bytes: UnsafeRawBufferPointer, _ lower: Int, _ upper: Int) -> Range<Int> {
        var lower = lower
        var upper = upper
        while lower < upper, isOWS(bytes[lower]) { lower &+= 1 }
        while upper > lower, isOWS(bytes[upper &- 1]) { upper &-= 1 }
        return lower..<upper
    }

    /// Runs `body` on the UTF-8 bytes of `text` without copying them when the string is stored contiguously
    /// (always the case for native Swift strings); other strings are copied once.
    @inlinable
    static func withUTF8<Text: StringProtocol, Result>(
        _ text: Text,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        let copy = Array(text.utf8)
        return copy.withUnsafeBytes(body)
    }

    /// Runs `body` on `bytes` without copying them when they are stored contiguously; others are copied once.
    @inlinable
    static func withBytes<Bytes: Collection, Result>(
        _ bytes: Bytes,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result where Bytes.Element == UInt8 {
        if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        let copy = Array(bytes)
        return copy.withUnsafeBytes(body)
    }
}
