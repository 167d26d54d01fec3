import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOHTTPCompression

/// One-shot gzip of a request body, through swift-nio-extras' `NIOHTTPRequestCompressor` (zlib, default level).
///
/// The compressor is a channel handler with per-request state that does not reset after a request's end, so it
/// cannot stay in a keep-alive connection's pipeline. Instead, each body is run once through the handler in a
/// throw-away `EmbeddedChannel`: head, body and end written without a flush, so the handler compresses the whole
/// body in one call and sets `Content-Length`, then the compressed bytes are read back. This keeps zlib behind a
/// public NIO API (no C shim of our own), compresses each batch once however often it is retried, and lets the
/// client send an exact `Content-Length`.
enum OTLPGzip {
    /// `body` gzipped (RFC 1952). An empty body stays empty (no gzip member is produced for it).
    static func compress(_ body: ByteBuffer) -> ByteBuffer {
        guard body.readableBytes > 0 else { return body }
        let channel = EmbeddedChannel()
        defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
        do {
            try channel.pipeline.syncOperations.addHandler(NIOHTTPRequestCompressor(encoding: .gzip))
            let head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
            var compressed = channel.allocator.buffer(capacity: 0)
            while let part = try channel.readOutbound(as: HTTPClientRequestPart.self) {
                if case .body(.byteBuffer(var chunk)) = part {
                    compressed.writeBuffer(&chunk)
                }
            }
            return compressed
        } catch {
            // Adding a handler to a fresh embedded channel and reading its outbound parts cannot fail.
            preconditionFailure("gzip through NIOHTTPRequestCompressor failed: \(error)")
        }
    }
}
