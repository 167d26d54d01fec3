import Testing

@testable import PeriscopeAlerting

/// Every syntax form, checked against the ``Expr`` it must produce.
@Suite struct ParserTests {
    typealias S = SyntaxTestSupport

    // MARK: Literals

    @Test(arguments: [
        ("1", 1.0), ("1.5", 1.5), (".5", 0.5), ("5.", 5), ("1e3", 1000), ("1E-2", 0.01), ("1e+2", 100),
        ("0x1f", 31), ("0X1F", 31), ("017", 15), ("08", 8), ("-1", -1), ("+1", 1), ("- 2", -2), ("Inf", .infinity),
        ("inf", .infinity), ("+Inf", .infinity), ("-inf", -.infinity), ("iNF", .infinity),
        ("9223372036854775807", 9.223372036854775807e18), ("99999999999999999999", 1e20),
    ])
    func numbers(_ input: String, _ value: Double) throws {
        #expect(try PromQL.parse(input) == .number(value))
    }

    @Test(arguments: ["NaN", "nan", "-NaN", "nAn"])
    func notANumber(_ input: String) throws {
        guard case .number(let value) = try PromQL.parse(input) else {
            Issue.record("not a number literal")
            return
        }
        #expect(value.isNaN)
    }

    @Test(arguments: [
        (#""abc""#, "abc"), (#"'abc'"#, "abc"), ("`abc`", "abc"),
        (#""a\nb\tc\\d\"e""#, "a\nb\tc\\d\"e"), (#"'a\'b'"#, "a'b"), (#""\a\b\f\r\v""#, "\u{7}\u{8}\u{C}\r\u{B}"),
        (#""\x41\101\u00e9\U0001F600""#, "AAé😀"), (#"`raw\n\t`"#, #"raw\n\t"#), ("`multi\nline`", "multi\nline"),
        (#""'""#, "'"), (#"'"'"#, "\""), ("\"é\"", "é"), (#""\xc3\xa9""#, "é"),
    ])
    func strings(_ input: String, _ value: String) throws {
        #expect(try PromQL.parse(input) == .string(value))
    }

    // MARK: Selectors

    @Test func selectors() throws {
        #expect(try PromQL.parse("up") == S.metric("up"))
        #expect(try PromQL.parse("job:requests:rate5m") == S.metric("job:requests:rate5m"))
        #expect(try PromQL.parse(":a") == S.metric(":a"))
        #expect(try PromQL.parse("up{}") == S.metric("up"))
        #expect(
            try PromQL.parse(#"x{l="v",l2!="x",l3=~"re",l4!~"re",}"#)
                == .vectorSelector(
                    S.selector(
                        "x",
                        [(.equal, "l", "v"), (.notEqual, "l2", "x"), (.regex, "l3", "re"), (.notRegex, "l4", "re")])))
        #expect(try PromQL.parse(#"{__name__="x"}"#) == .vectorSelector(S.selector(nil, [(.equal, "__name__", "x")])))
        #expect(try PromQL.parse(#"{a=~".+"}"#) == .vectorSelector(S.selector(nil, [(.regex, "a", ".+")])))
        #expect(try PromQL.parse(#"{a!=""}"#) == .vectorSelector(S.selector(nil, [(.notEqual, "a", "")])))
    }

    @Test func nameMatcherComesLast() throws {
        guard case .vectorSelector(let selector) = try PromQL.parse(#"x{a="b"}"#) else {
            Issue.record("not a selector")
            return
        }
        #expect(selector.name == "x")
        #expect(selector.matchers.map(\.name) == ["a", "__name__"])
    }

    @Test(arguments: [
        "and", "or", "unless", "by", "without", "offset", "start", "end", "sum", "avg", "count", "min", "max", "group",
        "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "rate", "stale", "infinity", "SUM", "By",
    ])
    func keywordsAndFunctionNamesAreMetricNames(_ name: String) throws {
        #expect(try PromQL.parse(name) == S.metric(name))
        #expect(try PromQL.parse("\(name){a=\"b\"}") == .vectorSelector(S.selector(name, [(.equal, "a", "b")])))
    }

    @Test func keywordsAsOperandsAfterOperators() throws {
        #expect(
            try PromQL.parse("and and and")
                == .binary(
                    .and, lhs: S.metric("and"), rhs: S.metric("and"),
                    matching: VectorMatching(cardinality: .manyToMany, matchingLabels: [], on: false, include: []),
                    returnBool: false))
        #expect(try PromQL.parse("sum(sum)") == .aggregate(.sum, param: nil, grouping: .none, expr: S.metric("sum")))
        #expect(try PromQL.parse("count[5m]") == .matrixSelector(S.selector("count"), range: 300_000))
    }

    @Test func keywordsAreLabelNames() throws {
        let expr = try PromQL.parse(#"x{and="1",by="2",on="3",offset="4",sum="5",bool="6",inf="7",nan="8"}"#)
        guard case .vectorSelector(let selector) = expr else {
            Issue.record("not a selector")
            return
        }
        #expect(
            selector.matchers.map(\.name) == ["and", "by", "on", "offset", "sum", "bool", "inf", "nan", "__name__"])
        #expect(
            try PromQL.parse("sum by (and, offset, sum, bool, on, group_left) (x)")
                == .aggregate(
                    .sum, param: nil, grouping: .by(["and", "offset", "sum", "bool", "on", "group_left"]),
                    expr: S.metric("x")))
    }

    // MARK: Ranges, offsets, @, subqueries

    @Test func matrixSelectors() throws {
        #expect(try PromQL.parse("x[5m]") == .matrixSelector(S.selector("x"), range: 300_000))
        #expect(try PromQL.parse("x [ 1h30m ]") == .matrixSelector(S.selector("x"), range: 5_400_000))
        #expect(try PromQL.parse("x[500ms]") == .matrixSelector(S.selector("x"), range: 500))
        #expect(try PromQL.parse("x[1d]") == .matrixSelector(S.selector("x"), range: 86_400_000))
        #expect(try PromQL.parse("x[2w]") == .matrixSelector(S.selector("x"), range: 1_209_600_000))
        #expect(try PromQL.parse("x[1y]") == .matrixSelector(S.selector("x"), range: 31_536_000_000))
        #expect(
            try PromQL.parse("x[1y2w3d4h5m6s7ms]")
                == .matrixSelector(
                    S.selector("x"), range: 31_536_000_000 + 1_209_600_000 + 259_200_000 + 14_400_000 + 306_007))
    }

    @Test func offsets() throws {
        #expect(try PromQL.parse("x offset 5m") == .vectorSelector(S.selector("x", offset: 300_000)))
        #expect(try PromQL.parse("x offset -5m") == .vectorSelector(S.selector("x", offset: -300_000)))
        #expect(
            try PromQL.parse("x[5m] offset 1h") == .matrixSelector(S.selector("x", offset: 3_600_000), range: 300_000))
        #expect(
            try PromQL.parse("rate(x[5m] offset -1h)")
                == .call(function: "rate", args: [.matrixSelector(S.selector("x", offset: -3_600_000), range: 300_000)])
        )
    }

    @Test func atModifiers() throws {
        #expect(try PromQL.parse("x @ 123.4") == .vectorSelector(S.selector("x", at: 123_400)))
        #expect(try PromQL.parse("x @ -5") == .vectorSelector(S.selector("x", at: -5000)))
        #expect(try PromQL.parse("x @ +5") == .vectorSelector(S.selector("x", at: 5000)))
        #expect(try PromQL.parse("x @ 1e3") == .vectorSelector(S.selector("x", at: 1_000_000)))
        #expect(try PromQL.parse("x @ 1.0005") == .vectorSelector(S.selector("x", at: 1001)))
        #expect(try PromQL.parse("x @ start()") == .vectorSelector(S.selector("x", at: VectorSelector.atStart)))
        #expect(try PromQL.parse("x @ end()") == .vectorSelector(S.selector("x", at: VectorSelector.atEnd)))
        #expect(
            try PromQL.parse("x @ 10 offset 1m") == .vectorSelector(S.selector("x", offset: 60_000, at: 10_000)))
        #expect(
            try PromQL.parse("x offset 1m @ 10") == .vectorSelector(S.selector("x", offset: 60_000, at: 10_000)))
        #expect(
            try PromQL.parse("x[5m] @ end() offset 1m")
                == .matrixSelector(S.selector("x", offset: 60_000, at: VectorSelector.atEnd), range: 300_000))
    }

    @Test func atSentinelsResolveToTheQueryBounds() {
        #expect(S.selector("x", at: VectorSelector.atStart).resolvedAt(start: 5, end: 9) == 5)
        #expect(S.selector("x", at: VectorSelector.atEnd).resolvedAt(start: 5, end: 9) == 9)
        #expect(S.selector("x", at: 7).resolvedAt(start: 5, end: 9) == 7)
        #expect(S.selector("x").resolvedAt(start: 5, end: 9) == nil)
    }

    @Test func subqueries() throws {
        let rate = Expr.call(function: "rate", args: [.matrixSelector(S.selector("x"), range: 300_000)])
        #expect(try PromQL.parse("rate(x[5m])[30m:1m]") == .subquery(rate, range: 1_800_000, step: 60_000, offset: 0))
        #expect(try PromQL.parse("rate(x[5m])[30m:]") == .subquery(rate, range: 1_800_000, step: nil, offset: 0))
        #expect(
            try PromQL.parse("rate(x[5m])[30m:1m] offset 10m")
                == .subquery(rate, range: 1_800_000, step: 60_000, offset: 600_000))
        #expect(
            try PromQL.parse("x offset 5m[1m:]")
                == .subquery(.vectorSelector(S.selector("x", offset: 300_000)), range: 60_000, step: nil, offset: 0))
        #expect(
            try PromQL.parse("(x)[5m:1m]")
                == .subquery(.paren(S.metric("x")), range: 300_000, step: 60_000, offset: 0))
        #expect(
            try PromQL.parse("x @ 10 [5m:1m]")
                == .subquery(.vectorSelector(S.selector("x", at: 10_000)), range: 300_000, step: 60_000, offset: 0))
        #expect(
            try PromQL.parse("max_over_time(rate(x[5m])[1h:1m])")
                == .call(function: "max_over_time", args: [.subquery(rate, range: 3_600_000, step: 60_000, offset: 0)]))
    }

    // MARK: Calls and aggregations

    @Test func calls() throws {
        #expect(try PromQL.parse("time()") == .call(function: "time", args: []))
        #expect(try PromQL.parse("round(x)") == .call(function: "round", args: [S.metric("x")]))
        #expect(try PromQL.parse("round(x, 5)") == .call(function: "round", args: [S.metric("x"), .number(5)]))
        #expect(try PromQL.parse("hour()") == .call(function: "hour", args: []))
        #expect(
            try PromQL.parse("rate (x[1m])")
                == .call(function: "rate", args: [.matrixSelector(S.selector("x"), range: 60_000)]))
        #expect(
            try PromQL.parse(#"label_join(x, "d", ",", "a", "b", "c")"#)
                == .call(
                    function: "label_join",
                    args: [S.metric("x"), .string("d"), .string(","), .string("a"), .string("b"), .string("c")]))
        #expect(
            try PromQL.parse("histogram_quantile(0.9, rate(x[5m]))")
                == .call(
                    function: "histogram_quantile",
                    args: [
                        .number(0.9), .call(function: "rate", args: [.matrixSelector(S.selector("x"), range: 300_000)]),
                    ]))
    }

    @Test func aggregations() throws {
        let x = S.metric("x")
        #expect(try PromQL.parse("sum(x)") == .aggregate(.sum, param: nil, grouping: .none, expr: x))
        #expect(
            try PromQL.parse("sum by (a,b) (x)") == .aggregate(.sum, param: nil, grouping: .by(["a", "b"]), expr: x))
        #expect(try PromQL.parse("sum(x) by (a)") == .aggregate(.sum, param: nil, grouping: .by(["a"]), expr: x))
        #expect(
            try PromQL.parse("sum without (a) (x)") == .aggregate(.sum, param: nil, grouping: .without(["a"]), expr: x))
        #expect(
            try PromQL.parse("sum(x) without (a,)") == .aggregate(.sum, param: nil, grouping: .without(["a"]), expr: x))
        #expect(try PromQL.parse("sum without () (x)") == .aggregate(.sum, param: nil, grouping: .without([]), expr: x))
        #expect(try PromQL.parse("sum by () (x)") == .aggregate(.sum, param: nil, grouping: .none, expr: x))
        #expect(try PromQL.parse("SUM BY (a) (x)") == .aggregate(.sum, param: nil, grouping: .by(["a"]), expr: x))
        #expect(try PromQL.parse("topk(3, x)") == .aggregate(.topk, param: .number(3), grouping: .none, expr: x))
        #expect(
            try PromQL.parse("bottomk by (a) (3, x)")
                == .aggregate(.bottomk, param: .number(3), grouping: .by(["a"]), expr: x))
        #expect(
            try PromQL.parse("quantile(0.9, x)") == .aggregate(.quantile, param: .number(0.9), grouping: .none, expr: x)
        )
        #expect(
            try PromQL.parse(#"count_values("label", x)"#)
                == .aggregate(.countValues, param: .string("label"), grouping: .none, expr: x))
        for op in [AggregateOp.avg, .min, .max, .count, .group, .stddev, .stdvar] {
            #expect(try PromQL.parse("\(op.rawValue)(x)") == .aggregate(op, param: nil, grouping: .none, expr: x))
        }
    }

    // MARK: Binary operators

    @Test func vectorMatching() throws {
        let a = S.metric("a")
        let b = S.metric("b")
        #expect(
            try PromQL.parse("a / b")
                == .binary(
                    .div, lhs: a, rhs: b,
                    matching: VectorMatching(cardinality: .oneToOne, matchingLabels: [], on: false, include: []),
                    returnBool: false))
        #expect(
            try PromQL.parse("a / on (route) group_left (team) b")
                == .binary(
                    .div, lhs: a, rhs: b,
                    matching: VectorMatching(
                        cardinality: .manyToOne, matchingLabels: ["route"], on: true, include: ["team"]),
                    returnBool: false))
        #expect(
            try PromQL.parse("a * ignoring(x) group_right b")
                == .binary(
                    .mul, lhs: a, rhs: b,
                    matching: VectorMatching(cardinality: .oneToMany, matchingLabels: ["x"], on: false, include: []),
                    returnBool: false))
        #expect(
            try PromQL.parse("a + on() b")
                == .binary(
                    .add, lhs: a, rhs: b,
                    matching: VectorMatching(cardinality: .oneToOne, matchingLabels: [], on: true, include: []),
                    returnBool: false))
        #expect(
            try PromQL.parse("a unless on(x) b")
                == .binary(
                    .unless, lhs: a, rhs: b,
                    matching: VectorMatching(cardinality: .manyToMany, matchingLabels: ["x"], on: true, include: []),
                    returnBool: false))
        for op in ["and", "or", "unless"] {
            guard case .binary(_, _, _, let matching?, _) = try PromQL.parse("a \(op) b") else {
                Issue.record("no matching for \(op)")
                continue
            }
            #expect(matching.cardinality == .manyToMany)
        }
    }

    @Test func scalarOperandsHaveNoMatching() throws {
        #expect(
            try PromQL.parse("x * 2")
                == .binary(.mul, lhs: S.metric("x"), rhs: .number(2), matching: nil, returnBool: false))
        #expect(
            try PromQL.parse("1 + on() group_left x")
                == .binary(.add, lhs: .number(1), rhs: S.metric("x"), matching: nil, returnBool: false))
        #expect(
            try PromQL.parse("1 + 2")
                == .binary(.add, lhs: .number(1), rhs: .number(2), matching: nil, returnBool: false))
    }

    @Test func comparisonsAndBool() throws {
        #expect(
            try PromQL.parse("x > bool 1")
                == .binary(.gtr, lhs: S.metric("x"), rhs: .number(1), matching: nil, returnBool: true))
        #expect(
            try PromQL.parse("1 == bool 2")
                == .binary(.eql, lhs: .number(1), rhs: .number(2), matching: nil, returnBool: true))
        let operators: [(String, BinaryOp)] = [
            ("==", .eql), ("!=", .neq), (">", .gtr), ("<", .lss), (">=", .gte), ("<=", .lte), ("+", .add), ("-", .sub),
            ("*", .mul), ("/", .div), ("%", .mod), ("^", .pow), ("atan2", .atan2), ("and", .and), ("or", .or),
            ("unless", .unless),
        ]
        for (text, op) in operators {
            guard case .binary(let parsed, _, _, _, _) = try PromQL.parse("a \(text) b") else {
                Issue.record("\(text) is not binary")
                continue
            }
            #expect(parsed == op)
        }
        #expect(
            try PromQL.parse("x > bool on(a) group_left(b) y")
                == .binary(
                    .gtr, lhs: S.metric("x"), rhs: S.metric("y"),
                    matching: VectorMatching(cardinality: .manyToOne, matchingLabels: ["a"], on: true, include: ["b"]),
                    returnBool: true))
    }

    @Test func parenthesesAndComments() throws {
        #expect(try PromQL.parse("((x))") == .paren(.paren(S.metric("x"))))
        #expect(try PromQL.parse("# leading\nx # trailing\n") == S.metric("x"))
        #expect(try PromQL.parse("  \n\tx\n  ") == S.metric("x"))
    }
}
