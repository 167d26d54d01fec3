/// The W3C `trace-flags` byte, restricted to the bits Trace Context Level 2 defines.
///
/// Bits other than ``sampled`` and ``random`` are undefined and are never kept: ``TraceParent`` masks them off
/// when parsing, so they go out as zero. Test flags with `contains`, never by comparing the whole byte.
public struct TraceFlags: OptionSet, Sendable, Hashable {
    /// The flags byte; only bits 0 and 1 are ever set.
    public var rawValue: UInt8

    /// Creates flags from a raw byte, dropping the undefined bits.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue & Self.defined.rawValue
    }

    /// Bit 0 (`0x01`): the caller may have recorded the trace.
    public static let sampled = TraceFlags(rawValue: 0x01)
    /// Bit 1 (`0x02`, Level 2): at least the right-most 7 bytes of the trace id are uniformly random. Propagated
    /// unchanged while the trace id is kept; set on every trace id ``IDGenerator`` makes.
    public static let random = TraceFlags(rawValue: 0x02)

    /// Every defined bit.
    static let defined = TraceFlags(uncheckedRawValue: 0x03)

    private init(uncheckedRawValue: UInt8) {
        self.rawValue = uncheckedRawValue
    }
}
