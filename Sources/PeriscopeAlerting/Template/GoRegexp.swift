import Foundation

/// A Go (RE2-syntax) regular expression run on ICU, for `match` and `reReplaceAll`.
///
/// The pattern is translated where the two dialects differ in ways alert templates meet:
/// `(?P<name>…)` groups, `$` meaning end of text, and `[`, `&` and a leading `]` inside
/// character classes. Replacement templates are expanded with Go's `$1`, `${1}`, `$name` and
/// `$$` rules, and `ReplaceAll` skips empty matches right after a previous match, as Go does.
struct GoRegexp: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable and thread-safe for matching.
    private let expression: NSRegularExpression
    private let groupNames: [String: Int]

    /// Compiles `pattern`; the error text is Go's `error parsing regexp: …` form.
    init(_ pattern: String) throws(TemplateFunctionError) {
        let (translated, names) = GoRegexp.translate(pattern)
        do {
            expression = try NSRegularExpression(pattern: translated, options: [.useUnixLineSeparators])
        } catch {
            throw TemplateFunctionError("error parsing regexp: invalid or unsupported syntax: `\(pattern)`")
        }
        groupNames = names
    }

    /// `regexp.MatchString`: whether the pattern matches anywhere in `text`.
    func matches(_ text: String) -> Bool {
        let range = NSRange(location: 0, length: text.utf16.count)
        return expression.firstMatch(in: text, options: [], range: range) != nil
    }

    /// `Regexp.ReplaceAllString`.
    func replaceAll(_ text: String, with template: String) -> String {
        let units = Array(text.utf16)
        let length = units.count
        var out: [UInt16] = []
        var lastMatchEnd = 0
        var searchPosition = 0
        while searchPosition <= length {
            let range = NSRange(location: searchPosition, length: length - searchPosition)
            guard
                let match = expression.firstMatch(
                    in: text,
                    options: [.withoutAnchoringBounds, .withTransparentBounds],
                    range: range
                )
            else { break }
            let start = match.range.location
            let end = match.range.location + match.range.length
            out += units[lastMatchEnd..<start]
            if end > lastMatchEnd || start == 0 {
                out += expand(template, match: match, units: units)
            }
            lastMatchEnd = end
            var width = 0
            if searchPosition < length {
                width = UTF16.isLeadSurrogate(units[searchPosition]) && searchPosition + 1 < length ? 2 : 1
            }
            if searchPosition + width > end {
                searchPosition += width
            } else if searchPosition + 1 > end {
                searchPosition += 1
            } else {
                searchPosition = end
            }
        }
        out += units[lastMatchEnd...]
        return String(decoding: out, as: UTF16.self)
    }

    private func group(_ index: Int, _ match: NSTextCheckingResult, _ units: [UInt16]) -> ArraySlice<UInt16> {
        guard index < match.numberOfRanges else { return [] }
        let range = match.range(at: index)
        guard range.location != NSNotFound else { return [] }
        return units[range.location..<(range.location + range.length)]
    }

    /// Go's `Regexp.Expand` of a replacement template.
    private func expand(_ template: String, match: NSTextCheckingResult, units: [UInt16]) -> [UInt16] {
        var out: [UInt16] = []
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            out += rest[..<dollar].utf16
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                out.append(UInt16(UInt8(ascii: "$")))
                rest = rest.dropFirst()
                continue
            }
            guard let (name, remainder) = GoRegexp.extractName(rest) else {
                out.append(UInt16(UInt8(ascii: "$")))
                continue
            }
            rest = remainder
            if let number = GoRegexp.groupNumber(name) {
                out += group(number, match, units)
            } else if let index = groupNames[name] {
                out += group(index, match, units)
            }
        }
        out += rest.utf16
        return out
    }

    /// The name after `$` (`name` or `{name}`) and the text after it; nil when malformed.
    private static func extractName(_ text: Substring) -> (String, Substring)? {
        var rest = text
        let braced = rest.first == "{"
        if braced { rest = rest.dropFirst() }
        var name = ""
        while let scalar = rest.unicodeScalars.first {
            let isWordCharacter: Bool
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
                isWordCharacter = true
            default:
                isWordCharacter = scalar == "_"
            }
            guard isWordCharacter else { break }
            name.unicodeScalars.append(scalar)
            rest = Substring(rest.unicodeScalars.dropFirst())
        }
        if name.isEmpty { return nil }
        if braced {
            guard rest.first == "}" else { return nil }
            rest = rest.dropFirst()
        }
        return (name, rest)
    }

    /// A group number written in decimal without leading zeros.
    private static func groupNumber(_ name: String) -> Int? {
        guard name.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        if name.count > 1 && name.hasPrefix("0") { return nil }
        guard name.count <= 8 else { return nil }
        return Int(name)
    }

    /// Rewrites RE2 syntax for ICU and numbers the capturing groups.
    private static func translate(_ pattern: String) -> (String, [String: Int]) {
        let scalars = Array(pattern.unicodeScalars)
        let multiline = pattern.range(of: #"\(\?[a-zA-Z]*m"#, options: .regularExpression) != nil
        var out = ""
        var names: [String: Int] = [:]
        var groupCount = 0
        var index = 0
        var inClass = false
        var classStart = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" && index + 1 < scalars.count {
                if scalars[index + 1] == "Q" && !inClass {
                    // \Q…\E: copied literally.
                    var end = index + 2
                    while end < scalars.count
                        && !(scalars[end] == "\\" && end + 1 < scalars.count && scalars[end + 1] == "E")
                    {
                        end += 1
                    }
                    let upper = min(end + 2, scalars.count)
                    out.unicodeScalars.append(contentsOf: scalars[index..<upper])
                    index = upper
                    continue
                }
                out.unicodeScalars.append(scalar)
                out.unicodeScalars.append(scalars[index + 1])
                index += 2
                continue
            }
            if inClass {
                if scalar == "]" && index > classStart {
                    inClass = false
                    out += "]"
                } else if scalar == "[" && index + 1 < scalars.count && scalars[index + 1] == ":" {
                    // [:alpha:] stays as it is.
                    var end = index + 2
                    while end + 1 < scalars.count && !(scalars[end] == ":" && scalars[end + 1] == "]") { end += 1 }
                    let upper = min(end + 2, scalars.count)
                    out.unicodeScalars.append(contentsOf: scalars[index..<upper])
                    index = upper
                    continue
                } else if scalar == "[" || scalar == "&" || scalar == "]" {
                    out += "\\" + String(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
                index += 1
                continue
            }
            switch scalar {
            case "[":
                inClass = true
                out += "["
                index += 1
                if index < scalars.count && scalars[index] == "^" {
                    out += "^"
                    index += 1
                }
                classStart = index
                if index < scalars.count && scalars[index] == "]" {
                    out += "\\]"
                    index += 1
                }
                continue
            case "(":
                if index + 1 < scalars.count && scalars[index + 1] == "?" {
                    let rest = String(String.UnicodeScalarView(scalars[(index + 2)...]))
                    if rest.hasPrefix("P<") || (rest.hasPrefix("<") && !rest.hasPrefix("<=") && !rest.hasPrefix("<!")) {
                        groupCount += 1
                        let nameStart = rest.hasPrefix("P<") ? 2 : 1
                        let name = rest.dropFirst(nameStart).prefix { $0 != ">" }
                        names[String(name)] = names[String(name)] ?? groupCount
                        out += "(?<" + name + ">"
                        index += 2 + nameStart + name.unicodeScalars.count + 1
                        continue
                    }
                } else {
                    groupCount += 1
                }
                out += "("
            case "$":
                out += multiline ? "$" : "\\z"
            default:
                out.unicodeScalars.append(scalar)
            }
            index += 1
        }
        return (out, names)
    }
}
