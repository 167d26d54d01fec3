import PeriscopeConfig
import Testing

@Suite("Rule files")
struct RuleFileLoaderTests {
    /// Rejects any expression containing "(" without ")" and any template containing "{{" without "}}", so the
    /// loader's reporting can be checked without the PromQL parser.
    static let checks = RuleTextChecks(
        expression: { $0.contains("(") && !$0.contains(")") ? "1:5: parse error: unclosed left parenthesis" : nil },
        template: { $0.contains("{{") && !$0.contains("}}") ? "unclosed action" : nil }
    )

    static func errors(_ yaml: String) -> [String] {
        do {
            _ = try RuleFileLoader.parse(yaml: yaml, file: "rules.yml", checks: Self.checks)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test func readsGroupsAndRules() throws {
        let file = try RuleFileLoader.parse(
            yaml: """
                groups:
                  - name: slo
                    interval: 30s
                    limit: 10
                    rules:
                      - record: job:req:rate5m
                        expr: sum by (job) (rate(req_total[5m]))
                        labels: {team: edge}
                      - alert: High
                        expr: job:req:rate5m > 1
                        for: 1h30m
                        keep_firing_for: 5m
                        labels: {severity: page}
                        annotations: {summary: 'rate {{ $value }}'}
                """,
            file: "rules.yml",
            checks: Self.checks
        )
        #expect(file.groups.count == 1)
        let group = file.groups[0]
        #expect(group.name == "slo" && group.interval == .seconds(30) && group.limit == 10)
        #expect(group.rules[0].kind == .recording("job:req:rate5m"))
        #expect(group.rules[0].labels == ["team": "edge"])
        #expect(group.rules[1].kind == .alerting("High"))
        #expect(group.rules[1].forDuration == .seconds(5400))
        #expect(group.rules[1].keepFiringFor == .seconds(300))
        #expect(group.rules[1].annotations == ["summary": "rate {{ $value }}"])
        #expect(group.rules[1].line == 9)
    }

    @Test func badExpressionNamesFileLineGroupAndRule() {
        let errors = Self.errors(
            """
            groups:
              - name: g
                rules:
                  - alert: Broken
                    expr: sum(rate(x[5m]
            """
        )
        #expect(
            errors == [
                "rules.yml:5:15: groups[0].rules[0].expr: group \"g\", alert \"Broken\": 1:5: parse error: "
                    + "unclosed left parenthesis"
            ]
        )
    }

    @Test func badTemplateNamesTheAnnotation() {
        let errors = Self.errors(
            """
            groups:
              - name: g
                rules:
                  - alert: A
                    expr: up == 0
                    annotations:
                      summary: '{{ $labels.job'
            """
        )
        #expect(errors.count == 1)
        #expect(errors[0].contains("rules.yml:7:20: groups[0].rules[0].annotations.summary: group \"g\", alert \"A\""))
        #expect(errors[0].contains("annotation 'summary': unclosed action"))
    }

    @Test(
        arguments: [
            // Unknown keys, with a suggestion.
            (
                "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        anotations: {}\n",
                "rules.yml:6:9: groups[0].rules[0].anotations: unknown key 'anotations' (hint: did you mean 'annotations'?)"
            ),
            // Both record and alert.
            (
                "groups:\n  - name: g\n    rules:\n      - alert: A\n        record: b\n        expr: up\n",
                "a rule has either 'record' or 'alert', not both"
            ),
            // Neither.
            ("groups:\n  - name: g\n    rules:\n      - expr: up\n", "a rule needs 'record' or 'alert'"),
            // Recording rules take no for/annotations.
            (
                "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up\n        for: 5m\n",
                "group \"g\", record \"a\": 'for' is only allowed on alerting rules"
            ),
            // Invalid metric name.
            (
                "groups:\n  - name: g\n    rules:\n      - record: 'a-b'\n        expr: up\n",
                "'a-b' is not a valid metric name"
            ),
            // Invalid label name and __name__.
            (
                "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        labels: {'a-b': x}\n",
                "invalid label name 'a-b'"
            ),
            (
                "groups:\n  - name: g\n    rules:\n      - record: a\n        expr: up\n        labels: {__name__: x}\n",
                "invalid label name '__name__'"
            ),
            // Durations in Prometheus' syntax only.
            (
                "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: 5 minutes\n",
                "group \"g\", alert \"A\": '5 minutes' is not a duration"
            ),
            ("groups:\n  - name: g\n    interval: 0s\n    rules: []\n", "group \"g\": must be greater than zero"),
            // Duplicate groups and rules.
            (
                "groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n",
                "group name \"g\" is repeated in the same file"
            ),
            (
                "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n      - alert: A\n        expr: up\n",
                "alert \"A\": duplicate rule"
            ),
            // Group-level labels and query_offset are Prometheus 3 only.
            ("groups:\n  - name: g\n    labels: {a: b}\n    rules: []\n", "group-level 'labels' is not supported"),
            (
                "groups:\n  - name: g\n    query_offset: 1m\n    rules: []\n",
                "group-level 'query_offset' is not supported"
            ),
            // Malformed YAML.
            ("groups:\n  - name: g\n   rules: [\n", "invalid YAML"),
            ("groups: 3\n", "groups: expected a list, found '3'"),
            ("groups:\n  - rules: []\n", "missing required key 'name'"),
        ]
    )
    func rejects(yaml: String, expected: String) {
        let errors = Self.errors(yaml)
        #expect(errors.contains { $0.contains(expected) }, "got \(errors)")
    }

    @Test func collectsEveryErrorInTheFile() {
        let errors = Self.errors(
            """
            groups:
              - name: g
                rules:
                  - alert: A
                    expr: rate(x[5m]
                  - record: 'bad name'
                    expr: up
                  - alert: B
                    expr: up
                    for: soon
            """
        )
        #expect(errors.count == 3, "\(errors)")
    }

    @Test func prometheusDurations() {
        #expect(PrometheusDuration.milliseconds("1h30m") == 5_400_000)
        #expect(PrometheusDuration.milliseconds("1d") == 86_400_000)
        #expect(PrometheusDuration.milliseconds("2w") == 1_209_600_000)
        #expect(PrometheusDuration.milliseconds("500ms") == 500)
        #expect(PrometheusDuration.milliseconds("0") == 0)
        #expect(PrometheusDuration.milliseconds("0s") == 0)
        #expect(PrometheusDuration.milliseconds("1.5s") == nil)
        #expect(PrometheusDuration.milliseconds("30m1h") == nil)
        #expect(PrometheusDuration.milliseconds("") == nil)
    }

    @Test func rulesSectionOfTheGatewayConfig() throws {
        let config = try ConfigLoader.parse(
            yaml: Fixture.usersCluster + Fixture.publicListener + """
                rules:
                  files: [alerts/*.yml, extra.yml]
                  evaluation_interval: 10s
                  semantics: prometheus2
                  external_labels: {cluster: eu1}
                  external_url: http://periscope.example:9901
                  alertmanagers:
                    - url: http://127.0.0.1:9093
                      timeout: 2s
                  resend_delay: 30s
                """,
            file: "/etc/periscope/periscope.yaml"
        )
        #expect(config.rules.files == ["alerts/*.yml", "extra.yml"])
        #expect(config.rules.evaluationInterval == .seconds(10))
        #expect(config.rules.semantics == "prometheus2")
        #expect(config.rules.externalLabels == ["cluster": "eu1"])
        #expect(config.rules.alertmanagers == [AlertmanagerConfig(url: "http://127.0.0.1:9093", timeout: .seconds(2))])
        #expect(config.rules.resendDelay == .seconds(30))
        #expect(config.directory == "/etc/periscope")
        let errors = Fixture.errors(
            Fixture.usersCluster + Fixture.publicListener
                + "rules:\n  semantics: prometheus4\n  alertmanagers:\n    - url: am:9093\n"
        )
        #expect(errors.map(\.keyPath) == ["rules.semantics", "rules.alertmanagers[0].url"])
    }
}
