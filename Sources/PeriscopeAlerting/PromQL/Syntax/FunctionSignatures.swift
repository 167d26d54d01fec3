/// The static type of a PromQL expression (Prometheus' `ValueType`).
public enum PromQLType: String, Sendable, CaseIterable {
    /// A single number (`1`, `time()`, `scalar(x)`).
    case scalar
    /// An instant vector (`x`, `rate(x[5m])`, `sum(x)`).
    case vector
    /// A range vector (`x[5m]`, `expr[30m:1m]`).
    case matrix
    /// A string literal.
    case string

    /// The name Prometheus uses in type errors: `scalar`, `instant vector`, `range vector`, `string`.
    public var documentedName: String {
        switch self {
        case .scalar: "scalar"
        case .vector: "instant vector"
        case .matrix: "range vector"
        case .string: "string"
        }
    }
}

/// The signature of a PromQL function, as Prometheus 2.42's function table declares it.
public struct PromQLFunction: Sendable, Equatable {
    /// The name as called, e.g. `rate`.
    public let name: String
    /// The declared argument types. With `variadic != 0` the last one may be left out, and with
    /// `variadic == -1` it may also repeat.
    public let argumentTypes: [PromQLType]
    /// Prometheus' `Variadic`: 0 = exactly `argumentTypes.count` arguments; n > 0 = between
    /// `argumentTypes.count - 1` and `argumentTypes.count - 1 + n`; -1 = at least
    /// `argumentTypes.count - 1`, no upper limit.
    public let variadic: Int
    /// The type of a call's result.
    public let returnType: PromQLType

    /// A signature; see the properties for the meaning of `variadic`.
    public init(name: String, argumentTypes: [PromQLType], variadic: Int = 0, returnType: PromQLType) {
        self.name = name
        self.argumentTypes = argumentTypes
        self.variadic = variadic
        self.returnType = returnType
    }

    /// The fewest arguments a call may pass.
    public var minimumArguments: Int { variadic == 0 ? argumentTypes.count : argumentTypes.count - 1 }

    /// The most arguments a call may pass, or nil for no limit.
    public var maximumArguments: Int? {
        switch variadic {
        case 0: argumentTypes.count
        case ..<0: nil
        default: argumentTypes.count - 1 + variadic
        }
    }

    /// The declared type of argument `index` (repeating the last type for variadic functions), or
    /// nil past the end of a fixed signature.
    public func argumentType(at index: Int) -> PromQLType? {
        if index < argumentTypes.count { return argumentTypes[index] }
        return variadic == 0 ? nil : argumentTypes.last
    }

    /// The function called `name` (case-sensitive, as in Prometheus), or nil.
    public static func named(_ name: String) -> PromQLFunction? { table[name] }

    /// Every function Prometheus 2.42 knows, by name.
    public static let table: [String: PromQLFunction] = {
        var table: [String: PromQLFunction] = [:]
        func add(_ names: [String], _ arguments: [PromQLType], variadic: Int = 0, returns: PromQLType = .vector) {
            for name in names {
                table[name] = PromQLFunction(
                    name: name, argumentTypes: arguments, variadic: variadic, returnType: returns)
            }
        }
        add(
            [
                "abs", "absent", "ceil", "exp", "floor", "ln", "log10", "log2", "sgn", "sqrt", "timestamp", "sort",
                "sort_desc", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan",
                "tanh", "deg", "rad", "histogram_count", "histogram_sum",
            ], [.vector])
        add(
            [
                "rate", "irate", "increase", "delta", "idelta", "resets", "changes", "deriv", "absent_over_time",
                "avg_over_time", "sum_over_time", "min_over_time", "max_over_time", "count_over_time",
                "last_over_time", "stddev_over_time", "stdvar_over_time", "present_over_time",
            ], [.matrix])
        add(["predict_linear"], [.matrix, .scalar])
        add(["quantile_over_time"], [.scalar, .matrix])
        add(["holt_winters"], [.matrix, .scalar, .scalar])
        add(["histogram_quantile"], [.scalar, .vector])
        add(["histogram_fraction"], [.scalar, .scalar, .vector])
        add(["clamp"], [.vector, .scalar, .scalar])
        add(["clamp_min", "clamp_max"], [.vector, .scalar])
        add(["round"], [.vector, .scalar], variadic: 1)
        add(
            ["minute", "hour", "day_of_week", "day_of_month", "day_of_year", "days_in_month", "month", "year"],
            [.vector], variadic: 1)
        add(["scalar"], [.vector], returns: .scalar)
        add(["vector"], [.scalar])
        add(["time", "pi"], [], returns: .scalar)
        add(["label_replace"], [.vector, .string, .string, .string, .string])
        add(["label_join"], [.vector, .string, .string, .string], variadic: -1)
        return table
    }()
}
