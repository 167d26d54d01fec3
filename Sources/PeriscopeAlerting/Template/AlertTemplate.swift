/// An alert rule's label or annotation template, parsed once and rendered per alert the way
/// Prometheus 2.42 expands it: Go `text/template` with `missingkey=zero`, Prometheus' template
/// functions, and the variables `$labels`, `$externalLabels`, `$externalURL` and `$value`
/// predeclared as if ``prometheusPrefix`` preceded the text.
///
/// ```swift
/// let template = try AlertTemplate("{{ $labels.route }} is slow: {{ humanizeDuration $value }}", name: "__alert_Slow")
/// template.renderOrError(TemplateData(labels: ["route": "/api"], value: 1.5))  // "/api is slow: 1.5s"
/// ```
///
/// Supported: text and actions, `{{-`/`-}}` trimming, comments, pipelines, variables
/// (`:=`, `=`), fields and map keys, `if`/`else if`/`else`, `range` (with `break`/`continue`),
/// `with`, parenthesised pipelines, literals, Go's builtins and Prometheus' functions.
/// Not supported: `{{define}}`, `{{template}}`, `{{block}}` and complex-number literals
/// (parse errors), and methods of `time.Time` values.
public struct AlertTemplate: Sendable {
    /// What Prometheus parses before every alert template, declaring its variables.
    public static let prometheusPrefix =
        "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}"

    /// How error texts count columns on the first line.
    public enum ErrorPositions: Sendable, Equatable {
        /// Relative to the template text as written (the default).
        case userText
        /// As Prometheus reports them, counting ``AlertTemplate/prometheusPrefix``.
        case prometheus
    }

    /// The template text as written.
    public let text: String
    /// The name errors report (Prometheus uses `__alert_<alertname>`).
    public let name: String
    private let root: TemplateListNode
    private let lineStarts: [Int]

    /// Parses `text`; throws a ``TemplateError`` of kind `.parse` (unknown function, undefined
    /// variable, syntax error) with Go's message.
    public init(_ text: String, name: String) throws {
        self.text = text
        self.name = name
        var starts = [0]
        for (index, byte) in text.utf8.enumerated() where byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        lineStarts = starts
        var parser = TemplateParser(
            text: text,
            name: name,
            variables: TemplateExecutor.predeclaredVariables,
            functions: TemplateFunctions.names
        )
        do {
            root = try parser.parse()
        } catch {
            let (_, column) = AlertTemplate.location(of: error.position, in: starts)
            throw TemplateError(
                kind: .parse,
                templateName: name,
                line: error.line,
                column: column,
                context: nil,
                message: error.message
            )
        }
    }

    /// 1-based line and 0-based byte column of a byte offset.
    private static func location(of offset: Int, in lineStarts: [Int]) -> (line: Int, column: Int) {
        var low = 0
        var high = lineStarts.count
        while low < high {
            let mid = (low + high) / 2
            if lineStarts[mid] <= offset { low = mid + 1 } else { high = mid }
        }
        let line = max(low, 1)
        return (line, offset - lineStarts[line - 1])
    }

    /// Renders the template; throws a ``TemplateError`` of kind `.execution` when a function
    /// fails, an argument has the wrong type, a non-function is given arguments, and so on.
    public func render(_ data: TemplateData) throws -> String {
        var executor = TemplateExecutor(data: data)
        do {
            try executor.execute(root)
        } catch {
            guard case .failure(let message, let site) = error else { return executor.output }
            let (line, column) = AlertTemplate.location(of: site?.position ?? 0, in: lineStarts)
            throw TemplateError(
                kind: .execution,
                templateName: name,
                line: line,
                column: column,
                context: site?.description,
                message: message
            )
        }
        return executor.output
    }

    /// Renders the template, or on failure returns what Prometheus puts in the label or
    /// annotation instead: `<error expanding template: error executing template NAME: …>`.
    public func renderOrError(_ data: TemplateData, positions: ErrorPositions = .userText) -> String {
        do {
            return try render(data)
        } catch let error as TemplateError {
            return error.expansionText(positions: positions)
        } catch {
            return "<error expanding template: \(error)>"
        }
    }

    /// Parses and renders in one step, as Prometheus does on every evaluation: the rendered text,
    /// or `<error expanding template: error parsing|executing template NAME: …>`.
    public static func expand(
        _ text: String,
        name: String,
        data: TemplateData,
        positions: ErrorPositions = .userText
    ) -> String {
        do {
            return try AlertTemplate(text, name: name).renderOrError(data, positions: positions)
        } catch let error as TemplateError {
            return error.expansionText(positions: positions)
        } catch {
            return "<error expanding template: \(error)>"
        }
    }
}
