import Foundation
import NIOCore
import NIOHTTP1
import PeriscopeTelemetry
import Testing

@testable import PeriscopeGateway

@Suite struct RequestRewriterTests {
    @Test func stripsHopByHopAndConnectionListedHeadersKeepingOrderAndDuplicates() {
        let head = HTTPRequestHead(
            version: .http1_1,
            method: .GET,
            uri: "/x",
            headers: HTTPHeaders([
                ("Host", "example.com"), ("Connection", "keep-alive, X-Hop"), ("X-Hop", "1"),
                ("Keep-Alive", "timeout=5"),
                ("TE", "trailers"), ("Trailer", "x"), ("Upgrade", "h2c"), ("Proxy-Authorization", "secret"),
                ("X-Dup", "a"), ("Accept", "*/*"), ("X-Dup", "b"), ("X-Forwarded-For", "10.0.0.1"),
                ("X-Forwarded-Proto", "https"),
            ])
        )
        let facts = RequestRewriter.facts(of: head)
        let lines = self.written(head, facts: facts, clientAddress: "127.0.0.1")
        #expect(
            lines == [
                "GET /x HTTP/1.1", "Host: example.com", "X-Dup: a", "Accept: */*", "X-Dup: b",
                "x-forwarded-for: 10.0.0.1, 127.0.0.1", "x-forwarded-proto: http", "x-forwarded-host: example.com",
            ]
        )
    }

    /// The upstream head's lines, without the final empty line.
    private func written(_ head: HTTPRequestHead, facts: RequestRewriter.Facts, clientAddress: String?) -> [String] {
        var buffer = ByteBuffer()
        RequestRewriter.writeUpstreamHead(head, facts: facts, clientAddress: clientAddress, into: &buffer)
        let text = String(buffer: buffer)
        #expect(text.hasSuffix("\r\n\r\n"))
        return text.split(separator: "\r\n", omittingEmptySubsequences: true).map(String.init)
    }

    @Test(
        "the deadline header carries the route timeout, or the client's smaller value, once",
        arguments: [(nil, "15000"), ("2500", "2500"), ("99999", "15000"), ("soon", "15000"), ("-1", "15000")])
    func deadlineHeader(sent: String?, expected: String) {
        var headers = HTTPHeaders([("Host", "example.com")])
        if let sent { headers.add(name: "X-Request-Timeout-Ms", value: sent) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/x", headers: headers)
        var buffer = ByteBuffer()
        RequestRewriter.writeUpstreamHead(
            head,
            facts: RequestRewriter.facts(of: head),
            clientAddress: nil,
            deadline: ("x-request-timeout-ms", 15_000),
            into: &buffer
        )
        let lines = String(buffer: buffer).split(separator: "\r\n").map(String.init)
        #expect(
            lines.filter { $0.lowercased().hasPrefix("x-request-timeout-ms:") } == ["x-request-timeout-ms: \(expected)"]
        )
    }

    @Test func reframesBodies() {
        let chunked = HTTPRequestHead(
            version: .http1_1,
            method: .POST,
            uri: "/",
            headers: HTTPHeaders([("Transfer-Encoding", "chunked"), ("Expect", "100-continue")])
        )
        let chunkedFacts = RequestRewriter.facts(of: chunked)
        #expect(chunkedFacts.isChunked && chunkedFacts.expectsContinue)
        let up = self.written(chunked, facts: chunkedFacts, clientAddress: nil)
        #expect(up.contains("transfer-encoding: chunked"))
        #expect(!up.contains { $0.lowercased().hasPrefix("expect") })

        let empty = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: HTTPHeaders())
        #expect(
            self.written(empty, facts: RequestRewriter.facts(of: empty), clientAddress: nil).contains(
                "content-length: 0"))

        let get = HTTPRequestHead(version: .http1_0, method: .GET, uri: "/a?b=c", headers: HTTPHeaders())
        let getUp = self.written(get, facts: RequestRewriter.facts(of: get), clientAddress: nil)
        #expect(getUp == ["GET /a?b=c HTTP/1.1", "x-forwarded-proto: http"])
    }

    @Test func flagsWhatTheGatewayRejects() {
        let gzip = HTTPRequestHead(
            version: .http1_1, method: .POST, uri: "/", headers: HTTPHeaders([("Transfer-Encoding", "gzip, chunked")]))
        #expect(RequestRewriter.facts(of: gzip).unsupportedTransferCoding)
        let expect = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders([("Expect", "something")]))
        #expect(RequestRewriter.facts(of: expect).unsupportedExpectation)
        let length = HTTPRequestHead(
            version: .http1_1, method: .POST, uri: "/", headers: HTTPHeaders([("Content-Length", " 12 ")]))
        #expect(RequestRewriter.facts(of: length).contentLength == 12)
    }

    @Test func proxiedResponseHeadSkipsHopByHopAndAddsFraming() {
        let head = HTTPResponseHead(
            version: .http1_1,
            status: .ok,
            headers: HTTPHeaders([
                ("Content-Length", "3"), ("Connection", "keep-alive, X-Internal"), ("X-Internal", "1"),
                ("Keep-Alive", "timeout=5"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
            ])
        )
        func written(chunked: Bool, close: Bool) -> String {
            var buffer = ByteBuffer()
            ResponseEncoder.writeProxiedHead(
                head, version: .http1_1, chunked: chunked, closeConnection: close, into: &buffer)
            return String(buffer: buffer)
        }
        #expect(
            written(chunked: false, close: false)
                == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n"
        )
        #expect(
            written(chunked: true, close: true)
                == "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"
                + "transfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        )
    }

    @Test func encodesStatusLinesAndChunkSizes() {
        var buffer = ByteBuffer()
        ResponseEncoder.writeHead(
            version: .http1_0, status: .init(statusCode: 599), headers: HTTPHeaders(), into: &buffer)
        #expect(String(buffer: buffer).hasPrefix("HTTP/1.0 599 "))
        for (size, text) in [(0, "0\r\n"), (1, "1\r\n"), (15, "f\r\n"), (16, "10\r\n"), (0x1f40, "1f40\r\n")] {
            var chunk = ByteBuffer()
            ChunkedEncoding.writeChunkSize(size, into: &chunk)
            #expect(String(buffer: chunk) == text)
        }
        var last = ByteBuffer()
        ChunkedEncoding.writeLastChunk(trailers: HTTPHeaders([("x-checksum", "abc")]), into: &last)
        #expect(String(buffer: last) == "0\r\nx-checksum: abc\r\n\r\n")
    }

    @Test func caseInsensitiveHelpers() {
        #expect("Content-Length".equalsIgnoringCase("content-length"))
        #expect(!"Content-Lengtx".equalsIgnoringCase("content-length"))
        #expect(!"a-1".equalsIgnoringCase("A\u{0D}1"))
        #expect("Proxy-Connection".hasPrefixIgnoringCase("proxy-"))
        #expect(HopByHop.isHopByHop("PROXY-AUTHENTICATE"))
        #expect(!HopByHop.isHopByHop("Proxyish"))
        #expect("  chunked \t".trimmingASCIISpaces() == "chunked")
    }

    @Test(
        "another attempt's head names its span in every propagation format; the original head is unchanged",
        arguments: [(TracePropagation.w3c, 1), (.b3, 1), (.b3Multi, 1), (.w3cAndB3, 2)]
    )
    func replacesTheAttemptSpanID(propagation: TracePropagation, occurrences: Int) {
        let head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/a",
            headers: HTTPHeaders([("host", "example.com"), ("x-request-id", "5e1f0c2a9d3b7e41")]))
        let first = SpanID(0x00f0_67aa_0ba9_02b7)
        let context = SpanContext(
            traceID: TraceID(high: 0x4bf9_2f35_77b3_4da6, low: 0xa3ce_929d_0e0e_4736), spanID: first,
            parentSpanID: SpanID(0x1111_2222_3333_4444), flags: .sampled)
        var buffer = ByteBuffer()
        RequestRewriter.writeUpstreamHead(
            head, facts: RequestRewriter.facts(of: head), clientAddress: nil, trace: (propagation, context),
            into: &buffer)
        let original = String(buffer: buffer)
        let next = RequestRewriter.replacingSpanID(first.rawValue, with: 0x0123_4567_89ab_cdef, in: buffer)
        #expect(String(buffer: buffer) == original)
        let text = String(buffer: next)
        #expect(text.components(separatedBy: "0123456789abcdef").count - 1 == occurrences)
        #expect(!text.contains("00f067aa0ba902b7"))
        // Nothing else changed: the trace id, the parent, the other headers.
        #expect(text.replacingOccurrences(of: "0123456789abcdef", with: "00f067aa0ba902b7") == original)
    }
}
