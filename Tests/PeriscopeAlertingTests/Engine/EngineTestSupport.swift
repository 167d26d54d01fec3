import Foundation
import Testing

@testable import PeriscopeAlerting

/// Hand-built expressions and promtool-style input series for the engine tests (independent of the parser).
enum PQL {
    static func sel(_ name: String?, _ labels: [(String, String)] = [], offset: Int64 = 0, at: Int64? = nil) -> Expr {
        .vectorSelector(selector(name, labels, offset: offset, at: at))
    }

    static func selector(_ name: String?, _ labels: [(String, String)] = [], offset: Int64 = 0, at: Int64? = nil)
        -> VectorSelector
    {
        var matchers = labels.map { try! LabelMatcher(.equal, $0.0, $0.1) }
        if let name { matchers.insert(try! LabelMatcher(.equal, Labels.metricName, name), at: 0) }
        return VectorSelector(name: name, matchers: matchers, offset: offset, at: at)
    }

    static func matchers(_ name: String?, _ matchers: [LabelMatcher], offset: Int64 = 0) -> Expr {
        var all = matchers
        if let name { all.insert(try! LabelMatcher(.equal, Labels.metricName, name), at: 0) }
        return .vectorSelector(VectorSelector(name: name, matchers: all, offset: offset))
    }

    static func range(
        _ name: String, _ range: Int64, labels: [(String, String)] = [], offset: Int64 = 0, at: Int64? = nil
    ) -> Expr {
        .matrixSelector(selector(name, labels, offset: offset, at: at), range: range)
    }

    static func call(_ function: String, _ args: Expr...) -> Expr { .call(function: function, args: args) }
    static func num(_ value: Double) -> Expr { .number(value) }
    static func str(_ value: String) -> Expr { .string(value) }

    static func agg(_ op: AggregateOp, _ expr: Expr, _ grouping: Grouping = .none, param: Expr? = nil) -> Expr {
        .aggregate(op, param: param, grouping: grouping, expr: expr)
    }

    static func bin(_ op: BinaryOp, _ lhs: Expr, _ rhs: Expr, _ matching: VectorMatching? = nil, bool: Bool = false)
        -> Expr
    {
        .binary(op, lhs: lhs, rhs: rhs, matching: matching, returnBool: bool)
    }

    static func on(_ labels: String..., card: VectorMatching.Cardinality = .oneToOne, include: [String] = [])
        -> VectorMatching
    {
        VectorMatching(cardinality: card, matchingLabels: labels, on: true, include: include)
    }

    static func ignoring(_ labels: String..., card: VectorMatching.Cardinality = .oneToOne, include: [String] = [])
        -> VectorMatching
    {
        VectorMatching(cardinality: card, matchingLabels: labels, on: false, include: include)
    }
}

/// A promtool-style test fixture: `load(interval) { "x{a=\"1\"}": "0+60x20" }`.
struct EngineFixture {
    let source = MemorySampleSource()

    init(interval: Int64 = 60_000, _ series: KeyValuePairs<String, String>) {
        for (text, values) in series {
            let labels = EngineFixture.parseSeries(text)
            for (index, value) in EngineFixture.expand(values).enumerated() {
                guard let value else { continue }
                self.source.append(labels: labels, t: Int64(index) * interval, v: value)
            }
        }
    }

    /// `name{a="1",b="2"}`, with `\\`, `\"` and `\n` escapes in values.
    static func parseSeries(_ text: String) -> Labels {
        var labels = Labels()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        var name = ""
        while index < scalars.count && scalars[index] != "{" {
            name.unicodeScalars.append(scalars[index])
            index += 1
        }
        if !name.isEmpty { labels[Labels.metricName] = name }
        index += 1
        while index < scalars.count && scalars[index] != "}" {
            var key = ""
            while scalars[index] != "=" {
                if scalars[index] != "," && scalars[index] != " " { key.unicodeScalars.append(scalars[index]) }
                index += 1
            }
            index += 2  // `="`
            var value = ""
            while scalars[index] != "\"" {
                if scalars[index] == "\\" {
                    index += 1
                    value.unicodeScalars.append(scalars[index] == "n" ? "\n" : scalars[index])
                } else {
                    value.unicodeScalars.append(scalars[index])
                }
                index += 1
            }
            index += 1
            while index < scalars.count && (scalars[index] == "," || scalars[index] == " ") { index += 1 }
            labels[key] = value
        }
        return labels
    }

    /// promtool's expanding notation: `a+bxn`, `a-bxn`, `axn`, `_`, `_xn`, `stale`, numbers.
    static func expand(_ text: String) -> [Double?] {
        var out: [Double?] = []
        for token in text.split(separator: " ") {
            if token == "_" {
                out.append(nil)
            } else if token == "stale" {
                out.append(StaleNaN.value)
            } else if token.hasPrefix("_x") {
                out += Array(repeating: nil, count: Int(token.dropFirst(2))!)
            } else if let x = token.lastIndex(of: "x") {
                let count = Int(token[token.index(after: x)...])!
                let head = token[..<x]
                // Find the sign that separates start and step (not a leading sign or an exponent's sign).
                var split: String.Index? = nil
                var index = head.index(after: head.startIndex)
                while index < head.endIndex {
                    if (head[index] == "+" || head[index] == "-") && head[head.index(before: index)] != "e" {
                        split = index
                    }
                    index = head.index(after: index)
                }
                if let split {
                    let start = Double(head[..<split])!
                    let step = Double(head[head.index(after: split)...])! * (head[split] == "-" ? -1 : 1)
                    for i in 0...count { out.append(start + Double(i) * step) }
                } else {
                    out += Array(repeating: Double(head)!, count: count + 1)
                }
            } else {
                out.append(Double(token)!)
            }
        }
        return out
    }

    func eval(_ expr: Expr, at t: Int64, _ semantics: PromQLSemantics = .prometheus2) throws -> QueryValue {
        try PromQLEngine(semantics: semantics).evaluate(expr, at: t, source: self.source)
    }

    /// The vector result as `labels → value` (labels in Prometheus' `{a="1"}` form, name included).
    func vector(_ expr: Expr, at t: Int64, _ semantics: PromQLSemantics = .prometheus2) throws -> [String: Double] {
        guard case .vector(let elements) = try self.eval(expr, at: t, semantics) else {
            Issue.record("not a vector")
            return [:]
        }
        var out: [String: Double] = [:]
        for element in elements { out[element.labels.goDescription] = element.v }
        return out
    }

    /// The single value of a one-element vector result (nil when empty).
    func value(_ expr: Expr, at t: Int64, _ semantics: PromQLSemantics = .prometheus2) throws -> Double? {
        let result = try self.vector(expr, at: t, semantics)
        #expect(result.count <= 1)
        return result.values.first
    }

    func scalar(_ expr: Expr, at t: Int64, _ semantics: PromQLSemantics = .prometheus2) throws -> Double? {
        guard case .scalar(_, let value) = try self.eval(expr, at: t, semantics) else { return nil }
        return value
    }

    /// The message of the evaluation error, or nil when the evaluation succeeds.
    func error(_ expr: Expr, at t: Int64, _ semantics: PromQLSemantics = .prometheus2) -> String? {
        do {
            _ = try self.eval(expr, at: t, semantics)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
