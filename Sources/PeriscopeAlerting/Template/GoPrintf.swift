/// Go's `fmt` package over template values: `Sprintf`, `Sprint` and `Sprintln` with Go's verbs,
/// flags, width and precision, its `%!verb(type=value)` error forms, and the way
/// `text/template` prints an action's value.
///
/// Deviations: pointers inside collections print as `&{…}` rather than a memory address, `%p`
/// is treated as a bad verb, and the `#` flag is ignored for floating-point verbs.
enum GoFmt {
    /// `fmt.Sprintf(format, args...)`.
    static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        var printer = GoPrinter()
        printer.doPrintf(Array(format.utf8), args)
        return printer.out
    }

    /// `fmt.Sprint(args...)`: a space between operands when neither is a string.
    static func sprint(_ args: [TemplateValue]) -> String {
        var printer = GoPrinter()
        var previousIsString = false
        for (index, arg) in args.enumerated() {
            let isString = arg.isStringKind
            if index > 0 && !isString && !previousIsString { printer.out += " " }
            printer.printArg(arg, "v")
            previousIsString = isString
        }
        return printer.out
    }

    /// `fmt.Sprintln(args...)`: operands separated by spaces, then a newline.
    static func sprintln(_ args: [TemplateValue]) -> String {
        var printer = GoPrinter()
        for (index, arg) in args.enumerated() {
            if index > 0 { printer.out += " " }
            printer.printArg(arg, "v")
        }
        printer.out += "\n"
        return printer.out
    }

    /// `text/template`'s `printableValue`: pointers are dereferenced and a missing value
    /// becomes the string `<no value>`.
    static func printable(_ value: TemplateValue) -> TemplateValue {
        switch value {
        case .noValue: return .string("<no value>")
        default: return value.indirected
        }
    }

    /// What an action such as `{{ $value }}` writes.
    static func printAction(_ value: TemplateValue) -> String {
        sprint([printable(value)])
    }

    /// `%v` of one value.
    static func string(_ value: TemplateValue) -> String {
        sprintf("%v", [value])
    }
}

/// One `fmt` printer: the output buffer and the flags of the verb being formatted.
private struct GoPrinter {
    var out = ""
    var minus = false
    var plus = false
    var sharp = false
    var space = false
    var zero = false
    var plusV = false
    var sharpV = false
    var width = 0
    var widthPresent = false
    var precision = 0
    var precisionPresent = false
    var reordered = false
    var goodArgNum = true

    mutating func clearFlags() {
        minus = false
        plus = false
        sharp = false
        space = false
        zero = false
        plusV = false
        sharpV = false
        width = 0
        widthPresent = false
        precision = 0
        precisionPresent = false
    }

    // MARK: - Format parsing

    mutating func doPrintf(_ format: [UInt8], _ args: [TemplateValue]) {
        let end = format.count
        var argNum = 0
        var afterIndex = false
        reordered = false
        var index = 0
        formatLoop: while index < end {
            goodArgNum = true
            let literalStart = index
            while index < end && format[index] != UInt8(ascii: "%") { index += 1 }
            if index > literalStart { out += String(decoding: format[literalStart..<index], as: UTF8.self) }
            if index >= end { break }
            index += 1  // skip %
            clearFlags()
            simpleFormat: while index < end {
                let byte = format[index]
                switch byte {
                case UInt8(ascii: "#"): sharp = true
                case UInt8(ascii: "0"): zero = !minus
                case UInt8(ascii: "+"): plus = true
                case UInt8(ascii: "-"):
                    minus = true
                    zero = false
                case UInt8(ascii: " "): space = true
                default:
                    if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") && argNum < args.count {
                        if byte == UInt8(ascii: "v") {
                            sharpV = sharp
                            sharp = false
                            plusV = plus
                            plus = false
                        }
                        printArg(args[argNum], Unicode.Scalar(byte))
                        argNum += 1
                        index += 1
                        continue formatLoop
                    }
                    break simpleFormat
                }
                index += 1
            }

            (argNum, index, afterIndex) = argNumber(argNum, format, index, args.count)

            if index < end && format[index] == UInt8(ascii: "*") {
                index += 1
                (width, widthPresent, argNum) = intFromArg(args, argNum)
                if !widthPresent { out += "%!(BADWIDTH)" }
                if width < 0 {
                    width = -width
                    minus = true
                    zero = false
                }
                afterIndex = false
            } else {
                (width, widthPresent, index) = parseNumber(format, index, end)
                if afterIndex && widthPresent { goodArgNum = false }
            }

            if index + 1 < end && format[index] == UInt8(ascii: ".") {
                index += 1
                if afterIndex { goodArgNum = false }
                (argNum, index, afterIndex) = argNumber(argNum, format, index, args.count)
                if index < end && format[index] == UInt8(ascii: "*") {
                    index += 1
                    (precision, precisionPresent, argNum) = intFromArg(args, argNum)
                    if precision < 0 {
                        precision = 0
                        precisionPresent = false
                    }
                    if !precisionPresent { out += "%!(BADPREC)" }
                    afterIndex = false
                } else {
                    (precision, precisionPresent, index) = parseNumber(format, index, end)
                    if !precisionPresent {
                        precision = 0
                        precisionPresent = true
                    }
                }
            }

            if !afterIndex {
                (argNum, index, afterIndex) = argNumber(argNum, format, index, args.count)
            }

            if index >= end {
                out += "%!(NOVERB)"
                break
            }

            let (scalarValue, size) = GoUTF8.decode(format[index...])
            let verb = Unicode.Scalar(scalarValue) ?? "\u{FFFD}"
            index += size

            if verb == "%" {
                out += "%"
            } else if !goodArgNum {
                out += "%!" + String(verb) + "(BADINDEX)"
            } else if argNum >= args.count {
                out += "%!" + String(verb) + "(MISSING)"
            } else {
                if verb == "v" {
                    sharpV = sharp
                    sharp = false
                    plusV = plus
                    plus = false
                }
                printArg(args[argNum], verb)
                argNum += 1
            }
        }

        if !reordered && argNum < args.count {
            clearFlags()
            out += "%!(EXTRA "
            for (offset, arg) in args[argNum...].enumerated() {
                if offset > 0 { out += ", " }
                if let typeName = arg.typeName {
                    out += typeName + "="
                    printArg(arg, "v")
                } else {
                    out += "<nil>"
                }
            }
            out += ")"
        }
    }

    private static func tooLarge(_ value: Int) -> Bool { value > 1_000_000 || value < -1_000_000 }

    private func parseNumber(_ format: [UInt8], _ start: Int, _ end: Int) -> (Int, Bool, Int) {
        if start >= end { return (0, false, end) }
        var number = 0
        var isNumber = false
        var index = start
        while index < end && format[index] >= UInt8(ascii: "0") && format[index] <= UInt8(ascii: "9") {
            if GoPrinter.tooLarge(number) { return (0, false, end) }
            number = number * 10 + Int(format[index] - UInt8(ascii: "0"))
            isNumber = true
            index += 1
        }
        return (number, isNumber, index)
    }

    private mutating func argNumber(_ argNum: Int, _ format: [UInt8], _ index: Int, _ count: Int) -> (Int, Int, Bool) {
        guard index < format.count, format[index] == UInt8(ascii: "[") else { return (argNum, index, false) }
        reordered = true
        // "[n]": find the closing bracket.
        var close = index + 1
        while close < format.count && format[close] != UInt8(ascii: "]") { close += 1 }
        guard format.count - index >= 3, close < format.count else {
            goodArgNum = false
            return (argNum, index + 1, false)
        }
        let (number, ok, next) = parseNumber(format, index + 1, close)
        guard ok, next == close else {
            goodArgNum = false
            return (argNum, close + 1, false)
        }
        let argIndex = number - 1
        if argIndex >= 0 && argIndex < count { return (argIndex, close + 1, true) }
        goodArgNum = false
        return (argNum, close + 1, true)
    }

    private func intFromArg(_ args: [TemplateValue], _ argNum: Int) -> (Int, Bool, Int) {
        guard argNum < args.count else { return (0, false, argNum) }
        var number = 0
        var isInt = false
        switch args[argNum] {
        case .int(let value):
            number = value
            isInt = true
        case .byte(let value):
            number = Int(value)
            isInt = true
        default: break
        }
        if GoPrinter.tooLarge(number) {
            number = 0
            isInt = false
        }
        return (number, isInt, argNum + 1)
    }

    // MARK: - Padding

    mutating func writePadding(_ count: Int) {
        guard count > 0 else { return }
        out += String(repeating: zero ? "0" : " ", count: count)
    }

    mutating func pad(_ text: String) {
        guard widthPresent, width != 0 else {
            out += text
            return
        }
        let padding = width - text.unicodeScalars.count
        if minus {
            out += text
            writePadding(padding)
        } else {
            writePadding(padding)
            out += text
        }
    }

    // MARK: - Arguments

    mutating func printArg(_ arg: TemplateValue, _ verb: Unicode.Scalar) {
        guard let typeName = arg.typeName else {
            switch verb {
            case "T", "v": pad("<nil>")
            default: badVerb(verb, arg)
            }
            return
        }
        switch verb {
        case "T": fmtS(typeName)
        case "p": badVerb(verb, arg)
        default: printValue(arg, verb, depth: 0)
        }
    }

    mutating func badVerb(_ verb: Unicode.Scalar, _ value: TemplateValue) {
        out += "%!" + String(verb) + "("
        if let typeName = value.typeName {
            out += typeName + "="
            printArg(value, "v")
        } else {
            out += "<nil>"
        }
        out += ")"
    }

    mutating func printValue(_ value: TemplateValue, _ verb: Unicode.Scalar, depth: Int) {
        switch value {
        case .noValue:
            if sharpV { out += "interface {}(nil)" } else { pad("<nil>") }
        case .bool(let flag):
            if verb == "t" || verb == "v" { pad(flag ? "true" : "false") } else { badVerb(verb, value) }
        case .int(let number):
            fmtInteger(UInt64(bitPattern: Int64(number)), signed: true, verb, value)
        case .byte(let number):
            fmtInteger(UInt64(number), signed: false, verb, value)
        case .float(let number):
            fmtFloat(number, verb, value)
        case .string(let text), .html(let text):
            fmtString(text, verb, value)
        case .stringMap(let map):
            printMap(
                value, map.keys.sorted(by: goStringLess).map { ($0, TemplateValue.string(map[$0] ?? "")) }, verb, depth)
        case .anyMap(let map):
            printMap(value, map.keys.sorted(by: goStringLess).map { ($0, map[$0] ?? .noValue) }, verb, depth)
        case .queryResult(let samples):
            if sharpV {
                out += "template.queryResult{"
                for (index, sample) in samples.enumerated() {
                    if index > 0 { out += ", " }
                    printValue(.sample(sample), verb, depth: depth + 1)
                }
                out += "}"
            } else {
                out += "["
                for (index, sample) in samples.enumerated() {
                    if index > 0 { out += " " }
                    printValue(.sample(sample), verb, depth: depth + 1)
                }
                out += "]"
            }
        case .sample(let sample):
            if let sample {
                out += "&"
                printValue(.sampleValue(sample), verb, depth: depth + 1)
            } else {
                fmtNilPointer(value, verb)
            }
        case .sampleValue(let sample):
            printStruct(
                "template.sample",
                [("Labels", .stringMap(sample.labels)), ("Value", .float(sample.value))],
                verb,
                depth
            )
        case .time(let time):
            if let time { fmtStringer(time.description, verb, value) } else { fmtNilPointer(value, verb) }
        case .timeValue(let time):
            fmtStringer(time.description, verb, value)
        case .data(let data):
            printStruct(
                TemplateValue.dataTypeName,
                [
                    ("Labels", .stringMap(data.labels)), ("ExternalLabels", .stringMap(data.externalLabels)),
                    ("ExternalURL", .string(data.externalURL)), ("Value", .float(data.value)),
                ],
                verb,
                depth
            )
        }
    }

    private mutating func printMap(
        _ value: TemplateValue,
        _ entries: [(String, TemplateValue)],
        _ verb: Unicode.Scalar,
        _ depth: Int
    ) {
        out += sharpV ? (value.typeName ?? "") + "{" : "map["
        for (index, entry) in entries.enumerated() {
            if index > 0 { out += sharpV ? ", " : " " }
            printValue(.string(entry.0), verb, depth: depth + 1)
            out += ":"
            printValue(entry.1, verb, depth: depth + 1)
        }
        out += sharpV ? "}" : "]"
    }

    private mutating func printStruct(
        _ typeName: String,
        _ fields: [(String, TemplateValue)],
        _ verb: Unicode.Scalar,
        _ depth: Int
    ) {
        if sharpV { out += typeName }
        out += "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { out += sharpV ? ", " : " " }
            if plusV || sharpV { out += field.0 + ":" }
            printValue(field.1, verb, depth: depth + 1)
        }
        out += "}"
    }

    /// A type with a `String()` method: the string verbs use it.
    private mutating func fmtStringer(_ text: String, _ verb: Unicode.Scalar, _ value: TemplateValue) {
        switch verb {
        case "v", "s", "x", "X", "q": fmtString(text, verb, .string(text))
        default: badVerb(verb, value)
        }
    }

    private mutating func fmtNilPointer(_ value: TemplateValue, _ verb: Unicode.Scalar) {
        switch verb {
        case "v":
            if sharpV { out += "(" + (value.typeName ?? "") + ")(nil)" } else { pad("<nil>") }
        case "b", "o", "d", "x", "X":
            fmtInteger(0, signed: false, verb, value)
        default:
            badVerb(verb, value)
        }
    }

    // MARK: - Strings

    private mutating func fmtString(_ text: String, _ verb: Unicode.Scalar, _ value: TemplateValue) {
        switch verb {
        case "v": if sharpV { fmtQ(text) } else { fmtS(text) }
        case "s": fmtS(text)
        case "x": fmtSx(text, upper: false)
        case "X": fmtSx(text, upper: true)
        case "q": fmtQ(text)
        default: badVerb(verb, value)
        }
    }

    private func truncate(_ text: String) -> String {
        guard precisionPresent else { return text }
        let scalars = text.unicodeScalars
        guard scalars.count > precision else { return text }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.prefix(precision))
        return String(view)
    }

    mutating func fmtS(_ text: String) {
        pad(truncate(text))
    }

    private mutating func fmtQ(_ text: String) {
        let truncated = truncate(text)
        if sharp && GoStrconv.canBackquote(truncated) {
            pad("`" + truncated + "`")
        } else {
            pad(GoStrconv.quote(truncated, asciiOnly: plus))
        }
    }

    private mutating func fmtSx(_ text: String, upper: Bool) {
        let digits = Array(upper ? "0123456789ABCDEFX".utf8 : "0123456789abcdefx".utf8)
        var bytes = Array(text.utf8)
        if precisionPresent && precision < bytes.count { bytes = Array(bytes.prefix(precision)) }
        var encodedWidth = 2 * bytes.count
        if encodedWidth > 0 {
            if space {
                if sharp { encodedWidth *= 2 }
                encodedWidth += bytes.count - 1
            } else if sharp {
                encodedWidth += 2
            }
        } else {
            if widthPresent { writePadding(width) }
            return
        }
        if widthPresent && width > encodedWidth && !minus { writePadding(width - encodedWidth) }
        var encoded: [UInt8] = []
        if sharp { encoded += [UInt8(ascii: "0"), digits[16]] }
        for (index, byte) in bytes.enumerated() {
            if space && index > 0 {
                encoded.append(UInt8(ascii: " "))
                if sharp { encoded += [UInt8(ascii: "0"), digits[16]] }
            }
            encoded += [digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
        }
        out += String(decoding: encoded, as: UTF8.self)
        if widthPresent && width > encodedWidth && minus { writePadding(width - encodedWidth) }
    }

    // MARK: - Integers

    private mutating func fmtInteger(_ number: UInt64, signed: Bool, _ verb: Unicode.Scalar, _ value: TemplateValue) {
        switch verb {
        case "v":
            if sharpV && !signed {
                let savedSharp = sharp
                sharp = true
                formatInteger(number, base: 16, signed: false, verb: "v", upper: false)
                sharp = savedSharp
            } else {
                formatInteger(number, base: 10, signed: signed, verb: verb, upper: false)
            }
        case "d": formatInteger(number, base: 10, signed: signed, verb: verb, upper: false)
        case "b": formatInteger(number, base: 2, signed: signed, verb: verb, upper: false)
        case "o", "O": formatInteger(number, base: 8, signed: signed, verb: verb, upper: false)
        case "x": formatInteger(number, base: 16, signed: signed, verb: verb, upper: false)
        case "X": formatInteger(number, base: 16, signed: signed, verb: verb, upper: true)
        case "c": fmtC(number)
        case "q": fmtQc(number)
        case "U": fmtUnicode(number)
        default: badVerb(verb, value)
        }
    }

    private mutating func formatInteger(_ input: UInt64, base: UInt64, signed: Bool, verb: Unicode.Scalar, upper: Bool)
    {
        let negative = signed && Int64(bitPattern: input) < 0
        let magnitude = negative ? 0 &- input : input
        var minimumDigits = 0
        if precisionPresent {
            minimumDigits = precision
            if minimumDigits == 0 && magnitude == 0 {
                let savedZero = zero
                zero = false
                writePadding(width)
                zero = savedZero
                return
            }
        } else if zero && widthPresent {
            minimumDigits = width
            if negative || plus || space { minimumDigits -= 1 }
        }
        var digits = String(magnitude, radix: Int(base), uppercase: upper)
        if digits.count < minimumDigits {
            digits = String(repeating: "0", count: minimumDigits - digits.count) + digits
        }
        if sharp {
            switch base {
            case 2: digits = "0b" + digits
            case 8: if !digits.hasPrefix("0") { digits = "0" + digits }
            case 16: digits = (upper ? "0X" : "0x") + digits
            default: break
            }
        }
        if verb == "O" { digits = "0o" + digits }
        if negative {
            digits = "-" + digits
        } else if plus {
            digits = "+" + digits
        } else if space {
            digits = " " + digits
        }
        let savedZero = zero
        zero = false
        pad(digits)
        zero = savedZero
    }

    private static func scalar(_ number: UInt64) -> Unicode.Scalar {
        number <= 0x10FFFF ? Unicode.Scalar(UInt32(number)) ?? "\u{FFFD}" : "\u{FFFD}"
    }

    private mutating func fmtC(_ number: UInt64) {
        pad(String(Character(GoPrinter.scalar(number))))
    }

    private mutating func fmtQc(_ number: UInt64) {
        pad(GoStrconv.quoteRune(number, asciiOnly: plus))
    }

    private mutating func fmtUnicode(_ number: UInt64) {
        var digits = String(number, radix: 16, uppercase: true)
        let minimum = precisionPresent && precision > 4 ? precision : 4
        if digits.count < minimum { digits = String(repeating: "0", count: minimum - digits.count) + digits }
        var text = "U+" + digits
        if sharp && number <= 0x10FFFF, let scalar = Unicode.Scalar(UInt32(number)), GoStrconv.isPrint(scalar) {
            text += " '" + String(Character(scalar)) + "'"
        }
        let savedZero = zero
        zero = false
        pad(text)
        zero = savedZero
    }

    // MARK: - Floats

    private mutating func fmtFloat(_ number: Double, _ verb: Unicode.Scalar, _ value: TemplateValue) {
        switch verb {
        case "v": formatFloat(number, "g", -1)
        case "b", "g", "G", "x", "X": formatFloat(number, Character(verb), -1)
        case "f", "e", "E", "F": formatFloat(number, Character(verb), 6)
        default: badVerb(verb, value)
        }
    }

    private mutating func formatFloat(_ number: Double, _ verb: Character, _ defaultPrecision: Int) {
        let digits = GoStrconv.formatFloat(number, verb, precisionPresent ? precision : defaultPrecision)
        var text = digits.hasPrefix("-") || digits.hasPrefix("+") ? digits : "+" + digits
        if space && text.hasPrefix("+") && !plus { text = " " + text.dropFirst() }
        let second = text.dropFirst().first
        if second == "I" || second == "N" {
            let savedZero = zero
            zero = false
            if second == "N" && !space && !plus { text.removeFirst() }
            pad(text)
            zero = savedZero
            return
        }
        if plus || !text.hasPrefix("+") {
            if zero && widthPresent && width > text.count {
                out.append(text.first ?? "+")
                writePadding(width - text.count)
                out += text.dropFirst()
                return
            }
            pad(text)
            return
        }
        pad(String(text.dropFirst()))
    }
}
