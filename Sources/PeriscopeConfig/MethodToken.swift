/// Checks HTTP method names of route matches.
enum MethodToken {
    /// Validates `method` as an HTTP token (RFC 9110 `tchar`s) and returns it upper-cased.
    static func normalize(_ method: String) throws(ValueProblem) -> String {
        guard !method.isEmpty, method.unicodeScalars.allSatisfy(Self.isTokenCharacter) else {
            throw ValueProblem(
                "'\(method)' is not a valid HTTP method",
                hint: "methods are tokens such as GET, POST or PURGE, without spaces or separators"
            )
        }
        return method.uppercased()
    }

    /// Whether `scalar` is an RFC 9110 `tchar` (the characters of methods, header names and cookie names).
    static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9":
            return true
        case "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~":
            return true
        default:
            return false
        }
    }
}

/// Checks header names the config sets.
enum HeaderName {
    /// Validates `name` as an HTTP field name (an RFC 9110 token) and returns it lower-cased.
    static func validate(_ name: String) throws(ValueProblem) -> String {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy(MethodToken.isTokenCharacter) else {
            throw ValueProblem(
                "'\(name)' is not a valid header name",
                hint: "header names are tokens such as X-Request-Timeout-Ms, without spaces or ':'"
            )
        }
        return name.lowercased()
    }
}
