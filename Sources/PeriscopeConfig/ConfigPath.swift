/// A location in the configuration document, rendered like `listeners[0].routes[2].match.path`.
struct ConfigPath: Hashable, Sendable, CustomStringConvertible {
    /// One step of a path: a mapping key or a sequence index.
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    /// The steps from the document root.
    private(set) var components: [Component]

    /// The document root (an empty path).
    static let root = ConfigPath(components: [])

    private init(components: [Component]) {
        self.components = components
    }

    /// The path of `key` inside the mapping at this path.
    func key(_ key: String) -> ConfigPath {
        ConfigPath(components: self.components + [.key(key)])
    }

    /// The path of element `index` of the sequence at this path.
    func index(_ index: Int) -> ConfigPath {
        ConfigPath(components: self.components + [.index(index)])
    }

    /// The enclosing path, or `nil` for the root.
    var parent: ConfigPath? {
        self.components.isEmpty ? nil : ConfigPath(components: Array(self.components.dropLast()))
    }

    /// This path and every enclosing one, innermost first, ending with the root.
    var selfAndAncestors: [ConfigPath] {
        (0...self.components.count).reversed().map { ConfigPath(components: Array(self.components.prefix($0))) }
    }

    var description: String {
        var text = ""
        for component in self.components {
            switch component {
            case .key(let key):
                text += text.isEmpty ? key : ".\(key)"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }
}
