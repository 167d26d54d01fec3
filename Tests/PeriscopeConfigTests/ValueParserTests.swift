import Testing

@testable import PeriscopeConfig

@Suite("Durations, sizes, addresses and patterns")
struct ValueParserTests {
    @Test(
        arguments: [
            ("250ms", Duration.milliseconds(250)),
            ("10s", .seconds(10)),
            ("1m", .seconds(60)),
            ("1h", .seconds(3600)),
            ("1m30s", .seconds(90)),
            ("1h2m3s4ms", .seconds(3723) + .milliseconds(4)),
            ("500us", .microseconds(500)),
            ("500µs", .microseconds(500)),
            ("750ns", .nanoseconds(750)),
            ("0.5s", .milliseconds(500)),
            ("1.25m", .seconds(75)),
            ("0.000000001s", .nanoseconds(1)),
            ("2.5ms", .microseconds(2500)),
        ]
    )
    func validDurations(text: String, expected: Duration) throws {
        #expect(try DurationParser.parse(text) == expected)
    }

    @Test(
        arguments: [
            ("10", "has no unit", "add a unit, e.g. 250ms or 10s"),
            ("0.5", "has no unit", "add a unit, e.g. 250ms or 10s"),
            ("0s", "must be greater than 0", nil),
            ("0ms0s", "largest to smallest", "write e.g. 1m30s"),
            ("-5s", "must be greater than 0", nil),
            ("10sec", "unknown duration unit 'sec'", "units are h, m, s, ms, us and ns"),
            ("10 s", "unknown duration unit ' s'", "units are h, m, s, ms, us and ns"),
            ("30s1m", "largest to smallest", "write e.g. 1m30s"),
            ("1s1s", "largest to smallest", "write e.g. 1m30s"),
            ("1m30", "missing a unit at the end", "add a unit, e.g. 250ms or 10s"),
            ("s", "not a valid duration", "add a unit, e.g. 250ms or 10s"),
            ("1.s", "not a valid duration", "add a unit, e.g. 250ms or 10s"),
            ("", "empty duration", "add a unit, e.g. 250ms or 10s"),
            ("99999999999999h", "too large", nil),
        ] as [(String, String, String?)]
    )
    func invalidDurations(text: String, message: String, hint: String?) {
        #expect {
            try DurationParser.parse(text)
        } throws: { error in
            guard let problem = error as? ValueProblem else { return false }
            return problem.message.contains(message) && problem.hint == hint
        }
    }

    @Test(
        arguments: [
            ("0", Int64(0)),
            ("16384", 16384),
            ("10485760", 10_485_760),
            ("100B", 100),
            ("100KB", 100_000),
            ("2MB", 2_000_000),
            ("1GB", 1_000_000_000),
            ("1TB", 1_000_000_000_000),
            ("512KiB", 524_288),
            ("10MiB", 10_485_760),
            ("1GiB", 1_073_741_824),
            ("2TiB", 2_199_023_255_552),
            ("10 MiB", 10_485_760),
        ]
    )
    func validSizes(text: String, expected: Int64) throws {
        #expect(try ByteSizeParser.parse(text) == expected)
    }

    @Test(
        arguments: [
            ("10mib", "unknown size unit 'mib'", "did you mean 'MiB'?"),
            ("10XB", "unknown size unit 'XB'", "valid values"),
            ("1.5MiB", "whole number", "1536KiB"),
            ("-1", "must not be negative", nil),
            ("MiB", "not a size", "10MiB"),
            ("99999999999TiB", "too large", nil),
        ] as [(String, String, String?)]
    )
    func invalidSizes(text: String, message: String, hintFragment: String?) {
        #expect {
            try ByteSizeParser.parse(text)
        } throws: { error in
            guard let problem = error as? ValueProblem, problem.message.contains(message) else { return false }
            guard let hintFragment else { return problem.hint == nil }
            return problem.hint?.contains(hintFragment) ?? false
        }
    }

    @Test(
        arguments: [
            ("0.0.0.0:8080", true, HostPort(host: "0.0.0.0", port: 8080)),
            ("127.0.0.1:0", true, HostPort(host: "127.0.0.1", port: 0)),
            ("localhost:9001", false, HostPort(host: "localhost", port: 9001)),
            ("users-1.svc.cluster.local:80", false, HostPort(host: "users-1.svc.cluster.local", port: 80)),
            ("[::1]:9901", true, HostPort(host: "::1", port: 9901)),
            ("[::]:8080", true, HostPort(host: "::", port: 8080)),
            ("[2001:db8::10]:65535", false, HostPort(host: "2001:db8::10", port: 65535)),
            ("[::ffff:192.0.2.1]:1", false, HostPort(host: "::ffff:192.0.2.1", port: 1)),
            ("[1:2:3:4:5:6:7:8]:443", false, HostPort(host: "1:2:3:4:5:6:7:8", port: 443)),
        ]
    )
    func validAddresses(text: String, allowPortZero: Bool, expected: HostPort) throws {
        #expect(try AddressParser.parse(text, allowPortZero: allowPortZero) == expected)
    }

    @Test(
        arguments: [
            ("127.0.0.1", "has no port", "add a port, e.g. 127.0.0.1:8080"),
            ("127.0.0.1:", "has no port", "add a port"),
            ("8080", "has no host", "0.0.0.0:8080"),
            ("::1", "has no port", "[::1]:8080"),
            ("fe80::1:80", "needs brackets", "write [fe80::1]:80"),
            ("[::1]", "has no port", "[::1]:8080"),
            ("[::1", "no closing ']'", "[::1]:8080"),
            ("[1::2::3]:80", "not a valid IPv6 address", nil),
            ("[12345::]:80", "not a valid IPv6 address", nil),
            ("256.0.0.1:80", "not a valid IPv4 address", nil),
            ("1.2.3:80", "not a valid IPv4 address", nil),
            ("bad_host:80", "not a valid host name", "DNS name"),
            ("-bad.example:80", "not a valid host name", "DNS name"),
            ("host:65536", "invalid port '65536'", "1 to 65535"),
            ("host:http", "invalid port 'http'", "1 to 65535"),
            ("host:0", "port 0 is not allowed here", "only for listener and admin addresses"),
        ] as [(String, String, String?)]
    )
    func invalidEndpointAddresses(text: String, message: String, hintFragment: String?) {
        #expect {
            try AddressParser.parse(text, allowPortZero: false)
        } throws: { error in
            guard let problem = error as? ValueProblem, problem.message.contains(message) else { return false }
            guard let hintFragment else { return problem.hint == nil }
            return problem.hint?.contains(hintFragment) ?? false
        }
    }

    @Test(arguments: [
        "/", "/health", "/api/users/{id}", "/api/{org}/repos/{repo_name}", "/static/*", "/*", "/a/b/",
        "/files/{path}/*",
    ])
    func validPaths(path: String) throws {
        try PathPattern.validatePath(path)
    }

    @Test(
        arguments: [
            ("api/users", "must start with '/'"),
            ("/users/id-{id}", "must be a whole path segment"),
            ("/users/{id", "must be a whole path segment"),
            ("/users/{}", "is not a valid name"),
            ("/users/{1st}", "is not a valid name"),
            ("/users/{a-b}", "is not a valid name"),
            ("/a/{id}/b/{id}", "appears twice"),
            ("/static/*/x", "only allowed as the whole last segment"),
            ("/static/x*", "only allowed as the whole last segment"),
            ("/search?q=1", "query"),
            ("/with space", "spaces"),
        ]
    )
    func invalidPaths(path: String, message: String) {
        #expect {
            try PathPattern.validatePath(path)
        } throws: { error in
            (error as? ValueProblem)?.message.contains(message) ?? false
        }
    }

    @Test func prefixesAreLiteral() throws {
        try PathPattern.validatePrefix("/api/")
        #expect(throws: ValueProblem.self) { try PathPattern.validatePrefix("api/") }
        #expect(throws: ValueProblem.self) { try PathPattern.validatePrefix("/api/{id}") }
        #expect(throws: ValueProblem.self) { try PathPattern.validatePrefix("/static/*") }
    }

    @Test func pathShapeErasesParameterNames() {
        #expect(PathPattern.shape(of: "/users/{id}/x") == PathPattern.shape(of: "/users/{user}/x"))
        #expect(PathPattern.shape(of: "/users/{id}") != PathPattern.shape(of: "/users/id"))
    }

    @Test(arguments: [
        ("api.example.com", "api.example.com"), ("*.Example.COM", "*.example.com"), ("localhost", "localhost"),
    ])
    func validHostPatterns(pattern: String, normalized: String) throws {
        #expect(try HostPattern.normalize(pattern) == normalized)
    }

    @Test(arguments: [
        "", "*", "*example.com", "api.*.com", "**.example.com", "*.*.example.com", "a..b", "a.com:8080", "127.0.0.1",
    ])
    func invalidHostPatterns(pattern: String) {
        #expect(throws: ValueProblem.self) { try HostPattern.normalize(pattern) }
    }

    @Test func methodsAreTokens() throws {
        #expect(try MethodToken.normalize("get") == "GET")
        #expect(try MethodToken.normalize("M-SEARCH") == "M-SEARCH")
        #expect(throws: ValueProblem.self) { try MethodToken.normalize("GE T") }
        #expect(throws: ValueProblem.self) { try MethodToken.normalize("GET,POST") }
        #expect(throws: ValueProblem.self) { try MethodToken.normalize("") }
    }

    @Test(
        arguments: [
            ("adress", ["name", "address", "routes"], "address"),
            ("maxBodyBytes", ["max_header_bytes", "max_body_bytes"], "max_body_bytes"),
            ("tiemout", ["timeout", "idle_timeout"], "timeout"),
            ("prefx", ["host", "path", "prefix", "methods"], "prefix"),
            ("colour", ["name", "address"], nil),
        ] as [(String, [String], String?)])
    func suggestions(word: String, candidates: [String], expected: String?) {
        #expect(Suggestion.closest(to: word, among: candidates) == expected)
    }
}
