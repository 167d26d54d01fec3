/// A segment radix tree for parameterised routes (`/api/users/{id}/orders`).
///
/// Each edge is one path segment: literal edges live in a hash map per node, a parameter edge matches any
/// single non-empty segment. Lookup walks the request path segment by segment without allocating, preferring
/// the literal edge and backtracking to the parameter edge, so `/api/users/me` beats `/api/users/{id}`.
struct ParamRouteTree<Value: Sendable>: Sendable {
    private struct Node: Sendable {
        var literals: [Substring: Int] = [:]
        var parameter: Int? = nil
        var values: [Value] = []
    }

    private var nodes: [Node] = [Node()]

    var isEmpty: Bool { self.nodes.count == 1 && self.nodes[0].values.isEmpty }

    /// Adds `value` under the template's segments.
    mutating func insert(_ segments: [PathPattern.Segment], value: Value) {
        var index = 0
        for segment in segments {
            switch segment {
            case .literal(let text):
                if let next = self.nodes[index].literals[Substring(text)] {
                    index = next
                } else {
                    self.nodes.append(Node())
                    self.nodes[index].literals[Substring(text)] = self.nodes.count - 1
                    index = self.nodes.count - 1
                }
            case .parameter:
                if let next = self.nodes[index].parameter {
                    index = next
                } else {
                    self.nodes.append(Node())
                    self.nodes[index].parameter = self.nodes.count - 1
                    index = self.nodes.count - 1
                }
            }
        }
        self.nodes[index].values.append(value)
    }

    /// Finds the first value (literal-first, depth-first) on a node matched by `path` for which `accept` is true.
    /// `path` must start with `/`.
    func lookup(_ path: Substring, where accept: (Value) -> Bool) -> Value? {
        guard path.first == "/" else { return nil }
        return self.walk(node: 0, rest: path.dropFirst(), accept: accept)
    }

    private func walk(node: Int, rest: Substring, accept: (Value) -> Bool) -> Value? {
        let current = self.nodes[node]
        guard let (segment, remainder, isLast) = Self.nextSegment(rest) else {
            return current.values.first(where: accept)
        }
        if let next = current.literals[segment] {
            if isLast {
                if let hit = self.nodes[next].values.first(where: accept) { return hit }
            } else if let hit = self.walk(node: next, rest: remainder, accept: accept) {
                return hit
            }
        }
        if let next = current.parameter, !segment.isEmpty {
            if isLast {
                return self.nodes[next].values.first(where: accept)
            }
            return self.walk(node: next, rest: remainder, accept: accept)
        }
        return nil
    }

    /// Splits `a/b/c` into (`a`, `b/c`, false); `c` into (`c`, "", true).
    private static func nextSegment(_ rest: Substring) -> (Substring, Substring, Bool)? {
        if let slash = rest.firstIndex(of: "/") {
            return (rest[rest.startIndex..<slash], rest[rest.index(after: slash)...], false)
        }
        return (rest, rest[rest.endIndex...], true)
    }
}
