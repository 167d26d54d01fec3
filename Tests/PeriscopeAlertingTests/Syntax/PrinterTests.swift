import Testing

@testable import PeriscopeAlerting

/// The printer: Prometheus' canonical form, and `parse(print(e)) == e`.
@Suite struct PrinterTests {
    typealias S = SyntaxTestSupport

    @Test func roundTripsRandomExpressions() throws {
        var generator = RandomExpressions(seed: 42)
        var checked = 0
        for _ in 0..<3000 {
            let type = [PromQLType.vector, .scalar, .vector, .matrix][checked % 4]
            let expr = generator.expression(type)
            let printed = expr.description
            let reparsed: Expr
            do {
                reparsed = try PromQL.parse(printed)
            } catch {
                Issue.record("\(printed) does not parse: \(error)")
                continue
            }
            #expect(reparsed == expr, "\(printed)")
            #expect(reparsed.description == printed)
            #expect(reparsed.valueType == type)
            checked += 1
        }
        #expect(checked == 3000)
    }

    @Test func selectorForms() throws {
        #expect(
            try PromQL.parse(#"sum by (route) (rate(x{code=~"5.."}[5m]))"#).description
                == #"sum by (route) (rate(x{code=~"5.."}[5m]))"#)
        #expect(try PromQL.parse(#"x{b="2", a="1"}"#).description == #"x{a="1",b="2"}"#)
        #expect(try PromQL.parse(#"{__name__="x"}"#).description == #"{__name__="x"}"#)
        #expect(try PromQL.parse(#"{__name__=~"x|y", a="b"}"#).description == #"{__name__=~"x|y",a="b"}"#)
        #expect(try PromQL.parse(#"x{a="tab\there\u00a0\x01"}"#).description == #"x{a="tab\there\u00a0\x01"}"#)
        #expect(try PromQL.parse("x @ start() offset -1h").description == "x @ start() offset -1h")
        #expect(try PromQL.parse("x[90s] @ end()").description == "x[1m30s] @ end()")
        #expect(try PromQL.parse("x @ -0.001").description == "x @ -0.001")
        #expect(try PromQL.parse("x @ 1609746000").description == "x @ 1609746000.000")
    }

    @Test func operatorForms() throws {
        #expect(try PromQL.parse("a/on(route)group_left(team)b").description == "a / on (route) group_left (team) b")
        #expect(try PromQL.parse("x>bool 1").description == "x > bool 1")
        #expect(try PromQL.parse("a and on() b").description == "a and on () b")
        #expect(try PromQL.parse("a or ignoring() b").description == "a or b")
        #expect(try PromQL.parse("a * ignoring(x) group_right b").description == "a * ignoring (x) group_right () b")
        #expect(try PromQL.parse("-2^2").description == "-2 ^ 2")
        #expect(try PromQL.parse("-(2^2)").description == "-(2 ^ 2)")
        #expect(try PromQL.parse("topk by (a) (3, x)").description == "topk by (a) (3, x)")
        #expect(
            try PromQL.parse(#"count_values("v", x) without (a)"#).description == #"count_values without (a) ("v", x)"#)
    }

    /// Where Periscope prints differently from Prometheus 2.42, and why.
    @Test func deliberateDifferences() throws {
        // Prometheus drops `ignoring () group_left`, which changes the meaning; we keep it.
        #expect(try PromQL.parse("a / ignoring () group_left b").description == "a / ignoring () group_left () b")
        // Unary plus changes nothing and is not kept (Prometheus prints `+x`).
        #expect(try PromQL.parse("+x").description == "x")
        // Strings are Swift strings: bytes that are not UTF-8 become U+FFFD (Prometheus prints "\xff").
        #expect(try PromQL.parse(#""\xff""#) == .string("\u{FFFD}"))
    }

    static let numberCases: [(Double, String)] = [
        (0.0, "0"), (-0.0, "-0"), (1, "1"), (1.5, "1.5"), (100_000, "100000"), (1_000_000, "1e+06"), (1e21, "1e+21"),
        (1e-7, "1e-07"), (0.0001, "0.0001"), (123_456_789, "1.23456789e+08"), (.infinity, "+Inf"), (-.infinity, "-Inf"),
        (0.1, "0.1"), (-2.5, "-2.5"),
    ]

    @Test(arguments: numberCases)
    func numbers(_ value: Double, _ printed: String) {
        #expect(Expr.number(value).description == printed)
    }

    static let durationCases: [(Int64, String)] = [
        (1, "1ms"), (500, "500ms"), (1000, "1s"), (1500, "1s500ms"), (60_000, "1m"), (90_000, "1m30s"),
        (3_600_000, "1h"), (5_400_000, "1h30m"), (86_400_000, "1d"), (8 * 86_400_000, "8d"), (14 * 86_400_000, "2w"),
        (365 * 86_400_000, "1y"), (366 * 86_400_000, "366d"), (379 * 86_400_000, "379d"), (0, "0s"),
        (-300_000, "-5m"), (90_061_001, "1d1h1m1s1ms"),
    ]

    @Test(arguments: durationCases)
    func durations(_ milliseconds: Int64, _ printed: String) throws {
        #expect(PromQL.formatDuration(milliseconds) == printed)
        if milliseconds >= 0 { #expect(try PromQL.parseDuration(printed) == milliseconds) }
    }

    @Test func subqueryAndOffsetForms() {
        let inner = Expr.call(function: "rate", args: [.matrixSelector(S.selector("x"), range: 300_000)])
        #expect(Expr.subquery(inner, range: 1_800_000, step: 60_000, offset: 0).description == "rate(x[5m])[30m:1m]")
        #expect(
            Expr.subquery(inner, range: 1_800_000, step: nil, offset: -60_000).description
                == "rate(x[5m])[30m:] offset -1m")
        #expect(Expr.vectorSelector(S.selector("x", offset: 300_000)).description == "x offset 5m")
        #expect(
            Expr.matrixSelector(S.selector("x", offset: 90_000, at: 5), range: 60_000).description
                == "x[1m] @ 0.005 offset 1m30s")
    }

    @Test func stringsQuoteLikeGo() {
        #expect(Expr.string("a\"b\\c").description == #""a\"b\\c""#)
        #expect(Expr.string("\u{7}\u{8}\u{C}\n\r\t\u{B}").description == #""\a\b\f\n\r\t\v""#)
        #expect(Expr.string("\u{1}\u{7F}").description == #""\x01\x7f""#)
        #expect(Expr.string("é😀\u{A0}\u{2028}").description == #""é😀\u00a0\u2028""#)
        #expect(Expr.string("'").description == #""'""#)
    }
}
