import PeriscopeOTLP
import PeriscopeTelemetry

/// A string table and a handful of span records covering every field the encoder maps: a server span with a remote
/// parent and its two client attempts (a timeout, then a success), server errors with and without a status message,
/// an unknown-method span with IPv6 client, HTTP/2, truncated path, invalid UTF-8 user agent and more events than a
/// record keeps, and one invalid record (all-zero trace id).
struct SampleSpans {
    static let traceID = TraceID(hex: "4bf92f3577b34da6a3ce929d0e0e4736")!
    static let remoteParent = SpanID(hex: "00f067aa0ba902b7")!
    static let serverID = SpanID(hex: "1111111111111111")!
    static let firstAttemptID = SpanID(hex: "2222222222222222")!
    static let secondAttemptID = SpanID(hex: "3333333333333333")!
    static let gatewayErrorID = SpanID(hex: "4444444444444444")!
    static let resetID = SpanID(hex: "5555555555555555")!
    static let otherTraceID = TraceID(hex: "0af7651916cd43dd8448eb211c80319c")!
    static let otherID = SpanID(hex: "b7ad6b7169203331")!
    static let start: UInt64 = 1_700_000_000_000_000_000

    /// A path longer than the record keeps.
    static let longPath = "/files/" + String(repeating: "a", count: 200)
    /// A user agent with a byte that is not UTF-8 (0xFF).
    static let badUserAgent: [UInt8] = Array("agent/".utf8) + [0xFF] + Array("1".utf8)

    let strings = SpanStringTable()
    let usersRoute: SpanStringID
    let ordersRoute: SpanStringID
    let cluster: SpanStringID
    let endpoint: SpanStringID
    let ipv6Endpoint: SpanStringID
    let listener: SpanStringID
    let timeout: SpanStringID
    let status502: SpanStringID
    let upstreamReset: SpanStringID
    let rateLimit: SpanStringID

    init() {
        self.usersRoute = self.strings.intern("/users/{id}")
        self.ordersRoute = self.strings.intern("/orders")
        self.cluster = self.strings.intern("users")
        self.endpoint = self.strings.intern("10.0.0.5:8080")
        self.ipv6Endpoint = self.strings.intern("[2001:db8::7]:9443")
        self.listener = self.strings.intern("public")
        self.timeout = self.strings.intern("timeout")
        self.status502 = self.strings.intern("502")
        self.upstreamReset = self.strings.intern("upstream_reset")
        self.rateLimit = self.strings.intern("rate_limit")
    }

    /// An encoder for the samples; `client.port` is opted in unless `clientPort` is false.
    static func encoder(clientPort: Bool = true) -> OTLPTracesEncoder {
        OTLPTracesEncoder(
            configuration: .init(
                resource: OTLPResource(attributes: [
                    OTLPAttribute("service.name", "periscope-test"),
                    OTLPAttribute("process.pid", .int(4242)),
                ]),
                scopeVersion: "1.2.3",
                clientPort: clientPort
            )
        )
    }

    /// GET /users/{id} from 192.0.2.10, continuing a remote trace; 200 after one retry.
    var server: SpanRecord {
        var record = SpanRecord(
            kind: .server,
            traceID: Self.traceID,
            spanID: Self.serverID,
            parentSpanID: Self.remoteParent,
            traceFlags: 0x01,
            parentIsRemote: true,
            startTimeUnixNano: Self.start
        )
        record.endTimeUnixNano = Self.start + 2_500_000
        record.method = .get
        record.routeID = self.usersRoute
        record.clusterID = self.cluster
        record.listenerID = self.listener
        record.responseStatusCode = 200
        record.serverPort = 8080
        record.protocolVersion = .http1Dot1
        record.urlScheme = .http
        record.clientAddress = SpanRecord.ClientAddress(ipv4: 0xC000_020A, port: 51234)
        record.setURLPath(requestTarget: "/users/42?verbose=1")
        record.setUserAgent("curl/8.5.0")
        record.addEvent(.retry, timeUnixNano: Self.start + 1_600_000, payload: 2)
        return record
    }

    /// The first upstream attempt: timed out after 1500 ms.
    var firstAttempt: SpanRecord {
        var record = SpanRecord(
            kind: .client,
            traceID: Self.traceID,
            spanID: Self.firstAttemptID,
            parentSpanID: Self.serverID,
            traceFlags: 0x01,
            parentIsRemote: false,
            startTimeUnixNano: Self.start + 100_000
        )
        record.endTimeUnixNano = Self.start + 1_600_000
        record.method = .get
        record.clusterID = self.cluster
        record.endpointID = self.endpoint
        record.attempt = 1
        record.status = .error
        record.errorTypeID = self.timeout
        record.protocolVersion = .http1Dot1
        record.urlScheme = .http
        record.setURLPath("/users/42")
        record.addEvent(.timeout, timeUnixNano: Self.start + 1_600_000, payload: 1500)
        return record
    }

    /// The second attempt, to an IPv6 endpoint over https: 200.
    var secondAttempt: SpanRecord {
        var record = SpanRecord(
            kind: .client,
            traceID: Self.traceID,
            spanID: Self.secondAttemptID,
            parentSpanID: Self.serverID,
            traceFlags: 0x01,
            parentIsRemote: false,
            startTimeUnixNano: Self.start + 1_700_000
        )
        record.endTimeUnixNano = Self.start + 2_400_000
        record.method = .get
        record.clusterID = self.cluster
        record.endpointID = self.ipv6Endpoint
        record.attempt = 2
        record.responseStatusCode = 200
        record.protocolVersion = .http2
        record.urlScheme = .https
        record.setURLPath("/users/42")
        return record
    }

    /// POST /orders answered 502 by the gateway; error.type is the status code, so no status message.
    var gatewayError: SpanRecord {
        var record = SpanRecord(
            kind: .server,
            traceID: Self.otherTraceID,
            spanID: Self.gatewayErrorID,
            parentSpanID: .invalid,
            traceFlags: 0x03,
            parentIsRemote: nil,
            startTimeUnixNano: Self.start + 5_000_000
        )
        record.endTimeUnixNano = Self.start + 6_000_000
        record.method = .post
        record.routeID = self.ordersRoute
        record.responseStatusCode = 502
        record.status = .error
        record.errorTypeID = self.status502
        record.listenerID = self.listener
        record.urlScheme = .https
        record.protocolVersion = .http2
        record.setURLPath("/orders")
        return record
    }

    /// An unknown method without a route from an IPv6 client; upstream reset; a rejected request event; six events
    /// added, four kept.
    var reset: SpanRecord {
        var record = SpanRecord(
            kind: .server,
            traceID: Self.otherTraceID,
            spanID: Self.resetID,
            parentSpanID: .invalid,
            traceFlags: 0x00,
            parentIsRemote: nil,
            startTimeUnixNano: Self.start + 7_000_000
        )
        record.endTimeUnixNano = Self.start + 9_000_000
        record.method = .other
        record.responseStatusCode = 502
        record.status = .error
        record.errorTypeID = self.upstreamReset
        record.endpointID = self.endpoint
        record.clientAddress = SpanRecord.ClientAddress(
            ipv6High: 0x2001_0db8_0000_0000, low: 0x0000_0000_0000_0001, port: 443)
        record.serverPort = 8443
        record.protocolVersion = .http2
        record.urlScheme = .https
        record.setURLPath(Self.longPath)
        Self.badUserAgent.withUnsafeBytes { record.setUserAgent(utf8: $0) }
        record.addEvent(.rejected, timeUnixNano: Self.start + 7_100_000, payload: self.rateLimit.rawValue)
        record.addEvent(.circuitOpen, timeUnixNano: Self.start + 7_200_000)
        record.addEvent(.connectFailure, timeUnixNano: Self.start + 7_300_000, payload: 111)
        record.addEvent(.upstreamReset, timeUnixNano: Self.start + 7_400_000, payload: 123)
        record.addEvent(.downstreamReset, timeUnixNano: Self.start + 7_500_000, payload: 4096)
        record.addEvent(.timeout, timeUnixNano: Self.start + 7_600_000, payload: 10)
        return record
    }

    /// A record OTLP cannot carry: all-zero trace id.
    var invalid: SpanRecord {
        var record = self.server
        record.traceIDHigh = 0
        record.traceIDLow = 0
        return record
    }

    /// Every sample record, the invalid one fourth.
    var all: [SpanRecord] {
        [self.server, self.firstAttempt, self.secondAttempt, self.invalid, self.gatewayError, self.reset]
    }
}

extension Array where Element == UInt8 {
    /// Lowercase hex, as in a `traceparent` header.
    var hex: String {
        self.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
