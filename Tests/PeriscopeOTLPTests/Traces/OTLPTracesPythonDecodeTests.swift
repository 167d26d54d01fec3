import PeriscopeOTLP
import PeriscopeTelemetry
import Testing

/// Decodes the encoder's bytes with the official `opentelemetry-proto` Python package (see
/// ``PythonOTLPTracesDecoder`` for the venv these tests need).
@Suite struct OTLPTracesPythonDecodeTests {
    private func decodeSample() throws -> PythonJSON {
        let sample = SampleSpans()
        let encoded = try SampleSpans.encoder().encode(sample.all, strings: sample.strings)
        let decoded = try PythonOTLPTracesDecoder.decodeTracesRequest(encoded.bytes)
        // Every field is known to upstream's schema, and the bytes are what protobuf itself would write but for the
        // order of each span's attributes: the packed ones come after the span's other fields (a repeated field's
        // elements need not be adjacent), so a canonical re-encoding is as long but not byte for byte the same.
        #expect(decoded.unknownFieldCount == 0)
        #expect(decoded.reencodesToTheSameSize)
        return decoded.request
    }

    private func spans(_ request: PythonJSON) -> PythonJSON {
        request["resource_spans"][0]["scope_spans"][0]["spans"]
    }

    @Test func envelopeDecodesWithTheOfficialSchema() throws {
        let request = try self.decodeSample()
        #expect(request["resource_spans"].array.count == 1)
        let resourceSpans = request["resource_spans"][0]
        let resource = resourceSpans["resource"]["attributes"]
        #expect(resource.attributeKeys == ["service.name", "process.pid"])
        #expect(resource.attribute("service.name")["string_value"].string == "periscope-test")
        #expect(resource.attribute("process.pid")["int_value"].string == "4242")
        #expect(resourceSpans["scope_spans"].array.count == 1)
        #expect(resourceSpans["scope_spans"][0]["scope"]["name"].string == "periscope")
        #expect(resourceSpans["scope_spans"][0]["scope"]["version"].string == "1.2.3")
        // The invalid record is left out.
        #expect(
            self.spans(request).array.map { $0["span_id"].string ?? "" } == [
                "1111111111111111", "2222222222222222", "3333333333333333", "4444444444444444", "5555555555555555",
            ]
        )
    }

    @Test func serverSpanDecodes() throws {
        let spans = self.spans(try self.decodeSample())
        let server = try #require(spans.span(id: "1111111111111111"))
        #expect(server["trace_id"].string == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(server["parent_span_id"].string == "00f067aa0ba902b7")
        #expect(server["trace_state"].isNull)
        #expect(server["name"].string == "GET /users/{id}")
        #expect(server["kind"].string == "SPAN_KIND_SERVER")
        #expect(server["start_time_unix_nano"].string == "1700000000000000000")
        #expect(server["end_time_unix_nano"].string == "1700000000002500000")
        #expect(server["flags"].int == 0x301)
        #expect(server["status"].isNull)
        #expect(server["dropped_events_count"].isNull)
        let attributes = server["attributes"]
        // Attributes filled per span first, then the packed ones (constants, interned names, and the request values
        // of the packed-value table: ports, client addresses, hosts).
        #expect(
            attributes.attributeKeys == [
                "url.path", "user_agent.original", "http.request.method", "http.route", "http.response.status_code",
                "server.port", "url.scheme", "client.address", "client.port", "network.protocol.version",
                "periscope.cluster", "periscope.listener",
            ]
        )
        #expect(attributes.attribute("http.request.method")["string_value"].string == "GET")
        #expect(attributes.attribute("http.route")["string_value"].string == "/users/{id}")
        // int attributes are int_value (int64: a decimal string in MessageToDict), not strings.
        #expect(attributes.attribute("http.response.status_code")["int_value"].string == "200")
        #expect(attributes.attribute("http.response.status_code")["string_value"].isNull)
        #expect(attributes.attribute("server.port")["int_value"].string == "8080")
        #expect(attributes.attribute("url.path")["string_value"].string == "/users/42")
        #expect(attributes.attribute("url.scheme")["string_value"].string == "http")
        #expect(attributes.attribute("client.address")["string_value"].string == "192.0.2.10")
        #expect(attributes.attribute("client.port")["int_value"].string == "51234")
        #expect(attributes.attribute("user_agent.original")["string_value"].string == "curl/8.5.0")
        #expect(attributes.attribute("network.protocol.version")["string_value"].string == "1.1")
        #expect(attributes.attribute("periscope.cluster")["string_value"].string == "users")
        #expect(attributes.attribute("periscope.listener")["string_value"].string == "public")
        let event = server["events"][0]
        #expect(server["events"].array.count == 1)
        #expect(event["name"].string == "retry")
        #expect(event["time_unix_nano"].string == "1700000000001600000")
        #expect(event["attributes"].attribute("periscope.attempt")["int_value"].string == "2")
    }

    @Test func clientSpansLinkToTheirServerSpan() throws {
        let spans = self.spans(try self.decodeSample())
        let first = try #require(spans.span(id: "2222222222222222"))
        let second = try #require(spans.span(id: "3333333333333333"))
        for client in [first, second] {
            #expect(client["trace_id"].string == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(client["parent_span_id"].string == "1111111111111111")
            #expect(client["kind"].string == "SPAN_KIND_CLIENT")
            #expect(client["name"].string == "GET")
            #expect(client["flags"].int == 0x101)
            #expect(client["attributes"].attribute("periscope.cluster")["string_value"].string == "users")
        }
        #expect(first["status"]["code"].string == "STATUS_CODE_ERROR")
        #expect(first["status"]["message"].string == "timeout")
        let firstAttributes = first["attributes"]
        #expect(firstAttributes.attribute("server.address")["string_value"].string == "10.0.0.5")
        #expect(firstAttributes.attribute("server.port")["int_value"].string == "8080")
        #expect(firstAttributes.attribute("url.full")["string_value"].string == "http://10.0.0.5:8080/users/42")
        #expect(firstAttributes.attribute("error.type")["string_value"].string == "timeout")
        #expect(firstAttributes.attribute("http.request.resend_count").isNull)
        #expect(first["events"][0]["name"].string == "timeout")
        #expect(first["events"][0]["attributes"].attribute("periscope.timeout_ms")["int_value"].string == "1500")

        #expect(second["status"].isNull)
        let secondAttributes = second["attributes"]
        #expect(secondAttributes.attribute("server.address")["string_value"].string == "2001:db8::7")
        #expect(secondAttributes.attribute("server.port")["int_value"].string == "9443")
        #expect(secondAttributes.attribute("http.request.resend_count")["int_value"].string == "1")
        #expect(secondAttributes.attribute("http.response.status_code")["int_value"].string == "200")
        #expect(
            secondAttributes.attribute("url.full")["string_value"].string == "https://[2001:db8::7]:9443/users/42"
        )
    }

    @Test func errorsEventsAndRepairedTextDecode() throws {
        let spans = self.spans(try self.decodeSample())
        let gatewayError = try #require(spans.span(id: "4444444444444444"))
        #expect(gatewayError["name"].string == "POST /orders")
        #expect(gatewayError["trace_id"].string == "0af7651916cd43dd8448eb211c80319c")
        #expect(gatewayError["parent_span_id"].isNull)
        #expect(gatewayError["flags"].int == 3)
        #expect(gatewayError["status"]["code"].string == "STATUS_CODE_ERROR")
        #expect(gatewayError["status"]["message"].isNull)
        #expect(gatewayError["attributes"].attribute("error.type")["string_value"].string == "502")

        let reset = try #require(spans.span(id: "5555555555555555"))
        #expect(reset["name"].string == "HTTP")
        #expect(reset["kind"].string == "SPAN_KIND_SERVER")
        #expect(reset["flags"].isNull)  // 0: a plain fixed32, not sent
        #expect(reset["status"]["message"].string == "upstream_reset")
        let attributes = reset["attributes"]
        #expect(attributes.attribute("http.request.method")["string_value"].string == "_OTHER")
        #expect(attributes.attribute("client.address")["string_value"].string == "2001:db8::1")
        #expect(attributes.attribute("user_agent.original")["string_value"].string == "agent/\u{FFFD}1")
        #expect(attributes.attribute("periscope.endpoint")["string_value"].string == "10.0.0.5:8080")
        #expect(
            attributes.attribute("url.path")["string_value"].string
                == String(SampleSpans.longPath.prefix(SpanRecord.urlPathCapacity))
        )
        #expect(reset["dropped_events_count"].int == 2)
        let events = reset["events"]
        #expect(
            events.array.map { $0["name"].string ?? "" } == [
                "rejected", "circuit_open", "connect_failure", "upstream_reset",
            ])
        #expect(events[0]["attributes"].attribute("periscope.policy")["string_value"].string == "rate_limit")
        #expect(events[1]["attributes"].isNull)
        #expect(events[2]["attributes"].attribute("periscope.errno")["int_value"].string == "111")
        #expect(events[3]["attributes"].attribute("periscope.bytes_received")["int_value"].string == "123")
    }
}
