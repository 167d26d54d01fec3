import Foundation
import Testing

extension EndToEnd.Metrics {
    /// One row of the catalog table in docs/metrics.md.
    struct CatalogEntry: Equatable {
        var name: String
        var type: String
        var labels: Set<String>
    }

    static let docsPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // IntegrationTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .appendingPathComponent("docs/metrics.md")

    /// Reads the table under `## Catalog`: rows `| \`name\` | type | \`label\`, … | meaning |`.
    static func catalog() throws -> [CatalogEntry] {
        let text = try String(contentsOf: Self.docsPath, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0 == "## Catalog" }, "docs/metrics.md has no '## Catalog'")
        var entries: [CatalogEntry] = []
        for line in lines[start...].dropFirst() {
            if line.hasPrefix("## ") { break }
            guard line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            try #require(cells.count >= 5, "catalog row with too few cells: \(line)")
            let names = Self.backticked(cells[1])
            try #require(names.count == 1, "catalog row without one `name`: \(line)")
            entries.append(CatalogEntry(name: names[0], type: cells[2], labels: Set(Self.backticked(cells[3]))))
        }
        return entries
    }

    /// The `backticked` words of a table cell.
    static func backticked(_ cell: String) -> [String] {
        cell.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }
            .map { String($0.element) }
    }

    @Test("docs/metrics.md documents exactly the families /metrics exposes, with their types and labels")
    func docsMatchTheExposition() async throws {
        let catalog = try Self.catalog()
        try #require(catalog.count >= 20, "docs/metrics.md catalog has only \(catalog.count) rows")
        #expect(Set(catalog.map(\.name)).count == catalog.count, "a family is documented twice")
        try await withMetricsGateway { gateway, proxyPort in
            // Traffic first, so the families bound on first sight (codes, methods) have series whose labels show.
            _ = try await MetricsTraffic.send(count: 100, connections: 2, port: proxyPort)
            let exposition = try await gateway.scrapeText().exposition
            let exposed = Dictionary(
                exposition.types.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
            #expect(exposed.count == exposition.types.count, "a # TYPE line appears twice")

            let documented = Set(catalog.map(\.name))
            let undocumented = Set(exposed.keys).subtracting(documented).sorted()
            let missing = documented.subtracting(exposed.keys).sorted()
            #expect(undocumented.isEmpty, "in /metrics but not in docs/metrics.md: \(undocumented)")
            #expect(missing.isEmpty, "in docs/metrics.md but not in /metrics: \(missing)")

            var labelsSeen: [String: Set<Set<String>>] = [:]
            for sample in exposition.samples {
                guard let family = exposition.family(ofSample: sample.name) else {
                    Issue.record("sample \(sample.name) belongs to no # TYPE family")
                    continue
                }
                labelsSeen[family, default: []].insert(Set(sample.labels.keys).subtracting(["le"]))
            }
            for entry in catalog {
                guard let type = exposed[entry.name] else { continue }
                #expect(type == entry.type, "\(entry.name): docs say \(entry.type), /metrics says \(type)")
                for labels in labelsSeen[entry.name] ?? [] {
                    #expect(
                        labels == entry.labels,
                        "\(entry.name): docs list labels \(entry.labels.sorted()), /metrics has \(labels.sorted())"
                    )
                }
            }
            let withoutSeries = catalog.map(\.name).filter { labelsSeen[$0] == nil }
            // Nearly every family has series after traffic; the few that only appear on failures may be empty.
            #expect(withoutSeries.count <= 3, "families without series (labels unchecked): \(withoutSeries)")
        }
    }
}
