import PeriscopeOTLP
import PeriscopeTelemetry
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `OTLPResource` (Sources/PeriscopeOTLP/Common), tested here with the metrics encoder that first uses it.
@Suite struct OTLPResourceTests {
    private func parse(_ text: String) -> [String: String]? {
        guard case .success(let attributes) = OTLPResource.parseResourceAttributes(text) else { return nil }
        var result: [String: String] = [:]
        for attribute in attributes {
            guard case .string(let value) = attribute.value else { return nil }
            result[attribute.key] = value
        }
        return result
    }

    @Test func resourceAttributesVariableIsParsed() {
        #expect(self.parse("a=1,b=two") == ["a": "1", "b": "two"])
        #expect(self.parse(" a = 1 ,\tb=2\t") == ["a": "1", "b": "2"])
        #expect(self.parse("a=1,,b=2,") == ["a": "1", "b": "2"])
        #expect(self.parse("") == [:])
        #expect(self.parse("empty=") == ["empty": ""])
        // Percent-encoded `,` `=` and UTF-8 in keys and values; a later duplicate wins.
        #expect(
            self.parse("k%3Dx=v%2Cw,deployment.environment=prod%20eu,city=M%C3%BCnchen") == [
                "k=x": "v,w", "deployment.environment": "prod eu", "city": "München",
            ])
        #expect(self.parse("a=1,a=2") == ["a": "2"])
        // The first `=` splits; an unencoded `=` in a value is kept.
        #expect(self.parse("a=b=c") == ["a": "b=c"])
        guard case .success(let ordered) = OTLPResource.parseResourceAttributes("z=1,a=2,z=3") else {
            Issue.record("parse failed")
            return
        }
        #expect(ordered == [OTLPAttribute("z", "3"), OTLPAttribute("a", "2")])
    }

    @Test func malformedResourceAttributesAreRejectedWhole() {
        for text in ["a=1,novalue", "=1", " =1", "a=%4", "a=%zz", "a=%FF", "%=1"] {
            if case .success(let attributes) = OTLPResource.parseResourceAttributes(text) {
                Issue.record("'\(text)' parsed as \(attributes)")
            }
        }
    }

    @Test func detectionPrecedence() {
        let environment = [
            "OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attributes,deployment.environment=staging,host.name=h1",
            "OTEL_SERVICE_NAME": "from-service-name",
        ]
        var warnings: [String] = []
        let resource = OTLPResource.detect(
            serviceVersion: "2.0.0",
            attributes: [OTLPAttribute("deployment.environment", "prod")],
            environment: { environment[$0] },
            onWarning: { warnings.append($0) }
        )
        #expect(warnings.isEmpty)
        #expect(resource["service.name"] == .string("from-service-name"))
        #expect(resource["deployment.environment"] == .string("prod"))
        #expect(resource["host.name"] == .string("h1"))
        #expect(resource["service.version"] == .string("2.0.0"))
        #expect(resource["telemetry.sdk.name"] == .string("periscope"))
        #expect(resource["telemetry.sdk.language"] == .string("swift"))
        #expect(resource["telemetry.sdk.version"] == .string("2.0.0"))
        #expect(resource["process.pid"] == .int(Int64(getpid())))
        // Detected attributes first, in a fixed order; environment-only keys after them.
        #expect(
            resource.attributes.map(\.key) == [
                "service.name", "service.version", "service.instance.id", "host.name", "process.pid",
                "telemetry.sdk.name", "telemetry.sdk.language", "telemetry.sdk.version", "deployment.environment",
            ]
        )
    }

    @Test func defaultsWithoutEnvironment() {
        let resource = OTLPResource.detect(environment: { _ in nil })
        #expect(resource["service.name"] == .string("periscope"))
        #expect(resource["service.version"] == nil)
        #expect(resource["telemetry.sdk.version"] == nil)
        guard case .string(let host)? = resource["host.name"] else {
            Issue.record("no host.name")
            return
        }
        #expect(!host.isEmpty)
        guard case .string(let id)? = resource["service.instance.id"] else {
            Issue.record("no service.instance.id")
            return
        }
        // A random UUID v4: 8-4-4-4-12 lowercase hex, version 4, RFC 4122 variant; new for every resource.
        let groups = id.split(separator: "-").map(String.init)
        #expect(groups.map(\.count) == [8, 4, 4, 4, 12])
        #expect(id.allSatisfy { "0123456789abcdef-".contains($0) })
        #expect(groups[2].first == "4")
        #expect(["8", "9", "a", "b"].contains(groups[3].first))
        #expect(OTLPResource.detect(environment: { _ in nil })["service.instance.id"] != .string(id))
    }

    @Test func badOrEmptyEnvironmentIsIgnored() {
        var warnings: [String] = []
        let environment = ["OTEL_RESOURCE_ATTRIBUTES": "team=a,broken", "OTEL_SERVICE_NAME": ""]
        let resource = OTLPResource.detect(environment: { environment[$0] }, onWarning: { warnings.append($0) })
        #expect(resource["team"] == nil)
        #expect(resource["service.name"] == .string("periscope"))
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("OTEL_RESOURCE_ATTRIBUTES") == true)
    }

    @Test func attributesAreUniqueAndMergeable() {
        var resource = OTLPResource(attributes: [
            OTLPAttribute("a", "1"), OTLPAttribute("b", "2"), OTLPAttribute("a", "3"),
        ])
        #expect(resource.attributes == [OTLPAttribute("a", "3"), OTLPAttribute("b", "2")])
        resource["b"] = nil
        resource["c"] = .bool(true)
        #expect(resource.attributes == [OTLPAttribute("a", "3"), OTLPAttribute("c", .bool(true))])
        let merged = resource.merging(
            OTLPResource(attributes: [OTLPAttribute("c", .int(1)), OTLPAttribute("d", .double(0.5))]))
        #expect(
            merged.attributes == [
                OTLPAttribute("a", "3"), OTLPAttribute("c", .int(1)), OTLPAttribute("d", .double(0.5)),
            ]
        )
    }

    @Test func resourceAttributesOfEveryKindAreEncoded() throws {
        let resource = OTLPResource(attributes: [
            OTLPAttribute("s", ""), OTLPAttribute("b", .bool(false)), OTLPAttribute("i", .int(0)),
            OTLPAttribute("d", .double(-1.5)),
        ])
        let encoder = OTLPMetricsEncoder(configuration: .init(resource: resource, scopeName: "", scopeVersion: ""))
        let encoded = try encoder.encode(
            [.init(kind: .gauge, name: "g", labelNames: [], series: [.init(labelValues: [], value: 1)])],
            collectionTimeUnixNano: 2,
            startTimeUnixNano: 1
        )
        let request = try UnpackedMetricsRequest(encoded.bytes)
        // Zero values are oneof members, so they are encoded and decode as set.
        #expect(request.resourceAttribute("s") == .string(""))
        #expect(request.resourceAttribute("b") == .bool(false))
        #expect(request.resourceAttribute("i") == .int(0))
        #expect(request.resourceAttribute("d") == .double(-1.5))
        #expect(request.scopeName == "")
        #expect(request.scopeVersion == "")
    }
}
