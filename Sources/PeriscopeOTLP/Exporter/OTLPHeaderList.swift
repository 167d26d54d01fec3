/// The `OTEL_EXPORTER_OTLP_HEADERS` format: `key1=value1,key2=value2`, the W3C Baggage list syntax without
/// properties. Keys and values are trimmed of spaces and tabs and percent-decoded (RFC 3986 §2.1); a `;` has no
/// special meaning. Decoded names must be HTTP tokens and decoded values must not contain CR, LF or NUL, so a
/// variable cannot inject header lines.
enum OTLPHeaderList {
    /// Why one list entry was ignored. Descriptions never include the value (it may be a secret).
    struct EntryError: Error, Equatable, CustomStringConvertible {
        var description: String
    }

    /// Header names the HTTP client sets itself; configured values for them are ignored.
    static let reservedNames: Set<String> = [
        "content-type", "content-length", "content-encoding", "transfer-encoding", "host", "connection",
    ]

    /// Parses every entry of `list`; empty entries (`a=1,,b=2`) are skipped.
    static func parse(_ list: String) -> [Result<(name: String, value: String), EntryError>] {
        var entries: [Result<(name: String, value: String), EntryError>] = []
        for (index, member) in list.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
            let entry = OTLPExporterText.trimmed(member)
            if entry.isEmpty { continue }
            guard let equals = entry.firstIndex(of: "=") else {
                entries.append(.failure(EntryError(description: "entry \(index + 1) has no '='")))
                continue
            }
            guard let name = Self.percentDecode(OTLPExporterText.trimmed(entry[..<equals])) else {
                entries.append(.failure(EntryError(description: "entry \(index + 1) has a bad percent-encoded key")))
                continue
            }
            guard let value = Self.percentDecode(OTLPExporterText.trimmed(entry[entry.index(after: equals)...]))
            else {
                entries.append(
                    .failure(EntryError(description: "the value of '\(Self.printable(name))' is badly percent-encoded"))
                )
                continue
            }
            entries.append(Self.validate(name: name, value: value))
        }
        return entries
    }

    /// Checks that `name` is an HTTP token and `value` holds no CR, LF or NUL.
    static func validate(name: String, value: String) -> Result<(name: String, value: String), EntryError> {
        guard !name.isEmpty else {
            return .failure(EntryError(description: "an entry has an empty key"))
        }
        guard name.utf8.allSatisfy(Self.isTokenByte) else {
            return .failure(EntryError(description: "'\(Self.printable(name))' is not a valid header name"))
        }
        guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
            return .failure(EntryError(description: "the value of '\(name)' contains CR, LF or NUL"))
        }
        return .success((name, value))
    }

    /// `text` with `%XX` sequences decoded; `nil` if a sequence is malformed or the result is not UTF-8.
    static func percentDecode(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue)
            else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// `text` with control characters replaced, for warnings.
    private static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }
}
