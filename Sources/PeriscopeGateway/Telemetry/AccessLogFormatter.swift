import PeriscopeTelemetry

/// The names an access log line shows for the indices in an ``AccessLogEntry``: an immutable table built once from
/// a ``GatewayRuntime``.
public struct AccessLogNames: Sendable, Equatable {
    /// Listener names by ``ListenerRuntime/index``.
    public var listeners: [String]
    /// Route names by listener index, then route index within the listener.
    public var routes: [[String]]
    /// Cluster names by ``ClusterRuntime/index``.
    public var clusters: [String]
    /// Endpoint names by the gateway-wide ``EndpointRuntime/index``.
    public var endpoints: [String]

    /// A table from explicit name lists.
    public init(listeners: [String], routes: [[String]], clusters: [String], endpoints: [String]) {
        self.listeners = listeners
        self.routes = routes
        self.clusters = clusters
        self.endpoints = endpoints
    }

    /// The names of `runtime`'s listeners, routes, clusters and endpoints.
    public init(runtime: GatewayRuntime) {
        self.listeners = runtime.listeners.map(\.name)
        self.routes = runtime.listeners.map(\.routeNames)
        self.clusters = runtime.clusters.map(\.name)
        var endpoints: [String] = []
        for cluster in runtime.clusters {
            for endpoint in cluster.endpoints {
                if endpoint.index >= endpoints.count {
                    endpoints.append(contentsOf: repeatElement("", count: endpoint.index + 1 - endpoints.count))
                }
                endpoints[endpoint.index] = endpoint.name
            }
        }
        self.endpoints = endpoints
    }
}

/// Turns ``AccessLogEntry`` records into JSON lines. Names are JSON-quoted once at init; formatting appends to a
/// caller-owned byte array and allocates only when that array grows (or for IPv6 client addresses).
struct AccessLogFormatter: Sendable {
    private let listeners: [[UInt8]]
    private let routes: [[[UInt8]]]
    private let clusters: [[UInt8]]
    private let endpoints: [[UInt8]]
    private let errors: [[UInt8]]

    init(names: AccessLogNames) {
        self.listeners = names.listeners.map(Self.quoted)
        self.routes = names.routes.map { $0.map(Self.quoted) }
        self.clusters = names.clusters.map(Self.quoted)
        self.endpoints = names.endpoints.map(Self.quoted)
        self.errors = LocalResponse.codes.map(Self.quoted)
    }

    private static let null: [UInt8] = Array("null".utf8)

    static func quoted(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var text = text
        text.withUTF8 { Self.appendString(UnsafeRawBufferPointer($0), to: &out) }
        return out
    }

    private static func name(_ table: [[UInt8]], _ index: Int) -> [UInt8] {
        index >= 0 && index < table.count ? table[index] : Self.null
    }

    /// Appends one line (with its trailing newline) for `entry`.
    func append(_ entry: AccessLogEntry, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"time":""#.utf8)
        Self.appendTimestamp(entry.startTimeUnixNano, to: &out)
        out.append(contentsOf: #"","listener":"#.utf8)
        out.append(contentsOf: Self.name(self.listeners, entry.listenerIndex))
        out.append(contentsOf: #","route":"#.utf8)
        if entry.listenerIndex >= 0 && entry.listenerIndex < self.routes.count {
            out.append(contentsOf: Self.name(self.routes[entry.listenerIndex], entry.routeIndex))
        } else {
            out.append(contentsOf: Self.null)
        }
        out.append(contentsOf: #","method":"#.utf8)
        entry.withMethodBytes { Self.appendString($0, to: &out) }
        out.append(contentsOf: #","path":"#.utf8)
        entry.withPathBytes { Self.appendString($0, to: &out) }
        out.append(contentsOf: #","status":"#.utf8)
        Self.appendDecimal(UInt64(entry.status), to: &out)
        out.append(contentsOf: #","duration_ms":"#.utf8)
        Self.appendMilliseconds(entry.durationNanos, to: &out)
        out.append(contentsOf: #","upstream_ms":"#.utf8)
        Self.appendMilliseconds(entry.upstreamNanos, to: &out)
        out.append(contentsOf: #","bytes_in":"#.utf8)
        Self.appendDecimal(entry.requestBodyBytes, to: &out)
        out.append(contentsOf: #","bytes_out":"#.utf8)
        Self.appendDecimal(entry.responseBodyBytes, to: &out)
        out.append(contentsOf: #","client":"#.utf8)
        Self.appendClient(entry.client, to: &out)
        out.append(contentsOf: #","user_agent":"#.utf8)
        entry.withUserAgentBytes { Self.appendString($0, to: &out) }
        out.append(contentsOf: #","cluster":"#.utf8)
        out.append(contentsOf: Self.name(self.clusters, entry.clusterIndex))
        out.append(contentsOf: #","endpoint":"#.utf8)
        out.append(contentsOf: Self.name(self.endpoints, entry.endpointIndex))
        if entry.localErrorIndex >= 0 {
            out.append(contentsOf: #","error":"#.utf8)
            if entry.localErrorIndex < self.errors.count {
                out.append(contentsOf: self.errors[entry.localErrorIndex])
            } else {
                out.append(contentsOf: #""unknown""#.utf8)
            }
        }
        if entry.traceIDHigh != 0 || entry.traceIDLow != 0 {
            out.append(contentsOf: #","trace_id":""#.utf8)
            Self.appendHex(entry.traceIDHigh, to: &out)
            Self.appendHex(entry.traceIDLow, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        if entry.spanID != 0 {
            out.append(contentsOf: #","span_id":""#.utf8)
            Self.appendHex(entry.spanID, to: &out)
            out.append(UInt8(ascii: "\""))
        }
        out.append(contentsOf: "}\n".utf8)
    }

    // MARK: Pieces

    /// Appends `bytes` as a JSON string with its quotes: `"` and `\` escaped, control characters as `\n`, `\r`,
    /// `\t`, `\b`, `\f` or `\u00XX`, other characters as UTF-8; invalid UTF-8 becomes U+FFFD.
    static func appendString(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        decoding: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                let value = scalar.value
                if value >= 0x80 {
                    UTF8.encode(scalar) { out.append($0) }
                    continue decoding
                }
                let byte = UInt8(truncatingIfNeeded: value)
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
                case 0x0A: out.append(contentsOf: #"\n"#.utf8)
                case 0x0D: out.append(contentsOf: #"\r"#.utf8)
                case 0x09: out.append(contentsOf: #"\t"#.utf8)
                case 0x08: out.append(contentsOf: #"\b"#.utf8)
                case 0x0C: out.append(contentsOf: #"\f"#.utf8)
                case 0..<0x20:
                    out.append(contentsOf: #"\u00"#.utf8)
                    out.append(Self.hexDigit(byte >> 4))
                    out.append(Self.hexDigit(byte & 0xF))
                default: out.append(byte)
                }
            case .emptyInput:
                break decoding
            case .error:
                out.append(contentsOf: [0xEF, 0xBF, 0xBD])
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }

    /// 16 lower-case hex digits.
    static func appendHex(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 60, through: 0, by: -4) {
            out.append(Self.hexDigit(UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF))
        }
    }

    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        var digits = 1
        var power: UInt64 = 10
        while digits < 20 && value >= power {
            digits += 1
            power &*= 10
        }
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var remaining = value
        var index = start + digits - 1
        repeat {
            out[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
            index -= 1
        } while remaining > 0
    }

    /// `width` decimal digits with leading zeros.
    static func appendPadded(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width))
        var remaining = value
        var index = start + width - 1
        while remaining > 0 && index >= start {
            out[index] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: remaining % 10)
            remaining /= 10
            index -= 1
        }
    }

    /// Nanoseconds as milliseconds with three decimals (`12.345`).
    static func appendMilliseconds(_ nanos: UInt64, to out: inout [UInt8]) {
        let micros = nanos / 1000
        Self.appendDecimal(micros / 1000, to: &out)
        out.append(UInt8(ascii: "."))
        Self.appendPadded(micros % 1000, width: 3, to: &out)
    }

    /// RFC 3339 UTC with milliseconds: `2026-11-24T15:13:10.123Z`.
    static func appendTimestamp(_ unixNanos: UInt64, to out: inout [UInt8]) {
        let millis = unixNanos / 1_000_000
        let seconds = millis / 1000
        let days = Int64(seconds / 86_400)
        let secondOfDay = seconds % 86_400
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        Self.appendPadded(UInt64(year), width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendPadded(UInt64(month), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendPadded(UInt64(day), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        Self.appendPadded(secondOfDay / 3600, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendPadded(secondOfDay / 60 % 60, width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendPadded(secondOfDay % 60, width: 2, to: &out)
        out.append(UInt8(ascii: "."))
        Self.appendPadded(millis % 1000, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    /// The address without the port as a JSON string, or `null`.
    static func appendClient(_ client: SpanRecord.ClientAddress, to out: inout [UInt8]) {
        switch client.family {
        case .none:
            out.append(contentsOf: Self.null)
        case .ipv4:
            out.append(UInt8(ascii: "\""))
            let address = UInt32(truncatingIfNeeded: client.high >> 32)
            for index in 0..<4 {
                if index > 0 { out.append(UInt8(ascii: ".")) }
                Self.appendDecimal(UInt64(UInt8(truncatingIfNeeded: address >> (24 - 8 * UInt32(index)))), to: &out)
            }
            out.append(UInt8(ascii: "\""))
        case .ipv6:
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: (client.formatted ?? "").utf8)
            out.append(UInt8(ascii: "\""))
        }
    }
}
