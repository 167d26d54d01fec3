@testable import PeriscopeAlerting

/// Helpers shared by the Syntax tests.
enum SyntaxTestSupport {
    /// The expression with every selector's matchers sorted and NaN literals replaced by a marker,
    /// so that equality ignores matcher order (which the printer normalises) and NaN != NaN.
    static func normalized(_ expr: Expr) -> Expr {
        switch expr {
        case .number(let value): return value.isNaN ? .call(function: "<NaN>", args: []) : expr
        case .string: return expr
        case .vectorSelector(let selector): return .vectorSelector(sorted(selector))
        case .matrixSelector(let selector, let range): return .matrixSelector(sorted(selector), range: range)
        case .subquery(let inner, let range, let step, let offset):
            return .subquery(normalized(inner), range: range, step: step, offset: offset)
        case .call(let function, let args): return .call(function: function, args: args.map(normalized))
        case .aggregate(let op, let param, let grouping, let inner):
            return .aggregate(op, param: param.map(normalized), grouping: grouping, expr: normalized(inner))
        case .binary(let op, let lhs, let rhs, let matching, let returnBool):
            return .binary(op, lhs: normalized(lhs), rhs: normalized(rhs), matching: matching, returnBool: returnBool)
        case .unaryMinus(let operand): return .unaryMinus(normalized(operand))
        case .paren(let inner): return .paren(normalized(inner))
        }
    }

    private static func sorted(_ selector: VectorSelector) -> VectorSelector {
        var copy = selector
        copy.matchers.sort { "\($0)" < "\($1)" }
        return copy
    }

    /// A fully parenthesised rendering that shows how operators grouped: `(a + (b * c))`, `(-x)`,
    /// `[x]` for written parentheses.
    static func tree(_ expr: Expr) -> String {
        switch expr {
        case .binary(let op, let lhs, let rhs, _, let returnBool):
            return "(\(tree(lhs)) \(op.rawValue)\(returnBool ? " bool" : "") \(tree(rhs)))"
        case .unaryMinus(let operand): return "(-\(tree(operand)))"
        case .paren(let inner): return "[\(tree(inner))]"
        default: return expr.description
        }
    }

    static func parseError(_ input: String) -> PromQLParseError? {
        do {
            _ = try PromQL.parse(input)
            return nil
        } catch {
            return error
        }
    }

    static func selector(
        _ name: String?, _ matchers: [(LabelMatcher.Kind, String, String)] = [], offset: Int64 = 0, at: Int64? = nil
    ) -> VectorSelector {
        var all = matchers.map { try! LabelMatcher($0.0, $0.1, $0.2) }
        if let name { all.append(try! LabelMatcher(.equal, "__name__", name)) }
        return VectorSelector(name: name, matchers: all, offset: offset, at: at)
    }

    static func metric(_ name: String) -> Expr { .vectorSelector(selector(name)) }
}
