/// Readers of the two small protobuf messages a collector answers with, hand-decoded (no generated code):
/// the `partial_success` of an `Export<Signal>ServiceResponse`, and the `message` of the `google.rpc.Status`
/// that is the body of every 4xx/5xx response. Malformed input gives `nil`, never a crash.
public enum OTLPResponseBody {
    /// The `google.rpc.Status.message` (field 2, string) in `body`, if `body` is a well-formed protobuf message
    /// with a non-empty one.
    public static func statusMessage(_ body: [UInt8]) -> String? {
        var index = 0
        var message: String?
        while index < body.count {
            guard let tag = Self.varint(body, &index) else { return nil }
            let field = tag >> 3
            switch tag & 7 {
            case 0:
                guard Self.varint(body, &index) != nil else { return nil }
            case 1:
                index += 8
            case 2:
                guard let length = Self.varint(body, &index), length <= UInt64(body.count - index) else { return nil }
                let end = index + Int(length)
                if field == 2 {
                    guard let text = String(validating: body[index..<end], as: UTF8.self) else { return nil }
                    message = text
                }
                index = end
            case 5:
                index += 4
            default:
                return nil
            }
            guard index <= body.count, field != 0 else { return nil }
        }
        return message.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// What an error log shows of a failure response body: the Status message, else the body's text (if it is
    /// UTF-8 without control characters), else its size; at most `limit` characters.
    static func summary(_ body: [UInt8], limit: Int = 512) -> String {
        if body.isEmpty { return "(empty body)" }
        if let message = Self.statusMessage(body) { return String(message.prefix(limit)) }
        if let text = String(validating: body, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        {
            return String(text.prefix(limit))
        }
        return "(\(body.count) bytes)"
    }

    /// The `partial_success` (field 1) of an `Export<Signal>ServiceResponse`: its `rejected_<items>` (field 1,
    /// int64) and `error_message` (field 2, string). `nil` when the field is absent (full success) or the body is
    /// not a well-formed message. Both signals' responses have this shape, so this works as the
    /// `parsePartialSuccess` of any ``OTLPExportPipeline``.
    public static func partialSuccess(_ body: [UInt8]) -> (rejected: Int, message: String)? {
        var index = 0
        var found: (rejected: Int, message: String)?
        while index < body.count {
            guard let tag = Self.varint(body, &index) else { return nil }
            switch tag & 7 {
            case 0:
                guard Self.varint(body, &index) != nil else { return nil }
            case 1:
                index += 8
            case 2:
                guard let length = Self.varint(body, &index), length <= UInt64(body.count - index) else { return nil }
                let end = index + Int(length)
                if tag >> 3 == 1 {
                    guard let inner = Self.partialSuccessFields(Array(body[index..<end])) else { return nil }
                    found = inner
                }
                index = end
            case 5:
                index += 4
            default:
                return nil
            }
            guard index <= body.count else { return nil }
        }
        return found
    }

    private static func partialSuccessFields(_ body: [UInt8]) -> (rejected: Int, message: String)? {
        var index = 0
        var rejected = 0
        var message = ""
        while index < body.count {
            guard let tag = Self.varint(body, &index) else { return nil }
            switch (tag >> 3, tag & 7) {
            case (1, 0):
                guard let value = Self.varint(body, &index) else { return nil }
                rejected = Int(truncatingIfNeeded: Int64(bitPattern: value))
            case (_, 0):
                guard Self.varint(body, &index) != nil else { return nil }
            case (let field, 2):
                guard let length = Self.varint(body, &index), length <= UInt64(body.count - index) else { return nil }
                let end = index + Int(length)
                if field == 2 {
                    message = String(decoding: body[index..<end], as: UTF8.self)
                }
                index = end
            case (_, 1):
                index += 8
            case (_, 5):
                index += 4
            default:
                return nil
            }
            guard index <= body.count else { return nil }
        }
        return (rejected, message)
    }

    private static func varint(_ bytes: [UInt8], _ index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count && shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
