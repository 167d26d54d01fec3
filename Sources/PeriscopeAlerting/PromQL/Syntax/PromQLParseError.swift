/// A PromQL expression, a duration or a promtool series notation that does not parse.
///
/// Positions follow Prometheus: `offset` counts **UTF-8 bytes** from the start of the input
/// (0-based); `line` and `column` are 1-based, and `column` also counts UTF-8 bytes, from the start
/// of the line. The description is Prometheus' `"<line>:<column>: parse error: <message>"`.
public struct PromQLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, worded as Prometheus words it (e.g. `unknown function with name "foo"`).
    public let message: String
    /// UTF-8 byte offset of the error in the input, 0-based.
    public let offset: Int
    /// 1-based line of the error.
    public let line: Int
    /// 1-based column of the error on its line, in UTF-8 bytes.
    public let column: Int

    /// An error at UTF-8 byte `offset` of `input`; the line and column are worked out from the input.
    public init(message: String, offset: Int, in input: String) {
        self.message = message
        self.offset = offset
        var line = 1
        var lineStart = 0
        for (index, byte) in input.utf8.prefix(max(0, offset)).enumerated() where byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        self.line = line
        self.column = offset - lineStart + 1
    }

    /// An error with an explicit position.
    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column): parse error: \(message)" }
}
