import Testing

@testable import PeriscopeAlerting

/// One test per error class, with positions. (The oracle corpus covers many more inputs.)
@Suite struct ErrorTests {
    struct Case: Sendable, CustomStringConvertible {
        let input: String
        let error: String
        var description: String { input }
    }

    static let cases: [Case] = [
        // Lexical errors.
        Case(input: "x $ y", error: "1:3: parse error: unexpected character: '$'"),
        Case(input: "'abc", error: "1:1: parse error: unterminated quoted string"),
        Case(input: "\"a\nb\"", error: "1:1: parse error: unterminated quoted string"),
        Case(input: "`abc", error: "1:1: parse error: unterminated raw string"),
        Case(input: #""a\qb""#, error: "1:1: parse error: unknown escape sequence U+0071 'q'"),
        Case(input: #""\'""#, error: "1:1: parse error: unknown escape sequence U+0027 '''"),
        Case(input: #""\xZZ""#, error: "1:1: parse error: illegal character U+005A 'Z' in escape sequence"),
        Case(input: #""\uD800""#, error: "1:1: parse error: escape sequence is an invalid Unicode code point"),
        Case(input: #""\"#, error: "1:1: parse error: escape sequence not terminated"),
        Case(input: "x{a:b=\"c\"}", error: "1:4: parse error: unexpected character inside braces: ':'"),
        Case(input: "x{a=\"b\"", error: "1:8: parse error: unexpected end of input inside braces"),
        Case(input: "x{{", error: "1:3: parse error: unexpected left brace '{'"),
        Case(input: "sum(x", error: "1:6: parse error: unclosed left parenthesis"),
        Case(input: "x)", error: "1:3: parse error: unexpected right parenthesis ')'"),
        Case(input: "x]", error: "1:2: parse error: unexpected right bracket ']'"),
        Case(input: "x[5m", error: "1:5: parse error: unclosed left bracket"),
        Case(input: "x[5]", error: "1:3: parse error: missing unit character in duration"),
        Case(input: "x[5mm]", error: "1:3: parse error: bad duration syntax: \"5mm\""),
        Case(input: "x[5m:1m:1m]", error: "1:8: parse error: unexpected colon ':'"),
        Case(input: "1a", error: "1:1: parse error: bad number or duration syntax: \"1\""),
        Case(input: "x=~\"a\"", error: "1:2: parse error: unexpected character after '=': '~'"),
        Case(input: "!x", error: "1:1: parse error: unexpected character after '!': 'x'"),
        // Syntax errors.
        Case(input: "", error: "1:1: parse error: no expression found in input"),
        Case(input: "# only a comment", error: "1:1: parse error: no expression found in input"),
        Case(input: "x +", error: "1:4: parse error: unexpected end of input"),
        Case(input: "x y", error: "1:3: parse error: unexpected identifier \"y\""),
        Case(input: "5m", error: "1:1: parse error: unexpected duration \"5m\""),
        Case(input: "on", error: "1:1: parse error: unexpected <on>"),
        Case(input: "atan2", error: "1:1: parse error: unexpected <op:atan2>"),
        Case(input: "x bool", error: "1:3: parse error: unexpected <bool>"),
        Case(input: "()", error: "1:2: parse error: unexpected \")\""),
        Case(input: "sum(x) (y)", error: "1:8: parse error: unexpected \"(\""),
        Case(
            input: "x{a}",
            error: "1:4: parse error: unexpected \"}\" in label matching, expected label matching operator"),
        Case(
            input: "x{a=b}", error: "1:5: parse error: unexpected identifier \"b\" in label matching, expected string"),
        Case(
            input: "x{,}", error: "1:3: parse error: unexpected \",\" in label matching, expected identifier or \"}\""),
        Case(
            input: "x{a=\"b\" c=\"d\"}",
            error: "1:9: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\""),
        Case(
            input: "sum by a (x)",
            error: "1:8: parse error: unexpected identifier \"a\" in grouping opts, expected \"(\""),
        Case(
            input: "sum by (inf) (x)",
            error: "1:9: parse error: unexpected number \"inf\" in grouping opts, expected label"),
        Case(
            input: "sum by (a:b) (x)",
            error: "1:9: parse error: unexpected metric identifier \"a:b\" in grouping opts, expected label"),
        Case(input: "sum by (a) by (b) (x)", error: "1:12: parse error: unexpected <by> in aggregation"),
        Case(input: "sum(x,)", error: "1:6: parse error: trailing commas not allowed in function call args"),
        Case(input: "x offset 5", error: "1:10: parse error: unexpected number \"5\" in offset, expected duration"),
        Case(input: "x @", error: "1:4: parse error: unexpected end of input in @, expected timestamp"),
        Case(input: "x @ foo()", error: "1:5: parse error: unexpected identifier \"foo\" in @, expected timestamp"),
        Case(
            input: "x[5m,1m]", error: "1:5: parse error: unexpected \",\" in subquery or range, expected \":\" or \"]\""
        ),
        Case(
            input: "x[5m:1]",
            error: "1:6: parse error: unexpected number \"1\" in subquery selector, expected duration or \"]\""),
        Case(
            input: "x[5m:1m 1]", error: "1:9: parse error: unexpected number \"1\" in subquery selector, expected \"]\""
        ),
        // Literal values.
        Case(
            input: "1e400",
            error: "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"1e400\": value out of range"),
        Case(
            input: "0x",
            error: "1:1: parse error: error parsing number: strconv.ParseFloat: parsing \"0x\": invalid syntax"),
        Case(input: "x[0s]", error: "1:3: parse error: duration must be greater than 0"),
        Case(input: "x offset 0s", error: "1:10: parse error: duration must be greater than 0"),
        Case(input: "x[1m1h]", error: "1:3: parse error: not a valid duration string: \"1m1h\""),
        Case(input: "x[999999y]", error: "1:3: parse error: duration out of range"),
        Case(input: "x @ Inf", error: "1:1: parse error: timestamp out of bounds for @ modifier: +Inf"),
        Case(input: "x @ -Inf", error: "1:1: parse error: timestamp out of bounds for @ modifier: -Inf"),
        // Modifiers in the wrong place.
        Case(input: "x[5m][5m]", error: "1:6: parse error: ranges only allowed for vector selectors"),
        Case(input: "(x)[5m]", error: "1:4: parse error: ranges only allowed for vector selectors"),
        Case(input: "x offset 5m [5m]", error: "1:13: parse error: no offset modifiers allowed before range"),
        Case(input: "x @ 1 [5m]", error: "1:7: parse error: no @ modifiers allowed before range"),
        Case(input: "x offset 5m offset 1m", error: "1:1: parse error: offset may not be set multiple times"),
        Case(input: "x[5m:] offset 1m offset 1m", error: "1:1: parse error: offset may not be set multiple times"),
        Case(input: "x @ 1 @ 2", error: "1:1: parse error: @ <timestamp> may not be set multiple times"),
        Case(
            input: "sum(x) offset 5m",
            error:
                "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery"
        ),
        Case(
            input: "1 @ 5",
            error:
                "1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery"
        ),
        // Selectors.
        Case(input: "{}", error: "1:1: parse error: vector selector must contain at least one non-empty matcher"),
        Case(
            input: "{a=~\".*\"}", error: "1:1: parse error: vector selector must contain at least one non-empty matcher"
        ),
        Case(input: "x{__name__=\"y\"}", error: "1:1: parse error: metric name must not be set twice: \"x\" or \"y\""),
        Case(input: "x{a=~\"(\"}", error: "1:3: parse error: error parsing regexp: invalid regular expression \"(\""),
        // Functions.
        Case(input: "foo(x)", error: "1:1: parse error: unknown function with name \"foo\""),
        Case(input: "RATE(x[5m])", error: "1:1: parse error: unknown function with name \"RATE\""),
        Case(
            input: "rate(x)",
            error: "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector"),
        Case(
            input: "abs(x[5m])",
            error: "1:5: parse error: expected type instant vector in call to function \"abs\", got range vector"),
        Case(
            input: "vector(x)",
            error: "1:8: parse error: expected type scalar in call to function \"vector\", got instant vector"),
        Case(
            input: "label_join(x, \"a\", \",\", 1)",
            error: "1:25: parse error: expected type string in call to function \"label_join\", got scalar"),
        Case(input: "rate(x[5m], 1)", error: "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2"),
        Case(input: "time(1)", error: "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1"),
        Case(input: "round()", error: "1:1: parse error: expected at least 1 argument(s) in call to \"round\", got 0"),
        Case(
            input: "round(x, 1, 2)",
            error: "1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3"),
        Case(
            input: "label_join(x)",
            error: "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1"),
        Case(input: "year(x, x)", error: "1:1: parse error: expected at most 1 argument(s) in call to \"year\", got 2"),
        // Aggregations.
        Case(
            input: "topk(x)",
            error: "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1"),
        Case(
            input: "sum(1, x)",
            error: "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2"),
        Case(
            input: "sum(x[5m])",
            error: "1:5: parse error: expected type instant vector in aggregation expression, got range vector"),
        Case(
            input: "topk(\"a\", x)",
            error: "1:6: parse error: expected type scalar in aggregation parameter, got string"),
        Case(
            input: "count_values(1, x)",
            error: "1:14: parse error: expected type string in aggregation parameter, got scalar"),
        // Binary and unary operators.
        Case(input: "1 > 2", error: "1:3: parse error: comparisons between scalars must use BOOL modifier"),
        Case(input: "x + bool y", error: "1:3: parse error: bool modifier can only be used on comparison operators"),
        Case(input: "x and bool y", error: "1:3: parse error: bool modifier can only be used on comparison operators"),
        Case(input: "1 and 2", error: "1:1: parse error: set operator \"and\" not allowed in binary scalar expression"),
        Case(input: "x or 1", error: "1:1: parse error: set operator \"or\" not allowed in binary scalar expression"),
        Case(input: "x + on(a) 1", error: "1:1: parse error: vector matching only allowed between instant vectors"),
        Case(
            input: "x and on(a) group_left(b) y", error: "1:1: parse error: no grouping allowed for \"and\" operation"),
        Case(
            input: "x + on(a) group_left(a) y",
            error: "1:3: parse error: label \"a\" must not occur in ON and GROUP clause at once"),
        Case(input: "x + group_left y", error: "1:5: parse error: unexpected <group_left>"),
        Case(input: "x == on(a) bool y", error: "1:12: parse error: unexpected <bool>"),
        Case(
            input: "\"a\" + 1",
            error: "1:1: parse error: binary expression must contain only scalar and instant vector types"),
        Case(
            input: "x + y[5m]",
            error: "1:5: parse error: binary expression must contain only scalar and instant vector types"),
        Case(
            input: "-x[5m]",
            error:
                "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\""
        ),
        Case(
            input: "+\"a\"",
            error:
                "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"string\""
        ),
        // Subqueries.
        Case(
            input: "x[5m][5m:1m]",
            error: "1:1: parse error: subquery is only allowed on instant vector, got matrix instead"),
        Case(
            input: "1[5m:1m]", error: "1:1: parse error: subquery is only allowed on instant vector, got scalar instead"
        ),
        Case(input: "x[5m:1m] @ 10", error: "1:1: parse error: the @ modifier on a subquery is not supported"),
    ]

    @Test(arguments: cases)
    func reports(_ testCase: Case) {
        #expect(SyntaxTestSupport.parseError(testCase.input)?.description == testCase.error)
    }

    @Test func positionsSpanLines() throws {
        let input = "sum by (route) (\n  rate(requests_total[5m])\n) /\n  on (route) rate(errors_total)"
        let error = try #require(SyntaxTestSupport.parseError(input))
        #expect(error.line == 4)
        #expect(error.column == 19)
        #expect(error.offset == input.utf8.count - "errors_total)".utf8.count)
        #expect(error.message == "expected type range vector in call to function \"rate\", got instant vector")
        #expect(
            error.description
                == "4:19: parse error: expected type range vector in call to function \"rate\", got instant vector")
    }

    @Test func offsetsAndColumnsCountUTF8Bytes() throws {
        let error = try #require(SyntaxTestSupport.parseError("x{a=\"é\"} + rate(y)"))
        #expect(error.offset == 17)
        #expect(error.line == 1)
        #expect(error.column == 18)
        let second = try #require(SyntaxTestSupport.parseError("\"é\"\n+ foo(x)"))
        #expect(second.line == 2)
        #expect(second.column == 3)
        #expect(second.offset == 7)
    }

    @Test func errorInitialiserWorksOutLineAndColumn() {
        let error = PromQLParseError(message: "m", offset: 6, in: "ab\ncd\nef")
        #expect(error.line == 3)
        #expect(error.column == 1)
        #expect("\(error)" == "3:1: parse error: m")
    }

    @Test func syntaxErrorsComeBeforeTypeErrors() {
        // Prometheus type-checks only a tree that parsed: the later syntax error wins.
        #expect(
            SyntaxTestSupport.parseError("rate(x) +")?.description == "1:10: parse error: unexpected end of input")
        // Argument count before argument types.
        #expect(
            SyntaxTestSupport.parseError("rate(x, y)")?.message == "expected 1 argument(s) in call to \"rate\", got 2")
        // Children before parents.
        #expect(
            SyntaxTestSupport.parseError("1 > 2 and rate(x)")?.message
                == "comparisons between scalars must use BOOL modifier")
    }
}

/// Deeply nested input fails cleanly instead of exhausting the stack.
@Suite struct NestingLimitTests {
    static let limit = 256

    @Test func acceptsDeepButBoundedNesting() throws {
        let parens = String(repeating: "(", count: Self.limit - 1) + "x" + String(repeating: ")", count: Self.limit - 1)
        let expr = try PromQL.parse(parens)
        #expect(expr.description == parens)
        #expect(try PromQL.parse(expr.description) == expr)
        #expect(expr.valueType == .vector)
        let sum = (0..<(Self.limit - 1)).map { "x\($0)" }.joined(separator: " + ")
        #expect(try PromQL.parse(sum).description == sum)
    }

    static let hostile: [(String, String)] = [
        ("parentheses", String(repeating: "(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)),
        ("signs", String(repeating: "-", count: 100_000) + "x"),
        ("a left-deep sum", Array(repeating: "x", count: 100_000).joined(separator: " + ")),
        ("a right-deep power", Array(repeating: "x", count: 100_000).joined(separator: " ^ ")),
        ("subqueries", "x" + String(repeating: "[1m:]", count: 100_000)),
        ("calls", String(repeating: "abs(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)),
    ]

    @Test(arguments: hostile.map(\.0))
    func rejectsExcessiveNesting(_ kind: String) throws {
        let input = try #require(Self.hostile.first { $0.0 == kind }?.1)
        let error = try #require(SyntaxTestSupport.parseError(input))
        #expect(error.message == "expression is nested more than \(Self.limit) levels deep")
    }
}
