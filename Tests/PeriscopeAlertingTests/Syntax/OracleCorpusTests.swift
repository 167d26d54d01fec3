import Testing

@testable import PeriscopeAlerting

/// Checks the parser, its errors and the printer against outputs recorded from Prometheus 2.42.
@Suite struct OracleCorpusTests {
    @Test(arguments: PrometheusCorpus.printed)
    func printsLikePrometheus(_ oracle: OracleCase) throws {
        let expr = try PromQL.parse(oracle.input)
        #expect(expr.description == oracle.expected)
    }

    @Test(arguments: PrometheusCorpus.printed)
    func printedFormRoundTrips(_ oracle: OracleCase) throws {
        let expr = try PromQL.parse(oracle.input)
        let reparsed = try PromQL.parse(expr.description)
        #expect(SyntaxTestSupport.normalized(reparsed) == SyntaxTestSupport.normalized(expr))
        #expect(reparsed.description == expr.description)
        #expect(reparsed.valueType == expr.valueType)
    }

    @Test(arguments: PrometheusCorpus.errors)
    func failsLikePrometheus(_ oracle: OracleCase) {
        let error = SyntaxTestSupport.parseError(oracle.input)
        #expect(error?.description == oracle.expected)
    }

    @Test func corpusIsLarge() {
        #expect(PrometheusCorpus.printed.count > 300)
        #expect(PrometheusCorpus.errors.count > 200)
    }
}
