import Foundation
import NIOHTTP1
import Testing

extension EndToEnd {
    /// Route selection: exact > `{param}` > prefix/wildcard, longest prefix first, hosts, methods, 404.
    ///
    /// Every route sends to its own upstream, whose name comes back in the echo, so the test sees which route won.
    @Suite struct Routing {
        /// Route name → the `match` it is configured with.
        static let routes: [(name: String, match: String)] = [
            ("exact", "{ path: /api/users/me }"),
            ("param", "{ path: \"/api/users/{id}\" }"),
            ("param-deep", "{ path: \"/api/users/{id}/posts/{post}\" }"),
            ("prefix-api", "{ prefix: /api }"),
            ("prefix-users", "{ prefix: /api/users/ }"),
            ("static", "{ path: \"/static/*\" }"),
            ("host-exact", "{ host: api.example.com, prefix: /site }"),
            ("host-wild", "{ host: \"*.example.com\", prefix: /site }"),
            ("host-any", "{ prefix: /site }"),
            ("get-only", "{ path: /read, methods: [GET, HEAD] }"),
            ("post-only", "{ path: /write, methods: [POST] }"),
        ]

        static func yaml(ports: [String: Int]) -> String {
            var text = "listeners:\n  - name: public\n    address: 127.0.0.1:0\n    routes:\n"
            for route in Self.routes {
                text += "      - name: \(route.name)\n        match: \(route.match)\n        cluster: \(route.name)\n"
            }
            text += "clusters:\n"
            for route in Self.routes {
                text += "  - name: \(route.name)\n    endpoints: [127.0.0.1:\(ports[route.name]!)]\n"
            }
            return text
        }

        /// Starts one upstream per route and a gateway routing to them.
        func withRoutedGateway(_ body: ([String: TestUpstream], Int) async throws -> Void) async throws {
            var upstreams: [String: TestUpstream] = [:]
            do {
                for route in Self.routes {
                    upstreams[route.name] = try await TestUpstream.start(name: route.name)
                }
                try await withPeriscope(Self.yaml(ports: upstreams.mapValues(\.port))) { gateway in
                    try await body(upstreams, try await gateway.port())
                }
            } catch {
                for upstream in upstreams.values { await upstream.stop() }
                throw error
            }
            for upstream in upstreams.values { await upstream.stop() }
        }

        /// Sends one request on a fresh connection and returns the response (and the echo, if it is one).
        func send(_ port: Int, _ method: HTTPMethod = .GET, _ uri: String, host: String = "localhost") async throws
            -> (ClientResponse, EchoReply?)
        {
            let client = try await HTTPTestClient.connect(port: port)
            defer { client.close() }
            let response = try await client.request(method, uri, headers: [("Host", host)])
            return (response, try? JSONDecoder().decode(EchoReply.self, from: Data(response.body)))
        }

        @Test(
            "path priorities: exact > param > longest prefix; wildcard; query ignored",
            arguments: [
                ("/api/users/me", "exact"),
                ("/api/users/me?tab=1", "exact"),
                ("/api/users/42", "param"),
                ("/api/users/42?x=/api/users/me", "param"),
                ("/api/users/42/posts/7", "param-deep"),
                ("/api/users/42/orders", "prefix-users"),
                ("/api/users/", "prefix-users"),
                ("/api/users", "prefix-api"),
                ("/api/orders/1", "prefix-api"),
                ("/api", "prefix-api"),
                ("/static/", "static"),
                ("/static/css/site.css", "static"),
                ("/static/a/b/c?v=3", "static"),
            ])
        func paths(uri: String, expected: String) async throws {
            try await self.withRoutedGateway { upstreams, port in
                let (response, echo) = try await self.send(port, .GET, uri)
                #expect(response.status == 200)
                #expect(echo?.upstream == expected)
                // The request target goes upstream unchanged, query included.
                #expect(echo?.uri == uri)
                let reached = upstreams.filter { $0.value.requestCount > 0 }.map(\.key)
                #expect(reached == [expected])
            }
        }

        @Test(
            "host matching: exact, *.example.com wildcard, then host-less routes",
            arguments: [
                ("api.example.com", "host-exact"),
                ("API.Example.COM:8080", "host-exact"),
                ("www.example.com", "host-wild"),
                ("a.b.example.com", "host-wild"),
                ("example.com", "host-any"),
                ("other.org", "host-any"),
                ("notexample.com", "host-any"),
            ])
        func hosts(host: String, expected: String) async throws {
            try await self.withRoutedGateway { _, port in
                let (response, echo) = try await self.send(port, .GET, "/site/page", host: host)
                #expect(response.status == 200)
                #expect(echo?.upstream == expected)
            }
        }

        @Test("method lists: a matching method is proxied, another gets 405 with Allow and reaches no upstream")
        func methods() async throws {
            try await self.withRoutedGateway { upstreams, port in
                let (get, getEcho) = try await self.send(port, .GET, "/read")
                #expect(get.status == 200)
                #expect(getEcho?.upstream == "get-only")
                let (head, _) = try await self.send(port, .HEAD, "/read")
                #expect(head.status == 200)
                let (post, _) = try await self.send(port, .POST, "/write")
                #expect(post.status == 200)
                #expect(upstreams["post-only"]?.requestCount == 1)

                let (wrongRead, _) = try await self.send(port, .DELETE, "/read")
                #expect(wrongRead.status == 405)
                #expect(wrongRead.header("allow") == "GET, HEAD")
                let (wrongWrite, _) = try await self.send(port, .GET, "/write?q=1")
                #expect(wrongWrite.status == 405)
                #expect(wrongWrite.header("allow") == "POST")
                #expect(wrongWrite.bodyText.contains("\"status\":405"))
                #expect(upstreams["get-only"]?.requestCount == 2)
                #expect(upstreams["post-only"]?.requestCount == 1)
            }
        }

        @Test("no matching route: 404 with a JSON body, nothing reaches an upstream")
        func notFound() async throws {
            try await self.withRoutedGateway { upstreams, port in
                // Prefixes are literal string prefixes (`/api` matches `/apix`), so these miss every route.
                for uri in ["/", "/nothing/here", "/ap", "/static", "/read/more", "/sit", "/API/users/me"] {
                    let (response, _) = try await self.send(port, .GET, uri)
                    #expect(response.status == 404, "\(uri)")
                    #expect(response.header("content-type") == "application/json")
                    let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
                    #expect(object?["status"] as? Int == 404, "\(uri)")
                    #expect(object?["error"] as? String == "no_route", "\(uri)")
                }
                #expect(upstreams.values.allSatisfy { $0.requestCount == 0 })
            }
        }

        @Test("a 404 with a small body keeps the connection (the body is dropped); a chunked one closes it")
        func notFoundWithBody() async throws {
            try await self.withRoutedGateway { upstreams, port in
                let client = try await RawClient.connect(port: port)
                defer { client.close() }
                try await client.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
                let first = try await client.readResponse()
                #expect(first.status == 404)
                #expect(first.header("connection") == nil)
                try await client.send("GET /read HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try await client.readResponse().status == 200)
                #expect(upstreams["get-only"]?.requests.map(\.uri) == ["/read"])

                let chunked = try await RawClient.connect(port: port)
                defer { chunked.close() }
                try await chunked.send(
                    "POST /nowhere HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
                let response = try await chunked.readResponse()
                #expect(response.status == 404)
                #expect(response.header("connection") == "close")
            }
        }
    }
}
