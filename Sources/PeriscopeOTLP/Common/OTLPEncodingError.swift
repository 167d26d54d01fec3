/// Why an OTLP request could not be encoded.
public struct OTLPEncodingError: Error, Hashable, CustomStringConvertible {
    enum Code: Hashable {
        case outOfMemory
    }

    let code: Code

    /// The batch arena could not get memory from the system (or a size overflowed).
    public static let outOfMemory = OTLPEncodingError(code: .outOfMemory)

    /// A short explanation for logs.
    public var description: String {
        switch self.code {
        case .outOfMemory: "out of memory while building the OTLP request"
        }
    }
}
