import NIOHTTP1

/// Builds the request head sent upstream from the one received downstream.
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

    /// The head to send upstream. Edits the received headers in place (order and duplicates are kept) and
    /// only removes what must go.
    static func upstreamHead(
        from head: HTTPRequestHead,
        facts: Facts,
        clientAddress: String?
    ) -> HTTPRequestHead {
        var forwardedFor: String? = nil
        let remove = HopByHop.namesToRemove(head.headers) { name in
            guard let first = name.utf8.first, first | 0x20 == UInt8(ascii: "x") || first | 0x20 == UInt8(ascii: "e")
            else { return false }
            return name.equalsIgnoringCase("expect") || name.equalsIgnoringCase("x-forwarded-for")
                || name.equalsIgnoringCase("x-forwarded-proto") || name.equalsIgnoringCase("x-forwarded-host")
        }
        var upstream = head
        upstream.version = .http1_1
        if !remove.isEmpty {
            for (name, value) in head.headers where name.equalsIgnoringCase("x-forwarded-for") {
                forwardedFor = forwardedFor.map { "\($0), \(value)" } ?? value
            }
            for name in remove { upstream.headers.remove(name: name) }
        }
        if facts.isChunked {
            upstream.headers.add(name: "transfer-encoding", value: "chunked")
        } else if !facts.hasContentLength && head.method.mayCarryBody {
            upstream.headers.add(name: "content-length", value: "0")
        }
        if let clientAddress {
            upstream.headers.add(
                name: "x-forwarded-for",
                value: forwardedFor.map { "\($0), \(clientAddress)" } ?? clientAddress
            )
        } else if let forwardedFor {
            upstream.headers.add(name: "x-forwarded-for", value: forwardedFor)
        }
        upstream.headers.add(name: "x-forwarded-proto", value: "http")
        if let host = facts.host {
            upstream.headers.add(name: "x-forwarded-host", value: host)
        }
        return upstream
    }
}

extension HTTPMethod {
    /// Methods whose requests are expected to carry a body (the encoder would otherwise chunk an empty one).
    var mayCarryBody: Bool {
        switch self {
        case .POST, .PUT, .PATCH: true
        default: false
        }
    }
}
