import PeriscopeConfig
import Testing

/// The `tracing` section's opt-in attributes.
@Suite("Tracing settings")
struct TracingConfigTests {
    static let base = Fixture.publicListener + Fixture.usersCluster

    @Test func optInAttributesDefaultToNoneAndLoadWhenListed() throws {
        #expect(try ConfigLoader.parse(yaml: Self.base, file: "t.yaml").tracing.optInAttributes.isEmpty)
        let tracing = try ConfigLoader.parse(
            yaml: "tracing:\n  opt_in_attributes: [client.port]\n" + Self.base,
            file: "t.yaml"
        ).tracing
        #expect(tracing.optInAttributes == ["client.port"])
    }

    @Test func anUnknownOptInAttributeNamesItsKeyPath() {
        let errors = Fixture.errors("tracing:\n  opt_in_attributes: [client.port, client.prot]\n" + Self.base)
        #expect(errors.map(\.keyPath) == ["tracing.opt_in_attributes[1]"], "\(ConfigErrors(errors: errors))")
        #expect("\(ConfigErrors(errors: errors))".contains("client.prot"))
    }
}
