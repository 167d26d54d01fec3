/// A rule unit-test file in promtool's format (prometheus.md §E).
struct RuleTestFile: Decodable {
    var ruleFiles: [String] = []
    var evaluationInterval: String?
    var groupEvalOrder: [String] = []
    var tests: [TestGroup] = []

    enum CodingKeys: String, CodingKey {
        case ruleFiles = "rule_files"
        case evaluationInterval = "evaluation_interval"
        case groupEvalOrder = "group_eval_order"
        case tests
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.ruleFiles = try container.decodeIfPresent([String].self, forKey: .ruleFiles) ?? []
        self.evaluationInterval = try container.decodeIfPresent(String.self, forKey: .evaluationInterval)
        self.groupEvalOrder = try container.decodeIfPresent([String].self, forKey: .groupEvalOrder) ?? []
        self.tests = try container.decodeIfPresent([TestGroup].self, forKey: .tests) ?? []
    }

    struct TestGroup: Decodable {
        var name: String?
        var interval: String?
        var inputSeries: [InputSeries]
        var externalLabels: [String: String]
        var externalURL: String
        var alertRuleTests: [AlertRuleTest]
        var promqlExprTests: [ExprTest]

        enum CodingKeys: String, CodingKey {
            case name, interval
            case inputSeries = "input_series"
            case externalLabels = "external_labels"
            case externalURL = "external_url"
            case alertRuleTests = "alert_rule_test"
            case promqlExprTests = "promql_expr_test"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.name = try container.decodeIfPresent(String.self, forKey: .name)
            self.interval = try container.decodeIfPresent(String.self, forKey: .interval)
            self.inputSeries = try container.decodeIfPresent([InputSeries].self, forKey: .inputSeries) ?? []
            self.externalLabels = try container.decodeIfPresent([String: String].self, forKey: .externalLabels) ?? [:]
            self.externalURL = try container.decodeIfPresent(String.self, forKey: .externalURL) ?? ""
            self.alertRuleTests = try container.decodeIfPresent([AlertRuleTest].self, forKey: .alertRuleTests) ?? []
            self.promqlExprTests = try container.decodeIfPresent([ExprTest].self, forKey: .promqlExprTests) ?? []
        }
    }

    struct InputSeries: Decodable {
        var series: String
        var values: String
    }

    struct AlertRuleTest: Decodable {
        var evalTime: String
        var alertname: String
        var expAlerts: [ExpectedAlert]

        enum CodingKeys: String, CodingKey {
            case evalTime = "eval_time"
            case alertname
            case expAlerts = "exp_alerts"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.evalTime = try container.decode(String.self, forKey: .evalTime)
            self.alertname = try container.decode(String.self, forKey: .alertname)
            self.expAlerts = try container.decodeIfPresent([ExpectedAlert].self, forKey: .expAlerts) ?? []
        }
    }

    struct ExpectedAlert: Decodable {
        var expLabels: [String: String]?
        var expAnnotations: [String: String]?

        enum CodingKeys: String, CodingKey {
            case expLabels = "exp_labels"
            case expAnnotations = "exp_annotations"
        }
    }

    struct ExprTest: Decodable {
        var expr: String
        var evalTime: String
        var expSamples: [ExpectedSample]

        enum CodingKeys: String, CodingKey {
            case expr
            case evalTime = "eval_time"
            case expSamples = "exp_samples"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.expr = try container.decode(String.self, forKey: .expr)
            self.evalTime = try container.decode(String.self, forKey: .evalTime)
            self.expSamples = try container.decodeIfPresent([ExpectedSample].self, forKey: .expSamples) ?? []
        }
    }

    struct ExpectedSample: Decodable {
        var labels: String
        var value: Double
    }
}
