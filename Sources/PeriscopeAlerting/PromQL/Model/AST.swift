/// A parsed PromQL expression (the subset Periscope evaluates).
public indirect enum Expr: Sendable, Equatable {
    case number(Double)
    case string(String)
    case vectorSelector(VectorSelector)
    /// `selector[range]`; `range` in milliseconds.
    case matrixSelector(VectorSelector, range: Int64)
    /// `expr[range:step]`; `step` nil means the default resolution. Milliseconds.
    case subquery(Expr, range: Int64, step: Int64?, offset: Int64)
    case call(function: String, args: [Expr])
    case aggregate(AggregateOp, param: Expr?, grouping: Grouping, expr: Expr)
    case binary(BinaryOp, lhs: Expr, rhs: Expr, matching: VectorMatching?, returnBool: Bool)
    case unaryMinus(Expr)
    case paren(Expr)
}

/// `name{matchers} offset d`.
public struct VectorSelector: Sendable, Equatable {
    /// The metric name as written before `{`, or nil for `{__name__=...}` forms.
    public var name: String?
    /// All matchers, including a `__name__` equality matcher for `name` when it was given.
    public var matchers: [LabelMatcher]
    /// Milliseconds; positive looks back in time.
    public var offset: Int64
    /// `@ <timestamp>` in milliseconds, if given (`@ start()`/`@ end()` resolve to the eval time).
    public var at: Int64?

    public init(name: String?, matchers: [LabelMatcher], offset: Int64 = 0, at: Int64? = nil) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
    }
}

public enum AggregateOp: String, Sendable, CaseIterable {
    case sum, avg, min, max, count, group, stddev, stdvar, topk, bottomk, quantile
    case countValues = "count_values"
}

/// `by (...)` / `without (...)` / nothing.
public enum Grouping: Sendable, Equatable {
    case none
    case by([String])
    case without([String])
}

public enum BinaryOp: String, Sendable, CaseIterable {
    case add = "+"
    case sub = "-"
    case mul = "*"
    case div = "/"
    case mod = "%"
    case pow = "^"
    case atan2
    case eql = "=="
    case neq = "!="
    case gtr = ">"
    case lss = "<"
    case gte = ">="
    case lte = "<="
    case and, or, unless

    public var isComparison: Bool {
        switch self {
        case .eql, .neq, .gtr, .lss, .gte, .lte: true
        default: false
        }
    }

    public var isSetOperator: Bool {
        switch self {
        case .and, .or, .unless: true
        default: false
        }
    }
}

/// `on(...)`/`ignoring(...)` and `group_left(...)`/`group_right(...)`.
public struct VectorMatching: Sendable, Equatable {
    public enum Cardinality: Sendable, Equatable {
        case oneToOne, manyToOne, oneToMany, manyToMany
    }

    public var cardinality: Cardinality
    /// The labels in `on(...)` (when `on` is true) or `ignoring(...)`.
    public var matchingLabels: [String]
    /// True for `on`, false for `ignoring` (or no clause: ignoring nothing).
    public var on: Bool
    /// The extra labels named in `group_left(...)`/`group_right(...)`.
    public var include: [String]

    public init(cardinality: Cardinality, matchingLabels: [String], on: Bool, include: [String]) {
        self.cardinality = cardinality
        self.matchingLabels = matchingLabels
        self.on = on
        self.include = include
    }
}
