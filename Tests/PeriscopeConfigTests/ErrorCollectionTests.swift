import Foundation
import PeriscopeConfig
import Testing

@Suite("Every error is reported")
struct ErrorCollectionTests {
    @Test func allErrorsInOneFileAreReportedInFileOrder() throws {
        let yaml = """
            admin:
              address: localhost
            drain:
              delay: 5
            logging:
              levl: info
            listeners:
              - name: public
                routes:
                  - name: users
                    match:
                      path: users/{id}
                    cluster: user
                  - name: users
                    match:
                      prefix: /api
                      path: /api
                    cluster: users
            clusters:
              - name: users
                load_balancer: least_requests
                endpoints:
                  - 127.0.0.1
                  - address: 127.0.0.1:9002
                    weight: 0
              - name: empty
                endpoints: []
            """
        let errors = Fixture.errors(yaml, file: "many.yaml")
        let summary = errors.map { "\($0.line ?? 0) \($0.keyPath)" }
        #expect(
            summary == [
                "2 admin.address",
                "4 drain.delay",
                "6 logging.levl",
                "12 listeners[0].routes[0].match.path",
                "13 listeners[0].routes[0].cluster",
                "14 listeners[0].routes[1].name",
                "16 listeners[0].routes[1].match",
                "21 clusters[0].load_balancer",
                "23 clusters[0].endpoints[0]",
                "25 clusters[0].endpoints[1].weight",
                "27 clusters[1].endpoints",
            ],
            "errors were:\n\(ConfigErrors(errors: errors))"
        )
        #expect(errors.allSatisfy { $0.file == "many.yaml" && $0.column != nil })
        let description = ConfigErrors(errors: errors).description
        #expect(description.split(separator: "\n").count == errors.count)
        #expect(description.hasPrefix("many.yaml:2:12: admin.address: address 'localhost' has no port"))
    }

    @Test func oneBadEntryDoesNotCauseFollowOnErrors() {
        // The second cluster is a scalar and the first route's cluster name is unreadable: neither
        // should produce "unknown cluster" or "duplicate" noise.
        let yaml = """
            listeners:
              - name: public
                routes:
                  - name: a
                    match: { prefix: /a }
                    cluster: [users]
                  - name: b
                    match: { prefix: /b }
                    cluster: users
            clusters:
              - name: users
                endpoints: [127.0.0.1:9001]
              - just-a-string
            """
        let errors = Fixture.errors(yaml)
        #expect(errors.map(\.keyPath) == ["listeners[0].routes[0].cluster", "clusters[1]"], "\(errors)")
    }

    @Test func crossChecksDoNotHideEachOther() {
        // A duplicate cluster name is still a known cluster name, and must not silence other checks.
        let yaml = """
            listeners:
              - name: public
                routes:
                  - { name: a, match: { prefix: / }, cluster: user }
            clusters:
              - name: users
                endpoints: [127.0.0.1:9001]
              - name: users
                endpoints: [127.0.0.1:9002]
            """
        let errors = Fixture.errors(yaml)
        #expect(errors.map(\.keyPath) == ["listeners[0].routes[0].cluster", "clusters[1].name"], "\(errors)")
        #expect(errors.first?.hint == "did you mean 'users'? known clusters: users")
    }

    @Test func yamlSyntaxErrorHasAPosition() throws {
        let yaml = "listeners:\n  - name: public\n    routes: [\n  clusters:\n"
        let errors = Fixture.errors(yaml, file: "broken.yaml")
        let error = try #require(errors.first)
        #expect(errors.count == 1)
        #expect(error.keyPath.isEmpty)
        #expect(error.line != nil && error.column != nil)
        #expect(error.message.hasPrefix("invalid YAML"))
        #expect(error.description.hasPrefix("broken.yaml:\(error.line!):\(error.column!): invalid YAML"))
    }

    @Test func badIndentationIsASyntaxError() throws {
        let yaml = "drain:\n  delay: 1s\n   timeout: 2s\n"
        let error = try #require(Fixture.errors(yaml).first)
        #expect(error.line == 3)
        #expect(error.hint != nil)
    }

    @Test func tabsAreASyntaxErrorWithAHint() throws {
        let yaml = "drain:\n\tdelay: 1s\n"
        let error = try #require(Fixture.errors(yaml).first)
        #expect(error.line == 2)
        #expect(error.hint == "indent with spaces, not tabs", "\(error)")
    }

    @Test func duplicateKeysAreReported() throws {
        let yaml = "drain:\n  delay: 1s\n  delay: 2s\n" + Fixture.publicListener + Fixture.usersCluster
        let error = try #require(Fixture.errors(yaml).first)
        #expect(error.message.contains("duplicate key 'delay'"))
        #expect(error.line == 2)
    }

    @Test func emptyDocumentReportsWhatIsMissing() {
        let errors = Fixture.errors("# nothing here\n")
        #expect(errors.map(\.keyPath) == ["listeners", "clusters"])
        #expect(errors.allSatisfy { $0.message.hasPrefix("missing required key") })
    }

    @Test func rootMustBeAMapping() {
        let errors = Fixture.errors("- a\n- b\n")
        #expect(errors.count == 1)
        #expect(errors.first?.message == "expected a mapping, found a list")
        #expect(errors.first?.line == 1)
    }

    @Test func unreadableFileIsAnError() throws {
        let path = "/nonexistent/periscope-\(UInt64.random(in: 0...UInt64.max)).yaml"
        do {
            _ = try ConfigLoader.load(path: path)
            Issue.record("loading a missing file succeeded")
        } catch {
            #expect(error.errors.count == 1)
            let only = try #require(error.errors.first)
            #expect(only.file == path)
            #expect(only.line == nil)
            #expect(only.message.hasPrefix("cannot read the file"))
            #expect(only.description.hasPrefix("\(path): cannot read the file"))
        }
    }

    @Test func directoryIsAnError() throws {
        let path = FileManager.default.temporaryDirectory.path
        #expect {
            try ConfigLoader.load(path: path)
        } throws: { error in
            (error as? ConfigErrors)?.errors.map(\.message) == ["cannot read the file: it is a directory"]
        }
    }

    @Test func loadReadsAFileAndNamesIt() throws {
        let directory = FileManager.default.temporaryDirectory
        let url = directory.appendingPathComponent("periscope-config-test-\(UInt64.random(in: 0...UInt64.max)).yaml")
        try (Fixture.publicListener + Fixture.usersCluster).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let config = try ConfigLoader.load(path: url.path)
        #expect(config.sourceFile == url.path)
        #expect(config.listeners.map(\.name) == ["public"])

        try "drain:\n  delay: soon\n".write(to: url, atomically: true, encoding: .utf8)
        #expect {
            try ConfigLoader.load(path: url.path)
        } throws: { error in
            guard let errors = error as? ConfigErrors else { return false }
            return errors.errors.allSatisfy { $0.file == url.path } && errors.errors.count == 3
        }
    }
}
