@testable import PeriscopeAlerting

/// A deterministic generator of well-typed expressions in the shape the parser produces
/// (parentheses wherever printing would otherwise regroup), for the round-trip property.
struct RandomExpressions {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    private mutating func next() -> UInt64 {
        // SplitMix64.
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private mutating func int(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    private mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    private mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    private static let metricNames = [
        "x", "up", "http_requests_total", "job:req:rate5m", "sum", "and", "offset", "by", "count", "start",
    ]
    private static let labelNames = ["a", "job", "le", "on", "bool", "group_left", "sum", "offset", "_x", "A9"]
    private static let labelValues = [
        "", "v", "5..", "a\"b", "line\nbreak", "tab\t", "é", "\u{7}", "back\\slash", "it's",
    ]
    private static let numbers: [Double] = [0, 1, 2, 0.5, 1e-7, 123_456_789, 1e21, 0.1, 100, .infinity, 3.25]
    private static let durations: [Int64] = [
        1, 500, 1000, 60_000, 90_000, 300_000, 3_600_000, 5_400_000, 86_400_000, 604_800_000, 31_536_000_000,
    ]

    mutating func expression(_ type: PromQLType, depth: Int = 0) -> Expr {
        let leaf = depth >= 4 || chance(25)
        switch type {
        case .string: return .string(pick(Self.labelValues))
        case .scalar:
            if leaf { return .number(pick(Self.numbers)) }
            switch int(5) {
            case 0: return .number(pick(Self.numbers))
            case 1: return .paren(expression(.scalar, depth: depth + 1))
            case 2: return call(returning: .scalar, depth: depth)
            case 3: return unary(.scalar, depth: depth)
            default: return binary(.scalar, depth: depth)
            }
        case .matrix:
            if leaf || chance(60) { return .matrixSelector(selector(), range: pick(Self.durations)) }
            let inner = primary(expression(.vector, depth: depth + 1))
            let offset: Int64 = chance(30) ? pick(Self.durations) * (chance(50) ? 1 : -1) : 0
            return .subquery(
                inner, range: pick(Self.durations), step: chance(50) ? pick(Self.durations) : nil, offset: offset)
        case .vector:
            if leaf { return .vectorSelector(selector()) }
            switch int(6) {
            case 0: return .vectorSelector(selector())
            case 1: return .paren(expression(.vector, depth: depth + 1))
            case 2: return call(returning: .vector, depth: depth)
            case 3: return aggregate(depth: depth)
            case 4: return unary(.vector, depth: depth)
            default: return binary(.vector, depth: depth)
            }
        }
    }

    private mutating func selector() -> VectorSelector {
        let name: String? = chance(80) ? pick(Self.metricNames) : nil
        var matchers: [LabelMatcher] = []
        for _ in 0..<int(3) {
            let kind = pick([LabelMatcher.Kind.equal, .notEqual, .regex, .notRegex])
            let value =
                kind == .regex || kind == .notRegex ? pick(["a.*", "5..", ".+", "x|y"]) : pick(Self.labelValues)
            matchers.append(try! LabelMatcher(kind, pick(Self.labelNames), value))
        }
        if name == nil { matchers.append(try! LabelMatcher(.equal, "__name__", pick(Self.metricNames))) }
        matchers.sort {
            "\($0.name)\($0.kind.rawValue)\(GoQuote.quote($0.value))".utf8.lexicographicallyPrecedes(
                "\($1.name)\($1.kind.rawValue)\(GoQuote.quote($1.value))".utf8)
        }
        if let name { matchers.append(try! LabelMatcher(.equal, "__name__", name)) }
        let offset: Int64 = chance(25) ? pick(Self.durations) * (chance(50) ? 1 : -1) : 0
        let at: Int64? =
            chance(20)
            ? pick([VectorSelector.atStart, VectorSelector.atEnd, 0, 1_609_746_000_000, -5000, 123_400]) : nil
        return VectorSelector(name: name, matchers: matchers, offset: offset, at: at)
    }

    /// Wraps what printing would not keep together as the operand of a postfix `[...]`.
    private func primary(_ expr: Expr) -> Expr {
        switch expr {
        case .binary, .unaryMinus, .number: .paren(expr)
        default: expr
        }
    }

    private mutating func call(returning type: PromQLType, depth: Int) -> Expr {
        let candidates = PromQLFunction.table.values.filter { $0.returnType == type }.sorted { $0.name < $1.name }
        let function = pick(candidates)
        var count = function.minimumArguments
        if let maximum = function.maximumArguments, maximum > count, chance(50) { count = maximum }
        if function.maximumArguments == nil { count += int(3) }
        let args = (0..<count).map { expression(function.argumentType(at: $0)!, depth: depth + 1) }
        return .call(function: function.name, args: args)
    }

    private mutating func aggregate(depth: Int) -> Expr {
        let op = pick(AggregateOp.allCases)
        let param: Expr? =
            switch op {
            case .topk, .bottomk, .quantile: expression(.scalar, depth: depth + 1)
            case .countValues: .string(pick(["value", "v"]))
            default: nil
            }
        let labels = (0..<(1 + int(3))).map { _ in pick(Self.labelNames) }
        let grouping: Grouping = pick([.none, .by(labels), .without(labels), .without([])])
        return .aggregate(op, param: param, grouping: grouping, expr: expression(.vector, depth: depth + 1))
    }

    private mutating func unary(_ type: PromQLType, depth: Int) -> Expr {
        var operand = expression(type, depth: depth + 1)
        switch operand {
        case .number: operand = .paren(operand)  // `-1` would fold into the literal.
        case .binary(let op, _, _, _, _) where op != .pow: operand = .paren(operand)
        default: break
        }
        return .unaryMinus(operand)
    }

    private static func precedence(_ op: BinaryOp) -> Int {
        switch op {
        case .or: 1
        case .and, .unless: 2
        case .eql, .neq, .gtr, .lss, .gte, .lte: 3
        case .add, .sub: 4
        case .mul, .div, .mod, .atan2: 5
        case .pow: 6
        }
    }

    private mutating func binary(_ type: PromQLType, depth: Int) -> Expr {
        var op = pick(BinaryOp.allCases)
        let leftType: PromQLType
        let rightType: PromQLType
        if type == .scalar {
            if op.isSetOperator { op = .add }
            (leftType, rightType) = (.scalar, .scalar)
        } else if op.isSetOperator {
            (leftType, rightType) = (.vector, .vector)
        } else {
            (leftType, rightType) = pick([(.vector, .vector), (.vector, .scalar), (.scalar, .vector)])
        }
        let returnBool = op.isComparison && (type == .scalar || chance(40))
        var matching: VectorMatching?
        if leftType == .vector && rightType == .vector {
            let labels = (0..<int(3)).map { _ in pick(Self.labelNames) }
            var cardinality: VectorMatching.Cardinality = op.isSetOperator ? .manyToMany : .oneToOne
            var on = chance(50)
            var include: [String] = []
            if !op.isSetOperator && chance(30) {
                cardinality = chance(50) ? .manyToOne : .oneToMany
                include = (0..<int(3)).map { _ in pick(["team", "owner", "x"]) }.filter { !(on && labels.contains($0)) }
            }
            if labels.isEmpty && !on && cardinality == .oneToOne && chance(50) { on = false }
            matching = VectorMatching(cardinality: cardinality, matchingLabels: labels, on: on, include: include)
        }
        let precedence = Self.precedence(op)
        var lhs = expression(leftType, depth: depth + 1)
        var rhs = expression(rightType, depth: depth + 1)
        if case .binary(let inner, _, _, _, _) = lhs {
            let innerPrecedence = Self.precedence(inner)
            if innerPrecedence < precedence || (innerPrecedence == precedence && op == .pow) { lhs = .paren(lhs) }
        }
        if case .unaryMinus = lhs, op == .pow { lhs = .paren(lhs) }
        if case .binary(let inner, _, _, _, _) = rhs {
            let innerPrecedence = Self.precedence(inner)
            if innerPrecedence < precedence || (innerPrecedence == precedence && op != .pow) { rhs = .paren(rhs) }
        }
        return .binary(op, lhs: lhs, rhs: rhs, matching: matching, returnBool: returnBool)
    }
}
