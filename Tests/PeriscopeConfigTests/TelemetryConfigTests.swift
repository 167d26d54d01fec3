import Foundation
import PeriscopeConfig
import Testing

/// The `telemetry` section: default series limit, per-family buckets and limits.
@Suite("Telemetry settings")
struct TelemetryConfigTests {
    static let base = Fixture.publicListener + Fixture.usersCluster

    static func load(_ telemetry: String) throws -> TelemetryConfig {
        try ConfigLoader.parse(yaml: telemetry + "\n" + Self.base, file: "t.yaml").telemetry
    }

    /// A valid document whose `telemetry` section is `section` (written without indentation).
    static func document(telemetry section: String) -> String {
        let indented = section.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
        return "telemetry:\n" + indented.joined(separator: "\n") + "\n" + Self.base
    }

    @Test func absentOrEmptySectionGivesTheDefaults() throws {
        #expect(try ConfigLoader.parse(yaml: Self.base, file: "t.yaml").telemetry == TelemetryConfig())
        #expect(try Self.load("telemetry:") == TelemetryConfig())
        #expect(try Self.load("telemetry:\n  families:") == TelemetryConfig())
        #expect(try Self.load("telemetry:\n  families: {}") == TelemetryConfig())
        #expect(TelemetryConfig().cardinalityLimit == 2000)
        #expect(TelemetryConfig().families.isEmpty)
    }

    @Test func everyKeyLoads() throws {
        let telemetry = try Self.load(
            """
            telemetry:
              cardinality_limit: 300
              families:
                periscope_http_request_duration_seconds:
                  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]
                  cardinality_limit: 500
                periscope_http_response_size_bytes:
                  buckets: [-1, 0, 1e3, 1.5e6]
                periscope_http_requests_total:
                  cardinality_limit: 3
                periscope_drain_active:
            """
        )
        #expect(
            telemetry
                == TelemetryConfig(
                    cardinalityLimit: 300,
                    families: [
                        "periscope_http_request_duration_seconds": TelemetryFamilyConfig(
                            buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
                            cardinalityLimit: 500
                        ),
                        "periscope_http_response_size_bytes": TelemetryFamilyConfig(buckets: [-1, 0, 1000, 1_500_000]),
                        "periscope_http_requests_total": TelemetryFamilyConfig(cardinalityLimit: 3),
                    ]
                )
        )
        #expect(telemetry.cardinalityLimit(for: "periscope_http_request_duration_seconds") == 500)
        #expect(telemetry.cardinalityLimit(for: "periscope_http_requests_total") == 3)
        #expect(telemetry.cardinalityLimit(for: "periscope_http_response_size_bytes") == 300)
        #expect(telemetry.cardinalityLimit(for: "periscope_upstream_errors_total") == 300)
        #expect(telemetry.buckets(for: "periscope_http_response_size_bytes") == [-1, 0, 1000, 1_500_000])
        #expect(telemetry.buckets(for: "periscope_http_requests_total") == nil)
        #expect(telemetry.buckets(for: "periscope_upstream_request_duration_seconds") == nil)
    }

    @Test func knownFamilyLists() {
        let known = TelemetryConfig.knownFamilies
        #expect(Set(known).count == known.count)
        #expect(TelemetryConfig.knownHistogramFamilies.allSatisfy(known.contains))
        #expect(known.allSatisfy { $0.hasPrefix("periscope_") })
        #expect(known.contains("periscope_config_loads_total"))
    }

    @Test func configurationDocsListTheKnownFamilies() throws {
        let path = ShippedConfigTests.path("docs/configuration.md")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Rows `| \`name\` | yes |` of the table under `### \`families.<name>\``.
        let rows = text.split(separator: "\n").filter { $0.hasPrefix("| `periscope_") }.map { row in
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return (name: String(cells[0].dropFirst().dropLast()), histogram: cells.count > 1 && cells[1] == "yes")
        }
        #expect(rows.map(\.name) == TelemetryConfig.knownFamilies)
        #expect(rows.filter(\.histogram).map(\.name) == TelemetryConfig.knownHistogramFamilies)
    }

    @Test func errorsInSeveralFamiliesAreAllReported() {
        let errors = Fixture.errors(
            """
            telemetry:
              cardinality_limit: 0
              families:
                periscope_http_requests_totl: { cardinality_limit: 3 }
                periscope_upstream_errors_total: { buckets: [1] }
                periscope_http_gateway_overhead_seconds: { buckets: [0.1, 0.05, .inf], cardinality_limit: -1 }
            """ + "\n" + Self.base
        )
        #expect(
            errors.map(\.keyPath) == [
                "telemetry.cardinality_limit",
                "telemetry.families.periscope_http_requests_totl",
                "telemetry.families.periscope_upstream_errors_total.buckets",
                "telemetry.families.periscope_http_gateway_overhead_seconds.buckets[1]",
                "telemetry.families.periscope_http_gateway_overhead_seconds.buckets[2]",
                "telemetry.families.periscope_http_gateway_overhead_seconds.cardinality_limit",
            ],
            "\(ConfigErrors(errors: errors))"
        )
    }

    /// Invalid `telemetry` sections; run by ``ValidationErrorTests/reportsError(_:)``.
    static let invalidCases: [InvalidCase] = {
        let telemetry = Self.document(telemetry:)
        let duration = "periscope_http_request_duration_seconds"
        return [
            InvalidCase(
                name: "telemetry: unknown key",
                yaml: telemetry("cardinality_limt: 5"),
                keyPath: "telemetry.cardinality_limt",
                marker: "cardinality_limt:",
                message: "unknown key 'cardinality_limt'",
                hint: "did you mean 'cardinality_limit'?"
            ),
            InvalidCase(
                name: "telemetry: cardinality_limit below 1",
                yaml: telemetry("cardinality_limit: 0"),
                keyPath: "telemetry.cardinality_limit",
                marker: "cardinality_limit:",
                message: "must be at least 1, found 0"
            ),
            InvalidCase(
                name: "telemetry: cardinality_limit not an integer",
                yaml: telemetry("cardinality_limit: lots"),
                keyPath: "telemetry.cardinality_limit",
                marker: "cardinality_limit:",
                message: "expected an integer, found 'lots'"
            ),
            InvalidCase(
                name: "telemetry: families is a list",
                yaml: telemetry("families: [\(duration)]"),
                keyPath: "telemetry.families",
                marker: "families:",
                message: "expected a mapping, found a list"
            ),
            InvalidCase(
                name: "telemetry: misspelt family",
                yaml: telemetry("families:\n  periscope_http_request_duration_second:\n    cardinality_limit: 5"),
                keyPath: "telemetry.families.periscope_http_request_duration_second",
                marker: "periscope_http_request_duration_second:",
                message: "unknown metric family 'periscope_http_request_duration_second'",
                hint: "did you mean '\(duration)'?"
            ),
            InvalidCase(
                name: "telemetry: family that takes no settings",
                yaml: telemetry("families:\n  process_open_fds:\n    cardinality_limit: 5"),
                keyPath: "telemetry.families.process_open_fds",
                marker: "process_open_fds:",
                message: "unknown metric family 'process_open_fds'",
                hint: "docs/configuration.md"
            ),
            InvalidCase(
                name: "telemetry: unknown key in a family",
                yaml: telemetry("families:\n  \(duration):\n    bucket: [1, 2]"),
                keyPath: "telemetry.families.\(duration).bucket",
                marker: "bucket:",
                message: "unknown key 'bucket'",
                hint: "did you mean 'buckets'?"
            ),
            InvalidCase(
                name: "telemetry: family settings not a mapping",
                yaml: telemetry("families:\n  \(duration): [1, 2]"),
                keyPath: "telemetry.families.\(duration)",
                marker: "\(duration):",
                message: "expected a mapping, found a list"
            ),
            InvalidCase(
                name: "telemetry: family cardinality_limit below 1",
                yaml: telemetry("families:\n  periscope_http_requests_total:\n    cardinality_limit: 0"),
                keyPath: "telemetry.families.periscope_http_requests_total.cardinality_limit",
                marker: "cardinality_limit:",
                message: "must be at least 1, found 0"
            ),
            InvalidCase(
                name: "telemetry: buckets on a counter",
                yaml: telemetry("families:\n  periscope_http_requests_total:\n    buckets: [1, 2]"),
                keyPath: "telemetry.families.periscope_http_requests_total.buckets",
                marker: "buckets:",
                message: "'periscope_http_requests_total' is not a histogram; only histograms take buckets"
            ),
            InvalidCase(
                name: "telemetry: buckets on a gauge",
                yaml: telemetry("families:\n  periscope_drain_active:\n    buckets: [1]"),
                keyPath: "telemetry.families.periscope_drain_active.buckets",
                marker: "buckets:",
                message: "is not a histogram"
            ),
            InvalidCase(
                name: "telemetry: empty buckets",
                yaml: telemetry("families:\n  \(duration):\n    buckets: []"),
                keyPath: "telemetry.families.\(duration).buckets",
                marker: "buckets:",
                message: "at least one bucket bound is required"
            ),
            InvalidCase(
                name: "telemetry: buckets not a list",
                yaml: telemetry("families:\n  \(duration):\n    buckets: 0.5"),
                keyPath: "telemetry.families.\(duration).buckets",
                marker: "buckets:",
                message: "expected a list, found '0.5'"
            ),
            InvalidCase(
                name: "telemetry: bucket bound not a number",
                yaml: telemetry("families:\n  \(duration):\n    buckets:\n      - 0.1\n      - 250ms"),
                keyPath: "telemetry.families.\(duration).buckets[1]",
                marker: "- 250ms",
                message: "expected a number, found '250ms'"
            ),
            InvalidCase(
                name: "telemetry: repeated bucket bound",
                yaml: telemetry("families:\n  \(duration):\n    buckets:\n      - 0.1\n      - 0.5\n      - 0.5"),
                keyPath: "telemetry.families.\(duration).buckets[2]",
                marker: "- 0.5",
                occurrence: 2,
                message: "bucket bounds must be strictly increasing: 0.5 follows 0.5"
            ),
            InvalidCase(
                name: "telemetry: decreasing bucket bounds",
                yaml: telemetry("families:\n  \(duration):\n    buckets:\n      - 1\n      - 0.25"),
                keyPath: "telemetry.families.\(duration).buckets[1]",
                marker: "- 0.25",
                message: "bucket bounds must be strictly increasing: 0.25 follows 1"
            ),
            InvalidCase(
                name: "telemetry: infinite bucket bound",
                yaml: telemetry("families:\n  \(duration):\n    buckets:\n      - 1\n      - .inf"),
                keyPath: "telemetry.families.\(duration).buckets[1]",
                marker: "- .inf",
                message: "bucket bound must be a finite number, found '.inf'",
                hint: "+Inf is always added"
            ),
            InvalidCase(
                name: "telemetry: NaN bucket bound",
                yaml: telemetry("families:\n  \(duration):\n    buckets:\n      - nan"),
                keyPath: "telemetry.families.\(duration).buckets[0]",
                marker: "- nan",
                message: "bucket bound must be a finite number, found 'nan'"
            ),
        ]
    }()
}
