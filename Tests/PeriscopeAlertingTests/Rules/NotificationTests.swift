import Foundation
import NIOCore
import PeriscopeConfig
import PeriscopeTelemetry
import Testing

@testable import PeriscopeAlerting

@Suite("Alert notifications")
struct NotificationTests {
    static func group(_ yaml: String, interval: Int64 = 60_000) throws -> RuleGroup {
        let file = try RuleFileLoader.parse(yaml: yaml, file: "rules.yml", checks: RuleCompiler.checks)
        return try #require(try RuleCompiler.compile([file], defaultInterval: interval).first)
    }

    static let rule = """
        groups:
          - name: g
            rules:
              - alert: High
                expr: x > 1
                for: 1m
                labels: {severity: page}
                annotations: {summary: 'x is {{ $value }}'}
        """

    @Test("sent when firing, re-sent after resend_delay (strictly), sent once more when resolved")
    func resendSchedule() throws {
        let group = try Self.group(Self.rule)
        let source = MemorySampleSource()
        let context = RuleEvaluationContext(engine: PromQLEngine(), source: source, externalURL: "http://gw:9901")
        let x = Labels([("__name__", "x"), ("job", "a")])
        var sent: [Int64: [AlertNotification]] = [:]
        for minute in Int64(0)...6 {
            let t = minute * 60_000
            source.append(labels: x, t: t, v: minute < 5 ? 2 : 0)
            sent[minute] = group.evaluate(at: t, context: context, resendDelay: 60_000).notifications
        }
        // Pending at 0m: nothing. Firing at 1m: sent, valid for 4 × max(interval, resend_delay).
        #expect(sent[0]?.isEmpty == true)
        let first = try #require(sent[1]?.first)
        #expect(first.labels == Labels(["alertname": "High", "job": "a", "severity": "page"]))
        #expect(first.annotations == Labels(["summary": "x is 2"]))
        #expect(first.startsAt == 60_000)
        #expect(first.endsAt == 60_000 + 4 * 60_000)
        #expect(first.generatorURL == "http://gw:9901/graph?g0.expr=x+%3E+1&g0.tab=1")
        // 1m after the last send is not strictly later than resend_delay: the next send is at 3m.
        #expect(sent[2]?.isEmpty == true)
        #expect(sent[3]?.count == 1)
        #expect(sent[4]?.isEmpty == true)
        // Resolved at 5m: sent at once with endsAt = the resolution time.
        let resolved = try #require(sent[5]?.first)
        #expect(resolved.endsAt == 300_000)
        #expect(resolved.startsAt == 60_000)
        #expect(sent[6]?.isEmpty == true)
    }

    @Test("the Alertmanager body is postableAlert JSON with RFC 3339 millisecond times")
    func body() {
        let alert = AlertNotification(
            labels: Labels(["alertname": "High", "route": "a\"b"]),
            annotations: Labels(["summary": "<50%"]),
            startsAt: 1_700_000_000_123,
            endsAt: 1_700_000_240_000,
            generatorURL: "http://gw/graph"
        )
        #expect(
            AlertNotifier.body([alert])
                == "[{\"labels\":{\"alertname\":\"High\",\"route\":\"a\\\"b\"},\"annotations\":{\"summary\":"
                + "\"\\u003c50%\"},\"startsAt\":\"2023-11-14T22:13:20.123Z\",\"endsAt\":\"2023-11-14T22:17:20.000Z\","
                + "\"generatorURL\":\"http://gw/graph\"}]"
        )
        #expect(RFC3339.milliseconds(0) == "1970-01-01T00:00:00.000Z")
        #expect(RFC3339.nano(1_700_000_000_000) == "2023-11-14T22:13:20Z")
        #expect(RFC3339.nano(1_700_000_000_120) == "2023-11-14T22:13:20.12Z")
        #expect(RFC3339.milliseconds(951_782_400_000) == "2000-02-29T00:00:00.000Z")
    }

    @Test func alertmanagerURLs() {
        let client = AlertmanagerClient(url: "http://127.0.0.1:9093/prefix/", timeout: .seconds(1))
        #expect(client?.host == "127.0.0.1" && client?.port == 9093 && client?.path == "/prefix/api/v2/alerts")
        #expect(AlertmanagerClient(url: "http://[::1]:9093", timeout: .seconds(1))?.host == "::1")
        #expect(AlertmanagerClient(url: "http://am", timeout: .seconds(1))?.port == 80)
        #expect(AlertmanagerClient(url: "https://am:9093", timeout: .seconds(1)) == nil)
        #expect(AlertmanagerClient(url: "http://am:0", timeout: .seconds(1)) == nil)
    }

    @Test("keep_firing_for holds a firing alert after its condition stops; resolved alerts are forgotten after 15m")
    func keepFiringAndRetention() throws {
        let group = try Self.group(
            """
            groups:
              - name: g
                rules:
                  - alert: Flap
                    expr: x > 1
                    keep_firing_for: 2m
            """
        )
        let source = MemorySampleSource()
        let context = RuleEvaluationContext(engine: PromQLEngine(), source: source)
        guard case .alerting(let rule) = group.rules[0] else { return }
        var states: [String] = []
        for minute in Int64(0)...20 {
            source.append(labels: Labels([("__name__", "x")]), t: minute * 60_000, v: minute < 2 ? 2 : 0)
            _ = group.evaluate(at: minute * 60_000, context: context)
            states.append(rule.alerts.first?.state.rawValue ?? "-")
        }
        #expect(Array(states[0...5]) == ["firing", "firing", "firing", "firing", "inactive", "inactive"])
        // Resolved at 4m; kept while ts - resolvedAt <= 15m, forgotten after.
        #expect(states[19] == "inactive")
        #expect(states[20] == "-")
    }

    @Test func rulesQueryParameters() throws {
        let query = try RulesAPI.RulesQuery(parameters: [
            ("type", "alert"), ("rule_name[]", "A"), ("rule_name[]", "B"), ("exclude_alerts", "true"),
        ])
        #expect(query.type == "alert" && query.ruleNames == ["A", "B"] && query.excludeAlerts)
        #expect(throws: RulesAPIError.self) { try RulesAPI.RulesQuery(parameters: [("type", "x")]) }
        #expect(throws: RulesAPIError.self) { try RulesAPI.RulesQuery(parameters: [("exclude_alerts", "yes")]) }
    }

    @Test("the store ingests registry snapshots as an OpenMetrics scrape names them, and trims to its retention")
    func storeIngestsSnapshots() {
        let store = SampleStore(retention: 60_000, maxSeries: 8)
        let snapshot = [
            MetricFamilySnapshot(
                kind: .histogram,
                name: "lat_seconds",
                labelNames: ["route"],
                buckets: [0.5, 1],
                series: [MetricSeriesSnapshot(labelValues: ["a"], value: 1.5, cumulativeBuckets: [1, 2, 3])]
            ),
            MetricFamilySnapshot(
                kind: .counter,
                name: "req_total",
                labelNames: ["route", "code"],
                series: [
                    MetricSeriesSnapshot(labelValues: ["a", "200"], value: 5),
                    MetricSeriesSnapshot(labelValues: ["b", "200"], value: 7),
                ]
            ),
        ]
        store.ingest(snapshot, at: 0)
        store.ingest(snapshot, at: 30_000)
        let buckets = store.select(
            [try! LabelMatcher(.equal, "__name__", "lat_seconds_bucket")],
            mint: 0,
            maxt: 30_000
        )
        #expect(Set(buckets.compactMap { $0.labels["le"] }) == ["0.5", "1.0", "+Inf"])
        #expect(buckets.allSatisfy { $0.samples.count == 2 })
        #expect(
            store.select([try! LabelMatcher(.equal, "__name__", "lat_seconds_count")], mint: 0, maxt: 0).first?.samples
                == [Sample(t: 0, v: 3)])
        // 3 buckets + sum + count + 2 counters = 7 series; one more fits, the second is refused.
        store.append(labels: Labels([("__name__", "extra1")]), t: 30_000, v: 1)
        store.append(labels: Labels([("__name__", "extra2")]), t: 30_000, v: 1)
        #expect(store.statistics.series == 8)
        #expect(store.statistics.rejectedSeries == 1)
        #expect(store.statistics.samples == 15)
        // 100 s later only the newest sample of each series is within the 60 s retention... and none is left
        // for series not ingested again.
        store.ingest(snapshot, at: 100_000)
        #expect(store.statistics.series == 7)
        #expect(store.statistics.samples == 7)
        #expect(store.statistics.bytes > 0)
    }

    @Test("each name is kept as long as the rules read it; names no rule reads keep the lookback delta")
    func retentionPerName() throws {
        let group = try Self.group(
            """
            groups:
              - name: g
                rules:
                  - record: slow:rate3d
                    expr: sum_over_time(fast_total[3d]) / 3
                  - record: sub
                    expr: max_over_time(rate(sub_total[5m])[1h:1m] offset 10m)
                  - alert: Up
                    expr: up == 0
            """,
            interval: 15_000
        )
        let policy = [group].retentionPolicy(lookbackDelta: 300_000)
        let margin: Int64 = 30_000
        #expect(policy.retention(for: "fast_total") == 3 * 86_400_000 + margin)
        #expect(policy.retention(for: "sub_total") == 300_000 + 3_600_000 + 600_000 + margin)
        #expect(policy.retention(for: "up") == 300_000 + margin)
        #expect(policy.retention(for: "slow:rate3d") == 300_000 + margin)
        #expect(policy.longest == 3 * 86_400_000 + margin)

        // The store trims each series by its own name's retention.
        let store = SampleStore(retention: policy, maxSeries: 10)
        for minute in 0...10 {
            let t = Int64(minute) * 60_000
            store.append(labels: Labels([("__name__", "fast_total")]), t: t, v: Double(minute))
            store.append(labels: Labels([("__name__", "up")]), t: t, v: 1)
        }
        store.trim(now: 10 * 60_000)
        let all = [try LabelMatcher(.equal, "__name__", "fast_total")]
        #expect(store.select(all, mint: 0, maxt: .max).first?.samples.count == 11)
        let up = [try LabelMatcher(.equal, "__name__", "up")]
        // 5 m 30 s back from minute 10: minutes 5 to 10.
        #expect(store.select(up, mint: 0, maxt: .max).first?.samples.count == 6)
    }
}
