import NIOCore
import NIOHTTP1

/// The chunked transfer coding (RFC 9112 §7.1), written by the proxy in both directions.
enum ChunkedEncoding {
    /// The size line of one chunk (`1f40\r\n`).
    static func writeChunkSize(_ size: Int, into buffer: inout ByteBuffer) {
        let digits: StaticString = "0123456789abcdef"
        var shift = (Int.bitWidth - size.leadingZeroBitCount + 3) / 4 * 4 - 4
        if shift < 0 { shift = 0 }
        while shift >= 0 {
            buffer.writeInteger(digits.utf8Start[(size >> shift) & 0xF])
            shift -= 4
        }
        buffer.writeStaticString("\r\n")
    }

    /// The last chunk and optional trailer fields.
    static func writeLastChunk(trailers: HTTPHeaders?, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("0\r\n")
        if let trailers { ResponseEncoder.writeFields(trailers, into: &buffer) }
        buffer.writeStaticString("\r\n")
    }

    /// The CRLF that ends every chunk's data.
    static let crlf = ByteBuffer(string: "\r\n")
}
