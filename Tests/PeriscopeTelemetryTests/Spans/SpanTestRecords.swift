import PeriscopeTelemetry

/// Deterministic span records for the buffer tests: every field derives from (producer, sequence), and the last
/// event's payload is a checksum of all other fields, so a record torn by a race is caught either way.
enum SpanTestRecords {
    /// The record that producer `producer` pushes as its `sequence`-th span.
    static func make(producer: Int, sequence: UInt64) -> SpanRecord {
        var record = SpanRecord()
        let seed = UInt64(producer) << 48 ^ sequence
        record.traceIDHigh = UInt64(producer)
        record.traceIDLow = seed &* 0x9E37_79B9_7F4A_7C15
        record.spanID = sequence &+ 1
        record.parentSpanID = sequence % 3 == 0 ? 0 : seed ^ 0xABCD
        record.startTimeUnixNano = 1_700_000_000_000_000_000 &+ sequence &* 1000
        record.endTimeUnixNano = record.startTimeUnixNano &+ (seed % 997)
        record.kind = sequence % 2 == 0 ? .server : .client
        record.status = SpanRecord.StatusCode(rawValue: UInt8(sequence % 3))!
        record.flags = SpanRecord.otlpFlags(traceFlags: UInt8(sequence & 1), parentIsRemote: sequence % 4 == 0)
        record.method = SpanRecord.HTTPMethod(rawValue: UInt8(sequence % 10))!
        record.routeID = SpanStringID(rawValue: UInt32(truncatingIfNeeded: seed % 50))
        record.clusterID = SpanStringID(rawValue: UInt32(truncatingIfNeeded: seed % 7))
        record.endpointID = SpanStringID(rawValue: UInt32(truncatingIfNeeded: seed % 11))
        record.listenerID = SpanStringID(rawValue: UInt32(producer))
        record.errorTypeID = SpanStringID(rawValue: UInt32(truncatingIfNeeded: sequence % 5))
        record.responseStatusCode = UInt16(200 + sequence % 400)
        record.serverPort = UInt16(truncatingIfNeeded: 8000 &+ seed)
        record.protocolVersion = SpanRecord.ProtocolVersion(rawValue: UInt8(sequence % 5))!
        record.urlScheme = .https
        record.attempt = UInt8(truncatingIfNeeded: sequence % 4)
        record.clientAddress = SpanRecord.ClientAddress(ipv4: UInt32(truncatingIfNeeded: seed), port: 40000)
        // Paths of 1...151 bytes (crossing the 128-byte capacity), user agents of 4...91 bytes (crossing 88).
        record.setURLPath(self.paths[Int((seed ^ seed >> 17) % UInt64(self.paths.count))])
        record.setUserAgent(self.userAgents[Int(sequence % UInt64(self.userAgents.count))])
        // Hosts of 0...69 bytes (crossing the 64-byte capacity): ring slots reused by shorter texts keep the end of
        // the longer ones, which the record's lengths must hide.
        let host = self.hosts[Int((seed >> 7) % UInt64(self.hosts.count))]
        if !host.isEmpty { record.setServerAddress(hostHeader: host) }
        for index in 0..<Int(sequence % 4) {
            record.addEvent(.retry, timeUnixNano: record.startTimeUnixNano &+ UInt64(index), payload: UInt32(index))
        }
        // The checksum goes last, as a fourth event at most.
        record.addEvent(.timeout, timeUnixNano: 1, payload: self.checksum(of: record))
        return record
    }

    private static let paths = (0...150).map { "/" + String(repeating: "p", count: $0) }
    private static let userAgents = (0..<88).map { "ua/" + String(repeating: "u", count: $0) }
    private static let hosts = (0..<70).map { String(repeating: "h", count: $0) }

    /// The producer and sequence a record from ``make(producer:sequence:)`` was made from.
    static func identity(of record: SpanRecord) -> (producer: Int, sequence: UInt64) {
        (Int(record.traceIDHigh), record.spanID &- 1)
    }

    /// Whether the record's checksum event matches the rest of its fields.
    static func checksumMatches(_ record: SpanRecord) -> Bool {
        guard let last = record.events.last, last.kind == .timeout, last.timeUnixNano == 1 else { return false }
        var copy = record
        copy.events = SpanRecord.Events()
        for event in record.events.dropLast() { copy.events.append(event) }
        return last.payload == self.checksum(of: copy)
    }

    /// A multiply-xorshift hash over every field of `record` (the stored bytes of the inline text, not its padding).
    static func checksum(of record: SpanRecord) -> UInt32 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) {
            hash = (hash ^ value) &* 0x100_0000_01B3
            hash ^= hash >> 29
        }
        mix(record.traceIDHigh)
        mix(record.traceIDLow)
        mix(record.spanID)
        mix(record.parentSpanID)
        mix(record.startTimeUnixNano)
        mix(record.endTimeUnixNano)
        mix(UInt64(record.flags) << 32 | UInt64(record.routeID.rawValue))
        mix(UInt64(record.clusterID.rawValue) << 32 | UInt64(record.endpointID.rawValue))
        mix(UInt64(record.listenerID.rawValue) << 32 | UInt64(record.errorTypeID.rawValue))
        mix(UInt64(record.responseStatusCode) << 16 | UInt64(record.serverPort))
        mix(
            UInt64(record.kind.rawValue) << 56 | UInt64(record.status.rawValue) << 48
                | UInt64(record.method.rawValue) << 40 | UInt64(record.protocolVersion.rawValue) << 32
                | UInt64(record.urlScheme.rawValue) << 24 | UInt64(record.attempt) << 16
                | UInt64(record.truncation.rawValue) << 8 | UInt64(record.clientAddress.family.rawValue)
        )
        mix(record.clientAddress.high)
        mix(record.clientAddress.low)
        mix(
            UInt64(record.clientAddress.port) << 32 | UInt64(record.events.count) << 8
                | UInt64(record.events.droppedCount))
        for event in record.events {
            mix(event.timeUnixNano)
            mix(UInt64(event.payload))
            mix(UInt64(event.kind.rawValue))
        }
        func mixText(_ bytes: UnsafeRawBufferPointer) {
            mix(UInt64(bytes.count))
            var offset = 0
            while offset + 8 <= bytes.count {
                mix(bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            while offset < bytes.count {
                mix(UInt64(bytes[offset]))
                offset += 1
            }
        }
        record.withURLPathBytes { mixText($0) }
        record.withUserAgentBytes { mixText($0) }
        record.withServerAddressBytes { mixText($0) }
        return UInt32(truncatingIfNeeded: hash ^ hash >> 32)
    }
}
