import PeriscopeTelemetry
import Testing

#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

@Suite struct SpanRecordTests {
    @Test func recordIsAFixedSizeTriviallyCopyableValue() {
        #expect(MemoryLayout<SpanRecord>.size == 448)
        #expect(MemoryLayout<SpanRecord>.stride == 448)
        #expect(MemoryLayout<SpanRecord>.alignment == 8)
        #expect(_isPOD(SpanRecord.self))
        #expect(SpanRecord.urlPathCapacity == 128)
        #expect(SpanRecord.userAgentCapacity == 88)
        // Lengths are stored in a byte.
        #expect(SpanRecord.urlPathCapacity <= Int(UInt8.max) && SpanRecord.userAgentCapacity <= Int(UInt8.max))
        #expect(MemoryLayout<SpanRecord.Event>.stride == 16)
    }

    @Test(
        "server.address and server.port from a Host header",
        arguments: [
            ("example.com", "example.com", 8080), ("example.com:8443", "example.com", 8443),
            ("[2001:db8::1]:443", "2001:db8::1", 443), ("[2001:db8::1]", "2001:db8::1", 8080),
            ("10.0.0.1:99999", "10.0.0.1", 8080), ("host:abc", "host", 8080), ("[broken", "", 8080), ("", "", 8080),
        ])
    func serverAddressFromHost(header: String, address: String, port: Int) {
        var record = SpanRecord()
        record.serverPort = 8080
        record.setServerAddress(hostHeader: header)
        #expect(record.serverAddress == address)
        #expect(Int(record.serverPort) == port)
        let long = String(repeating: "a", count: SpanRecord.serverAddressCapacity + 10) + ".example"
        record.setServerAddress(hostHeader: long)
        #expect(record.serverAddress.utf8.count == SpanRecord.serverAddressCapacity)
        #expect(record.truncation.contains(.serverAddress))
    }

    @Test func aClientRecordTakesItsParentsPathAndTruncation() {
        var server = SpanRecord()
        server.setURLPath(requestTarget: "/" + String(repeating: "p", count: 200) + "?q=1")
        var client = SpanRecord()
        client.setURLPath("/stale")
        client.copyURLPath(from: server)
        #expect(client.urlPath == server.urlPath)
        #expect(client.urlPath.utf8.count == SpanRecord.urlPathCapacity)
        #expect(client.truncation.contains(.urlPath))

        server.setURLPath(requestTarget: "/short?x")
        client.copyURLPath(from: server)
        #expect(client.urlPath == "/short")
        #expect(!client.truncation.contains(.urlPath))
    }

    @Test func emptyRecordHasNoValues() {
        let record = SpanRecord()
        #expect(record.spanID == 0 && record.parentSpanID == 0 && record.flags == 0)
        #expect(record.kind == .unspecified && record.status == .unset && record.method == .other)
        #expect(record.routeID.isNone && record.clusterID == .none)
        #expect(record.events.isEmpty && record.events.droppedCount == 0)
        #expect(record.urlPath.isEmpty && record.userAgent.isEmpty && record.truncation.isEmpty)
        #expect(record.clientAddress.family == .none && record.clientAddress.formatted == nil)
    }

    @Test func aRestartedRecordIsANewSpan() {
        let traceID = TraceID(high: 0x0102_0304_0506_0708, low: 0x090A_0B0C_0D0E_0F10)
        for sequence: UInt64 in 0..<64 {
            // Every field set, texts of every length, events: all of it must be gone after the restart.
            var reused = SpanTestRecords.make(producer: 3, sequence: sequence)
            reused.restart(
                kind: .client, traceID: traceID, spanID: SpanID(77), parentSpanID: SpanID(5), traceFlags: 1,
                parentIsRemote: true, startTimeUnixNano: 1_000)
            let fresh = SpanRecord(
                kind: .client, traceID: traceID, spanID: SpanID(77), parentSpanID: SpanID(5), traceFlags: 1,
                parentIsRemote: true, startTimeUnixNano: 1_000)
            #expect(reused == fresh)
            #expect(reused.urlPath.isEmpty && reused.userAgent.isEmpty && reused.serverAddress.isEmpty)
            #expect(reused.events.isEmpty && reused.events.droppedCount == 0 && reused.truncation.isEmpty)
            #expect(SpanTestRecords.checksum(of: reused) == SpanTestRecords.checksum(of: fresh))
        }
    }

    @Test func copyingUsedBytesKeepsEveryFieldAndSkipsTheUnusedText() {
        // A destination whose texts are all full: what the copy leaves alone is still there afterwards.
        var long = SpanRecord()
        long.setURLPath(String(repeating: "P", count: SpanRecord.urlPathCapacity))
        long.setUserAgent(String(repeating: "U", count: SpanRecord.userAgentCapacity))
        long.setServerAddress(hostHeader: String(repeating: "S", count: SpanRecord.serverAddressCapacity))
        for sequence: UInt64 in 0..<300 {
            var source = SpanTestRecords.make(producer: 1, sequence: sequence)
            var destination = long
            withUnsafePointer(to: &source) { from in
                withUnsafeMutablePointer(to: &destination) { SpanRecord.copyUsedBytes(from: from, to: $0) }
            }
            #expect(destination == source)
            #expect(destination.serverAddress == source.serverAddress)
            #expect(SpanTestRecords.checksumMatches(destination))
            // The byte after the copied path is the destination's old one (the copy stopped at the length).
            let pathLength = source.urlPath.utf8.count
            if pathLength < SpanRecord.urlPathCapacity {
                let offset =
                    MemoryLayout<SpanRecord>.size - SpanRecord.serverAddressCapacity
                    - SpanRecord.userAgentCapacity - SpanRecord.urlPathCapacity + pathLength
                let after = withUnsafeBytes(of: &destination) { $0[offset] }
                #expect(after == UInt8(ascii: "P"))
            }
        }
    }

    @Test func otlpFlagsCarryTraceFlagsAndRemoteBits() {
        #expect(SpanRecord.otlpFlags(traceFlags: 0x01, parentIsRemote: nil) == 0x001)
        #expect(SpanRecord.otlpFlags(traceFlags: 0x01, parentIsRemote: false) == 0x101)
        #expect(SpanRecord.otlpFlags(traceFlags: 0x01, parentIsRemote: true) == 0x301)
        #expect(SpanRecord.otlpFlags(traceFlags: 0xFF, parentIsRemote: true) == 0x3FF)
        var record = SpanRecord()
        record.flags = SpanRecord.otlpFlags(traceFlags: 0x01, parentIsRemote: true)
        #expect(record.traceFlags == 0x01)
    }

    @Test func idsAreExportedBigEndian() {
        var record = SpanRecord()
        record.traceIDHigh = 0x0102_0304_0506_0708
        record.traceIDLow = 0x090A_0B0C_0D0E_0F10
        record.spanID = 0x1112_1314_1516_1718
        #expect(record.traceIDBytes == Array(1...16))
        #expect(record.spanIDBytes == Array(0x11...0x18))
        #expect(record.parentSpanIDBytes.isEmpty)
        record.parentSpanID = 0xFF
        #expect(record.parentSpanIDBytes == [0, 0, 0, 0, 0, 0, 0, 0xFF])
    }

    @Test func shortURLPathIsStoredWhole() {
        var record = SpanRecord()
        record.setURLPath("/users/42")
        #expect(record.urlPath == "/users/42")
        #expect(!record.truncation.contains(.urlPath))
        record.setURLPath("/users/42"[...].dropFirst())  // a Substring
        #expect(record.urlPath == "users/42")
        record.setURLPath(String(repeating: "a", count: 128))
        #expect(record.urlPath.utf8.count == 128)
        #expect(!record.truncation.contains(.urlPath))
    }

    @Test func longURLPathIsTruncatedAndFlagged() {
        var record = SpanRecord()
        let long = "/" + String(repeating: "segment/", count: 40)
        record.setURLPath(long)
        #expect(record.urlPath == String(long.utf8.prefix(128))!)
        #expect(record.truncation.contains(.urlPath))
        #expect(!record.truncation.contains(.userAgent))
        // Setting a short path again clears the flag.
        record.setURLPath("/ok")
        #expect(record.urlPath == "/ok")
        #expect(record.truncation.isEmpty)
    }

    @Test func truncationNeverSplitsAUTF8Character() {
        var record = SpanRecord()
        // 127 ASCII bytes + "é" (2 bytes): the cut at 128 would split "é", so only 127 bytes are kept.
        record.setURLPath(String(repeating: "a", count: 127) + "é")
        #expect(record.urlPath == String(repeating: "a", count: 127))
        #expect(record.truncation.contains(.urlPath))
        // 86 bytes + a 4-byte emoji: 90 > 88, the emoji goes entirely.
        record.setUserAgent(String(repeating: "u", count: 86) + "🚀")
        #expect(record.userAgent == String(repeating: "u", count: 86))
        #expect(record.truncation.contains(.userAgent))
        // 84 bytes + emoji = 88 fits exactly.
        record.setUserAgent(String(repeating: "u", count: 84) + "🚀")
        #expect(record.userAgent == String(repeating: "u", count: 84) + "🚀")
        #expect(!record.truncation.contains(.userAgent))
        record.withUserAgentBytes { #expect($0.count == 88) }
    }

    @Test func urlPathFromRequestTargetStopsAtQueryOrFragment() {
        var record = SpanRecord()
        record.setURLPath(requestTarget: "/search?q=periscope#top")
        #expect(record.urlPath == "/search")
        record.setURLPath(requestTarget: "/docs#intro")
        #expect(record.urlPath == "/docs")
        record.setURLPath(requestTarget: "/plain")
        #expect(record.urlPath == "/plain")
        record.setURLPath(requestTarget: "?only=query")
        #expect(record.urlPath == "")
    }

    @Test func urlPathFromRawBytes() {
        var record = SpanRecord()
        let bytes: [UInt8] = Array("/raw".utf8)
        bytes.withUnsafeBytes { record.setURLPath(utf8: $0) }
        #expect(record.urlPath == "/raw")
        record.withURLPathBytes { #expect(Array($0) == bytes) }
    }

    @Test func eventsBeyondCapacityAreCountedAndFlagged() {
        var record = SpanRecord()
        let kinds: [SpanRecord.EventKind] = [.retry, .timeout, .upstreamReset, .retry, .rejected, .circuitOpen]
        var stored: [Bool] = []
        for (index, kind) in kinds.enumerated() {
            stored.append(record.addEvent(kind, timeUnixNano: UInt64(100 + index), payload: UInt32(index)))
        }
        #expect(stored == [true, true, true, true, false, false])
        #expect(record.events.count == SpanRecord.Events.capacity)
        #expect(record.events.map(\.kind) == Array(kinds.prefix(4)))
        #expect(record.events.map(\.timeUnixNano) == [100, 101, 102, 103])
        #expect(record.events.map(\.payload) == [0, 1, 2, 3])
        #expect(record.events.droppedCount == 2)
        #expect(record.truncation == .events)
    }

    @Test func eventNamesAreSnakeCase() {
        #expect(
            SpanRecord.EventKind.allCases.map(\.name) == [
                "retry", "timeout", "rejected", "upstream_reset", "circuit_open", "connect_failure", "downstream_reset",
            ])
    }

    @Test func spanNameFollowsTheHTTPConventions() {
        let table = SpanStringTable()
        var record = SpanRecord()
        record.method = .get
        record.routeID = table.intern("/users/{id}")
        #expect(record.name(using: table.snapshot()) == "GET /users/{id}")
        record.routeID = .none
        #expect(record.name(using: table.snapshot()) == "GET")
        record.method = .other
        record.routeID = table.intern("/x")
        #expect(record.name(using: table.snapshot()) == "HTTP /x")
        #expect(record.method.name == "_OTHER")
    }

    @Test func methodAndProtocolMapping() {
        #expect(SpanRecord.HTTPMethod(name: "GET") == .get)
        #expect(SpanRecord.HTTPMethod(name: "PATCH"[...]) == .patch)
        #expect(SpanRecord.HTTPMethod(name: "get") == .other)  // methods are case-sensitive
        #expect(SpanRecord.HTTPMethod(name: "PROPFIND") == .other)
        for method in SpanRecord.HTTPMethod.allCases where method != .other {
            #expect(SpanRecord.HTTPMethod(name: method.name) == method)
        }
        #expect(SpanRecord.ProtocolVersion(major: 1, minor: 1).name == "1.1")
        #expect(SpanRecord.ProtocolVersion(major: 1, minor: 0).name == "1.0")
        #expect(SpanRecord.ProtocolVersion(major: 2, minor: 0).name == "2")
        #expect(SpanRecord.ProtocolVersion(major: 0, minor: 9) == .unknown)
        #expect(SpanRecord.Kind.server.rawValue == 2 && SpanRecord.Kind.client.rawValue == 3)
        #expect(SpanRecord.StatusCode.error.rawValue == 2)
        #expect(SpanRecord.URLScheme.https.name == "https")
    }

    @Test func ipv4ClientAddress() {
        let address = SpanRecord.ClientAddress(ipv4: 0xC000_0201, port: 51000)
        #expect(address.formatted == "192.0.2.1")
        #expect(address.bytes == [192, 0, 2, 1])
        #expect(address.port == 51000 && address.family == .ipv4)

        var socket = sockaddr_in()
        socket.sin_family = sa_family_t(AF_INET)
        socket.sin_port = UInt16(8080).bigEndian
        socket.sin_addr.s_addr = UInt32(0x0A00_0005).bigEndian
        let fromSocket = SpanRecord.ClientAddress(socket)
        #expect(fromSocket.formatted == "10.0.0.5")
        #expect(fromSocket.port == 8080)
    }

    @Test func ipv6ClientAddressUsesRFC5952Text() {
        func text(_ high: UInt64, _ low: UInt64) -> String? {
            SpanRecord.ClientAddress(ipv6High: high, low: low, port: 1).formatted
        }
        #expect(text(0x2001_0DB8_0000_0000, 1) == "2001:db8::1")
        #expect(text(0, 1) == "::1")
        #expect(text(0, 0) == "::")
        #expect(text(0xFE80_0000_0000_0000, 0) == "fe80::")
        // A single zero group is not compressed.
        #expect(text(0x2001_0DB8_0000_0001, 0x0001_0001_0001_0001) == "2001:db8:0:1:1:1:1:1")
        // The longest run is compressed; on a tie, the first.
        #expect(text(0x2001_0000_0000_0001, 0x0000_0000_0000_0001) == "2001:0:0:1::1")
        #expect(text(0x2001_0DB8_0000_0000, 0x0001_0000_0000_0001) == "2001:db8::1:0:0:1")
        #expect(text(0, 0x0000_FFFF_C000_0201) == "::ffff:192.0.2.1")

        var socket = sockaddr_in6()
        socket.sin6_family = sa_family_t(AF_INET6)
        socket.sin6_port = UInt16(443).bigEndian
        #expect(inet_pton(AF_INET6, "2001:db8:85a3::8a2e:370:7334", &socket.sin6_addr) == 1)
        let fromSocket = SpanRecord.ClientAddress(socket)
        #expect(fromSocket.formatted == "2001:db8:85a3::8a2e:370:7334")
        #expect(fromSocket.port == 443)
        #expect(fromSocket.bytes.count == 16 && fromSocket.bytes.prefix(2) == [0x20, 0x01])
    }

    @Test func equalityIgnoresBytesBeyondTheStoredText() {
        var first = SpanRecord()
        first.setURLPath(String(repeating: "z", count: 100))
        first.setURLPath("/same")
        var second = SpanRecord()
        second.setURLPath("/same")
        #expect(first == second)
        second.setUserAgent("other")
        #expect(first != second)
    }

    @Test func testRecordsCarryAValidChecksum() {
        for sequence in UInt64(0)..<200 {
            let record = SpanTestRecords.make(producer: 3, sequence: sequence)
            #expect(SpanTestRecords.checksumMatches(record))
            #expect(SpanTestRecords.identity(of: record) == (3, sequence))
            var corrupted = record
            corrupted.responseStatusCode &+= 1
            #expect(!SpanTestRecords.checksumMatches(corrupted))
        }
    }
}

extension SpanRecordTests {
    @Test func recordFromTraceIdentity() {
        let record = SpanRecord(
            kind: .client,
            traceID: TraceID(high: 0x4BF9_2F35_77B3_4DA6, low: 0xA3CE_929D_0E0E_4736),
            spanID: SpanID(0x00F0_67AA_0BA9_02B7),
            parentSpanID: SpanID(0x1234),
            traceFlags: 0x01,
            parentIsRemote: true,
            startTimeUnixNano: 42
        )
        #expect(record.kind == .client)
        #expect(record.traceIDHigh == 0x4BF9_2F35_77B3_4DA6 && record.traceIDLow == 0xA3CE_929D_0E0E_4736)
        #expect(record.spanID == 0x00F0_67AA_0BA9_02B7 && record.parentSpanID == 0x1234)
        #expect(record.flags == 0x301)
        #expect(record.startTimeUnixNano == 42 && record.endTimeUnixNano == 0)
        let root = SpanRecord(
            kind: .server,
            traceID: TraceID(high: 1, low: 2),
            spanID: SpanID(3),
            parentSpanID: .invalid,
            traceFlags: 0x00,
            parentIsRemote: nil,
            startTimeUnixNano: 0
        )
        #expect(root.parentSpanID == 0 && root.parentSpanIDBytes.isEmpty && root.flags == 0)
    }
}
