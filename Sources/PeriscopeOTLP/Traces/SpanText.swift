import PeriscopeTelemetry

/// Allocation-free text helpers for span export: addresses written straight into arena memory, and the UTF-8 check
/// that protobuf `string` fields need.
enum SpanText {
    /// The most bytes ``writeAddress(_:to:)`` writes: eight groups of four hex digits and seven colons.
    static let maxAddressLength = 39

    /// Writes `address` as `client.address` text — dotted decimal for IPv4; RFC 5952 for IPv6 (lower-case hex, no
    /// leading zeros, the longest run of two or more zero groups written `::`, the first one on a tie, IPv4-mapped
    /// addresses as `::ffff:a.b.c.d`) — and returns the byte count; 0 for ``SpanRecord/ClientAddress/Family/none``.
    /// `buffer` must hold ``maxAddressLength`` bytes. Same text as ``SpanRecord/ClientAddress/formatted``.
    static func writeAddress(_ address: SpanRecord.ClientAddress, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        switch address.family {
        case .none:
            return 0
        case .ipv4:
            return Self.writeDotted(UInt32(truncatingIfNeeded: address.high >> 32), to: buffer)
        case .ipv6:
            if address.high == 0 && address.low >> 32 == 0xffff {
                var count = 0
                for byte in "::ffff:".utf8 {
                    buffer[count] = byte
                    count += 1
                }
                return count + Self.writeDotted(UInt32(truncatingIfNeeded: address.low), to: buffer + count)
            }
            return Self.writeIPv6(high: address.high, low: address.low, to: buffer)
        }
    }

    private static func writeDotted(_ address: UInt32, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        var count = 0
        for index in 0..<4 {
            if index > 0 {
                buffer[count] = UInt8(ascii: ".")
                count += 1
            }
            count += Self.writeDecimal(UInt8(truncatingIfNeeded: address >> (24 - 8 * index)), to: buffer + count)
        }
        return count
    }

    private static func writeDecimal(_ value: UInt8, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        let zero = UInt8(ascii: "0")
        if value >= 100 {
            buffer[0] = zero + value / 100
            buffer[1] = zero + value / 10 % 10
            buffer[2] = zero + value % 10
            return 3
        }
        if value >= 10 {
            buffer[0] = zero + value / 10
            buffer[1] = zero + value % 10
            return 2
        }
        buffer[0] = zero + value
        return 1
    }

    private static func writeIPv6(high: UInt64, low: UInt64, to buffer: UnsafeMutablePointer<UInt8>) -> Int {
        func group(_ index: Int) -> UInt16 {
            UInt16(truncatingIfNeeded: (index < 4 ? high : low) >> (48 - 16 * (index & 3)))
        }
        // The longest run of at least two zero groups; the first one wins a tie.
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            guard group(index) == 0 else {
                index += 1
                continue
            }
            var end = index + 1
            while end < 8 && group(end) == 0 { end += 1 }
            if end - index > bestLength {
                bestStart = index
                bestLength = end - index
            }
            index = end
        }
        let digits: StaticString = "0123456789abcdef"
        var count = 0
        index = 0
        while index < 8 {
            if index == bestStart {
                buffer[count] = UInt8(ascii: ":")
                buffer[count + 1] = UInt8(ascii: ":")
                count += 2
                index += bestLength
                continue
            }
            if index > 0 && index != bestStart + bestLength {
                buffer[count] = UInt8(ascii: ":")
                count += 1
            }
            let value = group(index)
            var shift = 12
            while shift > 0 && value >> UInt16(shift) == 0 { shift -= 4 }
            while shift >= 0 {
                buffer[count] = digits.utf8Start[Int(value >> UInt16(shift) & 0xF)]
                count += 1
                shift -= 4
            }
            index += 1
        }
        return count
    }

    /// Whether `bytes` are valid UTF-8 (what a protobuf `string` must hold; receivers reject the whole request
    /// otherwise). ASCII is checked eight bytes at a time.
    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var index = 0
        while index + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            let minimum: UInt32
            switch lead {
            case 0xC2...0xDF: (length, minimum) = (2, 0x80)
            case 0xE0...0xEF: (length, minimum) = (3, 0x800)
            case 0xF0...0xF4: (length, minimum) = (4, 0x1_0000)
            default: return false
            }
            var scalar = UInt32(lead & (0x7F >> length))
            guard index + length <= count else { return false }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { return false }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            // Overlong forms, UTF-16 surrogates and values above U+10FFFF are not UTF-8.
            if scalar < minimum || (0xD800...0xDFFF).contains(scalar) || scalar > 0x10_FFFF { return false }
            index += length
        }
        return true
    }
}
