import Testing

@testable import PeriscopeAlerting

/// Smaller Go behaviours worth pinning down.
@Suite struct TemplateBehaviourTests {
    @Test func sortByLabelIsStableAndBytewise() throws {
        let samples = [
            TemplateSample(labels: ["k": "b", "id": "1"], value: 0),
            TemplateSample(labels: ["k": "a", "id": "2"], value: 0),
            TemplateSample(labels: ["id": "3"], value: 0),
            TemplateSample(labels: ["k": "b", "id": "4"], value: 0),
            TemplateSample(labels: ["k": "B", "id": "5"], value: 0),
        ]
        let text = #"{{ range sortByLabel "k" (query "x") }}{{ .Labels.id }}{{ end }}"#
        #expect(try render(text, query: fixedQueries(["x": samples])) == "35214")
    }

    @Test func chainedFieldsOnMissingValues() throws {
        #expect(renderError("{{ .Labels.a.b }}")?.message == "can't evaluate field b in type string")
        #expect(try render("{{ (args).a.b }}") == "<no value>")
        #expect(try render("{{ $x := . }}{{ $x.Labels.a }}", labels: ["a": "1"]) == "1")
    }

    @Test func badVerbKeepsTheFlags() {
        #expect(GoFmt.sprintf("%5.2f|", [.string("x")]) == "%!f(string=    x)|")
        #expect(GoFmt.sprintf("%.2d", [.float(3.14159)]) == "%!d(float64=3.1)")
    }

    @Test func sprintSpacing() {
        #expect(GoFmt.sprint([.float(1.5), .float(2.5)]) == "1.5 2.5")
        #expect(GoFmt.sprint([.string("a"), .int(1), .int(2), .string("b")]) == "a1 2b")
        #expect(GoFmt.sprint([.html("x"), .int(1)]) == "x1")
        #expect(GoFmt.sprintln([.string("a"), .string("b")]) == "a b\n")
    }

    @Test func parsedNumbers() throws {
        #expect(try render("{{ printf \"%T %T %T\" 1e3 0x1p-2 0x10 }}") == "float64 float64 int")
        #expect(try render("{{ 0x1p-2 }} {{ .5 }} {{ 1. }} {{ +3 }}") == "0.25 0.5 1 3")
    }

    @Test func stringsAreComparedBytewise() throws {
        // "é" precomposed and decomposed are different Go strings.
        #expect(try render(#"{{ eq "\u00e9" "e\u0301" }} {{ lt "e\u0301" "\u00e9" }}"#) == "false true")
    }

    @Test func rendersConcurrently() async throws {
        let template = try AlertTemplate("{{ $labels.i }}={{ $value | humanize }}", name: "t")
        let results = await withTaskGroup(of: String.self) { group in
            for index in 0..<32 {
                group.addTask {
                    template.renderOrError(TemplateData(labels: ["i": "\(index)"], value: Double(index) * 1000))
                }
            }
            var collected: [String] = []
            for await result in group { collected.append(result) }
            return collected
        }
        #expect(results.count == 32)
        #expect(results.contains("3=3k"))
    }

    @Test func dataDefaults() {
        let data = TemplateData()
        #expect(data.labels.isEmpty && data.externalLabels.isEmpty && data.externalURL.isEmpty && data.value == 0)
        #expect(data.query == nil)
    }
}
