import Testing

@testable import PeriscopeAlerting

/// promtool's test-file notation: series (`name{l="v"}`) and expanding values.
@Suite struct SeriesNotationTests {
    /// Compares value lists, treating NaN as equal to NaN.
    private func same(_ lhs: [SeriesValue], _ rhs: [SeriesValue]) -> Bool {
        lhs.count == rhs.count
            && zip(lhs, rhs).allSatisfy { pair in
                if case .value(let a) = pair.0, case .value(let b) = pair.1, a.isNaN, b.isNaN { return true }
                return pair.0 == pair.1
            }
    }

    @Test func documentedExample() throws {
        #expect(
            try SeriesNotation.parseValues("1x3 _x2 5+2x1 stale 9")
                == [
                    .value(1), .value(1), .value(1), .value(1), .missing, .missing, .value(5), .value(7), .stale,
                    .value(9),
                ])
    }

    static let expansions: [(String, [SeriesValue])] = [
        ("1", [.value(1)]),
        ("1 2 3", [.value(1), .value(2), .value(3)]),
        ("  1   2  ", [.value(1), .value(2)]),
        ("1\t2\n3", [.value(1), .value(2), .value(3)]),
        ("", []),
        ("1+1x3", [.value(1), .value(2), .value(3), .value(4)]),
        ("1-1x3", [.value(1), .value(0), .value(-1), .value(-2)]),
        ("0+60x2", [.value(0), .value(60), .value(120)]),
        ("-1-1x2", [.value(-1), .value(-2), .value(-3)]),
        ("+1+1x1", [.value(1), .value(2)]),
        ("1.5-0.5x2", [.value(1.5), .value(1), .value(0.5)]),
        ("1 +1x3", [.value(1), .value(1), .value(1), .value(1), .value(1)]),
        ("0x3", [.value(0), .value(0), .value(0), .value(0)]),
        ("1x0", [.value(1)]),
        ("1+1x0", [.value(1)]),
        ("_", [.missing]),
        ("_x0", []),
        ("_x3", [.missing, .missing, .missing]),
        ("1 _ 2", [.value(1), .missing, .value(2)]),
        ("stale", [.stale]),
        ("1 stale 2", [.value(1), .stale, .value(2)]),
        ("1e3x1", [.value(1000), .value(1000)]),
        (".5 5.", [.value(0.5), .value(5)]),
        ("Inf -Inf +inf", [.value(.infinity), .value(-.infinity), .value(.infinity)]),
        ("Inf+1x1", [.value(.infinity), .value(.infinity)]),
        ("017", [.value(15)]),
        ("1x017", Array(repeating: .value(1), count: 18)),
        ("-2x1", [.value(-2), .value(-2)]),
    ]

    @Test(arguments: expansions)
    func expands(_ notation: String, _ expected: [SeriesValue]) throws {
        #expect(try SeriesNotation.parseValues(notation) == expected)
    }

    @Test func accumulatesByRepeatedAddition() throws {
        // promtool adds the increment step by step, so the third value is 0.30000000000000004.
        #expect(
            try SeriesNotation.parseValues("0.1+0.1x3") == [
                .value(0.1), .value(0.2), .value(0.30000000000000004), .value(0.4),
            ])
    }

    @Test func staleWithAnIncrementGivesTheMarkerThenNaN() throws {
        let values = try SeriesNotation.parseValues("stale+1x2")
        #expect(values.count == 3)
        #expect(values.first == .stale)
        #expect(same(Array(values.dropFirst()), [.value(.nan), .value(.nan)]))
    }

    @Test func notANumber() throws {
        #expect(same(try SeriesNotation.parseValues("NaN nan -NaN"), [.value(.nan), .value(.nan), .value(.nan)]))
    }

    static let errors: [(String, String)] = [
        ("stalex2", #"1:1: parse error: unexpected identifier "stalex2" in series values, expected number or "stale""#),
        ("foo", #"1:1: parse error: unexpected identifier "foo" in series values, expected number or "stale""#),
        ("Infx2", #"1:1: parse error: unexpected identifier "Infx2" in series values, expected number or "stale""#),
        ("stale x2", #"1:7: parse error: unexpected "x""#),
        ("x3", #"1:1: parse error: unexpected "x""#),
        ("__", #"1:2: parse error: unexpected "_""#),
        ("_1", #"1:2: parse error: unexpected number "1""#),
        ("1x", "1:3: parse error: unexpected end of input in series values"),
        ("_x", "1:3: parse error: unexpected end of input in series values"),
        ("1+1", "1:4: parse error: unexpected end of input in series values"),
        ("1x-1", "1:3: parse error: unexpected <op:-> in series values"),
        ("1++1x1", "1:3: parse error: unexpected <op:+> in series values"),
        ("1+x2", #"1:3: parse error: unexpected "x" in series values"#),
        ("1x2x3", #"1:4: parse error: unexpected "x""#),
        (
            "1x1.5",
            #"1:3: parse error: invalid repetition in series values: strconv.ParseUint: parsing "1.5": invalid syntax"#
        ),
        ("1,2", "1:2: parse error: unexpected character in series sequence: ','"),
        ("1.5.5", #"1:4: parse error: unexpected number ".5""#),
        ("1e", #"1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e": invalid syntax"#),
        ("0x1f", #"1:3: parse error: bad number syntax: "1""#),
        ("- 1", #"1:2: parse error: unexpected " " in series values"#),
        ("-stale", #"1:2: parse error: unexpected identifier "stale" in series values"#),
        ("1-Infx1", #"1:3: parse error: unexpected identifier "Infx1" in series values"#),
        ("1 -", "1:4: parse error: unexpected end of input in series values"),
        (
            "1 2 1e400",
            #"1:5: parse error: error parsing number: strconv.ParseFloat: parsing "1e400": value out of range"#
        ),
        ("1 2\n3 y", #"2:3: parse error: unexpected identifier "y" in series values, expected number or "stale""#),
    ]

    @Test(arguments: errors)
    func rejects(_ notation: String, _ expected: String) {
        do {
            let values = try SeriesNotation.parseValues(notation)
            Issue.record("parsed \(notation) as \(values)")
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func limitsTheExpansion() {
        #expect(throws: PromQLParseError.self) { try SeriesNotation.parseValues("1x100000000000") }
        #expect(throws: PromQLParseError.self) { try SeriesNotation.parseValues("_x100000000000") }
        #expect(throws: PromQLParseError.self) { try SeriesNotation.parseValues("1+1x100000000000") }
    }

    // MARK: Series

    @Test func series() throws {
        #expect(try SeriesNotation.parseSeries("up") == Labels([("__name__", "up")]))
        #expect(
            try SeriesNotation.parseSeries(#"gw_http_requests_total{route="/api",code="500"}"#)
                == Labels([("__name__", "gw_http_requests_total"), ("route", "/api"), ("code", "500")]))
        #expect(try SeriesNotation.parseSeries(#"{job="x"}"#) == Labels([("job", "x")]))
        #expect(try SeriesNotation.parseSeries("{}") == Labels())
        #expect(try SeriesNotation.parseSeries(#"x{a="b",}"#) == Labels([("__name__", "x"), ("a", "b")]))
        #expect(
            try SeriesNotation.parseSeries(#" job:req:rate5m { a = "b\n" } "#)
                == Labels([("__name__", "job:req:rate5m"), ("a", "b\n")]))
        #expect(
            try SeriesNotation.parseSeries(#"{__name__="x",on="1",sum="2"}"#)
                == Labels([("__name__", "x"), ("on", "1"), ("sum", "2")]))
        #expect(try SeriesNotation.parseSeries("sum") == Labels([("__name__", "sum")]))
        #expect(
            try SeriesNotation.parseSeries(#"ALERTS{alertname="A",alertstate="pending"}"#)
                == Labels([("__name__", "ALERTS"), ("alertname", "A"), ("alertstate", "pending")]))
    }

    static let seriesErrors: [(String, String)] = [
        (#"x{a=~"b"}"#, #"1:4: parse error: unexpected <op:=~> in label set, expected "=""#),
        (#"x{a!="b"}"#, #"1:4: parse error: unexpected <op:!=> in label set, expected "=""#),
        (#"x{a="b" c="d"}"#, #"1:9: parse error: unexpected identifier "c" in label set, expected "," or "}""#),
        (#"x{a=b}"#, #"1:5: parse error: unexpected identifier "b" in label set, expected string"#),
        (#"x{a="b"} 1"#, #"1:10: parse error: unexpected number "1""#),
        (#"x{a="1",a="2"}"#, #"1:9: parse error: duplicate label name "a""#),
        (#"x{__name__="y"}"#, #"1:3: parse error: duplicate label name "__name__""#),
        ("", "1:1: parse error: no series found in input"),
        (#"x{a="b""#, "1:8: parse error: unexpected end of input inside braces"),
        ("1", #"1:1: parse error: unexpected number "1""#),
        ("on", "1:1: parse error: unexpected <on>"),
    ]

    @Test(arguments: seriesErrors)
    func rejectsSeries(_ series: String, _ expected: String) {
        do {
            let labels = try SeriesNotation.parseSeries(series)
            Issue.record("parsed \(series) as \(labels)")
        } catch {
            #expect(error.description == expected)
        }
    }
}
