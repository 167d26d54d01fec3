#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

extension SpanRecord {
    /// An IPv4 or IPv6 address and port held inline (16 address bytes, port, family), for `client.address` and
    /// `client.port`. Convert the connection's peer address once per connection, not per request.
    public struct ClientAddress: Sendable, BitwiseCopyable, Hashable {
        /// The address family.
        public enum Family: UInt8, Sendable, BitwiseCopyable {
            /// No address: the attributes are not exported.
            case none = 0
            /// IPv4: the address is bytes 0–3.
            case ipv4 = 4
            /// IPv6: all 16 bytes.
            case ipv6 = 6
        }

        /// Address bytes 0–7 as a big-endian integer (an IPv4 address is bytes 0–3, so it sits in bits 32–63).
        public let high: UInt64
        /// Address bytes 8–15 as a big-endian integer (0 for IPv4).
        public let low: UInt64
        /// The port, host byte order.
        public let port: UInt16
        /// Which kind of address this is.
        public let family: Family

        /// No address.
        @inlinable
        public static var none: ClientAddress { ClientAddress(high: 0, low: 0, port: 0, family: .none) }

        @inlinable
        init(high: UInt64, low: UInt64, port: UInt16, family: Family) {
            self.high = high
            self.low = low
            self.port = port
            self.family = family
        }

        /// An IPv4 address `a.b.c.d` given as the integer `a << 24 | b << 16 | c << 8 | d`.
        @inlinable
        public init(ipv4 address: UInt32, port: UInt16) {
            self.init(high: UInt64(address) << 32, low: 0, port: port, family: .ipv4)
        }

        /// An IPv6 address given as its first and last 8 bytes, each as a big-endian integer.
        @inlinable
        public init(ipv6High high: UInt64, low: UInt64, port: UInt16) {
            self.init(high: high, low: low, port: port, family: .ipv6)
        }

        /// The address and port of a `sockaddr_in` (as NIO's `SocketAddress.IPv4Address.address` holds).
        @inlinable
        public init(_ address: sockaddr_in) {
            self.init(ipv4: UInt32(bigEndian: address.sin_addr.s_addr), port: UInt16(bigEndian: address.sin_port))
        }

        /// The address and port of a `sockaddr_in6` (as NIO's `SocketAddress.IPv6Address.address` holds).
        @inlinable
        public init(_ address: sockaddr_in6) {
            var high: UInt64 = 0
            var low: UInt64 = 0
            withUnsafeBytes(of: address.sin6_addr) { bytes in
                for index in 0..<8 {
                    high = high << 8 | UInt64(bytes[index])
                    low = low << 8 | UInt64(bytes[index + 8])
                }
            }
            self.init(ipv6High: high, low: low, port: UInt16(bigEndian: address.sin6_port))
        }

        /// The address bytes in network order: 4 for IPv4, 16 for IPv6, none for ``Family/none``.
        public var bytes: [UInt8] {
            let all =
                (0..<8).map { UInt8(truncatingIfNeeded: self.high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: self.low >> (56 - 8 * $0)) }
            switch self.family {
            case .none: return []
            case .ipv4: return Array(all[0..<4])
            case .ipv6: return all
            }
        }

        /// The `client.address` value: dotted decimal for IPv4, RFC 5952 text for IPv6 (lower-case hex, the longest
        /// run of two or more zero groups — the first if tied — written `::`, IPv4-mapped addresses as
        /// `::ffff:a.b.c.d`); `nil` for ``Family/none``.
        public var formatted: String? {
            switch self.family {
            case .none:
                return nil
            case .ipv4:
                return Self.dotted(UInt32(truncatingIfNeeded: self.high >> 32))
            case .ipv6:
                let groups = (0..<8).map { index -> UInt16 in
                    let word = index < 4 ? self.high : self.low
                    return UInt16(truncatingIfNeeded: word >> (48 - 16 * (index % 4)))
                }
                if self.high == 0 && self.low >> 32 == 0xffff {
                    return "::ffff:" + Self.dotted(UInt32(truncatingIfNeeded: self.low))
                }
                return Self.rfc5952(groups)
            }
        }

        private static func dotted(_ address: UInt32) -> String {
            (0..<4).map { String(UInt8(truncatingIfNeeded: address >> (24 - 8 * $0))) }.joined(separator: ".")
        }

        private static func rfc5952(_ groups: [UInt16]) -> String {
            // The longest run of zero groups of length ≥ 2 (the first one on a tie) is compressed.
            var bestStart = -1
            var bestLength = 1
            var index = 0
            while index < groups.count {
                guard groups[index] == 0 else {
                    index += 1
                    continue
                }
                var end = index
                while end < groups.count && groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            }
            let hex = groups.map { String($0, radix: 16) }
            guard bestStart >= 0 else { return hex.joined(separator: ":") }
            let head = hex[..<bestStart].joined(separator: ":")
            let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
            return head + "::" + tail
        }
    }
}
