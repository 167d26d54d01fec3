import Testing

@testable import PeriscopeAlerting

/// Operator precedence and associativity: `^` (right) > unary sign > `* / % atan2` > `+ -` >
/// comparisons > `and unless` > `or`.
@Suite struct PrecedenceTests {
    struct Case: Sendable, CustomStringConvertible {
        let input: String
        let grouped: String
        var description: String { input }
    }

    static let cases: [Case] = [
        Case(input: "a + b * c", grouped: "(a + (b * c))"),
        Case(input: "a * b + c", grouped: "((a * b) + c)"),
        Case(input: "a - b - c", grouped: "((a - b) - c)"),
        Case(input: "a / b / c", grouped: "((a / b) / c)"),
        Case(input: "a / b * c % d", grouped: "(((a / b) * c) % d)"),
        Case(input: "a atan2 b * c", grouped: "((a atan2 b) * c)"),
        Case(input: "a + b atan2 c", grouped: "(a + (b atan2 c))"),
        Case(input: "a ^ b ^ c", grouped: "(a ^ (b ^ c))"),
        Case(input: "a * b ^ c", grouped: "(a * (b ^ c))"),
        Case(input: "a ^ b * c", grouped: "((a ^ b) * c)"),
        Case(input: "a + b == c", grouped: "((a + b) == c)"),
        Case(input: "a == b + c", grouped: "(a == (b + c))"),
        Case(input: "a > b < c", grouped: "((a > b) < c)"),
        Case(input: "a == bool b != bool c", grouped: "((a == bool b) != bool c)"),
        Case(input: "a > b and c", grouped: "((a > b) and c)"),
        Case(input: "a and b > c", grouped: "(a and (b > c))"),
        Case(input: "a and b unless c", grouped: "((a and b) unless c)"),
        Case(input: "a unless b and c", grouped: "((a unless b) and c)"),
        Case(input: "a or b and c", grouped: "(a or (b and c))"),
        Case(input: "a and b or c", grouped: "((a and b) or c)"),
        Case(input: "a or b or c", grouped: "((a or b) or c)"),
        Case(input: "a or b unless c", grouped: "(a or (b unless c))"),
        Case(input: "1 + 2 * 3 ^ 4 - 5 / 6 % 7", grouped: "((1 + (2 * (3 ^ 4))) - ((5 / 6) % 7))"),
        Case(input: "(a + b) * c", grouped: "([(a + b)] * c)"),
        Case(input: "a * (b + c)", grouped: "(a * [(b + c)])"),
        // Unary signs: tighter than `*`, looser than `^`; a sign on a literal folds into it.
        Case(input: "-2 ^ 2", grouped: "(-(2 ^ 2))"),
        Case(input: "-a ^ b", grouped: "(-(a ^ b))"),
        Case(input: "-a * b", grouped: "((-a) * b)"),
        Case(input: "-2 * 3", grouped: "(-2 * 3)"),
        Case(input: "a * -b", grouped: "(a * (-b))"),
        Case(input: "a ^ -b", grouped: "(a ^ (-b))"),
        Case(input: "2 ^ -2 ^ 2", grouped: "(2 ^ (-(2 ^ 2)))"),
        Case(input: "-a + b", grouped: "((-a) + b)"),
        Case(input: "a - -1", grouped: "(a - -1)"),
        Case(input: "a--b", grouped: "(a - (-b))"),
        Case(input: "- -1", grouped: "1"),
        Case(input: "-(1)", grouped: "(-[1])"),
        Case(input: "+a", grouped: "a"),
        Case(input: "-(-a)", grouped: "(-[(-a)])"),
        Case(input: "(-2) ^ 2", grouped: "([-2] ^ 2)"),
        // Postfix modifiers bind to the selector, tighter than a sign.
        Case(input: "-a offset 5m", grouped: "(-a offset 5m)"),
        Case(input: "a + b offset 5m", grouped: "(a + b offset 5m)"),
        Case(input: "-a @ 10 offset 1m", grouped: "(-a @ 10.000 offset 1m)"),
    ]

    @Test(arguments: cases)
    func groups(_ testCase: Case) throws {
        #expect(SyntaxTestSupport.tree(try PromQL.parse(testCase.input)) == testCase.grouped)
    }

    @Test func unaryMinusOnPowerIsNegativeFour() throws {
        let expr = try PromQL.parse("-2^2")
        #expect(expr == .unaryMinus(.binary(.pow, lhs: .number(2), rhs: .number(2), matching: nil, returnBool: false)))
    }
}
