extension Evaluator {
    /// `label_replace(v, dst, replacement, src, regex)`: where `regex` matches the whole value of `src`, `dst` is set
    /// to `replacement` with `$1`, `${name}`, ... expanded as Go's `Regexp.Expand` does (an empty result removes
    /// `dst`); elements that do not match pass through unchanged.
    func evaluateLabelReplace(_ args: [Expr], at ts: Timestamp) throws(PromQLEvaluationError) -> [VectorElement] {
        try EngineHelpers.checkArity("label_replace", args, 5)
        let elements = try self.evalVector(args[0], at: ts)
        let destination = try self.evalString(args[1], at: ts)
        let replacement = try self.evalString(args[2], at: ts)
        let sourceLabel = try self.evalString(args[3], at: ts)
        let pattern = try self.evalString(args[4], at: ts)
        let regex: GoRegex
        do {
            regex = try GoRegex(pattern, semantics: self.semantics)
        } catch {
            throw PromQLEvaluationError("invalid regular expression in label_replace(): \(pattern)")
        }
        guard self.isValidLabelName(destination) else {
            throw PromQLEvaluationError("invalid destination label name in label_replace(): \(destination)")
        }
        var cache: [Labels: Labels] = [:]
        var out: [VectorElement] = []
        out.reserveCapacity(elements.count)
        for element in elements {
            var labels: Labels
            if let cached = cache[element.labels] {
                labels = cached
            } else {
                labels = element.labels
                if let captures = regex.regex.captures(element.labels[sourceLabel] ?? "") {
                    labels[destination] = regex.expand(replacement, captures: captures)
                }
                cache[element.labels] = labels
            }
            out.append(VectorElement(labels: labels, t: element.t, v: element.v))
        }
        try EngineHelpers.ensureUniqueLabelsets(out)
        return out
    }

    /// `label_join(v, dst, separator, src...)`: `dst` becomes the source labels' values joined by `separator` (an
    /// empty result removes it).
    func evaluateLabelJoin(_ args: [Expr], at ts: Timestamp) throws(PromQLEvaluationError) -> [VectorElement] {
        guard args.count >= 3 else {
            throw PromQLEvaluationError(
                "expected at least 3 argument(s) in call to \"label_join\", got \(args.count)")
        }
        let elements = try self.evalVector(args[0], at: ts)
        let destination = try self.evalString(args[1], at: ts)
        let separator = try self.evalString(args[2], at: ts)
        var sources: [String] = []
        for arg in args.dropFirst(3) {
            let source = try self.evalString(arg, at: ts)
            guard self.isValidLabelName(source) else {
                throw PromQLEvaluationError("invalid source label name in label_join(): \(source)")
            }
            sources.append(source)
        }
        guard self.isValidLabelName(destination) else {
            throw PromQLEvaluationError("invalid destination label name in label_join(): \(destination)")
        }
        let out = elements.map { element in
            var labels = element.labels
            labels[destination] = sources.map { element.labels[$0] ?? "" }.joined(separator: separator)
            return VectorElement(labels: labels, t: element.t, v: element.v)
        }
        try EngineHelpers.ensureUniqueLabelsets(out)
        return out
    }

    /// 2.42 accepts `[a-zA-Z_][a-zA-Z0-9_]*`; Prometheus 3 any non-empty UTF-8 name.
    func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first else { return false }
        if self.semantics == .prometheus3 { return true }
        func isLetter(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
        }
        return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }
}

/// A Go (RE2) regular expression for `label_replace`: `(?P<name>...)` groups are translated for ICU, and the group
/// names are kept for `${name}` references.
struct GoRegex {
    let regex: AnchoredRegex
    /// Capture-group names and their numbers.
    let groupNames: [String: Int]

    init(_ pattern: String, semantics: PromQLSemantics) throws {
        let (translated, names) = Self.translate(pattern)
        self.regex = try AnchoredRegex(Self.goAnchored(translated, semantics: semantics))
        self.groupNames = names
    }

    /// Wraps an ICU pattern (which ``AnchoredRegex`` anchors with `^(?:...)$` and compiles with `.` matching newlines)
    /// so that it matches what Go's `^(?:...)$` matches: `\z` because ICU's `$` also matches before a final newline,
    /// and in 2.42 `(?-s:...)` because Prometheus 2 did not let `.` match a newline (Prometheus 3 does).
    static func goAnchored(_ pattern: String, semantics: PromQLSemantics) -> String {
        semantics == .prometheus2 ? "(?-s:\(pattern))\\z" : "(?:\(pattern))\\z"
    }

    /// Rewrites `(?P<name>` to `(?<name>` and numbers the capture groups (outside character classes and `\Q...\E`).
    static func translate(_ pattern: String) -> (String, [String: Int]) {
        let scalars = Array(pattern.unicodeScalars)
        var out = String.UnicodeScalarView()
        var names: [String: Int] = [:]
        var groups = 0
        var index = 0
        var inClass = false
        func copy(_ count: Int) {
            let end = Swift.min(scalars.count, index + count)
            out.append(contentsOf: scalars[index..<end])
            index = end
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" {
                if index + 1 < scalars.count && scalars[index + 1] == "Q" {
                    var end = index + 2
                    while end < scalars.count
                        && !(scalars[end] == "\\" && end + 1 < scalars.count && scalars[end + 1] == "E")
                    {
                        end += 1
                    }
                    copy(end + 2 - index)
                } else {
                    copy(2)
                }
                continue
            }
            if inClass {
                if scalar == "[" && index + 1 < scalars.count && scalars[index + 1] == ":" {
                    // A POSIX class such as [:alpha:] inside a bracket expression.
                    var end = index + 2
                    while end + 1 < scalars.count && !(scalars[end] == ":" && scalars[end + 1] == "]") { end += 1 }
                    copy(end + 2 - index)
                    continue
                }
                if scalar == "]" { inClass = false }
                copy(1)
                continue
            }
            switch scalar {
            case "[":
                inClass = true
                copy(1)
                if index < scalars.count && scalars[index] == "^" { copy(1) }
                if index < scalars.count && scalars[index] == "]" { copy(1) }
            case "(":
                guard index + 1 < scalars.count, scalars[index + 1] == "?" else {
                    groups += 1
                    copy(1)
                    continue
                }
                var nameStart = -1
                if index + 3 < scalars.count && scalars[index + 2] == "P" && scalars[index + 3] == "<" {
                    out.append(contentsOf: "(?<".unicodeScalars)
                    index += 4
                    nameStart = index
                } else if index + 2 < scalars.count && scalars[index + 2] == "<" {
                    copy(3)
                    nameStart = index
                } else {
                    copy(2)
                }
                if nameStart >= 0 {
                    groups += 1
                    var end = nameStart
                    while end < scalars.count && scalars[end] != ">" { end += 1 }
                    var name = String.UnicodeScalarView()
                    name.append(contentsOf: scalars[nameStart..<end])
                    if names[String(name)] == nil { names[String(name)] = groups }
                    copy(end - index)
                }
            default:
                copy(1)
            }
        }
        return (String(out), names)
    }

    /// Go's `Regexp.ExpandString`: `$$` is a dollar; `$name`/`${name}` take the longest run of letters, digits and
    /// underscores as the name (so `$1x` refers to a group named `1x`, which is empty); numbers refer to groups by
    /// position; a malformed reference is copied literally.
    func expand(_ template: String, captures: [String]) -> String {
        let scalars = Array(template.unicodeScalars)
        var out = ""
        var index = 0
        while index < scalars.count {
            guard let dollar = scalars[index...].firstIndex(of: "$") else {
                out.unicodeScalars.append(contentsOf: scalars[index...])
                break
            }
            out.unicodeScalars.append(contentsOf: scalars[index..<dollar])
            index = dollar + 1
            if index < scalars.count && scalars[index] == "$" {
                out += "$"
                index += 1
                continue
            }
            guard let (name, number, next) = Self.extractReference(scalars, from: index) else {
                out += "$"
                continue
            }
            index = next
            if number >= 0 {
                if number < captures.count { out += captures[number] }
            } else if let group = self.groupNames[name], group < captures.count {
                out += captures[group]
            }
        }
        return out
    }

    private static func extractReference(_ scalars: [Unicode.Scalar], from start: Int)
        -> (name: String, number: Int, next: Int)?
    {
        var index = start
        guard index < scalars.count else { return nil }
        let brace = scalars[index] == "{"
        if brace { index += 1 }
        let nameStart = index
        while index < scalars.count && Self.isNameCharacter(scalars[index]) { index += 1 }
        if index == nameStart { return nil }
        var nameScalars = String.UnicodeScalarView()
        nameScalars.append(contentsOf: scalars[nameStart..<index])
        let name = String(nameScalars)
        if brace {
            guard index < scalars.count, scalars[index] == "}" else { return nil }
            index += 1
        }
        var number = 0
        for byte in name.utf8 {
            if byte < UInt8(ascii: "0") || byte > UInt8(ascii: "9") || number >= 100_000_000 {
                number = -1
                break
            }
            number = number * 10 + Int(byte - UInt8(ascii: "0"))
        }
        if name.utf8.first == UInt8(ascii: "0") && name.utf8.count > 1 { number = -1 }
        return (name, number, index)
    }

    private static func isNameCharacter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "_" { return true }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }
}
