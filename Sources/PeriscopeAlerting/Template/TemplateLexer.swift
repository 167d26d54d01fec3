/// The kinds of token Go's `text/template` lexer produces.
enum TemplateItemKind: Int, Comparable {
    case error
    case bool
    case char
    case charConstant
    case complex
    case assign
    case declare
    case eof
    case field
    case identifier
    case leftDelim
    case leftParen
    case number
    case pipe
    case rawString
    case rightDelim
    case rightParen
    case space
    case string
    case text
    case variable
    // Keywords come after all the rest.
    case keyword
    case block
    case breakKeyword
    case continueKeyword
    case dot
    case define
    case elseKeyword
    case end
    case ifKeyword
    case nilKeyword
    case range
    case template
    case with

    static func < (lhs: TemplateItemKind, rhs: TemplateItemKind) -> Bool { lhs.rawValue < rhs.rawValue }

    static let keywords: [String: TemplateItemKind] = [
        ".": .dot, "block": .block, "break": .breakKeyword, "continue": .continueKeyword, "define": .define,
        "else": .elseKeyword, "end": .end, "if": .ifKeyword, "range": .range, "nil": .nilKeyword,
        "template": .template, "with": .with,
    ]
}

/// One token: its kind, byte offset, text and line.
struct TemplateItem {
    var kind: TemplateItemKind
    var position: Int
    var value: String
    var line: Int

    /// Go's `item.String()`, used in "unexpected …" messages.
    var description: String {
        switch kind {
        case .eof: return "EOF"
        case .error: return value
        case _ where kind > .keyword: return "<" + value + ">"
        default:
            let scalars = value.unicodeScalars
            if scalars.count > 10 {
                var prefix = String.UnicodeScalarView()
                prefix.append(contentsOf: scalars.prefix(10))
                return GoStrconv.quote(String(prefix)) + "..."
            }
            return GoStrconv.quote(value)
        }
    }
}

/// Go's `text/template` lexer, pulled one token at a time by the parser. Works on UTF-8 bytes
/// so that positions are byte offsets, as Go reports them.
struct TemplateLexer {
    private let input: [UInt8]
    private let lineStarts: [Int]
    private var position = 0
    private var start = 0
    private var atEOF = false
    private var parenDepth = 0
    private var insideAction = false
    private var failed = false

    private static let leftDelim: [UInt8] = Array("{{".utf8)
    private static let rightDelim: [UInt8] = Array("}}".utf8)
    private static let leftComment: [UInt8] = Array("/*".utf8)
    private static let rightComment: [UInt8] = Array("*/".utf8)

    init(_ text: String) {
        input = Array(text.utf8)
        var starts = [0]
        for (index, byte) in input.enumerated() where byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        lineStarts = starts
    }

    /// 1-based line of a byte offset.
    func line(of offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count
        while low < high {
            let mid = (low + high) / 2
            if lineStarts[mid] <= offset { low = mid + 1 } else { high = mid }
        }
        return low
    }

    // MARK: - Scanning primitives

    private static func isSpace(_ scalar: UInt32) -> Bool {
        scalar == 0x20 || scalar == 0x09 || scalar == 0x0D || scalar == 0x0A
    }

    private static func isAlphaNumeric(_ scalar: UInt32) -> Bool {
        if scalar == UInt32(UInt8(ascii: "_")) { return true }
        guard let value = Unicode.Scalar(scalar) else { return false }
        switch value.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    private static let eof: UInt32 = 0xFFFF_FFFF

    private var lastWidth = 0

    private mutating func next() -> UInt32 {
        if position >= input.count {
            atEOF = true
            lastWidth = 0
            return TemplateLexer.eof
        }
        let (scalar, width) = GoUTF8.decode(input[position...])
        position += width
        lastWidth = width
        return scalar
    }

    private mutating func peek() -> UInt32 {
        if position >= input.count { return TemplateLexer.eof }
        return GoUTF8.decode(input[position...]).0
    }

    private mutating func backup() {
        if !atEOF && position > 0 {
            position -= lastWidth
        }
        atEOF = false
    }

    private mutating func accept(_ valid: String) -> Bool {
        let scalar = next()
        if scalar != TemplateLexer.eof, valid.unicodeScalars.contains(where: { $0.value == scalar }) { return true }
        backup()
        return false
    }

    private mutating func acceptRun(_ valid: String) {
        while true {
            let scalar = next()
            if scalar == TemplateLexer.eof || !valid.unicodeScalars.contains(where: { $0.value == scalar }) {
                backup()
                return
            }
        }
    }

    private func hasPrefix(_ prefix: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, offset + prefix.count <= input.count else { return false }
        for (index, byte) in prefix.enumerated() where input[offset + index] != byte { return false }
        return true
    }

    private func hasLeftTrimMarker(at offset: Int) -> Bool {
        offset + 1 < input.count && input[offset] == UInt8(ascii: "-")
            && TemplateLexer.isSpace(UInt32(input[offset + 1]))
    }

    private func hasRightTrimMarker(at offset: Int) -> Bool {
        offset >= 0 && offset + 1 < input.count && TemplateLexer.isSpace(UInt32(input[offset]))
            && input[offset + 1] == UInt8(ascii: "-")
    }

    private static func isTrimSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    private func item(_ kind: TemplateItemKind, from: Int, to: Int) -> TemplateItem {
        TemplateItem(
            kind: kind,
            position: from,
            value: String(decoding: input[from..<to], as: UTF8.self),
            line: line(of: from)
        )
    }

    /// Emits the pending input as one item.
    private mutating func emit(_ kind: TemplateItemKind) -> TemplateItem {
        let result = item(kind, from: start, to: position)
        start = position
        return result
    }

    private mutating func fail(_ message: String) -> TemplateItem {
        failed = true
        return TemplateItem(kind: .error, position: start, value: message, line: line(of: start))
    }

    /// `%#U` of a code point: `U+0041 'A'`.
    private static func describe(_ scalar: UInt32) -> String {
        if scalar == eof { return "U+FFFFFFFFFFFFFFFF" }
        var hex = String(scalar, radix: 16, uppercase: true)
        if hex.count < 4 { hex = String(repeating: "0", count: 4 - hex.count) + hex }
        var text = "U+" + hex
        if let value = Unicode.Scalar(scalar), GoStrconv.isPrint(value) {
            text += " '" + String(Character(value)) + "'"
        }
        return text
    }

    // MARK: - States

    /// The next token; after an error or EOF, EOF forever.
    mutating func nextItem() -> TemplateItem {
        if failed { return TemplateItem(kind: .eof, position: input.count, value: "EOF", line: line(of: input.count)) }
        return insideAction ? lexInsideAction() : lexText()
    }

    private mutating func lexText() -> TemplateItem {
        while true {
            var delimiter = position
            while delimiter < input.count && !hasPrefix(TemplateLexer.leftDelim, at: delimiter) { delimiter += 1 }
            if delimiter >= input.count {
                position = input.count
                if position > start { return emit(.text) }
                return emit(.eof)
            }
            if delimiter > position {
                var trimmed = 0
                if hasLeftTrimMarker(at: delimiter + TemplateLexer.leftDelim.count) {
                    while delimiter - trimmed > start && TemplateLexer.isTrimSpace(input[delimiter - trimmed - 1]) {
                        trimmed += 1
                    }
                }
                let text = item(.text, from: start, to: delimiter - trimmed)
                position = delimiter
                start = delimiter
                if !text.value.isEmpty { return text }
            }
            if let result = lexLeftDelim() { return result }
        }
    }

    /// At `{{`: the left delimiter, or a comment (skipped; nil returned).
    private mutating func lexLeftDelim() -> TemplateItem? {
        position += TemplateLexer.leftDelim.count
        let trim = hasLeftTrimMarker(at: position)
        let afterMarker = trim ? 2 : 0
        if hasPrefix(TemplateLexer.leftComment, at: position + afterMarker) {
            position += afterMarker
            start = position
            return lexComment()
        }
        let result = item(.leftDelim, from: start, to: position)
        insideAction = true
        position += afterMarker
        start = position
        parenDepth = 0
        return result
    }

    private mutating func lexComment() -> TemplateItem? {
        position += TemplateLexer.leftComment.count
        var close = position
        while close < input.count && !hasPrefix(TemplateLexer.rightComment, at: close) { close += 1 }
        if close >= input.count { return fail("unclosed comment") }
        position = close + TemplateLexer.rightComment.count
        let (delimiter, trimSpace) = atRightDelim()
        if !delimiter { return fail("comment ends before closing delimiter") }
        if trimSpace { position += 2 }
        position += TemplateLexer.rightDelim.count
        if trimSpace {
            while position < input.count && TemplateLexer.isTrimSpace(input[position]) { position += 1 }
        }
        start = position
        return nil
    }

    private func atRightDelim() -> (delimiter: Bool, trimSpaces: Bool) {
        if hasRightTrimMarker(at: position) && hasPrefix(TemplateLexer.rightDelim, at: position + 2) {
            return (true, true)
        }
        if hasPrefix(TemplateLexer.rightDelim, at: position) { return (true, false) }
        return (false, false)
    }

    private mutating func lexRightDelim() -> TemplateItem {
        let (_, trimSpace) = atRightDelim()
        if trimSpace {
            position += 2
            start = position
        }
        position += TemplateLexer.rightDelim.count
        let result = emit(.rightDelim)
        if trimSpace {
            while position < input.count && TemplateLexer.isTrimSpace(input[position]) { position += 1 }
            start = position
        }
        insideAction = false
        return result
    }

    private mutating func lexInsideAction() -> TemplateItem {
        if atRightDelim().delimiter {
            if parenDepth == 0 { return lexRightDelim() }
            return fail("unclosed left paren")
        }
        let scalar = next()
        switch scalar {
        case TemplateLexer.eof:
            return fail("unclosed action")
        case _ where TemplateLexer.isSpace(scalar):
            backup()
            return lexSpace()
        case UInt32(UInt8(ascii: "=")):
            return emit(.assign)
        case UInt32(UInt8(ascii: ":")):
            if next() != UInt32(UInt8(ascii: "=")) { return fail("expected :=") }
            return emit(.declare)
        case UInt32(UInt8(ascii: "|")):
            return emit(.pipe)
        case UInt32(UInt8(ascii: "\"")):
            return lexQuote()
        case UInt32(UInt8(ascii: "`")):
            return lexRawQuote()
        case UInt32(UInt8(ascii: "$")):
            return lexVariable()
        case UInt32(UInt8(ascii: "'")):
            return lexChar()
        case UInt32(UInt8(ascii: ".")):
            if position < input.count && !(input[position] >= UInt8(ascii: "0") && input[position] <= UInt8(ascii: "9"))
            {
                return lexFieldOrVariable(.field)
            }
            backup()
            return lexNumber()
        case UInt32(UInt8(ascii: "+")), UInt32(UInt8(ascii: "-")),
            UInt32(UInt8(ascii: "0"))...UInt32(UInt8(ascii: "9")):
            backup()
            return lexNumber()
        case _ where TemplateLexer.isAlphaNumeric(scalar):
            backup()
            return lexIdentifier()
        case UInt32(UInt8(ascii: "(")):
            parenDepth += 1
            return emit(.leftParen)
        case UInt32(UInt8(ascii: ")")):
            parenDepth -= 1
            if parenDepth < 0 { return fail("unexpected right paren") }
            return emit(.rightParen)
        case 0x20...0x7E:
            return emit(.char)
        default:
            return fail("unrecognized character in action: " + TemplateLexer.describe(scalar))
        }
    }

    private mutating func lexSpace() -> TemplateItem {
        var count = 0
        while TemplateLexer.isSpace(peek()) {
            _ = next()
            count += 1
        }
        // A trim-marked right delimiter starts with a space: leave that space to it.
        if hasRightTrimMarker(at: position - 1) && hasPrefix(TemplateLexer.rightDelim, at: position + 1) {
            position -= 1
            if count == 1 { return lexRightDelim() }
        }
        return emit(.space)
    }

    private mutating func lexIdentifier() -> TemplateItem {
        while true {
            let scalar = next()
            if TemplateLexer.isAlphaNumeric(scalar) { continue }
            backup()
            if !atTerminator() { return fail("bad character " + TemplateLexer.describe(scalar)) }
            let word = String(decoding: input[start..<position], as: UTF8.self)
            if let keyword = TemplateItemKind.keywords[word], keyword > .keyword { return emit(keyword) }
            if word == "true" || word == "false" { return emit(.bool) }
            return emit(.identifier)
        }
    }

    private mutating func lexVariable() -> TemplateItem {
        if atTerminator() { return emit(.variable) }
        return lexFieldOrVariable(.variable)
    }

    private mutating func lexFieldOrVariable(_ kind: TemplateItemKind) -> TemplateItem {
        if atTerminator() { return emit(kind == .variable ? .variable : .dot) }
        var scalar: UInt32
        repeat {
            scalar = next()
        } while TemplateLexer.isAlphaNumeric(scalar)
        backup()
        if !atTerminator() { return fail("bad character " + TemplateLexer.describe(scalar)) }
        return emit(kind)
    }

    private mutating func atTerminator() -> Bool {
        let scalar = peek()
        if TemplateLexer.isSpace(scalar) { return true }
        switch scalar {
        case TemplateLexer.eof, UInt32(UInt8(ascii: ".")), UInt32(UInt8(ascii: ",")), UInt32(UInt8(ascii: "|")),
            UInt32(UInt8(ascii: ":")), UInt32(UInt8(ascii: ")")), UInt32(UInt8(ascii: "(")):
            return true
        default:
            return hasPrefix(TemplateLexer.rightDelim, at: position)
        }
    }

    private mutating func lexChar() -> TemplateItem {
        while true {
            switch next() {
            case UInt32(UInt8(ascii: "\\")):
                let escaped = next()
                if escaped != TemplateLexer.eof && escaped != UInt32(UInt8(ascii: "\n")) { continue }
                return fail("unterminated character constant")
            case TemplateLexer.eof, UInt32(UInt8(ascii: "\n")):
                return fail("unterminated character constant")
            case UInt32(UInt8(ascii: "'")):
                return emit(.charConstant)
            default:
                continue
            }
        }
    }

    private mutating func lexNumber() -> TemplateItem {
        if !scanNumber() {
            return fail(
                "bad number syntax: " + GoStrconv.quote(String(decoding: input[start..<position], as: UTF8.self)))
        }
        let sign = peek()
        if sign == UInt32(UInt8(ascii: "+")) || sign == UInt32(UInt8(ascii: "-")) {
            if !scanNumber() || input[position - 1] != UInt8(ascii: "i") {
                return fail(
                    "bad number syntax: " + GoStrconv.quote(String(decoding: input[start..<position], as: UTF8.self))
                )
            }
            return emit(.complex)
        }
        return emit(.number)
    }

    private mutating func scanNumber() -> Bool {
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") {
                digits = "0123456789abcdefABCDEF_"
            } else if accept("oO") {
                digits = "01234567_"
            } else if accept("bB") {
                digits = "01_"
            }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.count == 11 && accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.count == 23 && accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        if TemplateLexer.isAlphaNumeric(peek()) {
            _ = next()
            return false
        }
        return true
    }

    private mutating func lexQuote() -> TemplateItem {
        while true {
            switch next() {
            case UInt32(UInt8(ascii: "\\")):
                let escaped = next()
                if escaped != TemplateLexer.eof && escaped != UInt32(UInt8(ascii: "\n")) { continue }
                return fail("unterminated quoted string")
            case TemplateLexer.eof, UInt32(UInt8(ascii: "\n")):
                return fail("unterminated quoted string")
            case UInt32(UInt8(ascii: "\"")):
                return emit(.string)
            default:
                continue
            }
        }
    }

    private mutating func lexRawQuote() -> TemplateItem {
        while true {
            switch next() {
            case TemplateLexer.eof:
                return fail("unterminated raw quoted string")
            case UInt32(UInt8(ascii: "`")):
                return emit(.rawString)
            default:
                continue
            }
        }
    }
}
