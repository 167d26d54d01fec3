/// The node execution is at, for error messages (Go's `state.at`).
enum TemplateExecutionSite {
    case node(TemplateNode)
    case pipe(TemplatePipeNode)
    case command(TemplateCommandNode)
    case argument(TemplateArgumentNode)

    var position: Int {
        switch self {
        case .node(let node): return node.position
        case .pipe(let pipe): return pipe.position
        case .command(let command): return command.position
        case .argument(let argument): return argument.position
        }
    }

    var description: String {
        switch self {
        case .node(let node): return node.description
        case .pipe(let pipe): return pipe.description
        case .command(let command): return command.description
        case .argument(let argument): return argument.description
        }
    }
}

/// How execution stops early: an error, or `{{break}}`/`{{continue}}` unwinding to their range.
enum TemplateExecutionSignal: Error {
    case failure(message: String, site: TemplateExecutionSite?)
    case breakLoop
    case continueLoop
}

/// Go's `text/template` executor (`exec.go`) with `missingkey=zero`, over ``TemplateValue``s.
struct TemplateExecutor {
    private let context: TemplateFunctionContext
    private(set) var output = ""
    private var variables: [(name: String, value: TemplateValue)]
    private var site: TemplateExecutionSite?

    /// Starts with `$` bound to the data and Prometheus' four predeclared variables.
    init(data: TemplateData) {
        context = TemplateFunctionContext(data: data)
        variables = [
            ("$", .data(data)),
            ("$labels", .stringMap(data.labels)),
            ("$externalLabels", .stringMap(data.externalLabels)),
            ("$externalURL", .string(data.externalURL)),
            ("$value", .float(data.value)),
        ]
    }

    /// The variables a template parsed for this executor may use without declaring them.
    static let predeclaredVariables = ["$", "$labels", "$externalLabels", "$externalURL", "$value"]

    mutating func execute(_ root: TemplateListNode) throws(TemplateExecutionSignal) {
        try walkList(.data(context.data), root)
    }

    private func failure(_ message: String) -> TemplateExecutionSignal {
        .failure(message: message, site: site)
    }

    // MARK: - Variables

    private mutating func popVariables(to mark: Int) {
        variables.removeLast(variables.count - mark)
    }

    private mutating func setVariable(_ name: String, _ value: TemplateValue) throws(TemplateExecutionSignal) {
        guard let index = variables.lastIndex(where: { $0.name == name }) else {
            throw failure("undefined variable: \(name)")
        }
        variables[index].value = value
    }

    private func variableValue(_ name: String) throws(TemplateExecutionSignal) -> TemplateValue {
        guard let variable = variables.last(where: { $0.name == name }) else {
            throw failure("undefined variable: \(name)")
        }
        return variable.value
    }

    // MARK: - Walking

    private mutating func walkList(_ dot: TemplateValue, _ list: TemplateListNode) throws(TemplateExecutionSignal) {
        for node in list.nodes { try walk(dot, node) }
    }

    private mutating func walk(_ dot: TemplateValue, _ node: TemplateNode) throws(TemplateExecutionSignal) {
        site = .node(node)
        switch node {
        case .action(let action):
            let value = try evalPipeline(dot, action.pipe)
            if action.pipe.declarations.isEmpty {
                site = .node(node)
                output += GoFmt.printAction(value)
            }
        case .ifNode(let branch):
            try walkIfOrWith(isWith: false, dot, branch)
        case .with(let branch):
            try walkIfOrWith(isWith: true, dot, branch)
        case .list(let list):
            try walkList(dot, list)
        case .range(let branch):
            try walkRange(dot, branch)
        case .text(_, let text):
            output += text
        case .breakNode:
            throw .breakLoop
        case .continueNode:
            throw .continueLoop
        case .end, .elseNode:
            break
        }
    }

    private mutating func walkIfOrWith(isWith: Bool, _ dot: TemplateValue, _ branch: TemplateBranchNode)
        throws(TemplateExecutionSignal)
    {
        let mark = variables.count
        defer { popVariables(to: mark) }
        let value = try evalPipeline(dot, branch.pipe)
        if value.isTrue {
            try walkList(isWith ? value : dot, branch.list)
        } else if let elseList = branch.elseList {
            try walkList(dot, elseList)
        }
    }

    private mutating func walkRange(_ dot: TemplateValue, _ branch: TemplateBranchNode) throws(TemplateExecutionSignal)
    {
        site = .node(.range(branch))
        let outerMark = variables.count
        defer { popVariables(to: outerMark) }
        let value = try evalPipeline(dot, branch.pipe).indirected
        let mark = variables.count
        let pipe = branch.pipe

        /// Runs the body once; false when `{{break}}` ended the loop.
        func iteration(_ executor: inout TemplateExecutor, _ index: TemplateValue, _ element: TemplateValue)
            throws(TemplateExecutionSignal) -> Bool
        {
            if !pipe.declarations.isEmpty {
                if pipe.isAssign {
                    try executor.setVariable(
                        pipe.declarations[0].ident[0], pipe.declarations.count > 1 ? index : element)
                } else {
                    executor.variables[executor.variables.count - 1].value = element
                }
            }
            if pipe.declarations.count > 1 {
                if pipe.isAssign {
                    try executor.setVariable(pipe.declarations[1].ident[0], element)
                } else {
                    executor.variables[executor.variables.count - 2].value = index
                }
            }
            defer { executor.popVariables(to: mark) }
            do {
                try executor.walkList(element, branch.list)
            } catch {
                switch error {
                case .continueLoop: break
                case .breakLoop: return false
                case .failure: throw error
                }
            }
            return true
        }

        switch value {
        case .queryResult(let samples) where !samples.isEmpty:
            for (index, sample) in samples.enumerated() {
                if !(try iteration(&self, .int(index), .sample(sample))) { break }
            }
            return
        case .stringMap(let map) where !map.isEmpty:
            for key in map.keys.sorted(by: goStringLess) {
                if !(try iteration(&self, .string(key), .string(map[key] ?? ""))) { break }
            }
            return
        case .anyMap(let map) where !map.isEmpty:
            for key in map.keys.sorted(by: goStringLess) {
                if !(try iteration(&self, .string(key), map[key] ?? .noValue)) { break }
            }
            return
        case .queryResult, .stringMap, .anyMap, .noValue:
            break
        default:
            throw failure("range can't iterate over \(GoFmt.string(value))")
        }
        if let elseList = branch.elseList { try walkList(dot, elseList) }
    }

    // MARK: - Evaluation

    private mutating func evalPipeline(_ dot: TemplateValue, _ pipe: TemplatePipeNode) throws(TemplateExecutionSignal)
        -> TemplateValue
    {
        site = .pipe(pipe)
        var value: TemplateValue?
        for command in pipe.commands {
            value = try evalCommand(dot, command, final: value)
        }
        let result = value ?? .noValue
        for declaration in pipe.declarations {
            if pipe.isAssign {
                try setVariable(declaration.ident[0], result)
            } else {
                variables.append((declaration.ident[0], result))
            }
        }
        return result
    }

    private func notAFunction(_ arguments: [TemplateArgumentNode], _ final: TemplateValue?)
        throws(TemplateExecutionSignal)
    {
        if arguments.count > 1 || final != nil {
            throw failure("can't give argument to non-function \(arguments[0].description)")
        }
    }

    private mutating func evalCommand(
        _ dot: TemplateValue,
        _ command: TemplateCommandNode,
        final: TemplateValue?
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        let first = command.arguments[0]
        switch first {
        case .field(let field):
            return try evalFieldNode(dot, field, command.arguments, final)
        case .chain(let chain):
            return try evalChainNode(dot, chain, command.arguments, final)
        case .identifier(_, let name):
            return try evalFunction(dot, name, first, callSite: .command(command), command.arguments, final)
        case .pipe(let pipe):
            try notAFunction(command.arguments, final)
            return try evalPipeline(dot, pipe)
        case .variable(let variable):
            return try evalVariableNode(dot, variable, command.arguments, final)
        default:
            break
        }
        site = .argument(first)
        try notAFunction(command.arguments, final)
        switch first {
        case .bool(_, let value): return .bool(value)
        case .dot: return dot
        case .number(let number): return try idealConstant(number)
        case .string(_, _, let text): return .string(text)
        default: throw failure("nil is not a command")
        }
    }

    /// A number literal where no type is expected: float if it is written like one, else int.
    private mutating func idealConstant(_ number: TemplateNumberNode) throws(TemplateExecutionSignal) -> TemplateValue {
        site = .argument(.number(number))
        let text = number.text
        let isHexInt =
            text.count > 2 && text.hasPrefix("0") && (text.dropFirst().first == "x" || text.dropFirst().first == "X")
            && !text.contains(where: { $0 == "p" || $0 == "P" })
        let isRuneInt = text.hasPrefix("'")
        if number.isFloat && !isHexInt && !isRuneInt && text.contains(where: { ".eEpP".contains($0) }) {
            return .float(number.float64)
        }
        if number.isInt { return .int(Int(number.int64)) }
        if number.isUint { throw failure("\(text) overflows int") }
        return .noValue
    }

    private mutating func evalFieldNode(
        _ dot: TemplateValue,
        _ field: TemplateFieldNode,
        _ arguments: [TemplateArgumentNode],
        _ final: TemplateValue?
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        site = .argument(.field(field))
        return try evalFieldChain(dot, dot, field.ident, arguments, final)
    }

    private mutating func evalChainNode(
        _ dot: TemplateValue,
        _ chain: TemplateChainNode,
        _ arguments: [TemplateArgumentNode],
        _ final: TemplateValue?
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        site = .argument(.chain(chain))
        if case .nilNode = chain.node { throw failure("indirection through explicit nil in \(chain.description)") }
        let receiver = try evalArg(dot, nil, chain.node)
        return try evalFieldChain(dot, receiver, chain.fields, arguments, final)
    }

    private mutating func evalVariableNode(
        _ dot: TemplateValue,
        _ variable: TemplateVariableNode,
        _ arguments: [TemplateArgumentNode],
        _ final: TemplateValue?
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        site = .argument(.variable(variable))
        let value = try variableValue(variable.ident[0])
        if variable.ident.count == 1 {
            try notAFunction(arguments, final)
            return value
        }
        return try evalFieldChain(dot, value, Array(variable.ident.dropFirst()), arguments, final)
    }

    private mutating func evalFieldChain(
        _ dot: TemplateValue,
        _ start: TemplateValue,
        _ names: [String],
        _ arguments: [TemplateArgumentNode],
        _ final: TemplateValue?
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        var receiver = start
        for name in names.dropLast() {
            receiver = try evalField(name, [], nil, receiver)
        }
        return try evalField(names[names.count - 1], arguments, final, receiver)
    }

    /// `.Name` on a struct field or a map key.
    private func evalField(
        _ name: String,
        _ arguments: [TemplateArgumentNode],
        _ final: TemplateValue?,
        _ receiver: TemplateValue
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        guard let typeName = receiver.typeName else { return .noValue }
        let hasArguments = arguments.count > 1 || final != nil
        var structField: TemplateValue?
        switch receiver {
        case .data(let data):
            switch name {
            case "Labels": structField = .stringMap(data.labels)
            case "ExternalLabels": structField = .stringMap(data.externalLabels)
            case "ExternalURL": structField = .string(data.externalURL)
            case "Value": structField = .float(data.value)
            default: break
            }
        case .sample(let sample?), .sampleValue(let sample):
            switch name {
            case "Labels": structField = .stringMap(sample.labels)
            case "Value": structField = .float(sample.value)
            default: break
            }
        case .stringMap(let map):
            if hasArguments { throw failure("\(name) is not a method but has arguments") }
            return .string(map[name] ?? "")
        case .anyMap(let map):
            if hasArguments { throw failure("\(name) is not a method but has arguments") }
            return map[name] ?? .noValue
        case .sample(nil):
            if name == "Labels" || name == "Value" { throw failure("nil pointer evaluating \(typeName).\(name)") }
        default:
            break
        }
        if let structField {
            if hasArguments { throw failure("\(name) has arguments but cannot be invoked as function") }
            return structField
        }
        throw failure("can't evaluate field \(name) in type \(typeName)")
    }

    private mutating func evalFunction(
        _ dot: TemplateValue,
        _ name: String,
        _ identifier: TemplateArgumentNode,
        callSite: TemplateExecutionSite,
        _ arguments: [TemplateArgumentNode],
        _ final: TemplateValue?
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        site = .argument(identifier)
        guard let function = TemplateFunctions.table[name] else {
            throw failure("\(GoStrconv.quote(name)) is not a defined function")
        }
        return try evalCall(dot, function, name, callSite, Array(arguments.dropFirst()), final)
    }

    private mutating func evalCall(
        _ dot: TemplateValue,
        _ function: TemplateFunction,
        _ name: String,
        _ callSite: TemplateExecutionSite,
        _ arguments: [TemplateArgumentNode],
        _ final: TemplateValue?
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        let inputCount = arguments.count + (final == nil ? 0 : 1)
        var fixedCount = arguments.count
        if function.variadic != nil {
            fixedCount = function.parameters.count
            if inputCount < fixedCount {
                throw failure(
                    "wrong number of args for \(name): want at least \(function.parameters.count) got \(arguments.count)"
                )
            }
        } else if inputCount != function.parameters.count {
            throw failure("wrong number of args for \(name): want \(function.parameters.count) got \(inputCount)")
        }

        if name == "and" || name == "or" {
            // Short-circuit: the first falsy (and) or truthy (or) argument, else the last one.
            var value = TemplateValue.noValue
            for argument in arguments {
                value = try evalArg(dot, .reflectValue, argument)
                if value.isTrue == (name == "or") { return value }
            }
            if let final { value = try validateType(final, .reflectValue) }
            return value
        }

        var values: [TemplateValue] = []
        var index = 0
        while index < fixedCount && index < arguments.count {
            values.append(try evalArg(dot, function.parameters[index], arguments[index]))
            index += 1
        }
        if let variadic = function.variadic {
            while index < arguments.count {
                values.append(try evalArg(dot, variadic, arguments[index]))
                index += 1
            }
        }
        if let final {
            var type = function.parameters.last ?? function.variadic ?? .any
            if let variadic = function.variadic {
                type = inputCount - 1 < fixedCount ? function.parameters[inputCount - 1] : variadic
            }
            values.append(try validateType(final, type))
        }
        do {
            return try function.body(context, values)
        } catch {
            site = callSite
            throw failure("error calling \(name): \(error.message)")
        }
    }

    /// Evaluates an argument for a parameter of `type` (nil: untyped, for chains).
    private mutating func evalArg(
        _ dot: TemplateValue,
        _ type: TemplateParameterType?,
        _ argument: TemplateArgumentNode
    ) throws(TemplateExecutionSignal) -> TemplateValue {
        site = .argument(argument)
        switch argument {
        case .dot:
            return try validateType(dot, type)
        case .nilNode:
            if let zero = type?.nilValue { return zero }
            throw failure("cannot assign nil to \(type?.goName ?? "<nil>")")
        case .field(let field):
            return try validateType(try evalFieldNode(dot, field, [argument], nil), type)
        case .variable(let variable):
            return try validateType(try evalVariableNode(dot, variable, [], nil), type)
        case .pipe(let pipe):
            return try validateType(try evalPipeline(dot, pipe), type)
        case .identifier(_, let name):
            return try validateType(
                try evalFunction(dot, name, argument, callSite: .argument(argument), [argument], nil),
                type
            )
        case .chain(let chain):
            return try validateType(try evalChainNode(dot, chain, [], nil), type)
        case .bool, .number, .string:
            break
        }
        switch type {
        case .string:
            if case .string(_, _, let text) = argument { return .string(text) }
            throw failure("expected string; found \(argument.description)")
        case .any, .reflectValue, nil:
            switch argument {
            case .bool(_, let value): return .bool(value)
            case .number(let number): return try idealConstant(number)
            case .string(_, _, let text): return .string(text)
            default: return .noValue
            }
        case .queryResult, .sample:
            throw failure("can't handle \(argument.description) for arg of type \(type?.goName ?? "")")
        }
    }

    /// Checks that a value can be passed as `type`, as Go's `validateType` does.
    private func validateType(_ value: TemplateValue, _ type: TemplateParameterType?) throws(TemplateExecutionSignal)
        -> TemplateValue
    {
        guard let type else { return value }
        guard let typeName = value.typeName else {
            if let zero = type.nilValue { return zero }
            throw failure("invalid value; expected \(type.goName)")
        }
        switch (type, value) {
        case (.any, _), (.reflectValue, _), (.string, .string), (.queryResult, .queryResult), (.sample, .sample):
            return value
        default:
            throw failure("wrong type for value; expected \(type.goName); got \(typeName)")
        }
    }
}
