import Testing

@testable import PeriscopeAlerting

/// Parse and execution errors: Go's messages, positions relative to the template text, and the
/// `<error expanding template: …>` text Prometheus substitutes.
@Suite struct TemplateErrorTests {
    func parseError(_ text: String) -> TemplateError? {
        do {
            _ = try AlertTemplate(text, name: "t")
            return nil
        } catch {
            return error as? TemplateError
        }
    }

    /// The column is that of the last token the parser read (Go reports only the line).
    @Test(arguments: [
        ("{{ foo }}", 1, 3, #"function "foo" not defined"#),
        ("a\nb {{ $x }}", 2, 8, #"undefined variable "$x""#),
        ("{{ if true }}x", 1, 14, "unexpected EOF"),
        ("{{ end }}", 1, 7, "unexpected {{end}}"),
        ("{{ else }}", 1, 8, "unexpected {{else}}"),
        ("{{ .Labels.foo", 1, 14, "unclosed action"),
        ("{{ $labels.x\n\n", 3, 0, "unclosed action started at t:1"),
        (#"{{ "abc }}"#, 1, 3, "unterminated quoted string"),
        ("{{ 1 | 2 }}", 1, 9, "non executable command in pipeline stage 2"),
        ("{{ (1 }}", 1, 6, "unclosed left paren"),
        ("{{ 3x }}", 1, 3, #"bad number syntax: "3x""#),
        ("{{ $x := }}", 1, 9, "missing value for command"),
        ("{{ if }}{{ end }}", 1, 6, "missing value for if"),
        ("{{ range $a, $b, $c := . }}{{ end }}", 1, 15, "too many declarations in range"),
        ("{{ break }}", 1, 9, "{{break}} outside {{range}}"),
        (#"{{ "x".y }}"#, 1, 8, #"unexpected . after term "\"x\"""#),
        ("{{ 1 }", 1, 5, #"unexpected "}" in operand"#),
        ("{{ → }}", 1, 3, "unrecognized character in action: U+2192 '→'"),
        ("{{ $labels.a-b }}", 1, 10, "bad character U+002D '-'"),
        ("{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}", 1, 41, #"undefined variable "$x""#),
        ("{{/* open", 1, 2, "unclosed comment"),
        ("{{/* x */ }}", 1, 2, "comment ends before closing delimiter"),
        (#"{{ "\q" }}"#, 1, 3, "invalid syntax"),
        ("{{ 99999999999999999999 }}", 1, 3, #"integer overflow: "99999999999999999999""#),
        ("{{ with 1 }}{{ else if 2 }}{{ end }}", 1, 20, "unexpected <if> in input"),
    ])
    func parseErrors(text: String, line: Int, column: Int, message: String) throws {
        let error = try #require(parseError(text))
        #expect(error.kind == .parse)
        #expect(error.message == message)
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.description == "template: t:\(line): \(message)")
        #expect(error.prometheusDescription == error.description)
    }

    @Test func unsupportedConstructsAreParseErrors() {
        #expect(parseError(#"{{ define "x" }}y{{ end }}"#)?.kind == .parse)
        #expect(parseError(#"{{ template "x" }}"#)?.kind == .parse)
        #expect(parseError(#"{{ block "x" . }}y{{ end }}"#)?.kind == .parse)
        #expect(parseError("{{ 1i }}")?.kind == .parse)
    }

    @Test(arguments: [
        (
            #"{{ humanize "abc" }}"#, 1, 3, #"humanize "abc""#,
            #"error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax"#
        ),
        (
            "line1\n  {{ humanize \"abc\" }}", 2, 5, #"humanize "abc""#,
            #"error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax"#
        ),
        (
            #"{{ "abc" | humanize }}"#, 1, 11, "humanize",
            #"error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax"#
        ),
        ("{{ 1 2 }}", 1, 3, "1", "can't give argument to non-function 1"),
        ("{{ $labels.foo 1 }}", 1, 10, "$labels.foo", "foo is not a method but has arguments"),
        ("{{ .Value 1 }}", 1, 3, ".Value", "Value has arguments but cannot be invoked as function"),
        ("{{ toUpper 1 }}", 1, 11, "1", "expected string; found 1"),
        ("{{ $value | toUpper }}", 1, 12, "toUpper", "wrong type for value; expected string; got float64"),
        ("{{ toUpper $value }}", 1, 11, "$value", "wrong type for value; expected string; got float64"),
        (
            "{{ toUpper (safeHtml \"x\") }}", 1, 12, "safeHtml \"x\"",
            "wrong type for value; expected string; got template.HTML"
        ),
        (
            "{{ .Foo }}", 1, 3, ".Foo",
            "can't evaluate field Foo in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }"
        ),
        ("{{ $value.Foo }}", 1, 9, "$value.Foo", "can't evaluate field Foo in type float64"),
        ("{{ nil }}", 1, 3, "nil", "nil is not a command"),
        ("{{ printf 1 }}", 1, 10, "1", "expected string; found 1"),
        ("{{ humanize }}", 1, 3, "humanize", "wrong number of args for humanize: want 1 got 0"),
        ("{{ pathPrefix 1 }}", 1, 3, "pathPrefix", "wrong number of args for pathPrefix: want 0 got 1"),
        ("{{ printf }}", 1, 3, "printf", "wrong number of args for printf: want at least 1 got 0"),
        ("{{ $x := 1 }}{{ $x.y }}", 1, 18, "$x.y", "can't evaluate field y in type int"),
        (
            "{{ index $labels \"a\" \"b\" }}", 1, 3, #"index $labels "a" "b""#,
            "error calling index: cannot index slice/array with type string"
        ),
        ("{{ gt $value 1 }}", 1, 3, "gt $value 1", "error calling gt: incompatible types for comparison"),
        (
            "{{ (humanize \"x\").y }}", 1, 4, #"humanize "x""#,
            #"error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax"#
        ),
        ("{{ range 3 }}{{ end }}", 1, 9, "3", "range can't iterate over 3"),
        ("{{ call 1 }}", 1, 3, "call 1", "error calling call: non-function of type int"),
    ])
    func executionErrors(text: String, line: Int, column: Int, context: String, message: String) throws {
        let error = try #require(renderError(text, value: 1))
        #expect(error.kind == .execution)
        #expect(error.message == message)
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.context == context)
        #expect(error.description == "template: t:\(line):\(column): executing \"t\" at <\(context)>: \(message)")
    }

    @Test func prometheusPositionsCountThePrefixOnLineOne() throws {
        #expect(AlertTemplate.prometheusPrefix.utf8.count == 112)
        let first = try #require(renderError(#"{{ humanize "abc" }}"#))
        #expect(
            first.prometheusDescription
                == #"template: t:1:115: executing "t" at <humanize "abc">: error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax"#
        )
        let second = try #require(renderError("\n{{ humanize \"abc\" }}"))
        #expect(second.prometheusDescription == second.description)
    }

    @Test func errorExpansion() throws {
        let template = try AlertTemplate(#"Value: {{ humanize "abc" }}"#, name: "__alert_HighLatency")
        let data = TemplateData(labels: ["route": "/api"], value: 1)
        #expect(
            template.renderOrError(data)
                == #"<error expanding template: error executing template __alert_HighLatency: template: __alert_HighLatency:1:10: executing "__alert_HighLatency" at <humanize "abc">: error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax>"#
        )
        #expect(
            template.renderOrError(data, positions: .prometheus)
                == #"<error expanding template: error executing template __alert_HighLatency: template: __alert_HighLatency:1:122: executing "__alert_HighLatency" at <humanize "abc">: error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax>"#
        )
        #expect(
            AlertTemplate.expand("{{ foo }}", name: "__alert_X", data: data)
                == #"<error expanding template: error parsing template __alert_X: template: __alert_X:1: function "foo" not defined>"#
        )
        #expect(AlertTemplate.expand("{{ $labels.route }}", name: "__alert_X", data: data) == "/api")
        #expect(try AlertTemplate("ok {{ $value }}", name: "n").renderOrError(data) == "ok 1")
    }

    @Test func templatesAreReusable() throws {
        let template = try AlertTemplate("{{ $labels.instance }}: {{ $value | humanize }}", name: "t")
        #expect(template.text == "{{ $labels.instance }}: {{ $value | humanize }}")
        #expect(template.name == "t")
        #expect(try template.render(TemplateData(labels: ["instance": "a"], value: 1500)) == "a: 1.5k")
        #expect(try template.render(TemplateData(labels: ["instance": "b"], value: 0.002)) == "b: 2m")
    }
}
