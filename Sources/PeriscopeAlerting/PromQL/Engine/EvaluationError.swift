/// An error raised while evaluating a PromQL expression. The messages follow Prometheus' wording, e.g.
/// "vector cannot contain metrics with the same labelset".
public struct PromQLEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The human-readable message.
    public let message: String

    /// Creates an error with `message`.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { self.message }

    static let duplicateLabelset = PromQLEvaluationError("vector cannot contain metrics with the same labelset")
}

extension Labels {
    /// Go's `labels.Labels.String()` form, used in Prometheus' error messages: `{__name__="x", job="a"}`.
    var goDescription: String {
        "{" + self.items.map { "\($0.name)=\(EngineHelpers.goQuote($0.value))" }.joined(separator: ", ") + "}"
    }
}

extension EngineHelpers {
    /// Go's `strconv.Quote` for the characters label values normally contain.
    static func goQuote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
