/// Where one signal is POSTed: scheme, host, port and request target, parsed from a URL such as
/// `http://collector:4318/v1/traces`.
///
/// Parsing follows the OTLP exporter rules: scheme, host, port and path are honoured; an empty port means 80 for
/// `http` and 443 for `https`; an empty path means `/`; the query is kept in the request target; user info and the
/// fragment are ignored. `https` URLs parse, but ``OTLPHTTPClient`` refuses them (Periscope's exporter has no TLS).
public struct OTLPEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The URL scheme.
    public enum Scheme: String, Sendable, Hashable {
        case http
        case https
    }

    /// The default OTLP/HTTP base endpoint, `http://localhost:4318`.
    public static let defaultBaseURL = "http://localhost:4318"

    /// `http` or `https`.
    public var scheme: Scheme
    /// The host name or address, without the brackets of an IPv6 literal.
    public var host: String
    /// The TCP port (1...65535).
    public var port: Int
    /// The request target: the path (starting with `/`) and the query, if any.
    public var target: String

    /// An endpoint from its parts; `target` must start with `/`.
    public init(scheme: Scheme = .http, host: String, port: Int, target: String = "/") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.target = target
    }

    /// Parses `http[s]://host[:port][/path][?query]`.
    ///
    /// - Throws: ``OTLPEndpointError`` naming what is wrong with `url`.
    public init(url: String) throws(OTLPEndpointError) {
        let text = OTLPExporterText.trimmed(url)
        let lowered = text.lowercased()
        let rest: Substring
        if lowered.hasPrefix("http://") {
            self.scheme = .http
            rest = text.dropFirst("http://".count)
        } else if lowered.hasPrefix("https://") {
            self.scheme = .https
            rest = text.dropFirst("https://".count)
        } else {
            throw OTLPEndpointError(url: url, reason: "the scheme must be http:// or https://")
        }
        var authority = rest
        var target = ""
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            authority = rest[..<end]
            target = String(rest[end...])
        }
        if let hash = target.firstIndex(of: "#") {
            target = String(target[..<hash])
        }
        if target.isEmpty {
            target = "/"
        } else if target.hasPrefix("?") {
            target = "/" + target
        }
        if let at = authority.lastIndex(of: "@") {
            authority = authority[authority.index(after: at)...]
        }
        var host = authority
        var portText: Substring = ""
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw OTLPEndpointError(url: url, reason: "the IPv6 address has no closing ']'")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw OTLPEndpointError(url: url, reason: "unexpected text after the IPv6 address")
                }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else {
            throw OTLPEndpointError(url: url, reason: "the host is empty")
        }
        guard !host.contains(where: { $0 == " " || $0 == "\t" || $0 == "[" || $0 == "]" }) else {
            throw OTLPEndpointError(url: url, reason: "the host '\(host)' is not valid")
        }
        guard !target.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" || $0 == "\t" }) else {
            throw OTLPEndpointError(url: url, reason: "the path contains white space")
        }
        if portText.isEmpty {
            self.port = self.scheme == .http ? 80 : 443
        } else {
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), let port = Int(portText),
                (1...65_535).contains(port)
            else {
                throw OTLPEndpointError(url: url, reason: "the port '\(portText)' is not 1...65535")
            }
            self.port = port
        }
        self.host = String(host)
        self.target = target
    }

    /// The URL a signal is sent to when `base` comes from the generic setting (`OTEL_EXPORTER_OTLP_ENDPOINT`):
    /// `base`, with a `/` added unless it ends with one, then the signal's relative path (`v1/traces`). The query
    /// and fragment of `base`, if any, are dropped (a base URL is a path prefix).
    public static func signalURL(base: String, signal: OTLPSignal) -> String {
        var base = OTLPExporterText.trimmed(base)
        if let cut = base.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            base = String(base[..<cut])
        }
        if !base.hasSuffix("/") {
            base += "/"
        }
        return base + signal.relativePath
    }

    /// The URL, rebuilt from the parts (`http://host:port/target`).
    public var url: String {
        "\(self.scheme.rawValue)://\(self.hostAndPort)\(self.target)"
    }

    /// The `Host` header value: the host, with `:port` unless it is the scheme's default port.
    public var hostHeader: String {
        let defaultPort = self.scheme == .http ? 80 : 443
        return self.port == defaultPort ? self.bracketedHost : self.hostAndPort
    }

    /// The URL.
    public var description: String { self.url }

    private var bracketedHost: String { self.host.contains(":") ? "[\(self.host)]" : self.host }
    private var hostAndPort: String { "\(self.bracketedHost):\(self.port)" }
}

/// Why a string is not a usable OTLP/HTTP endpoint URL.
public struct OTLPEndpointError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL as given.
    public var url: String
    /// What is wrong with it.
    public var reason: String

    /// An error for `url`.
    public init(url: String, reason: String) {
        self.url = url
        self.reason = reason
    }

    /// `'<url>' is not a valid endpoint URL: <reason>`.
    public var description: String { "'\(self.url)' is not a valid endpoint URL: \(self.reason)" }
}

/// Text helpers shared by the exporter's parsers (namespaced so they cannot clash with other files of the module).
enum OTLPExporterText {
    /// `text` without leading and trailing spaces and tabs.
    static func trimmed(_ text: some StringProtocol) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }

    /// `text` with the user info of a URL (`http://user:password@host`) replaced by `***`, for logs.
    static func redactingUserInfo(_ text: String) -> String {
        guard let schemeEnd = text.firstRange(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
    }
}
