/// Splits a PromQL expression into tokens, following Prometheus 2.42's lexer: keywords are
/// case-insensitive outside braces, `Inf`/`NaN` are numbers, words inside `{...}` are plain label
/// names, `[...]` holds durations and the subquery colon, `#` starts a comment.
///
/// Lexing stops at the first lexical error, which becomes an `.error` token for the parser to
/// report when it gets there (so an earlier syntax error wins, as in Prometheus).
struct Lexer {
    private let bytes: [UInt8]
    private var position = 0
    private var parenDepth = 0
    private var braceOpen = false
    private var bracketOpen = false
    private var gotColon = false
    /// Set right after `[`: the next thing must be a duration.
    private var durationExpected = false

    init(_ input: String) {
        bytes = Array(input.utf8)
    }

    /// Every token up to and including the final `.eof` or `.error` token.
    static func tokenize(_ input: String) -> [Token] {
        var lexer = Lexer(input)
        var tokens: [Token] = []
        while true {
            let token = lexer.next()
            tokens.append(token)
            switch token.kind {
            case .eof, .error: return tokens
            default: continue
            }
        }
    }

    // MARK: - Character classes

    static func isAlpha(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "_") || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    static func isAlphaNumeric(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        position + ahead < bytes.count ? bytes[position + ahead] : nil
    }

    private func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private func token(_ kind: TokenKind, _ start: Int) -> Token {
        Token(kind: kind, start: start, end: position, text: text(start, position))
    }

    private func error(_ message: String, at start: Int) -> Token {
        Token(kind: .error(message), start: start, end: start, text: "")
    }

    /// The character at `offset` as Go's `%q` prints a rune.
    private func quotedCharacter(at offset: Int) -> String {
        guard offset < bytes.count else { return "EOF" }
        var iterator = bytes[offset...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return GoQuote.quoteRune(scalar) }
        return GoQuote.quoteRune("\u{FFFD}")
    }

    // MARK: - Tokens

    mutating func next() -> Token {
        skipSpaceAndComments()
        if braceOpen { return nextInsideBraces() }
        if bracketOpen { return nextInsideBrackets() }
        return nextStatement()
    }

    private mutating func skipSpaceAndComments() {
        while let byte = peek() {
            if Lexer.isSpace(byte) {
                position += 1
            } else if byte == UInt8(ascii: "#") && !bracketOpen {
                while let byte = peek(), byte != UInt8(ascii: "\n") { position += 1 }
            } else {
                return
            }
        }
    }

    private mutating func nextStatement() -> Token {
        let start = position
        guard let byte = peek() else {
            if parenDepth > 0 { return error("unclosed left parenthesis", at: start) }
            return token(.eof, start)
        }
        position += 1
        switch byte {
        case UInt8(ascii: ","): return token(.comma, start)
        case UInt8(ascii: "*"): return token(.mul, start)
        case UInt8(ascii: "/"): return token(.div, start)
        case UInt8(ascii: "%"): return token(.mod, start)
        case UInt8(ascii: "+"): return token(.add, start)
        case UInt8(ascii: "-"): return token(.sub, start)
        case UInt8(ascii: "^"): return token(.pow, start)
        case UInt8(ascii: "@"): return token(.at, start)
        case UInt8(ascii: "="):
            if peek() == UInt8(ascii: "=") {
                position += 1
                return token(.equal, start)
            }
            if peek() == UInt8(ascii: "~") {
                return error("unexpected character after '=': \(quotedCharacter(at: position))", at: start)
            }
            return token(.assign, start)
        case UInt8(ascii: "!"):
            if peek() == UInt8(ascii: "=") {
                position += 1
                return token(.notEqual, start)
            }
            return error("unexpected character after '!': \(quotedCharacter(at: position))", at: start)
        case UInt8(ascii: "<"):
            if peek() == UInt8(ascii: "=") {
                position += 1
                return token(.lessOrEqual, start)
            }
            return token(.less, start)
        case UInt8(ascii: ">"):
            if peek() == UInt8(ascii: "=") {
                position += 1
                return token(.greaterOrEqual, start)
            }
            return token(.greater, start)
        case UInt8(ascii: "("):
            parenDepth += 1
            return token(.leftParen, start)
        case UInt8(ascii: ")"):
            // Prometheus reports this one just past the parenthesis.
            if parenDepth == 0 { return error("unexpected right parenthesis ')'", at: start + 1) }
            parenDepth -= 1
            return token(.rightParen, start)
        case UInt8(ascii: "{"):
            braceOpen = true
            return token(.leftBrace, start)
        case UInt8(ascii: "["):
            bracketOpen = true
            gotColon = false
            durationExpected = true
            return token(.leftBracket, start)
        case UInt8(ascii: "]"):
            return error("unexpected right bracket ']'", at: start)
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            return string(quote: byte, start: start)
        default:
            if Lexer.isDigit(byte) || (byte == UInt8(ascii: ".") && peek().map(Lexer.isDigit) == true) {
                position = start
                return numberOrDuration(start: start)
            }
            if Lexer.isAlpha(byte) || byte == UInt8(ascii: ":") {
                position = start
                return word(start: start)
            }
            position = start
            return error("unexpected character: \(quotedCharacter(at: start))", at: start)
        }
    }

    private mutating func nextInsideBraces() -> Token {
        let start = position
        guard let byte = peek() else { return error("unexpected end of input inside braces", at: start) }
        position += 1
        switch byte {
        case UInt8(ascii: ","): return token(.comma, start)
        case UInt8(ascii: "}"):
            braceOpen = false
            return token(.rightBrace, start)
        case UInt8(ascii: "="):
            if peek() == UInt8(ascii: "~") {
                position += 1
                return token(.regexMatch, start)
            }
            return token(.assign, start)
        case UInt8(ascii: "!"):
            if peek() == UInt8(ascii: "~") {
                position += 1
                return token(.regexNoMatch, start)
            }
            if peek() == UInt8(ascii: "=") {
                position += 1
                return token(.notEqual, start)
            }
            return error(
                "unexpected character after '!' inside braces: \(quotedCharacter(at: position))", at: start)
        case UInt8(ascii: "{"):
            return error("unexpected left brace '{'", at: start)
        case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
            return string(quote: byte, start: start)
        default:
            if Lexer.isAlpha(byte) {
                while let next = peek(), Lexer.isAlphaNumeric(next) { position += 1 }
                return token(.identifier, start)
            }
            position = start
            return error("unexpected character inside braces: \(quotedCharacter(at: start))", at: start)
        }
    }

    private mutating func nextInsideBrackets() -> Token {
        let start = position
        if durationExpected && peek() == nil { return error("missing unit character in duration", at: start) }
        guard let byte = peek() else { return error("unclosed left bracket", at: start) }
        if durationExpected {
            durationExpected = false
            if Lexer.isDigit(byte) { return duration(start: start) }
            if Lexer.isAlpha(byte) { return error("bad duration syntax: \"\"", at: start) }
            return error("missing unit character in duration", at: start)
        }
        switch byte {
        case UInt8(ascii: "]"):
            position += 1
            bracketOpen = false
            return token(.rightBracket, start)
        case UInt8(ascii: ":"):
            if gotColon { return error("unexpected colon ':'", at: start) }
            position += 1
            gotColon = true
            return token(.colon, start)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            return error("unexpected character inside brackets: \(quotedCharacter(at: start))", at: start)
        default:
            return nextStatement()
        }
    }

    // MARK: - Words, numbers, durations

    private mutating func word(start: Int) -> Token {
        while let next = peek(), Lexer.isAlphaNumeric(next) || next == UInt8(ascii: ":") { position += 1 }
        let word = text(start, position)
        let lower = word.lowercased()
        if let keyword = Keyword(rawValue: lower) { return token(.keyword(keyword), start) }
        if let aggregator = AggregateOp(rawValue: lower) { return token(.aggregator(aggregator), start) }
        if lower == "inf" || lower == "nan" { return token(.number, start) }
        return token(word.contains(":") ? .metricIdentifier : .identifier, start)
    }

    /// Scans the digits of a number (hexadecimal after `0x`), a fraction and an exponent. True when
    /// what follows cannot continue a word, i.e. this is a complete number.
    private mutating func scanNumber(allowHex: Bool = true) -> Bool {
        var hex = false
        if allowHex, peek() == UInt8(ascii: "0"), let marker = peek(1), marker | 0x20 == UInt8(ascii: "x") {
            position += 2
            hex = true
        }
        func isNumberDigit(_ byte: UInt8) -> Bool {
            hex
                ? Lexer.isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "f"))
                : Lexer.isDigit(byte)
        }
        while let next = peek(), isNumberDigit(next) { position += 1 }
        if peek() == UInt8(ascii: ".") {
            position += 1
            while let next = peek(), isNumberDigit(next) { position += 1 }
        }
        if let next = peek(), next | 0x20 == UInt8(ascii: "e"), !hex {
            position += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { position += 1 }
            while let next = peek(), Lexer.isDigit(next) { position += 1 }
        }
        guard let next = peek() else { return true }
        return !Lexer.isAlphaNumeric(next)
    }

    /// After the digits of a duration: a unit, then more `digits unit` groups. True when the
    /// duration ends cleanly.
    private mutating func acceptRemainingDuration() -> Bool {
        func acceptUnit() -> Bool {
            guard let byte = peek(), "smhdwy".utf8.contains(byte) else { return false }
            position += 1
            if peek() == UInt8(ascii: "s") { position += 1 }
            return true
        }
        guard acceptUnit() else { return false }
        while let next = peek(), Lexer.isDigit(next) {
            while let next = peek(), Lexer.isDigit(next) { position += 1 }
            guard acceptUnit() else { return false }
        }
        if let next = peek(), Lexer.isAlphaNumeric(next) {
            position += 1
            return false
        }
        return true
    }

    private mutating func numberOrDuration(start: Int) -> Token {
        if scanNumber() { return token(.number, start) }
        if acceptRemainingDuration() { return token(.duration, start) }
        return error("bad number or duration syntax: \(GoQuote.quote(text(start, position)))", at: start)
    }

    private mutating func duration(start: Int) -> Token {
        if scanNumber(allowHex: false) { return error("missing unit character in duration", at: start) }
        if acceptRemainingDuration() { return token(.duration, start) }
        return error("bad duration syntax: \(GoQuote.quote(text(start, position)))", at: start)
    }

    // MARK: - Strings

    /// A quoted string with Go escapes, or a raw backquoted string; the token's `value` is the
    /// decoded string.
    private mutating func string(quote: UInt8, start: Int) -> Token {
        var value: [UInt8] = []
        if quote == UInt8(ascii: "`") {
            while let byte = peek() {
                position += 1
                if byte == quote {
                    var result = token(.string, start)
                    result.value = String(decoding: value, as: UTF8.self)
                    return result
                }
                value.append(byte)
            }
            return error("unterminated raw string", at: start)
        }
        while let byte = peek() {
            if byte == UInt8(ascii: "\n") { break }
            position += 1
            if byte == quote {
                var result = token(.string, start)
                result.value = String(decoding: value, as: UTF8.self)
                return result
            }
            if byte == UInt8(ascii: "\\") {
                if let message = escape(quote: quote, into: &value) { return error(message, at: start) }
                continue
            }
            value.append(byte)
        }
        return error("unterminated quoted string", at: start)
    }

    /// Decodes the escape after a backslash; returns an error message for a bad one.
    private mutating func escape(quote: UInt8, into value: inout [UInt8]) -> String? {
        guard let byte = peek() else { return "escape sequence not terminated" }
        let simple: [UInt8: UInt8] = [
            UInt8(ascii: "a"): 7, UInt8(ascii: "b"): 8, UInt8(ascii: "f"): 12, UInt8(ascii: "n"): 10,
            UInt8(ascii: "r"): 13, UInt8(ascii: "t"): 9, UInt8(ascii: "v"): 11, UInt8(ascii: "\\"): 92,
        ]
        if let decoded = simple[byte] ?? (byte == quote ? quote : nil) {
            position += 1
            value.append(decoded)
            return nil
        }
        var digits: Int
        var base: UInt32
        var maximum: UInt32
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            (digits, base, maximum) = (3, 8, 255)
        case UInt8(ascii: "x"):
            position += 1
            (digits, base, maximum) = (2, 16, 255)
        case UInt8(ascii: "u"):
            position += 1
            (digits, base, maximum) = (4, 16, 0x10FFFF)
        case UInt8(ascii: "U"):
            position += 1
            (digits, base, maximum) = (8, 16, 0x10FFFF)
        default:
            return "unknown escape sequence \(decodedCodePoint())"
        }
        var code: UInt32 = 0
        while digits > 0 {
            guard let next = peek() else { return "escape sequence not terminated" }
            let digit: UInt32? =
                switch next {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(next - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(next - UInt8(ascii: "a")) + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(next - UInt8(ascii: "A")) + 10
                default: nil
                }
            guard let digit, digit < base else {
                return "illegal character \(decodedCodePoint()) in escape sequence"
            }
            code = code * base + digit
            position += 1
            digits -= 1
        }
        if code > maximum || (0xD800..<0xE000).contains(code) {
            return "escape sequence is an invalid Unicode code point"
        }
        if maximum == 255 {
            value.append(UInt8(code))
        } else if let scalar = Unicode.Scalar(code) {
            value.append(contentsOf: Array(String(Character(scalar)).utf8))
        }
        return nil
    }

    /// `%#U` of the character at the current position.
    private func decodedCodePoint() -> String {
        var iterator = bytes[position...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return GoQuote.codePoint(scalar) }
        return "U+FFFD"
    }
}
