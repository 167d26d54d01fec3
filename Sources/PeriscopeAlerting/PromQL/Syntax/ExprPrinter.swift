/// Prints expressions in Prometheus' canonical form (`expr.String()`, which `/api/v1/rules` shows as
/// a rule's `query`).
///
/// Like Prometheus, the printer adds no parentheses of its own (``Expr/paren(_:)`` keeps the ones
/// that were written) and sorts a selector's matchers, so `PromQL.parse(e.description)` gives back
/// `e` up to the order of label matchers. One deliberate difference: `ignoring () group_left` is
/// printed in full, where Prometheus 2.42 drops it.
extension Expr: CustomStringConvertible {
    public var description: String {
        switch self {
        case .number(let value):
            return GoFloat.format(value, .g)
        case .string(let value):
            return GoQuote.quote(value)
        case .vectorSelector(let selector):
            return ExprPrinter.selector(selector) + ExprPrinter.modifiers(at: selector.at, offset: selector.offset)
        case .matrixSelector(let selector, let range):
            return ExprPrinter.selector(selector) + "[\(DurationLiteral.format(range))]"
                + ExprPrinter.modifiers(at: selector.at, offset: selector.offset)
        case .subquery(let inner, let range, let step, let offset):
            let step = step.map(DurationLiteral.format) ?? ""
            return "\(inner)[\(DurationLiteral.format(range)):\(step)]" + ExprPrinter.modifiers(at: nil, offset: offset)
        case .call(let function, let args):
            return "\(function)(\(args.map(\.description).joined(separator: ", ")))"
        case .aggregate(let op, let param, let grouping, let expr):
            var out = op.rawValue
            switch grouping {
            case .by(let labels) where !labels.isEmpty: out += " by (\(labels.joined(separator: ", "))) "
            case .without(let labels): out += " without (\(labels.joined(separator: ", "))) "
            default: break
            }
            out += "("
            if let param { out += "\(param), " }
            return out + "\(expr))"
        case .binary(let op, let lhs, let rhs, let matching, let returnBool):
            let bool = returnBool ? " bool" : ""
            return "\(lhs) \(op.rawValue)\(bool)\(ExprPrinter.matching(matching)) \(rhs)"
        case .unaryMinus(let operand):
            return "-\(operand)"
        case .paren(let inner):
            return "(\(inner))"
        }
    }
}

enum ExprPrinter {
    /// `name{matchers}` without the matcher for `name`, matchers sorted as Prometheus sorts them.
    static func selector(_ selector: VectorSelector) -> String {
        let name = selector.name ?? ""
        let matchers = selector.matchers
            .filter { !($0.name == Labels.metricName && $0.kind == .equal && $0.value == name) }
            .map { "\($0.name)\($0.kind.rawValue)\(GoQuote.quote($0.value))" }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return matchers.isEmpty ? name : "\(name){\(matchers.joined(separator: ","))}"
    }

    /// ` @ 123.400` / ` @ start()` / ` @ end()`, then ` offset 5m` / ` offset -5m`.
    static func modifiers(at: Int64?, offset: Int64) -> String {
        var out = ""
        switch at {
        case nil: break
        case VectorSelector.atStart: out += " @ start()"
        case VectorSelector.atEnd: out += " @ end()"
        case let milliseconds?:
            let magnitude = milliseconds.magnitude
            let fraction = String(magnitude % 1000)
            out +=
                " @ \(milliseconds < 0 ? "-" : "")\(magnitude / 1000)."
                + String(repeating: "0", count: 3 - fraction.count) + fraction
        }
        if offset != 0 { out += " offset \(DurationLiteral.format(offset))" }
        return out
    }

    /// ` on (a, b) group_left (c)` and the like; nothing for plain one-to-one or many-to-many
    /// matching.
    static func matching(_ matching: VectorMatching?) -> String {
        guard let matching else { return "" }
        let grouped = matching.cardinality == .manyToOne || matching.cardinality == .oneToMany
        guard matching.on || !matching.matchingLabels.isEmpty || grouped else { return "" }
        var out = " \(matching.on ? "on" : "ignoring") (\(matching.matchingLabels.joined(separator: ", ")))"
        if grouped {
            let side = matching.cardinality == .manyToOne ? "left" : "right"
            out += " group_\(side) (\(matching.include.joined(separator: ", ")))"
        }
        return out
    }
}
