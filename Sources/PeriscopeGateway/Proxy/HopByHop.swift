import NIOHTTP1

/// Header rules of a proxy (RFC 9110 §7.6.1): hop-by-hop fields are not forwarded.
enum HopByHop {
    /// Whether `name` is always hop-by-hop: Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade,
    /// or any `Proxy-*` field.
    static func isHopByHop(_ name: String) -> Bool {
        var utf8 = name.utf8.makeIterator()
        guard let first = utf8.next() else { return false }
        switch first | 0x20 {
        case UInt8(ascii: "c"): return name.equalsIgnoringCase("connection")
        case UInt8(ascii: "k"): return name.equalsIgnoringCase("keep-alive")
        case UInt8(ascii: "t"):
            return name.equalsIgnoringCase("te") || name.equalsIgnoringCase("trailer")
                || name.equalsIgnoringCase("transfer-encoding")
        case UInt8(ascii: "u"): return name.equalsIgnoringCase("upgrade")
        case UInt8(ascii: "p"): return name.hasPrefixIgnoringCase("proxy-")
        default: return false
        }
    }

    /// The header names to remove from a message: the hop-by-hop ones present and those its Connection
    /// headers list (`Connection: close, X-Foo` → `x-foo`), plus any name `alsoRemove` accepts.
    /// Returns an empty array — without allocating — when there is nothing to remove.
    static func namesToRemove(_ headers: HTTPHeaders, alsoRemove: (String) -> Bool = { _ in false }) -> [String] {
        var names: [String] = []
        for (name, value) in headers {
            if Self.isHopByHop(name) {
                if !names.contains(where: { $0.equalsIgnoringCase(name) }) { names.append(name) }
                if name.equalsIgnoringCase("connection") {
                    for token in value.split(separator: ",") {
                        let trimmed = token.trimmingASCIISpaces()
                        if trimmed.isEmpty || trimmed.equalsIgnoringCase("close")
                            || trimmed.equalsIgnoringCase("keep-alive")
                        {
                            continue
                        }
                        if !names.contains(where: { $0.equalsIgnoringCase(trimmed) }) { names.append(String(trimmed)) }
                    }
                }
            } else if alsoRemove(name) {
                if !names.contains(where: { $0.equalsIgnoringCase(name) }) { names.append(name) }
            }
        }
        return names
    }
}

extension StringProtocol {
    /// ASCII case-insensitive equality, without allocating.
    func equalsIgnoringCase(_ other: some StringProtocol) -> Bool {
        let fast = self.utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs in
                asciiCaseInsensitiveEqual(UnsafeRawBufferPointer(mine), UnsafeRawBufferPointer(theirs))
            }
        }
        if let result = fast ?? nil { return result }
        guard self.utf8.count == other.utf8.count else { return false }
        return self.utf8.elementsEqual(other.utf8) { asciiLowercased($0) == asciiLowercased($1) }
    }

    /// ASCII case-insensitive prefix test, without allocating.
    func hasPrefixIgnoringCase(_ prefix: some StringProtocol) -> Bool {
        guard self.utf8.count >= prefix.utf8.count else { return false }
        return self.utf8.prefix(prefix.utf8.count).elementsEqual(prefix.utf8) {
            asciiLowercased($0) == asciiLowercased($1)
        }
    }

    /// The value with leading and trailing spaces and tabs removed.
    func trimmingASCIISpaces() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let slice = self[...]
        guard let start = slice.firstIndex(where: { !isSpace($0) }) else { return Substring() }
        let end = slice.lastIndex(where: { !isSpace($0) })!
        return Substring(slice[start...end])
    }
}

/// Lower-cases one ASCII letter byte; other bytes are returned unchanged.
@inline(__always)
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}

/// Compares two byte strings ignoring ASCII case.
@inline(__always)
func asciiCaseInsensitiveEqual(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    for index in 0..<a.count {
        let x = a[index]
        let y = b[index]
        if x != y && asciiLowercased(x) != asciiLowercased(y) { return false }
    }
    return true
}
