/// Go's `strconv.Quote` and friends, which Prometheus uses to print strings, label matcher values
/// and runes in error messages (the shared implementation is ``GoStrconv``).
enum GoQuote {
    /// `strconv.Quote`: a double-quoted string with Go escapes; printable characters stay as they
    /// are.
    static func quote(_ value: String) -> String {
        GoStrconv.quote(value)
    }

    /// `strconv.QuoteRune`: a single-quoted character.
    static func quoteRune(_ scalar: Unicode.Scalar) -> String {
        GoStrconv.quoteRune(UInt64(scalar.value))
    }

    /// Go's `%#U`: `U+0071 'q'`, without the character when it is not printable.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        var hex = String(scalar.value, radix: 16, uppercase: true)
        if hex.count < 4 { hex = String(repeating: "0", count: 4 - hex.count) + hex }
        return GoStrconv.isPrint(scalar) ? "U+\(hex) '\(Character(scalar))'" : "U+\(hex)"
    }
}
