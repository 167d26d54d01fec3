/// The value of an OTLP attribute (`opentelemetry.proto.common.v1.AnyValue`), for the kinds Periscope sends.
///
/// Every case is a oneof member on the wire, so zero values (`0`, `false`, `""`) are still encoded.
public enum OTLPAttributeValue: Sendable, Hashable {
    /// `string_value` (field 1).
    case string(String)
    /// `bool_value` (field 2).
    case bool(Bool)
    /// `int_value` (field 3).
    case int(Int64)
    /// `double_value` (field 4).
    case double(Double)
}

/// One key-value attribute (`opentelemetry.proto.common.v1.KeyValue`) of a resource, scope, or data point.
public struct OTLPAttribute: Sendable, Hashable {
    /// The attribute's key, e.g. `service.name`. Keys must be unique within one attribute list.
    public var key: String
    /// The attribute's value.
    public var value: OTLPAttributeValue

    /// Creates an attribute.
    public init(_ key: String, _ value: OTLPAttributeValue) {
        self.key = key
        self.value = value
    }

    /// Creates a string attribute.
    public init(_ key: String, _ value: String) {
        self.init(key, .string(value))
    }
}

extension OTLPAttributeValue: CustomStringConvertible {
    /// The value as plain text (strings unquoted), for logs and tests.
    public var description: String {
        switch self {
        case .string(let value): value
        case .bool(let value): String(value)
        case .int(let value): String(value)
        case .double(let value): String(value)
        }
    }
}
