import PeriscopeTelemetry
import Testing

@testable import PeriscopeOTLP

/// The encoder's allocation-free text helpers against the allocating reference implementations.
@Suite struct SpanTextTests {
    private func written(_ address: SpanRecord.ClientAddress) -> String {
        var buffer = [UInt8](repeating: 0, count: SpanText.maxAddressLength)
        let count = buffer.withUnsafeMutableBufferPointer { SpanText.writeAddress(address, to: $0.baseAddress!) }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    @Test func addressesMatchTheRecordsFormatting() {
        let fixed: [(SpanRecord.ClientAddress, String)] = [
            (.init(ipv4: 0xC000_020A, port: 1), "192.0.2.10"),
            (.init(ipv4: 0, port: 1), "0.0.0.0"),
            (.init(ipv4: 0xFFFF_FFFF, port: 1), "255.255.255.255"),
            (.init(ipv6High: 0, low: 1, port: 1), "::1"),
            (.init(ipv6High: 0, low: 0, port: 1), "::"),
            (.init(ipv6High: 0x2001_0db8_0000_0000, low: 1, port: 1), "2001:db8::1"),
            (.init(ipv6High: 0x2001_0db8_0000_0001, low: 0x0000_0000_0001_0000, port: 1), "2001:db8:0:1::1:0"),
            (.init(ipv6High: 0x2001_0db8_0000_0001, low: 0x0001_0001_0001_0001, port: 1), "2001:db8:0:1:1:1:1:1"),
            (.init(ipv6High: 0x2001_0000_0000_0001, low: 0x0000_0000_0000_0001, port: 1), "2001:0:0:1::1"),
            (.init(ipv6High: 0xFE80_0000_0000_0000, low: 0, port: 1), "fe80::"),
            (.init(ipv6High: 0, low: 0x0000_FFFF_C000_020A, port: 1), "::ffff:192.0.2.10"),
            (
                .init(ipv6High: 0xFFFF_FFFF_FFFF_FFFF, low: 0xFFFF_FFFF_FFFF_FFFF, port: 1),
                "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
            ),
        ]
        for (address, text) in fixed {
            #expect(self.written(address) == text)
            #expect(address.formatted == text)
        }
        #expect(self.written(.none).isEmpty)

        // Random addresses with many zero groups, so that runs and ties are common.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            var halves: [UInt64] = [0, 0]
            for half in 0..<2 {
                for group in 0..<4 where Bool.random(using: &generator) {
                    halves[half] |= UInt64(UInt16.random(in: 0...0x1F, using: &generator)) << (16 * group)
                }
            }
            let v6 = SpanRecord.ClientAddress(ipv6High: halves[0], low: halves[1], port: 1)
            #expect(self.written(v6) == v6.formatted)
            let v4 = SpanRecord.ClientAddress(ipv4: UInt32.random(in: 0 ... .max, using: &generator), port: 1)
            #expect(self.written(v4) == v4.formatted)
        }
    }

    @Test func utf8ValidationAgreesWithTheStandardLibrary() {
        func valid(_ bytes: [UInt8]) -> Bool { bytes.withUnsafeBytes { SpanText.isValidUTF8($0) } }
        func reference(_ bytes: [UInt8]) -> Bool { Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes }

        let cases: [[UInt8]] = [
            [], Array("plain ascii path /a/b".utf8), Array("héllo wörld €𝄞".utf8),
            [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0x80], [0xE2, 0x82], Array("12345678".utf8) + [0xFF],
            [0xEF, 0xBF, 0xBD], [0xF0, 0x9F, 0x98, 0x80],
        ]
        for bytes in cases {
            #expect(valid(bytes) == reference(bytes), "\(bytes)")
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50_000 {
            let length = Int.random(in: 0...12, using: &generator)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &generator)
                    ? UInt8.random(in: 0x20...0x7E, using: &generator)
                    : UInt8.random(in: 0x80...0xFF, using: &generator)
            }
            #expect(valid(bytes) == reference(bytes), "\(bytes)")
        }
    }

    @Test func endpointsSplitIntoHostAndPort() {
        let cases: [(String, String, Int64?)] = [
            ("10.0.0.5:8080", "10.0.0.5", 8080),
            ("users.internal:443", "users.internal", 443),
            ("users.internal", "users.internal", nil),
            ("[2001:db8::7]:9443", "2001:db8::7", 9443),
            ("[::1]", "::1", nil),
            ("2001:db8::7", "2001:db8::7", nil),
            ("host:notaport", "host:notaport", nil),
            ("host:70000", "host:70000", nil),
        ]
        for (text, host, port) in cases {
            let split = SpanStringCache.split(endpoint: text)
            #expect(split.host == host, "\(text)")
            #expect(split.port == port, "\(text)")
        }
    }
}
