import Testing

@testable import PeriscopeAlerting

/// Go `text/template` syntax and control flow.
@Suite struct TemplateSyntaxTests {
    let labels = ["alertname": "HighLatency", "route": "/api", "severity": "warning", "instance": "web-1:9090"]

    @Test func textAndLabels() throws {
        #expect(try render("plain text") == "plain text")
        #expect(try render("") == "")
        #expect(try render("{{ $labels.route }} on {{ .Labels.instance }}", labels: labels) == "/api on web-1:9090")
        #expect(try render("{{$labels.alertname}}", labels: labels) == "HighLatency")
        #expect(try render("{{ index $labels \"route\" }}", labels: labels) == "/api")
    }

    @Test func missingLabelsAreEmpty() throws {
        #expect(try render("[{{ $labels.nonexistent }}]", labels: labels) == "[]")
        #expect(try render("[{{ .Labels.nonexistent }}]") == "[]")
        #expect(try render(#"[{{ index $labels "nonexistent" }}]"#) == "[]")
        #expect(try render("[{{ $externalLabels.cluster }}]") == "[]")
        #expect(try render("[{{ $labels.nonexistent | toUpper }}]") == "[]")
    }

    @Test func dataFields() throws {
        let text = "{{ .ExternalURL }} {{ $externalURL }} {{ .ExternalLabels.cluster }} {{ $externalLabels.cluster }}"
        #expect(
            try render(text, externalLabels: ["cluster": "eu1"], externalURL: "http://prom:9090")
                == "http://prom:9090 http://prom:9090 eu1 eu1"
        )
        #expect(try render("{{ $labels }}", labels: ["b": "2", "a": "1"]) == "map[a:1 b:2]")
        #expect(
            try render("{{ . }}", labels: ["a": "1"], externalURL: "http://x", value: 1.5)
                == "{map[a:1] map[] http://x 1.5}"
        )
        #expect(
            try render(#"{{ printf "%+v" . }}"#, value: 2) == "{Labels:map[] ExternalLabels:map[] ExternalURL: Value:2}"
        )
    }

    @Test func comments() throws {
        #expect(try render("a{{/* a comment */}}b") == "ab")
        #expect(try render("a {{- /* trimmed */ -}} b") == "ab")
        #expect(try render("a{{/* multi\nline */}}b") == "ab")
    }

    @Test func trimMarkers() throws {
        #expect(try render("a  {{- 1 -}}  b") == "a1b")
        #expect(try render("a \n\t {{- 1 }} \n b") == "a1 \n b")
        #expect(try render(" {{ 1 -}} \n x") == " 1x")
        #expect(try render("{{- 1 -}}") == "1")
        #expect(try render("{{-3}}") == "-3")
        #expect(try render("x {{- $value -}} y", value: 2) == "x2y")
        #expect(
            try render("{{ range $k, $v := $labels -}}\n  {{ $k }}\n{{ end -}}", labels: ["a": "1", "b": "2"])
                == "a\nb\n")
    }

    @Test func literals() throws {
        #expect(try render(#"{{ "a\tb\u00e9\x41\101\"" }}"#) == "a\tbéAA\"")
        #expect(try render("{{ `raw\\n` }}") == "raw\\n")
        #expect(
            try render("{{ 42 }} {{ -7 }} {{ 1.5 }} {{ 1e3 }} {{ 0x10 }} {{ 010 }} {{ 0b101 }} {{ 1_000 }}")
                == "42 -7 1.5 1000 16 8 5 1000")
        #expect(try render("{{ 'a' }} {{ '\\n' }}") == "97 10")
        #expect(
            try render("{{ 99999999999999999999.0 }} {{ 18446744073709551615.0 | printf \"%.0f\" }}")
                == "1e+20 18446744073709551616")
        #expect(try render("{{ true }} {{ false }}") == "true false")
        #expect(try render(#"{{ printf "%T %T %T %T %T" 1 1.0 "s" true 'x' }}"#) == "int float64 string bool int")
    }

    @Test func variables() throws {
        #expect(try render("{{ $x := 1 }}{{ $x }}") == "1")
        #expect(try render("{{ $x := 1 }}{{ $x = 2 }}{{ $x }}") == "2")
        #expect(try render("{{ $x := \"a\" }}{{ if true }}{{ $x = \"b\" }}{{ end }}{{ $x }}") == "b")
        #expect(try render("{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}") == "21")
        #expect(try render("{{ $value := 5 }}{{ $value }}", value: 1) == "5")
        #expect(try render("{{ $ }}", value: 3) == "{map[] map[]  3}")
        #expect(try render("{{ $.Value }}", value: 3) == "3")
        #expect(try render("{{ $v := $value }}{{ $v }}", value: 0.25) == "0.25")
    }

    @Test func conditionals() throws {
        let text =
            #"{{ if eq $labels.severity "critical" }}C{{ else if eq $labels.severity "warning" }}W{{ else }}O{{ end }}"#
        #expect(try render(text, labels: ["severity": "critical"]) == "C")
        #expect(try render(text, labels: ["severity": "warning"]) == "W")
        #expect(try render(text, labels: ["severity": "info"]) == "O")
        #expect(try render(text) == "O")
        #expect(try render("{{ if gt $value 1.0 }}high{{ end }}", value: 2) == "high")
        #expect(try render("{{ if gt $value 1.0 }}high{{ end }}", value: 0.5) == "")
        #expect(try render("{{ if and (gt $value 1.0) (lt $value 10.0) }}in{{ else }}out{{ end }}", value: 5) == "in")
        #expect(
            try render("{{ if or (eq $labels.a \"x\") (eq $labels.a \"y\") }}yes{{ end }}", labels: ["a": "y"]) == "yes"
        )
        #expect(try render("{{ if not $labels.a }}unset{{ end }}") == "unset")
    }

    @Test func truthiness() throws {
        #expect(try render("{{ if $value }}t{{ else }}f{{ end }}", value: 0) == "f")
        #expect(try render("{{ if $value }}t{{ else }}f{{ end }}", value: .nan) == "t")
        #expect(try render("{{ if $value }}t{{ else }}f{{ end }}", value: -1) == "t")
        #expect(try render("{{ if $labels }}t{{ else }}f{{ end }}") == "f")
        #expect(try render("{{ if $labels }}t{{ else }}f{{ end }}", labels: ["a": "b"]) == "t")
        #expect(try render(#"{{ if "" }}t{{ else }}f{{ end }}"#) == "f")
        #expect(try render("{{ if 0 }}t{{ else }}f{{ end }}") == "f")
        #expect(try render("{{ if . }}t{{ end }}") == "t")
        #expect(try render("{{ if (args).x }}t{{ else }}f{{ end }}") == "f")
    }

    @Test func rangeOverMapsInKeyOrder() throws {
        let map = ["b": "2", "a": "1", "c": "3", "B": "0"]
        #expect(
            try render("{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}", labels: map) == "B=0;a=1;b=2;c=3;")
        #expect(try render("{{ range $labels }}{{ . }}{{ end }}", labels: map) == "0123")
        #expect(try render("{{ range $v := $labels }}{{ $v }}{{ end }}", labels: map) == "0123")
        #expect(try render("{{ range $labels }}x{{ else }}empty{{ end }}") == "empty")
        // A missing label is "", and Go 1.19 cannot range over a string.
        #expect(renderError("{{ range .Labels.missing }}x{{ end }}")?.message == "range can't iterate over ")
        #expect(renderError("{{ range $value }}x{{ end }}", value: 2)?.message == "range can't iterate over 2")
    }

    @Test func rangeBreakAndContinue() throws {
        let map = ["a": "1", "b": "2", "c": "3", "d": "4"]
        #expect(
            try render(
                #"{{ range $k, $v := $labels }}{{ if eq $k "c" }}{{ break }}{{ end }}{{ $v }}{{ end }}"#, labels: map)
                == "12")
        #expect(
            try render(
                #"{{ range $k, $v := $labels }}{{ if eq $k "b" }}{{ continue }}{{ end }}{{ $v }}{{ end }}"#, labels: map
            ) == "134")
    }

    @Test func rangeVariablesAreScoped() throws {
        #expect(
            try render(
                "{{ $x := 0 }}{{ range $k, $v := $labels }}{{ $x = $k }}{{ end }}{{ $x }}",
                labels: ["a": "1", "z": "2"]) == "z")
    }

    @Test func with() throws {
        #expect(try render("{{ with $labels.route }}route={{ . }}{{ end }}", labels: labels) == "route=/api")
        #expect(try render("{{ with $labels.missing }}x{{ else }}none{{ end }}") == "none")
        #expect(try render("{{ with $x := $labels.route }}{{ $x }}{{ end }}", labels: labels) == "/api")
        #expect(try render("{{ with .Labels }}{{ .route }}{{ end }}", labels: labels) == "/api")
    }

    @Test func pipelinesAndParentheses() throws {
        #expect(try render("{{ $labels.route | toUpper }}", labels: labels) == "/API")
        #expect(try render(#"{{ "abc" | printf "%s-%s" "x" }}"#) == "x-abc")
        #expect(try render(#"{{ (printf "%s-%s" "a" "b") | toUpper }}"#) == "A-B")
        #expect(try render(#"{{ printf "%s/%s" (toUpper "a") (toLower "B") }}"#) == "A/b")
        #expect(try render("{{ $value | humanize | printf \"[%s]\" }}", value: 2000) == "[2k]")
        #expect(try render("{{ (.Labels).route }}", labels: labels) == "/api")
        #expect(try render("{{ (args 1 2).arg1 }}") == "2")
        #expect(try render("{{ len (printf \"%s\" \"abc\") }}") == "3")
    }

    @Test func realWorldAlertTemplates() throws {
        let summary =
            #"Instance {{ $labels.instance }} of {{ $labels.job }} is down for more than {{ humanizeDuration 300 }} (value {{ printf "%.1f" $value }}%)"#
        #expect(
            try render(summary, labels: ["instance": "db-1", "job": "postgres"], value: 97.25)
                == "Instance db-1 of postgres is down for more than 5m 0s (value 97.2%)"
        )
        let description = """
            {{- if eq $labels.severity "critical" -}}
            PAGE: {{ $labels.alertname }}
            {{- else -}}
            {{ $labels.alertname | title }} ({{ $value | humanizePercentage }})
            {{- end }}
            """
        #expect(
            try render(description, labels: ["alertname": "disk full", "severity": "warning"], value: 0.935)
                == "Disk Full (93.5%)")
        #expect(
            try render(description, labels: ["alertname": "disk full", "severity": "critical"], value: 1)
                == "PAGE: disk full")
    }
}
