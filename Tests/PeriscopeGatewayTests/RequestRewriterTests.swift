import NIOCore
import NIOHTTP1
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
        let upstream = RequestRewriter.upstreamHead(from: head, facts: facts, clientAddress: "127.0.0.1")
        let names = upstream.headers.map { $0.name }
        #expect(
            names == ["Host", "X-Dup", "Accept", "X-Dup", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"])
        #expect(upstream.headers["X-Dup"] == ["a", "b"])
        #expect(upstream.headers["x-forwarded-for"] == ["10.0.0.1, 127.0.0.1"])
        #expect(upstream.headers["x-forwarded-proto"] == ["http"])
        #expect(upstream.headers["x-forwarded-host"] == ["example.com"])
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
        let up = RequestRewriter.upstreamHead(from: chunked, facts: chunkedFacts, clientAddress: nil)
        #expect(up.headers["transfer-encoding"] == ["chunked"])
        #expect(up.headers["expect"].isEmpty)

        let empty = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/", headers: HTTPHeaders())
        let emptyUp = RequestRewriter.upstreamHead(
            from: empty, facts: RequestRewriter.facts(of: empty), clientAddress: nil)
        #expect(emptyUp.headers["content-length"] == ["0"])

        let get = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: HTTPHeaders())
        let getUp = RequestRewriter.upstreamHead(from: get, facts: RequestRewriter.facts(of: get), clientAddress: nil)
        #expect(getUp.headers["content-length"].isEmpty && getUp.headers["transfer-encoding"].isEmpty)
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
            ResponseEncoder.writeChunkSize(size, into: &chunk)
            #expect(String(buffer: chunk) == text)
        }
        var last = ByteBuffer()
        ResponseEncoder.writeLastChunk(trailers: HTTPHeaders([("x-checksum", "abc")]), into: &last)
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
}
