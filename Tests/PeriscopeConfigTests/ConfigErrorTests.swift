import PeriscopeConfig
import Testing

@Suite("ConfigError formatting")
struct ConfigErrorTests {
    @Test func fullDescription() {
        let error = ConfigError(
            file: "periscope.yaml",
            line: 12,
            column: 16,
            keyPath: "listeners[0].routes[2].cluster",
            message: "unknown cluster 'user'",
            hint: "did you mean 'users'?"
        )
        #expect(
            error.description
                == "periscope.yaml:12:16: listeners[0].routes[2].cluster: unknown cluster 'user' (hint: did you mean 'users'?)"
        )
    }

    @Test func absentPartsAreLeftOut() {
        let noPosition = ConfigError(file: "a.yaml", keyPath: "clusters", message: "missing required key 'clusters'")
        #expect(noPosition.description == "a.yaml: clusters: missing required key 'clusters'")
        let noKeyPath = ConfigError(file: "a.yaml", line: 3, column: 1, keyPath: "", message: "invalid YAML")
        #expect(noKeyPath.description == "a.yaml:3:1: invalid YAML")
        let lineOnly = ConfigError(file: "a.yaml", line: 3, keyPath: "drain", message: "bad")
        #expect(lineOnly.description == "a.yaml:3: drain: bad")
    }

    @Test func errorsAreOnePerLine() {
        let errors = ConfigErrors(errors: [
            ConfigError(file: "a.yaml", line: 1, column: 1, keyPath: "x", message: "one"),
            ConfigError(file: "a.yaml", line: 2, column: 1, keyPath: "y", message: "two", hint: "fix"),
        ])
        #expect(errors.description == "a.yaml:1:1: x: one\na.yaml:2:1: y: two (hint: fix)")
    }
}
