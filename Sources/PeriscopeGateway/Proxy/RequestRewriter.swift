import NIOCore
import NIOHTTP1
import PeriscopeTelemetry

/// Turns the request head received downstream into the bytes sent upstream.
///
/// Hop-by-hop fields (and those the Connection header names) are dropped, `Expect` is answered by the
/// gateway itself, `X-Forwarded-For/-Proto/-Host` are added; every other field is kept in order, with
/// duplicates. Framing is re-established for the upstream hop: chunked stays chunked, a body-less
/// POST/PUT/PATCH gets `content-length: 0`.
struct RequestRewriter {
    /// What the downstream head says about its body and expectations.
    struct Facts {
        var isChunked = false
        var hasContentLength = false
        var contentLength: Int64? = nil
        var expectsContinue = false
        /// An `Expect` value other than `100-continue` (→ 417).
        var unsupportedExpectation = false
        /// A transfer coding other than plain `chunked` (→ 501).
        var unsupportedTransferCoding = false
        var host: String? = nil
    }

    /// Reads the facts the proxy needs from a request head in one pass.
    static func facts(of head: HTTPRequestHead) -> Facts {
        var facts = Facts()
        for (name, value) in head.headers {
            guard let first = name.utf8.first else { continue }
            switch first | 0x20 {
            case UInt8(ascii: "h") where name.equalsIgnoringCase("host"):
                facts.host = value
            case UInt8(ascii: "c") where name.equalsIgnoringCase("content-length"):
                facts.hasContentLength = true
                facts.contentLength = Int64(value.trimmingASCIISpaces())
            case UInt8(ascii: "t") where name.equalsIgnoringCase("transfer-encoding"):
                if value.trimmingASCIISpaces().equalsIgnoringCase("chunked") {
                    facts.isChunked = true
                } else {
                    facts.unsupportedTransferCoding = true
                }
            case UInt8(ascii: "e") where name.equalsIgnoringCase("expect"):
                if value.trimmingASCIISpaces().equalsIgnoringCase("100-continue") {
                    facts.expectsContinue = true
                } else {
                    facts.unsupportedExpectation = true
                }
            default:
                break
            }
        }
        return facts
    }

    /// Writes the request head sent upstream, straight from the received head: hop-by-hop fields (and those
    /// the Connection header names), `Expect` and client-sent `X-Forwarded-Proto/-Host` are skipped while
    /// writing; every other field keeps its order and duplicates; framing and `X-Forwarded-*` are appended.
    static func writeUpstreamHead(
        _ head: HTTPRequestHead,
        facts: Facts,
        clientAddress: String?,
        trace: (propagation: TracePropagation, context: SpanContext)? = nil,
        deadline: (header: String, milliseconds: Int64)? = nil,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeString(head.method.rawValue)
        buffer.writeStaticString(" ")
        buffer.writeString(head.uri)
        buffer.writeStaticString(" HTTP/1.1\r\n")
        let skipped = HopByHop.namesToRemove(head.headers) { name in
            guard let first = name.utf8.first, first | 0x20 == UInt8(ascii: "x") || first | 0x20 == UInt8(ascii: "e")
            else { return false }
            return name.equalsIgnoringCase("expect") || name.equalsIgnoringCase("x-forwarded-for")
                || name.equalsIgnoringCase("x-forwarded-proto") || name.equalsIgnoringCase("x-forwarded-host")
        }
        var forwardedFor: [String] = []
        for (name, value) in head.headers {
            if !skipped.isEmpty && skipped.contains(where: { $0.equalsIgnoringCase(name) }) {
                if name.equalsIgnoringCase("x-forwarded-for") { forwardedFor.append(value) }
                continue
            }
            // The gateway's own span replaces the caller's context in the propagation headers.
            if trace != nil && Self.isPropagationHeader(name) { continue }
            // The deadline header is written below, with the smaller of the client's value and the route's.
            if let deadline, name.equalsIgnoringCase(deadline.header) { continue }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        if facts.isChunked {
            buffer.writeStaticString("transfer-encoding: chunked\r\n")
        } else if !facts.hasContentLength && head.method.mayCarryBody {
            buffer.writeStaticString("content-length: 0\r\n")
        }
        if let clientAddress { forwardedFor.append(clientAddress) }
        if !forwardedFor.isEmpty {
            buffer.writeStaticString("x-forwarded-for: ")
            for (index, value) in forwardedFor.enumerated() {
                if index > 0 { buffer.writeStaticString(", ") }
                buffer.writeString(value)
            }
            buffer.writeStaticString("\r\n")
        }
        if let trace, trace.propagation == .w3c, trace.context.traceState == nil {
            // The common case, written without building the header value as a String (55 bytes: a heap String).
            buffer.writeStaticString("traceparent: ")
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: TraceParent.encodedLength) {
                trace.context.traceParent.write(into: $0)
            }
            buffer.writeStaticString("\r\n")
        } else if let trace {
            trace.propagation.inject(trace.context) { name, value in
                buffer.writeString(name)
                buffer.writeStaticString(": ")
                buffer.writeString(value)
                buffer.writeStaticString("\r\n")
            }
        }
        if let deadline {
            var milliseconds = deadline.milliseconds
            if let sent = head.headers.first(name: deadline.header).flatMap({ Int64($0) }), sent >= 0 {
                milliseconds = min(milliseconds, sent)
            }
            buffer.writeString(deadline.header)
            buffer.writeStaticString(": ")
            buffer.writeString(String(milliseconds))
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("x-forwarded-proto: http\r\n")
        if let host = facts.host {
            buffer.writeStaticString("x-forwarded-host: ")
            buffer.writeString(host)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
    }
}

extension RequestRewriter {
    /// `traceparent`, `tracestate`, `b3` and `x-b3-*` (any case), checked without allocating.
    static func isPropagationHeader(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        switch first | 0x20 {
        case UInt8(ascii: "t"): return name.equalsIgnoringCase("traceparent") || name.equalsIgnoringCase("tracestate")
        case UInt8(ascii: "b"): return name.equalsIgnoringCase("b3")
        case UInt8(ascii: "x"):
            return name.utf8.count > 5 && name.utf8.prefix(5).map { $0 | 0x20 } == Array("x-b3-".utf8)
        default: return false
        }
    }
}

extension HTTPMethod {
    /// Safe methods (RFC 9110 §9.2.1): replaying one cannot change the upstream's state.
    var isSafe: Bool {
        switch self {
        case .GET, .HEAD, .OPTIONS, .TRACE: true
        default: false
        }
    }

    /// Idempotent methods (RFC 9110 §9.2.2): sending one twice has the effect of sending it once.
    var isIdempotent: Bool {
        switch self {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: true
        default: false
        }
    }

    /// Methods whose requests are expected to carry a body (the encoder would otherwise chunk an empty one).
    var mayCarryBody: Bool {
        switch self {
        case .POST, .PUT, .PATCH: true
        default: false
        }
    }
}

extension RequestRewriter {
    /// `head`, an upstream request head whose trace headers name span `old`, with every occurrence of `old`'s 16
    /// lowercase hex digits (in `traceparent`, `b3` or `x-b3-spanid`) replaced by `new`'s: the head of another
    /// attempt of the same request, parented by that attempt's span. `head` itself is left as it was.
    static func replacingSpanID(_ old: UInt64, with new: UInt64, in head: ByteBuffer) -> ByteBuffer {
        var copy = head
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * SpanID.hexCount) { hex in
            let raw = UnsafeMutableRawBufferPointer(hex)
            let count = SpanID.hexCount
            _ = SpanID(old).writeHex(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<count]))
            _ = SpanID(new).writeHex(into: UnsafeMutableRawBufferPointer(rebasing: raw[count..<(2 * count)]))
            copy.withUnsafeMutableReadableBytes { bytes in
                guard bytes.count >= count else { return }
                var index = 0
                while index <= bytes.count - count {
                    var matches = true
                    for offset in 0..<count where bytes[index + offset] != raw[offset] {
                        matches = false
                        break
                    }
                    if matches {
                        (bytes.baseAddress! + index).copyMemory(from: raw.baseAddress! + count, byteCount: count)
                        index += count
                    } else {
                        index += 1
                    }
                }
            }
        }
        return copy
    }
}
