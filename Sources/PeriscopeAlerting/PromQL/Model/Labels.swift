/// One label: a name and its value.
public struct Label: Hashable, Sendable, Comparable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (lhs: Label, rhs: Label) -> Bool {
        lhs.name != rhs.name ? lhs.name < rhs.name : lhs.value < rhs.value
    }
}

/// A label set, kept sorted by name with unique names; `__name__` is an ordinary label here.
///
/// Empty values are never stored: setting a label to "" removes it, as Prometheus does.
public struct Labels: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The labels, sorted by name.
    public private(set) var items: [Label]

    public static let metricName = "__name__"

    public init() { items = [] }

    /// Builds a label set from pairs; later duplicates win, empty values are dropped.
    public init(_ pairs: [(String, String)]) {
        items = []
        for (name, value) in pairs { self[name] = value }
    }

    public init(_ dictionary: [String: String]) {
        items = dictionary.filter { !$0.value.isEmpty }.map { Label($0.key, $0.value) }.sorted()
    }

    /// The value of `name`, or nil; setting nil or "" removes the label.
    public subscript(name: String) -> String? {
        get {
            var low = 0
            var high = items.count
            while low < high {
                let mid = (low + high) / 2
                if items[mid].name < name { low = mid + 1 } else { high = mid }
            }
            return low < items.count && items[low].name == name ? items[low].value : nil
        }
        set {
            var low = 0
            var high = items.count
            while low < high {
                let mid = (low + high) / 2
                if items[mid].name < name { low = mid + 1 } else { high = mid }
            }
            let found = low < items.count && items[low].name == name
            switch (newValue, found) {
            case (let value?, true) where !value.isEmpty: items[low].value = value
            case (let value?, false) where !value.isEmpty: items.insert(Label(name, value), at: low)
            case (_, true): items.remove(at: low)
            default: break
            }
        }
    }

    public var name: String? { self[Labels.metricName] }

    public var isEmpty: Bool { items.isEmpty }

    /// The set without `__name__`.
    public func droppingName() -> Labels {
        var copy = self
        copy[Labels.metricName] = nil
        return copy
    }

    /// Only the named labels.
    public func keeping(_ names: Set<String>) -> Labels {
        var copy = Labels()
        copy.items = items.filter { names.contains($0.name) }
        return copy
    }

    /// All labels but the named ones.
    public func removing(_ names: Set<String>) -> Labels {
        var copy = Labels()
        copy.items = items.filter { !names.contains($0.name) }
        return copy
    }

    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: items.map { ($0.name, $0.value) })
    }

    /// Lexicographic over (name, value) pairs, as Prometheus sorts label sets.
    public static func < (lhs: Labels, rhs: Labels) -> Bool {
        for (left, right) in zip(lhs.items, rhs.items) where left != right {
            return left < right
        }
        return lhs.items.count < rhs.items.count
    }

    /// `name{a="1", b="2"}` as Prometheus prints a series (no name → `{a="1"}`).
    public var description: String {
        let rest = items.filter { $0.name != Labels.metricName }
            .map { "\($0.name)=\"\(PromQLString.escape($0.value))\"" }
            .joined(separator: ", ")
        let name = self.name ?? ""
        return rest.isEmpty && !name.isEmpty ? name : "\(name){\(rest)}"
    }
}

/// String escaping as PromQL and the exposition format write label values.
public enum PromQLString {
    public static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
