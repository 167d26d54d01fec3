import Foundation
import NIOHTTP1
import PeriscopeAlerting
import PeriscopeConfig
import Testing

extension EndToEnd {
    /// dashboards/ and alerts/ against the gateway's real output: `periscope demo` (its backends and traffic, errors
    /// and slow requests included, OTLP export on, the bundled rules evaluated in-process) scraped every second by a
    /// real Prometheus that loads alerts/*.yml. Every panel query and template variable of every dashboard must
    /// parse and return at least one series; latency panels must have exemplars; and every metric name, label and
    /// `le` value the dashboards and rules reference must exist in the gateway's `/metrics`.
    @Suite(.timeLimit(.minutes(4))) struct Dashboards {
        static let repository = Repository.root

        /// The values the test gives Grafana's variables.
        static let variables: [(String, String)] = [
            ("${__rate_interval}", "1m"), ("$__rate_interval", "1m"), ("${__interval}", "15s"),
            ("$__interval", "15s"), ("${__range}", "5m"), ("$__range", "5m"), ("${instance}", ".*"),
            ("$instance", ".*"), ("${route}", ".*"), ("$route", ".*"), ("${cluster}", ".*"), ("$cluster", ".*"),
        ]

        static func substitute(_ expr: String) -> String {
            Self.variables.reduce(expr) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
        }

        @Test("every panel query returns series from Prometheus scraping the demo; names, labels and le values exist")
        func panelsAgainstTheRealGateway() async throws {
            let binary = try requirePrometheusTool("prometheus")
            let dashboards = try DashboardFile.loadAll(from: Self.repository.appendingPathComponent("dashboards"))
            try #require(
                dashboards.map(\.uid).sorted() == [
                    "periscope-overview", "periscope-slos", "periscope-telemetry", "periscope-upstreams",
                ])
            let ruleFiles = try EndToEnd.BundledRules.ruleFiles()
            try await withDemo { demo in
                try await withPrometheus(
                    binary: binary,
                    scraping: "127.0.0.1:\(demo.adminPort)",
                    ruleFiles: ruleFiles,
                    flags: ["--enable-feature=exemplar-storage"]
                ) { prometheus in
                    try await self.checkPanels(dashboards, on: prometheus)
                    try await self.checkExemplars(dashboards, on: prometheus)
                    try await self.checkReferences(dashboards, gateway: demo, prometheus: prometheus)
                }
            }
        }

        @Test("the dashboards are what Scripts/generate-dashboards.py writes, importable: inputs, datasource, ids")
        func dashboardsAreGeneratedAndImportable() async throws {
            let python = try #require(findTool("python3"), "python3 not found on PATH (apt-get install -y python3)")
            let check = try await runTool(
                python, [Self.repository.appendingPathComponent("Scripts/generate-dashboards.py").path, "--check"])
            #expect(
                check.status == 0, "dashboards/ differs from the generator's output:\n\(check.stdout)\(check.stderr)")
            let folder = Self.repository.appendingPathComponent("dashboards")
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".json") {
                let object = try #require(
                    try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent(file)))
                        as? [String: Any])
                let inputs = object["__inputs"] as? [[String: Any]] ?? []
                #expect(
                    inputs.contains {
                        $0["name"] as? String == "DS_PROMETHEUS" && $0["pluginId"] as? String == "prometheus"
                    },
                    "\(file): no DS_PROMETHEUS datasource input")
                #expect((object["uid"] as? String ?? "").hasPrefix("periscope-"), "\(file): uid")
                var ids: Set<Int> = []
                for panel in object["panels"] as? [[String: Any]] ?? [] {
                    let title = panel["title"] as? String ?? "?"
                    let id = panel["id"] as? Int ?? -1
                    #expect(ids.insert(id).inserted, "\(file): panel id \(id) twice")
                    guard panel["type"] as? String != "row" else { continue }
                    let datasource = panel["datasource"] as? [String: Any]
                    #expect(datasource?["uid"] as? String == "${datasource}", "\(file) / \(title): datasource")
                    #expect(!(panel["targets"] as? [Any] ?? []).isEmpty, "\(file) / \(title): no targets")
                }
                let variables = (object["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
                #expect(variables.contains { $0["type"] as? String == "datasource" }, "\(file): no datasource variable")
            }
        }

        /// Every target and variable query returns at least one series (polled until the scrapes and rule
        /// evaluations have produced data, up to a minute).
        func checkPanels(_ dashboards: [DashboardFile], on prometheus: PrometheusServer) async throws {
            var queries: [(where: String, promql: String)] = []
            for dashboard in dashboards {
                for target in dashboard.targets {
                    queries.append(
                        ("\(dashboard.uid) / \(target.panel) [\(target.refId)]", Self.substitute(target.expr)))
                }
                for variable in dashboard.variables {
                    queries.append(("\(dashboard.uid) / variable \(variable.name)", variable.promql))
                }
            }
            try #require(queries.count >= 60, "only \(queries.count) queries in dashboards/")
            var failing: [String] = []
            do {
                try await waitUntil("every panel query to return series", timeout: .seconds(90), interval: .seconds(1))
                {
                    failing = []
                    for query in queries {
                        do {
                            let result = try await prometheus.query(query.promql)
                            if result.isEmpty { failing.append("\(query.where): no series for \(query.promql)") }
                        } catch {
                            failing.append("\(query.where): \(error)")
                        }
                    }
                    return failing.isEmpty
                }
            } catch is TimedOut {
                let list = failing.joined(separator: "\n")
                Issue.record("\(failing.count) of \(queries.count) queries fail:\n\(list)")
            }
        }

        /// Latency panels ask Grafana for exemplars; Prometheus has exemplars with trace ids for their queries.
        func checkExemplars(_ dashboards: [DashboardFile], on prometheus: PrometheusServer) async throws {
            let targets = dashboards.flatMap { dashboard in dashboard.targets.filter(\.exemplar) }
            try #require(!targets.isEmpty, "no panel target asks for exemplars")
            #expect(targets.contains { $0.expr.contains("periscope_http_request_duration_seconds_bucket") })
            for target in targets {
                let now = Date().timeIntervalSince1970
                let response = try await prometheus.get(
                    "/api/v1/query_exemplars",
                    [("query", Self.substitute(target.expr)), ("start", "\(now - 300)"), ("end", "\(now)")]
                )
                #expect(response.status == 200, "\(target.panel): \(response.bodyText)")
                #expect(
                    response.bodyText.contains("\"trace_id\""),
                    "\(target.panel): no exemplar with a trace_id for \(target.expr): \(response.bodyText.prefix(500))")
            }
        }

        /// The names, labels and `le` values of every selector (and the labels of every `by`, `on`, `label_replace`)
        /// in the dashboards and alerts/ exist in the gateway's `/metrics`, or are recorded by alerts/.
        func checkReferences(
            _ dashboards: [DashboardFile],
            gateway: DemoProcess,
            prometheus: PrometheusServer
        ) async throws {
            let exposition = try Exposition.parse(try await gateway.metricsText())
            var catalog = SeriesCatalog()
            for sample in exposition.samples {
                catalog.add(sample.name, labels: Set(sample.labels.keys), le: sample.labels["le"])
            }
            // Recorded series (not on /metrics; the gateway evaluates them): their labels from Prometheus.
            let rules = try EndToEnd.BundledRules.rules()
            for record in Set(rules.compactMap { if case .recording = $0.rule.kind { $0.rule.name } else { nil } }) {
                let series = try await prometheus.query("group by (route, slo) (\(record))")
                #expect(!series.isEmpty, "Prometheus has no series of recording rule \(record)")
                catalog.add(record, labels: Set(series.flatMap(\.labels.keys)), le: nil, recorded: true)
            }
            catalog.add(
                "ALERTS", labels: ["alertname", "alertstate", "route", "slo", "severity"], le: nil, recorded: true)

            var sources: [(where: String, expr: String)] = rules.map {
                ("alerts/ \($0.group)/\($0.rule.name)", $0.rule.expr)
            }
            for dashboard in dashboards {
                sources += dashboard.targets.map { ("\(dashboard.uid) / \($0.panel)", Self.substitute($0.expr)) }
                sources += dashboard.variables.map { ("\(dashboard.uid) / variable \($0.name)", $0.promql) }
            }
            var checked = 0
            for source in sources {
                let expr: Expr
                do {
                    expr = try PromQL.parse(source.expr)
                } catch {
                    Issue.record("\(source.where): does not parse: \(error)\n\(source.expr)")
                    continue
                }
                for problem in catalog.problems(in: expr) {
                    Issue.record("\(source.where): \(problem)\n\(source.expr)")
                }
                checked += 1
            }
            #expect(checked == sources.count)
        }
    }
}

// MARK: - the dashboards' queries

/// One dashboard JSON of dashboards/: its panel targets and template variables.
struct DashboardFile {
    struct Target {
        var panel: String
        var refId: String
        var expr: String
        var exemplar: Bool
    }

    struct Variable {
        var name: String
        /// The variable's `label_values(selector, label)` as an instant query: `group by (label) (selector)`.
        var promql: String
    }

    var uid: String
    var targets: [Target] = []
    var variables: [Variable] = []

    static func loadAll(from folder: URL) throws -> [DashboardFile] {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        return try files.sorted().map { try Self.load(folder.appendingPathComponent($0)) }
    }

    static func load(_ url: URL) throws -> DashboardFile {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
            "\(url.lastPathComponent) is not a JSON object")
        var dashboard = DashboardFile(uid: object["uid"] as? String ?? "")
        #expect((object["schemaVersion"] as? Int ?? 0) >= 36, "\(url.lastPathComponent): schemaVersion")
        func visit(_ panels: [[String: Any]]) {
            for panel in panels {
                let title = panel["title"] as? String ?? "?"
                #expect(panel["type"] as? String != "graph", "\(title): deprecated panel type graph")
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    guard let expr = target["expr"] as? String else { continue }
                    dashboard.targets.append(
                        Target(
                            panel: title,
                            refId: target["refId"] as? String ?? "?",
                            expr: expr,
                            exemplar: target["exemplar"] as? Bool ?? false
                        ))
                }
                visit(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        visit(object["panels"] as? [[String: Any]] ?? [])
        let templating = object["templating"] as? [String: Any]
        for variable in templating?["list"] as? [[String: Any]] ?? [] where variable["type"] as? String == "query" {
            let name = variable["name"] as? String ?? "?"
            let query = (variable["query"] as? String) ?? ((variable["query"] as? [String: Any])?["query"] as? String)
            guard let query, query.hasPrefix("label_values("), query.hasSuffix(")"),
                let comma = query.lastIndex(of: ",")
            else {
                Issue.record(
                    "\(dashboard.uid): variable \(name) is not label_values(selector, label): \(String(describing: query))"
                )
                continue
            }
            let selector = query[query.index(query.startIndex, offsetBy: 13)..<comma]
            let label = query[query.index(after: comma)..<query.index(before: query.endIndex)]
                .trimmingCharacters(in: .whitespaces)
            let promql = "group by (\(label)) (\(EndToEnd.Dashboards.substitute(String(selector))))"
            dashboard.variables.append(Variable(name: name, promql: promql))
        }
        return dashboard
    }
}

// MARK: - what /metrics has

/// Sample names with their label names and `le` bounds, to check a query's references against.
struct SeriesCatalog {
    struct Entry {
        var labels: Set<String> = []
        var bounds: Set<Double> = []
        var recorded = false
    }

    /// Labels every scraped series has besides its own.
    static let targetLabels: Set<String> = ["job", "instance", "__name__"]

    var entries: [String: Entry] = [:]

    mutating func add(_ name: String, labels: Set<String>, le: String?, recorded: Bool = false) {
        self.entries[name, default: Entry()].labels.formUnion(labels)
        self.entries[name]!.recorded = recorded
        if let le, let bound = Self.bound(le) { self.entries[name]!.bounds.insert(bound) }
    }

    static func bound(_ text: String) -> Double? {
        text == "+Inf" ? .infinity : Double(text)
    }

    /// What `expr` references that the catalog lacks.
    func problems(in expr: Expr) -> [String] {
        var problems: [String] = []
        _ = self.labels(of: expr, problems: &problems)
        return problems
    }

    /// The label names the result of `expr` can carry (nil: any — a number, or a selector already reported), and
    /// every reference problem found on the way.
    private func labels(of expr: Expr, problems: inout [String]) -> Set<String>? {
        switch expr {
        case .number, .string:
            return []
        case .vectorSelector(let selector), .matrixSelector(let selector, _):
            return self.selectorLabels(selector, problems: &problems)
        case .subquery(let inner, _, _, _), .unaryMinus(let inner), .paren(let inner):
            return self.labels(of: inner, problems: &problems)
        case .call(let function, let args):
            let argumentLabels = args.map { self.labels(of: $0, problems: &problems) }
            guard function == "label_replace", args.count == 5, case .string(let destination) = args[1],
                case .string(let source) = args[3]
            else {
                // vector(), time(): no labels; the rest keep their vector argument's.
                return function == "vector" ? [] : argumentLabels.compactMap { $0 }.first ?? []
            }
            if let available = argumentLabels[0], !available.contains(source) {
                problems.append("label_replace reads label '\(source)', which its argument does not have")
            }
            return argumentLabels[0].map { $0.union([destination]) }
        case .aggregate(_, let param, let grouping, let inner):
            if let param { _ = self.labels(of: param, problems: &problems) }
            let available = self.labels(of: inner, problems: &problems)
            switch grouping {
            case .none: return []
            case .by(let names):
                self.check(names, in: available, context: "by", problems: &problems)
                return Set(names)
            case .without(let names):
                self.check(names, in: available, context: "without", problems: &problems)
                return available?.subtracting(names)
            }
        case .binary(_, let lhs, let rhs, let matching, _):
            let left = self.labels(of: lhs, problems: &problems)
            let right = self.labels(of: rhs, problems: &problems)
            if let matching {
                // on(...) labels must exist on both sides; group_left/right(...) labels on one of them.
                let context = matching.on ? "on" : "ignoring"
                if matching.on {
                    self.check(matching.matchingLabels, in: left, context: context, problems: &problems)
                    self.check(matching.matchingLabels, in: right, context: context, problems: &problems)
                }
                let both = left.flatMap { left in right.map { left.union($0) } }
                self.check(matching.include, in: both, context: "group_left/right", problems: &problems)
            }
            guard let left, let right else { return nil }
            return left.isEmpty ? right : left
        }
    }

    private func check(_ names: [String], in available: Set<String>?, context: String, problems: inout [String]) {
        guard let available, !available.isEmpty else { return }
        for name in names where !available.contains(name) && !Self.targetLabels.contains(name) {
            problems.append("\(context) (\(name)): no series under it has label '\(name)' (has \(available.sorted()))")
        }
    }

    private func selectorLabels(_ selector: VectorSelector, problems: inout [String]) -> Set<String>? {
        let name =
            selector.name ?? selector.matchers.first { $0.name == "__name__" && $0.kind == .equal }?.value
        guard let name else {
            problems.append("selector without a fixed metric name: \(selector.matchers)")
            return nil
        }
        guard let entry = self.entries[name] else {
            problems.append("metric '\(name)' is neither in /metrics nor recorded by alerts/")
            return nil
        }
        for matcher in selector.matchers where matcher.name != "__name__" {
            guard entry.labels.contains(matcher.name) || Self.targetLabels.contains(matcher.name) else {
                problems.append("\(name) has no label '\(matcher.name)' (has \(entry.labels.sorted()))")
                continue
            }
            if matcher.name == "le" && matcher.kind == .equal {
                if let bound = Self.bound(matcher.value), entry.bounds.contains(bound) { continue }
                problems.append("\(name) has no bucket le=\"\(matcher.value)\" (has \(entry.bounds.sorted()))")
            }
        }
        return entry.labels.union(Self.targetLabels)
    }
}

// MARK: - the demo as a child process

/// `periscope demo` on free ports (listener, admin, the backends of Config/demo.yaml), rules every second, OTLP
/// export and an Alertmanager on a port nothing listens on (exports and notifications fail and are counted).
struct DemoProcess {
    let process: PeriscopeProcess
    let adminPort: Int

    func metricsText() async throws -> String {
        let client = try await HTTPTestClient.connect(port: self.adminPort)
        defer { client.close() }
        let response = try await client.request(.GET, "/metrics", timeout: .seconds(5))
        guard response.status == 200 else { throw TrafficError("/metrics: \(response.status)") }
        return response.bodyText
    }
}

func withDemo<R>(_ body: (DemoProcess) async throws -> R) async throws -> R {
    let repository = EndToEnd.Dashboards.repository
    var yaml = try String(contentsOf: repository.appendingPathComponent("Config/demo.yaml"), encoding: .utf8)
    let admin = try await freeLoopbackPort()
    var replacements = [
        ("127.0.0.1:9901", "127.0.0.1:\(admin)"),
        ("0.0.0.0:8080", "127.0.0.1:\(try await freeLoopbackPort())"),
        ("rules/demo.yml", repository.appendingPathComponent("Config/rules/demo.yml").path),
        ("../alerts/*.yml", repository.appendingPathComponent("alerts").path + "/*.yml"),
        // An Alertmanager nobody listens on: the notifier's families exist, its failures are counted.
        ("evaluation_interval: 5s", "evaluation_interval: 1s\n  alertmanagers: [{url: 'http://127.0.0.1:9'}]"),
    ]
    for port in [9111, 9112, 9121, 9131] {
        replacements.append(("127.0.0.1:\(port)", "127.0.0.1:\(try await freeLoopbackPort())"))
    }
    for (old, new) in replacements {
        #expect(yaml.contains(old), "Config/demo.yaml no longer contains \(old)")
        yaml = yaml.replacingOccurrences(of: old, with: new)
    }
    let (directory, path) = try PeriscopeProcess.writeConfig(yaml, addDefaults: false)
    let process = try PeriscopeProcess.spawn(
        arguments: ["demo", "--config", path, "--otlp-endpoint", "http://127.0.0.1:9", "--rate", "60"],
        directory: directory
    )
    do {
        try await waitUntil("the demo's /readyz; stderr: \(process.stderr.suffix(2000))", timeout: .seconds(30)) {
            guard process.isRunning else { throw TrafficError("demo exited: \(process.stderr.suffix(2000))") }
            guard await RawClient.canConnect(port: admin) else { return false }
            let client = try await HTTPTestClient.connect(port: admin)
            defer { client.close() }
            return (try? await client.request(.GET, "/readyz").status) == 200
        }
        let result = try await body(DemoProcess(process: process, adminPort: admin))
        await process.stop()
        return result
    } catch {
        await process.stop()
        throw error
    }
}
