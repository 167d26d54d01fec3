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

    @Test func responseHeadDropsHopByHopAndAddsCloseWhenAsked() {
        let head = HTTPResponseHead(
            version: .http1_1,
            status: .ok,
            headers: HTTPHeaders([
                ("Content-Length", "3"), ("Connection", "keep-alive, X-Internal"), ("X-Internal", "1"),
                ("Keep-Alive", "timeout=5"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"),
            ])
        )
        let kept = RequestRewriter.downstreamHead(from: head, version: .http1_1, closeConnection: false)
        #expect(kept.headers.map { $0.name } == ["Content-Length", "Set-Cookie", "Set-Cookie"])
        let closing = RequestRewriter.downstreamHead(from: head, version: .http1_1, closeConnection: true)
        #expect(closing.headers["connection"] == ["close"])
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
