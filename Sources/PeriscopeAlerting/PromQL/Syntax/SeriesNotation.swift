/// One value of promtool's expanding series notation (`input_series.values`).
public enum SeriesValue: Sendable, Equatable {
    /// A sample with this value.
    case value(Double)
    /// `_`: no sample at this step.
    case missing
    /// `stale`: a staleness marker (``StaleNaN``) at this step.
    case stale
}

/// promtool's test-file notation: the series of `input_series.series` / `exp_samples.labels` and the
/// expanding values of `input_series.values`, as Prometheus 2.42 reads them.
public enum SeriesNotation {
    /// The most values one series notation may expand to, a guard against `1x100000000000`.
    public static let maximumSeriesValues = 10_000_000

    /// Parses a series as promtool test files write it (`input_series.series`,
    /// `exp_samples.labels`): `name{l="v", ...}`, `{l="v"}` or `name`. Only `=` pairs are allowed; a
    /// trailing comma is fine; `{}` is the empty label set. The name becomes `__name__`.
    public static func parseSeries(_ text: String) throws(PromQLParseError) -> Labels {
        let tokens = Lexer.tokenize(text)
        var index = 0
        func fail(_ token: Token, expected: String? = nil) -> PromQLParseError {
            if case .error(let message) = token.kind {
                return PromQLParseError(message: message, offset: token.start, in: text)
            }
            let suffix = expected.map { " in label set, expected \($0)" } ?? ""
            return PromQLParseError(
                message: "unexpected \(token.errorDescription)\(suffix)", offset: token.start, in: text)
        }
        var pairs: [(String, String)] = []
        var names: Set<String> = []
        func add(_ name: String, _ value: String, at token: Token) throws(PromQLParseError) {
            guard names.insert(name).inserted else {
                throw PromQLParseError(
                    message: "duplicate label name \(GoQuote.quote(name))", offset: token.start, in: text)
            }
            pairs.append((name, value))
        }
        let first = tokens[0]
        switch first.kind {
        case .identifier, .metricIdentifier, .aggregator,
            .keyword(.and), .keyword(.or), .keyword(.unless), .keyword(.by), .keyword(.without),
            .keyword(.offset), .keyword(.start), .keyword(.end):
            try add(Labels.metricName, first.text, at: first)
            index += 1
        case .leftBrace:
            break
        case .eof:
            throw PromQLParseError(message: "no series found in input", offset: 0, in: text)
        default:
            throw fail(first)
        }
        if tokens[index].kind == .leftBrace {
            index += 1
            while tokens[index].kind != .rightBrace {
                let name = tokens[index]
                guard name.kind == .identifier else { throw fail(name, expected: "identifier or \"}\"") }
                guard tokens[index + 1].kind == .assign else { throw fail(tokens[index + 1], expected: "\"=\"") }
                let value = tokens[index + 2]
                guard value.kind == .string else { throw fail(value, expected: "string") }
                try add(name.text, value.value, at: name)
                index += 3
                if tokens[index].kind == .comma {
                    index += 1
                } else if tokens[index].kind != .rightBrace {
                    throw fail(tokens[index], expected: "\",\" or \"}\"")
                }
            }
            index += 1
        }
        guard tokens[index].kind == .eof else { throw fail(tokens[index]) }
        return Labels(pairs)
    }

    /// Expands promtool's series notation: space-separated items, each one of
    /// - `a`: one value (`a` may be signed, a float, `Inf` or `NaN`);
    /// - `axn`: n+1 copies of `a`;
    /// - `a+bxn` / `a-bxn`: n+1 values starting at `a`, adding `±b` each step (by repeated
    ///   addition, as promtool does, so `0.1+0.1x2` is 0.1, 0.2, 0.30000000000000004);
    /// - `_`: one missing sample; `_xn`: n missing samples (not n+1);
    /// - `stale`: a staleness marker.
    ///
    /// `1x3 _x2 5+2x1 stale 9` gives 1, 1, 1, 1, missing, missing, 5, 7, stale, 9.
    public static func parseValues(_ text: String) throws(PromQLParseError) -> [SeriesValue] {
        var parser = SeriesValuesParser(text)
        return try parser.parse()
    }
}

/// The scanner and parser for the values half of promtool's series notation (Prometheus' lexer in
/// series-description mode).
private struct SeriesValuesParser {
    let text: String
    let bytes: [UInt8]
    var position = 0
    var values: [SeriesValue] = []

    init(_ text: String) {
        self.text = text
        bytes = Array(text.utf8)
    }

    private func error(_ message: String, at offset: Int) -> PromQLParseError {
        PromQLParseError(message: message, offset: offset, in: text)
    }

    private func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    private func word(_ start: Int, _ end: Int) -> String { String(decoding: bytes[start..<end], as: UTF8.self) }

    mutating func parse() throws(PromQLParseError) -> [SeriesValue] {
        skipSpace()
        while position < bytes.count {
            try item()
            if let byte = peek(), !Lexer.isSpace(byte) { throw unexpected() }
            skipSpace()
        }
        return values
    }

    private mutating func skipSpace() {
        while let byte = peek(), Lexer.isSpace(byte) { position += 1 }
    }

    private mutating func append(_ value: SeriesValue, count: UInt64, at offset: Int) throws(PromQLParseError) {
        guard count <= UInt64(SeriesNotation.maximumSeriesValues - values.count) else {
            throw error(
                "series notation expands to more than \(SeriesNotation.maximumSeriesValues) values", at: offset)
        }
        values.append(contentsOf: repeatElement(value, count: Int(count)))
    }

    private mutating func item() throws(PromQLParseError) {
        let start = position
        if peek() == UInt8(ascii: "_") {
            position += 1
            if peek() == UInt8(ascii: "x") {
                position += 1
                try append(.missing, count: try repetition(), at: start)
            } else {
                values.append(.missing)
            }
            return
        }
        if peek() == UInt8(ascii: "x") { throw unexpected() }
        let first = try value()
        switch peek() {
        case UInt8(ascii: "x"):
            position += 1
            let count = try repetition()
            try append(first.map(SeriesValue.value) ?? .stale, count: count &+ 1, at: start)
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            // `stale+1x2` is accepted by promtool: the stale marker, then NaNs.
            var current = first ?? StaleNaN.value
            let negative = bytes[position] == UInt8(ascii: "-")
            position += 1
            guard peekIsNumberStart() else { throw unexpected(inSeries: true) }
            let increment = try number()
            guard peek() == UInt8(ascii: "x") else { throw unexpected(inSeries: true) }
            position += 1
            let count = try repetition()
            guard count < UInt64(SeriesNotation.maximumSeriesValues - values.count) else {
                throw error(
                    "series notation expands to more than \(SeriesNotation.maximumSeriesValues) values", at: start)
            }
            for _ in 0...count {
                values.append(StaleNaN.isStale(current) ? .stale : .value(current))
                current += negative ? -increment : increment
            }
        default:
            values.append(first.map(SeriesValue.value) ?? .stale)
        }
    }

    /// A signed number or `stale` (nil).
    private mutating func value() throws(PromQLParseError) -> Double? {
        var negative = false
        if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
            guard peekIsNumberStart() else { throw unexpected(inSeries: true) }
        } else if let byte = peek(), Lexer.isAlpha(byte) {
            let start = position
            while let next = peek(), Lexer.isAlphaNumeric(next) || next == UInt8(ascii: ":") { position += 1 }
            let word = word(start, position)
            if word == "stale" { return nil }
            if ["inf", "nan"].contains(word.lowercased()) {
                position = start
            } else {
                throw error(
                    "unexpected identifier \(GoQuote.quote(word)) in series values, expected number or \"stale\"",
                    at: start)
            }
        }
        guard peekIsNumberStart() else { throw unexpected() }
        let magnitude = try number()
        return negative ? -magnitude : magnitude
    }

    private func peekIsNumberStart() -> Bool {
        guard let byte = peek() else { return false }
        if Lexer.isDigit(byte) { return true }
        if byte == UInt8(ascii: "."), position + 1 < bytes.count, Lexer.isDigit(bytes[position + 1]) { return true }
        guard Lexer.isAlpha(byte) else { return false }
        var end = position
        while end < bytes.count, Lexer.isAlphaNumeric(bytes[end]) { end += 1 }
        return ["inf", "nan"].contains(word(position, end).lowercased())
    }

    /// The text of a number token: digits, fraction, exponent, or `Inf`/`NaN`.
    private mutating func numberText() throws(PromQLParseError) -> (text: String, start: Int) {
        let start = position
        if let byte = peek(), Lexer.isAlpha(byte) {
            while let next = peek(), Lexer.isAlphaNumeric(next) { position += 1 }
            let text = word(start, position)
            guard ["inf", "nan"].contains(text.lowercased()) else {
                throw error(
                    "unexpected identifier \(GoQuote.quote(text)) in series values, expected number or \"stale\"",
                    at: start)
            }
            return (text, start)
        }
        while let next = peek(), Lexer.isDigit(next) { position += 1 }
        if peek() == UInt8(ascii: ".") {
            position += 1
            while let next = peek(), Lexer.isDigit(next) { position += 1 }
        }
        if let next = peek(), next | 0x20 == UInt8(ascii: "e") {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            while let next = peek(), Lexer.isDigit(next) { position += 1 }
        }
        if let next = peek(), next != UInt8(ascii: "x"), Lexer.isAlphaNumeric(next) {
            throw error("bad number syntax: \(GoQuote.quote(word(start, position)))", at: start)
        }
        return (word(start, position), start)
    }

    private mutating func number() throws(PromQLParseError) -> Double {
        let (text, start) = try numberText()
        switch NumberLiteral.parse(text) {
        case .success(let value): return value
        case .failure(let failure): throw error("error parsing number: \(failure.message)", at: start)
        }
    }

    /// The `n` after `x`: a decimal unsigned integer.
    private mutating func repetition() throws(PromQLParseError) -> UInt64 {
        guard peekIsNumberStart() else { throw unexpected(inSeries: true) }
        let (text, start) = try numberText()
        guard let count = UInt64(text) else {
            let reason =
                text.utf8.allSatisfy(Lexer.isDigit) ? "value out of range" : "invalid syntax"
            throw error(
                "invalid repetition in series values: strconv.ParseUint: parsing \(GoQuote.quote(text)): \(reason)",
                at: start)
        }
        return count
    }

    /// `unexpected <what is here>[ in series values]`.
    private func unexpected(inSeries: Bool = false) -> PromQLParseError {
        let suffix = inSeries ? " in series values" : ""
        guard let byte = peek() else { return error("unexpected end of input in series values", at: position) }
        let description: String
        switch byte {
        case UInt8(ascii: "+"), UInt8(ascii: "-"): description = "<op:\(Character(UnicodeScalar(byte)))>"
        case UInt8(ascii: "x"), UInt8(ascii: "_"): description = "\"\(Character(UnicodeScalar(byte)))\""
        case _ where Lexer.isSpace(byte): description = GoQuote.quote(String(UnicodeScalar(byte)))
        case _ where Lexer.isDigit(byte) || byte == UInt8(ascii: "."):
            var end = position
            while end < bytes.count, Lexer.isAlphaNumeric(bytes[end]) || bytes[end] == UInt8(ascii: ".") { end += 1 }
            description = "number \(GoQuote.quote(word(position, end)))"
        case _ where Lexer.isAlpha(byte):
            var end = position
            while end < bytes.count, Lexer.isAlphaNumeric(bytes[end]) { end += 1 }
            description = "identifier \(GoQuote.quote(word(position, end)))"
        default:
            var iterator = bytes[position...].makeIterator()
            var decoder = UTF8()
            let scalar: Unicode.Scalar
            if case .scalarValue(let decoded) = decoder.decode(&iterator) {
                scalar = decoded
            } else {
                scalar = "\u{FFFD}"
            }
            return error("unexpected character in series sequence: \(GoQuote.quoteRune(scalar))", at: position)
        }
        return error("unexpected \(description)\(suffix)", at: position)
    }
}
