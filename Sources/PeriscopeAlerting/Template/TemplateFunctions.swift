/// A Go parameter type, as far as template argument checking needs it.
enum TemplateParameterType: Sendable {
    /// `interface{}`.
    case any
    /// `reflect.Value`, what Go's comparison and collection builtins take.
    case reflectValue
    case string
    /// `template.queryResult`.
    case queryResult
    /// `*template.sample`.
    case sample

    var goName: String {
        switch self {
        case .any: return "interface {}"
        case .reflectValue: return "reflect.Value"
        case .string: return "string"
        case .queryResult: return "template.queryResult"
        case .sample: return "*template.sample"
        }
    }

    /// The zero value `nil` converts to, or nil when the type cannot be nil.
    var nilValue: TemplateValue? {
        switch self {
        case .any, .reflectValue: return .noValue
        case .string: return nil
        case .queryResult: return .queryResult([])
        case .sample: return .sample(nil)
        }
    }
}

/// A function's error result (Go's `error`), reported as `error calling <name>: <message>`.
struct TemplateFunctionError: Error {
    var message: String

    init(_ message: String) { self.message = message }
}

/// What functions can reach besides their arguments.
struct TemplateFunctionContext {
    var data: TemplateData
}

/// A template function: its Go signature and its body.
struct TemplateFunction: Sendable {
    var parameters: [TemplateParameterType]
    /// The element type of a final `...T` parameter.
    var variadic: TemplateParameterType?
    var body: @Sendable (TemplateFunctionContext, [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue

    init(
        _ parameters: [TemplateParameterType],
        variadic: TemplateParameterType? = nil,
        _ body:
            @escaping @Sendable (TemplateFunctionContext, [TemplateValue]) throws(TemplateFunctionError) ->
            TemplateValue
    ) {
        self.parameters = parameters
        self.variadic = variadic
        self.body = body
    }
}

/// Every function an alert template can call: Go's builtins and Prometheus 2.42's.
enum TemplateFunctions {
    static let table: [String: TemplateFunction] = builtins.merging(PrometheusTemplateFunctions.table) {
        _, prometheus in
        prometheus
    }

    static let names = Set(table.keys)

    /// Go's `text/template` builtins. `and` and `or` are evaluated lazily by the executor.
    static let builtins: [String: TemplateFunction] = [
        "and": TemplateFunction([.reflectValue], variadic: .reflectValue) { _, args in args.last ?? .noValue },
        "or": TemplateFunction([.reflectValue], variadic: .reflectValue) { _, args in args.last ?? .noValue },
        "not": TemplateFunction([.reflectValue]) { _, args in .bool(!args[0].isTrue) },
        "len": TemplateFunction([.reflectValue]) { _, args throws(TemplateFunctionError) in try length(args[0]) },
        "index": TemplateFunction([.reflectValue], variadic: .reflectValue) { _, args throws(TemplateFunctionError) in
            try index(args[0], Array(args.dropFirst()))
        },
        "slice": TemplateFunction([.reflectValue], variadic: .reflectValue) { _, args throws(TemplateFunctionError) in
            try slice(args[0], Array(args.dropFirst()))
        },
        "call": TemplateFunction([.reflectValue], variadic: .reflectValue) { _, args throws(TemplateFunctionError) in
            guard let typeName = args[0].typeName else { throw TemplateFunctionError("call of nil") }
            throw TemplateFunctionError("non-function of type \(typeName)")
        },
        "print": TemplateFunction([], variadic: .any) { _, args in .string(GoFmt.sprint(args)) },
        "println": TemplateFunction([], variadic: .any) { _, args in .string(GoFmt.sprintln(args)) },
        "printf": TemplateFunction([.string], variadic: .any) { _, args in
            .string(GoFmt.sprintf(args[0].stringValue ?? "", Array(args.dropFirst())))
        },
        "html": TemplateFunction([], variadic: .any) { _, args in .string(GoText.htmlEscape(evalArgs(args))) },
        "js": TemplateFunction([], variadic: .any) { _, args in .string(GoText.jsEscape(evalArgs(args))) },
        "urlquery": TemplateFunction([], variadic: .any) { _, args in .string(GoText.queryEscape(evalArgs(args))) },
        "eq": TemplateFunction([.reflectValue], variadic: .reflectValue) { _, args throws(TemplateFunctionError) in
            .bool(try equal(args[0], Array(args.dropFirst())))
        },
        "ne": TemplateFunction([.reflectValue, .reflectValue]) { _, args throws(TemplateFunctionError) in
            .bool(!(try equal(args[0], [args[1]])))
        },
        "lt": TemplateFunction([.reflectValue, .reflectValue]) { _, args throws(TemplateFunctionError) in
            .bool(try less(args[0], args[1]))
        },
        "le": TemplateFunction([.reflectValue, .reflectValue]) { _, args throws(TemplateFunctionError) in
            .bool(try lessOrEqual(args[0], args[1]))
        },
        "gt": TemplateFunction([.reflectValue, .reflectValue]) { _, args throws(TemplateFunctionError) in
            .bool(!(try lessOrEqual(args[0], args[1])))
        },
        "ge": TemplateFunction([.reflectValue, .reflectValue]) { _, args throws(TemplateFunctionError) in
            .bool(!(try less(args[0], args[1])))
        },
    ]

    /// The string `html`, `js` and `urlquery` work on: a lone string as is, otherwise
    /// `fmt.Sprint` of the printable values.
    static func evalArgs(_ args: [TemplateValue]) -> String {
        if args.count == 1, case .string(let text) = args[0] { return text }
        return GoFmt.sprint(args.map(GoFmt.printable))
    }

    // MARK: - Collections

    static func length(_ item: TemplateValue) throws(TemplateFunctionError) -> TemplateValue {
        if item.isNilPointer { throw TemplateFunctionError("len of nil pointer") }
        switch item.indirected {
        case .string(let text), .html(let text): return .int(text.utf8.count)
        case .stringMap(let map): return .int(map.count)
        case .anyMap(let map): return .int(map.count)
        case .queryResult(let samples): return .int(samples.count)
        case .noValue: throw TemplateFunctionError("reflect: call of reflect.Value.Type on zero Value")
        case let other: throw TemplateFunctionError("len of type \(other.typeName ?? "<nil>")")
        }
    }

    /// Go's `indexArg`: an integer index within `0...capacity`.
    private static func indexArgument(_ index: TemplateValue, capacity: Int) throws(TemplateFunctionError) -> Int {
        let position: Int
        switch index {
        case .int(let value): position = value
        case .byte(let value): position = Int(value)
        case .noValue: throw TemplateFunctionError("cannot index slice/array with nil")
        default: throw TemplateFunctionError("cannot index slice/array with type \(index.typeName ?? "<nil>")")
        }
        if position < 0 || position > capacity { throw TemplateFunctionError("index out of range: \(position)") }
        return position
    }

    private static func mapKey(_ index: TemplateValue) throws(TemplateFunctionError) -> String {
        switch index {
        case .string(let key): return key
        case .noValue: throw TemplateFunctionError("value is nil; should be of type string")
        default: throw TemplateFunctionError("value has type \(index.typeName ?? "<nil>"); should be string")
        }
    }

    static func index(_ start: TemplateValue, _ indexes: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue
    {
        if case .noValue = start { throw TemplateFunctionError("index of untyped nil") }
        var item = start
        for index in indexes {
            if item.isNilPointer { throw TemplateFunctionError("index of nil pointer") }
            item = item.indirected
            switch item {
            case .string(let text), .html(let text):
                let bytes = Array(text.utf8)
                let position = try indexArgument(index, capacity: bytes.count)
                if position == bytes.count { throw TemplateFunctionError("reflect: string index out of range") }
                item = .byte(bytes[position])
            case .queryResult(let samples):
                let position = try indexArgument(index, capacity: samples.count)
                if position == samples.count { throw TemplateFunctionError("reflect: slice index out of range") }
                item = .sample(samples[position])
            case .stringMap(let map):
                item = .string(map[try mapKey(index)] ?? "")
            case .anyMap(let map):
                item = map[try mapKey(index)] ?? .noValue
            default:
                throw TemplateFunctionError("can't index item of type \(item.typeName ?? "<nil>")")
            }
        }
        return item
    }

    static func slice(_ item: TemplateValue, _ indexes: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue
    {
        if case .noValue = item { throw TemplateFunctionError("slice of untyped nil") }
        if indexes.count > 3 { throw TemplateFunctionError("too many slice indexes: \(indexes.count)") }
        let capacity: Int
        switch item {
        case .string(let text), .html(let text):
            if indexes.count == 3 { throw TemplateFunctionError("cannot 3-index slice a string") }
            capacity = text.utf8.count
        case .queryResult(let samples):
            capacity = samples.count
        default:
            throw TemplateFunctionError("can't slice item of type \(item.typeName ?? "<nil>")")
        }
        var bounds = [0, capacity, capacity]
        for (position, index) in indexes.enumerated() {
            bounds[position] = try indexArgument(index, capacity: capacity)
        }
        if bounds[0] > bounds[1] { throw TemplateFunctionError("invalid slice index: \(bounds[0]) > \(bounds[1])") }
        if indexes.count == 3 && bounds[1] > bounds[2] {
            throw TemplateFunctionError("invalid slice index: \(bounds[1]) > \(bounds[2])")
        }
        switch item {
        case .string(let text):
            return .string(String(decoding: Array(text.utf8)[bounds[0]..<bounds[1]], as: UTF8.self))
        case .html(let text):
            return .html(String(decoding: Array(text.utf8)[bounds[0]..<bounds[1]], as: UTF8.self))
        case .queryResult(let samples):
            return .queryResult(Array(samples[bounds[0]..<bounds[1]]))
        default:
            return item
        }
    }

    // MARK: - Comparison

    private static func sameBytes(_ lhs: String, _ rhs: String) -> Bool { lhs.utf8.elementsEqual(rhs.utf8) }

    /// Go's `eq`: true when the first argument equals any of the others.
    static func equal(_ first: TemplateValue, _ others: [TemplateValue]) throws(TemplateFunctionError) -> Bool {
        guard !others.isEmpty else { throw TemplateFunctionError("missing argument for comparison") }
        let firstKind = first.basicKind
        for other in others {
            let otherKind = other.basicKind
            var truth = false
            if firstKind != otherKind {
                if firstKind == .int && otherKind == .uint, let lhs = first.intValue, let rhs = other.uintValue {
                    truth = lhs >= 0 && UInt64(lhs) == rhs
                } else if firstKind == .uint && otherKind == .int, let lhs = first.uintValue, let rhs = other.intValue {
                    truth = rhs >= 0 && lhs == UInt64(rhs)
                } else if first.typeName != nil && other.typeName != nil {
                    throw TemplateFunctionError("incompatible types for comparison")
                }
            } else {
                switch (first, other) {
                case (.bool(let lhs), .bool(let rhs)): truth = lhs == rhs
                case (.float(let lhs), .float(let rhs)): truth = lhs == rhs
                case (.int(let lhs), .int(let rhs)): truth = lhs == rhs
                case (.byte(let lhs), .byte(let rhs)): truth = lhs == rhs
                case _ where firstKind == .string:
                    truth = sameBytes(first.stringValue ?? "", other.stringValue ?? "")
                default:
                    truth = try equalOther(first, other)
                }
            }
            if truth { return true }
        }
        return false
    }

    /// `eq` of values that are not basic kinds: nils compare equal to nils, pointers by target.
    private static func equalOther(_ lhs: TemplateValue, _ rhs: TemplateValue) throws(TemplateFunctionError) -> Bool {
        let lhsNil = lhs.typeName == nil || lhs.isNilPointer
        let rhsNil = rhs.typeName == nil || rhs.isNilPointer
        if lhsNil || rhsNil {
            if lhs.typeName != nil && rhs.typeName != nil && lhs.typeName != rhs.typeName {
                throw TemplateFunctionError(
                    "non-comparable types \(GoFmt.string(lhs)): \(lhs.typeName ?? ""), \(rhs.typeName ?? ""): \(GoFmt.string(rhs))"
                )
            }
            return lhsNil == rhsNil
        }
        if lhs.typeName != rhs.typeName {
            throw TemplateFunctionError(
                "non-comparable types \(GoFmt.string(lhs)): \(lhs.typeName ?? ""), \(rhs.typeName ?? ""): \(GoFmt.string(rhs))"
            )
        }
        switch (lhs, rhs) {
        case (.sample(let left), .sample(let right)): return left == right
        case (.time(let left), .time(let right)): return left == right
        case (.timeValue(let left), .timeValue(let right)): return left == right
        default: throw TemplateFunctionError("non-comparable type \(GoFmt.string(rhs)): \(rhs.typeName ?? "")")
        }
    }

    /// Go's `lt`.
    static func less(_ lhs: TemplateValue, _ rhs: TemplateValue) throws(TemplateFunctionError) -> Bool {
        let lhsKind = lhs.basicKind
        let rhsKind = rhs.basicKind
        if lhsKind == .other || rhsKind == .other { throw TemplateFunctionError("invalid type for comparison") }
        if lhsKind != rhsKind {
            if lhsKind == .int && rhsKind == .uint, let left = lhs.intValue, let right = rhs.uintValue {
                return left < 0 || UInt64(left) < right
            }
            if lhsKind == .uint && rhsKind == .int, let left = lhs.uintValue, let right = rhs.intValue {
                return right >= 0 && left < UInt64(right)
            }
            throw TemplateFunctionError("incompatible types for comparison")
        }
        switch (lhs, rhs) {
        case (.float(let left), .float(let right)): return left < right
        case (.int(let left), .int(let right)): return left < right
        case (.byte(let left), .byte(let right)): return left < right
        case _ where lhsKind == .string: return goStringLess(lhs.stringValue ?? "", rhs.stringValue ?? "")
        default: throw TemplateFunctionError("invalid type for comparison")
        }
    }

    /// Go's `le`: `lt` or `eq` (so `gt`, its negation, is true for NaN, as in Go).
    static func lessOrEqual(_ lhs: TemplateValue, _ rhs: TemplateValue) throws(TemplateFunctionError) -> Bool {
        if try less(lhs, rhs) { return true }
        return try equal(lhs, [rhs])
    }
}
