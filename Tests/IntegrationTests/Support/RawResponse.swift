/// An HTTP/1.1 response parsed from raw bytes, exactly as the client received them.
///
/// The parser is deliberately independent of NIO's decoder so that tests see framing mistakes (a missing
/// chunk terminator, extra bytes after a HEAD response) instead of having them smoothed over.
struct RawResponse: Sendable, CustomStringConvertible {
    /// `HTTP/1.1`.
    var version: String
    var status: Int
    var reason: String
    /// Header fields in order, names as sent.
    var headers: [(name: String, value: String)]
    /// The body after de-chunking.
    var body: [UInt8]
    /// Whether the body was chunked.
    var chunked: Bool
    /// Every byte of the response as received (head, framing and body).
    var raw: [UInt8]

    /// The first value of `name` (case-insensitive).
    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Every value of `name` (case-insensitive), in order.
    func headers(_ name: String) -> [String] {
        self.headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// Whether a `Connection` header lists `token`.
    func connectionHas(_ token: String) -> Bool {
        self.headers("connection").contains { value in
            value.split(separator: ",").contains { $0.trimmingSpaces().lowercased() == token }
        }
    }

    var bodyText: String { String(decoding: self.body, as: UTF8.self) }

    var description: String {
        let head = self.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        return "\(self.version) \(self.status) \(self.reason)\n\(head)\n\n\(self.bodyText.prefix(400))"
    }

    /// Result of trying to parse one response from the front of a byte buffer.
    enum Parse {
        /// A whole response, and how many bytes it took.
        case complete(RawResponse, consumed: Int)
        /// More bytes are needed (at end of stream: the response was cut short).
        case incomplete
        /// The bytes are not an HTTP response.
        case invalid(String)
    }

    /// Parses one response from the front of `bytes`.
    /// - Parameters:
    ///   - requestWasHead: the response answers a HEAD request (no body whatever the headers say).
    ///   - atEOF: no more bytes will come; a response delimited by the connection close is complete.
    static func parse(_ bytes: ArraySlice<UInt8>, requestWasHead: Bool = false, atEOF: Bool = false) -> Parse {
        guard let headEnd = Self.find([13, 10, 13, 10], in: bytes) else {
            if bytes.count >= 8, !bytes.starts(with: Array("HTTP/".utf8)) {
                return .invalid("does not start with HTTP/: \(String(decoding: bytes.prefix(40), as: UTF8.self))")
            }
            return .incomplete
        }
        let headText = String(decoding: bytes[bytes.startIndex..<headEnd], as: UTF8.self)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            return .invalid("bad status line: \(statusLine)")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { return .invalid("bad header line: \(line)") }
            headers.append(
                (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingSpaces()))
        }
        var response = RawResponse(
            version: String(parts[0]),
            status: status,
            reason: parts.count > 2 ? String(parts[2]) : "",
            headers: headers,
            body: [],
            chunked: false,
            raw: []
        )
        let bodyStart = headEnd + 4
        func finish(at end: Int) -> Parse {
            response.raw = Array(bytes[bytes.startIndex..<end])
            return .complete(response, consumed: end - bytes.startIndex)
        }
        if requestWasHead || (100..<200).contains(status) || status == 204 || status == 304 {
            return finish(at: bodyStart)
        }
        let transferEncoding = response.headers("transfer-encoding").joined(separator: ",").lowercased()
        if transferEncoding.contains("chunked") {
            response.chunked = true
            var cursor = bodyStart
            while true {
                guard let lineEnd = Self.find([13, 10], in: bytes[cursor...]) else { return .incomplete }
                let sizeLine = String(decoding: bytes[cursor..<lineEnd], as: UTF8.self)
                let sizeText = sizeLine.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
                guard let size = Int(sizeText.trimmingSpaces(), radix: 16) else {
                    return .invalid("bad chunk size line: \(sizeLine)")
                }
                cursor = lineEnd + 2
                if size == 0 {
                    // Trailers, then an empty line.
                    while true {
                        guard let trailerEnd = Self.find([13, 10], in: bytes[cursor...]) else { return .incomplete }
                        let empty = trailerEnd == cursor
                        cursor = trailerEnd + 2
                        if empty { return finish(at: cursor) }
                    }
                }
                guard bytes.endIndex - cursor >= size + 2 else { return .incomplete }
                response.body.append(contentsOf: bytes[cursor..<(cursor + size)])
                guard bytes[cursor + size] == 13, bytes[cursor + size + 1] == 10 else {
                    return .invalid("chunk data not followed by CRLF")
                }
                cursor += size + 2
            }
        }
        if let lengthText = response.header("content-length") {
            guard let length = Int(lengthText) else { return .invalid("bad content-length \(lengthText)") }
            guard bytes.endIndex - bodyStart >= length else { return .incomplete }
            response.body = Array(bytes[bodyStart..<(bodyStart + length)])
            return finish(at: bodyStart + length)
        }
        // Delimited by the connection close.
        guard atEOF else { return .incomplete }
        response.body = Array(bytes[bodyStart...])
        return finish(at: bytes.endIndex)
    }

    private static func find(_ needle: [UInt8], in haystack: ArraySlice<UInt8>) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while index <= last {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
