import NIOCore
import NIOHTTP1

/// Encodes the downstream response straight into `ByteBuffer`s.
///
/// The proxy writes raw buffers instead of going through NIO's `HTTPResponseEncoder`: one pipeline hop less
/// for every write, no framing re-derivation from the headers on each head, and a local response (head and
/// body) leaves as one buffer. Framing is decided once per response by ``ResponseEncoder/framing``.
enum ResponseEncoder {
    /// How the body of a response is delimited on the downstream connection.
    enum Framing {
        /// No body may follow (HEAD, 1xx, 204, 304).
        case none
        /// `content-length` from the upstream; body bytes pass through unchanged.
        case identity
        /// Chunked transfer coding (HTTP/1.1 client, no length known).
        case chunked
        /// No length and an HTTP/1.0 client: the body ends when the connection closes.
        case untilClose
    }

    /// Chooses the framing and says whether `transfer-encoding: chunked` must be added to the head.
    static func framing(
        for head: HTTPResponseHead,
        requestMethod: HTTPMethod,
        clientVersion: HTTPVersion
    ) -> Framing {
        if requestMethod == .HEAD || head.status.code < 200 || head.status.code == 204 || head.status.code == 304 {
            return .none
        }
        if head.headers.contains(name: "content-length") { return .identity }
        return clientVersion == .http1_1 ? .chunked : .untilClose
    }

    /// Writes the status line and header fields, and the empty line that ends the head.
    static func writeHead(
        version: HTTPVersion,
        status: HTTPResponseStatus,
        headers: HTTPHeaders,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString(version == .http1_1 ? "HTTP/1.1 " : "HTTP/1.0 ")
        Self.writeStatus(status, into: &buffer)
        Self.writeFields(headers, into: &buffer)
        buffer.writeStaticString("\r\n")
    }

    /// Writes an upstream's response head for the downstream, without building a new header list: hop-by-hop
    /// fields (and those its Connection header names) are skipped while writing, framing and `connection: close`
    /// are appended.
    static func writeProxiedHead(
        _ head: HTTPResponseHead,
        version: HTTPVersion,
        chunked: Bool,
        closeConnection: Bool,
        into buffer: inout ByteBuffer
    ) {
        buffer.writeStaticString(version == .http1_1 ? "HTTP/1.1 " : "HTTP/1.0 ")
        Self.writeStatus(head.status, into: &buffer)
        let skipped = HopByHop.namesToRemove(head.headers)
        for (name, value) in head.headers {
            if !skipped.isEmpty && skipped.contains(where: { $0.equalsIgnoringCase(name) }) { continue }
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
        if chunked { buffer.writeStaticString("transfer-encoding: chunked\r\n") }
        if closeConnection { buffer.writeStaticString("connection: close\r\n") }
        buffer.writeStaticString("\r\n")
    }

    /// Writes `name: value\r\n` for every field, in order.
    static func writeFields(_ headers: HTTPHeaders, into buffer: inout ByteBuffer) {
        for (name, value) in headers {
            buffer.writeString(name)
            buffer.writeStaticString(": ")
            buffer.writeString(value)
            buffer.writeStaticString("\r\n")
        }
    }

    private static func writeStatus(_ status: HTTPResponseStatus, into buffer: inout ByteBuffer) {
        switch status {
        case .ok: buffer.writeStaticString("200 OK\r\n")
        case .noContent: buffer.writeStaticString("204 No Content\r\n")
        case .notModified: buffer.writeStaticString("304 Not Modified\r\n")
        case .notFound: buffer.writeStaticString("404 Not Found\r\n")
        default:
            let code = status.code
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(code / 100 % 10))
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(code / 10 % 10))
            buffer.writeInteger(UInt8(ascii: "0") + UInt8(code % 10))
            buffer.writeStaticString(" ")
            buffer.writeString(status.reasonPhrase)
            buffer.writeStaticString("\r\n")
        }
    }
}
