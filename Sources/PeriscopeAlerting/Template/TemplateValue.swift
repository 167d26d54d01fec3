/// A value inside template execution, modelled on the Go types Prometheus' templates see.
///
/// Each case stands for one Go type, so that type errors, `%T`, truthiness and printing follow
/// Go: `.int` is `int` (number literals, `len`), `.float` is `float64` (`$value`), `.html` is
/// `html/template.HTML` (`safeHtml`), `.sample` is `*template.sample`, and so on.
enum TemplateValue: Sendable {
    /// No value: Go's invalid `reflect.Value` or a nil `interface{}`. Printed by an action as
    /// `<no value>`, by `print`/`printf` as `<nil>`.
    case noValue
    case bool(Bool)
    case int(Int)
    /// `uint8`, what `index` of a string gives.
    case byte(UInt8)
    case float(Double)
    case string(String)
    /// `html/template.HTML`, a named string type.
    case html(String)
    /// `map[string]string`: labels.
    case stringMap([String: String])
    /// `map[string]interface {}`: what `args` builds.
    case anyMap([String: TemplateValue])
    /// `template.queryResult` (`[]*template.sample`).
    case queryResult([TemplateSample])
    /// `*template.sample`; nil is a nil pointer.
    case sample(TemplateSample?)
    /// `template.sample`, a dereferenced sample (only printing produces it).
    case sampleValue(TemplateSample)
    /// `*time.Time`; nil is a nil pointer.
    case time(GoTime?)
    /// `time.Time`.
    case timeValue(GoTime)
    /// The template's data, the anonymous struct Prometheus' `AlertTemplateData` builds.
    case data(TemplateData)

    static let dataTypeName =
        "struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }"

    /// Go's `reflect.Type.String()` of the value's type; nil for `.noValue`.
    var typeName: String? {
        switch self {
        case .noValue: return nil
        case .bool: return "bool"
        case .int: return "int"
        case .byte: return "uint8"
        case .float: return "float64"
        case .string: return "string"
        case .html: return "template.HTML"
        case .stringMap: return "map[string]string"
        case .anyMap: return "map[string]interface {}"
        case .queryResult: return "template.queryResult"
        case .sample: return "*template.sample"
        case .sampleValue: return "template.sample"
        case .time: return "*time.Time"
        case .timeValue: return "time.Time"
        case .data: return TemplateValue.dataTypeName
        }
    }

    /// Whether the value's kind is `string` (what `fmt.Sprint` spacing and `print` look at).
    var isStringKind: Bool {
        switch self {
        case .string, .html: return true
        default: return false
        }
    }

    /// Go's template truth: false for zero values, empty collections and nil pointers.
    var isTrue: Bool {
        switch self {
        case .noValue: return false
        case .bool(let value): return value
        case .int(let value): return value != 0
        case .byte(let value): return value != 0
        case .float(let value): return value != 0
        case .string(let value), .html(let value): return !value.isEmpty
        case .stringMap(let value): return !value.isEmpty
        case .anyMap(let value): return !value.isEmpty
        case .queryResult(let value): return !value.isEmpty
        case .sample(let value): return value != nil
        case .time(let value): return value != nil
        case .sampleValue, .timeValue, .data: return true
        }
    }

    /// Dereferences a non-nil pointer, as Go's `indirect` does.
    var indirected: TemplateValue {
        switch self {
        case .sample(let sample?): return .sampleValue(sample)
        case .time(let time?): return .timeValue(time)
        default: return self
        }
    }

    /// Whether the value is a nil pointer.
    var isNilPointer: Bool {
        switch self {
        case .sample(nil), .time(nil): return true
        default: return false
        }
    }
}

/// The comparison classes of Go's `eq`/`lt` builtins.
enum TemplateBasicKind: Equatable {
    case bool
    case int
    case uint
    case float
    case string
    case other
}

extension TemplateValue {
    var basicKind: TemplateBasicKind {
        switch self {
        case .bool: return .bool
        case .int: return .int
        case .byte: return .uint
        case .float: return .float
        case .string, .html: return .string
        default: return .other
        }
    }

    var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    var uintValue: UInt64? {
        if case .byte(let value) = self { return UInt64(value) }
        return nil
    }

    var stringValue: String? {
        switch self {
        case .string(let value), .html(let value): return value
        default: return nil
        }
    }
}

/// Go's string ordering: bytewise over UTF-8.
func goStringLess(_ lhs: String, _ rhs: String) -> Bool {
    lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
}
