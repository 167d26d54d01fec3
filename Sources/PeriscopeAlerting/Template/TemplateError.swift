/// A template that does not parse, or fails while rendering, with Go's `text/template` wording.
///
/// Positions are relative to the text the rule author wrote, not to the text Prometheus really
/// parses (``AlertTemplate/prometheusPrefix`` followed by the author's text). The prefix is a
/// single line, so line numbers agree with Prometheus; Go's column on line 1 is larger by the
/// prefix's length (112 bytes), which ``prometheusDescription`` reproduces.
///
/// Go's formats, which ``description`` follows:
/// - parse errors carry only a line: `template: NAME:LINE: MESSAGE`;
/// - execution errors carry a line and a column, the 0-based byte offset in that line of the
///   node being executed, and the node's text:
///   `template: NAME:LINE:COLUMN: executing "NAME" at <NODE>: MESSAGE`.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the template failed to parse or to execute.
    public enum Kind: Sendable, Equatable {
        /// The text is not a valid template (Go's `Parse` failed).
        case parse
        /// Rendering failed (Go's `Execute` failed).
        case execution
    }

    public let kind: Kind
    /// The template's name (Prometheus uses `__alert_<alertname>`).
    public let templateName: String
    /// 1-based line in the author's text.
    public let line: Int
    /// 0-based byte offset within ``line`` (Go's convention). For execution errors, of the node
    /// being executed (what Go reports). For parse errors, which Go reports without a column, of
    /// the last token the parser read, which may be a token of look-ahead past the culprit.
    public let column: Int
    /// The text of the node being executed (execution errors only).
    public let context: String?
    /// The bare message, e.g. `error calling humanize: strconv.ParseFloat: parsing "x": invalid syntax`.
    public let message: String

    /// An error with the given parts; ``description`` assembles Go's text from them.
    public init(kind: Kind, templateName: String, line: Int, column: Int, context: String?, message: String) {
        self.kind = kind
        self.templateName = templateName
        self.line = line
        self.column = column
        self.context = context
        self.message = message
    }

    /// Go's error text, with positions relative to the author's text.
    public var description: String { goDescription(columnOffset: 0) }

    /// Go's error text exactly as Prometheus reports it: columns on line 1 count the
    /// ``AlertTemplate/prometheusPrefix`` Prometheus parses before the author's text.
    public var prometheusDescription: String {
        goDescription(columnOffset: line == 1 ? AlertTemplate.prometheusPrefix.utf8.count : 0)
    }

    private func goDescription(columnOffset: Int) -> String {
        switch kind {
        case .parse:
            return "template: \(templateName):\(line): \(message)"
        case .execution:
            let name = GoStrconv.quote(templateName)
            return
                "template: \(templateName):\(line):\(column + columnOffset): executing \(name) at <\(context ?? "")>: \(message)"
        }
    }

    /// What Prometheus puts in place of a label or annotation that failed to expand:
    /// `<error expanding template: error executing template NAME: …>` (or `error parsing`).
    public func expansionText(positions: AlertTemplate.ErrorPositions = .userText) -> String {
        let verb = kind == .parse ? "parsing" : "executing"
        let detail = positions == .prometheus ? prometheusDescription : description
        return "<error expanding template: error \(verb) template \(templateName): \(detail)>"
    }
}
