/// Zipkin B3 propagation, single header (`b3`) and multiple headers (`X-B3-*`).
///
/// Accepted (values trimmed of surrounding spaces and tabs, hex lowercase only, as the B3 spec defines it):
/// - `b3: {traceid}-{spanid}[-{sampling}[-{parentspanid}]]`, trace id 16 or 32 hex digits, span id and parent
///   span id 16, sampling `0` (deny), `1` (accept) or `d` (debug); no sampling field means deferred. `b3: 0`,
///   `b3: 1` and `b3: d` alone carry only a sampling decision.
/// - `X-B3-TraceId` (16 or 32 hex), `X-B3-SpanId` (16), optional `X-B3-ParentSpanId` (16), `X-B3-Sampled`
///   (`1`, `0`, or the legacy `true` / `false`, any case), `X-B3-Flags: 1` (debug; other values are ignored).
///   Without both ids, only a sampling decision is carried (`X-B3-Sampled` or `X-B3-Flags` alone); with one id
///   missing, or a value malformed, nothing is extracted.
/// - A 64-bit trace id is left-padded with zeros to 128 bits; all-zero trace or span ids are invalid. The parent
///   span id is validated but not kept: the gateway's span has the caller's span id as its parent.
///
/// Written: `b3: {traceid}-{spanid}-{0|1|d}[-{parentspanid}]`, or `x-b3-traceid`, `x-b3-spanid`,
/// `x-b3-parentspanid` (when there is a parent), and `x-b3-sampled: 1|0` or, for debug, `x-b3-flags: 1` alone
/// (debug implies accept, so the spec says not to send both). The trace id is written with 16 digits when its
/// upper half is zero (so a 64-bit B3 trace id goes back out as it came in), else with 32.
public enum B3 {
    /// The single header, `b3`.
    public static let singleHeaderName = "b3"
    /// `X-B3-TraceId`, lowercase.
    public static let traceIDHeaderName = "x-b3-traceid"
    /// `X-B3-SpanId`, lowercase.
    public static let spanIDHeaderName = "x-b3-spanid"
    /// `X-B3-ParentSpanId`, lowercase.
    public static let parentSpanIDHeaderName = "x-b3-parentspanid"
    /// `X-B3-Sampled`, lowercase.
    public static let sampledHeaderName = "x-b3-sampled"
    /// `X-B3-Flags`, lowercase.
    public static let flagsHeaderName = "x-b3-flags"

    /// The longest single-header value written: 32 + 1 + 16 + 1 + 1 + 1 + 16.
    public static let maxSingleHeaderLength = 68

    // MARK: Extraction

    /// Parses a `b3` header value; `nil` when it is malformed. Does not allocate.
    @inlinable
    public static func parseSingle(_ value: some StringProtocol) -> IncomingTraceContext? {
        TracingASCII.withUTF8(value, Self.parseSingle(bytes:))
    }

    /// Parses the `X-B3-*` header values (the first field of each, `nil` when absent); `nil` when they carry
    /// nothing usable or are malformed. Does not allocate.
    @inlinable
    public static func parseMulti<Value: StringProtocol>(
        traceID: Value?,
        spanID: Value?,
        parentSpanID: Value?,
        sampled: Value?,
        flags: Value?
    ) -> IncomingTraceContext? {
        let isDebug = flags.map { TracingASCII.withUTF8($0, Self.isDebugFlag) } ?? false
        var decision: Bool?
        if let sampled {
            guard let parsed = TracingASCII.withUTF8(sampled, Self.parseSampled) else { return nil }
            decision = parsed
        }
        if isDebug { decision = true }

        guard let traceID, let spanID else {
            // Only a sampling decision, or nothing at all; one id without the other is malformed.
            guard traceID == nil, spanID == nil, let decision else { return nil }
            return IncomingTraceContext(
                traceID: .invalid,
                spanID: .invalid,
                sampled: decision,
                isDebug: isDebug,
                format: .b3Multi
            )
        }
        guard let trace = TracingASCII.withUTF8(traceID, Self.parseTraceID),
            let span = TracingASCII.withUTF8(spanID, Self.parseSpanID),
            trace.isValid, span.isValid
        else { return nil }
        if let parentSpanID {
            guard TracingASCII.withUTF8(parentSpanID, Self.parseSpanID) != nil else { return nil }
        }
        return IncomingTraceContext(
            traceID: trace,
            spanID: span,
            sampled: decision,
            isDebug: isDebug,
            format: .b3Multi
        )
    }

    @usableFromInline
    static func parseSingle(bytes: UnsafeRawBufferPointer) -> IncomingTraceContext? {
        let range = TracingASCII.trimOWS(bytes, 0, bytes.count)
        let start = range.lowerBound
        let end = range.upperBound
        if range.count == 1 {
            guard let sampling = Self.samplingState(bytes[start]) else { return nil }
            return IncomingTraceContext(
                traceID: .invalid,
                spanID: .invalid,
                sampled: sampling.sampled,
                isDebug: sampling.debug,
                format: .b3Single
            )
        }
        // Trace id: 32 or 16 digits, then `-`.
        var traceLength = 32
        if range.count <= 32 || bytes[start &+ 32] != TracingASCII.dash { traceLength = 16 }
        guard range.count >= traceLength &+ 17, bytes[start &+ traceLength] == TracingASCII.dash,
            let trace = Self.parseTraceID(UnsafeRawBufferPointer(rebasing: bytes[start..<(start &+ traceLength)])),
            let span = TracingASCII.parseHex16(bytes, at: start &+ traceLength &+ 1)
        else { return nil }
        let spanID = SpanID(span)
        guard trace.isValid, spanID.isValid else { return nil }

        var position = start &+ traceLength &+ 17
        var sampled: Bool?
        var isDebug = false
        if position < end {
            // `-{sampling}`, optionally followed by `-{parentspanid}`.
            guard bytes[position] == TracingASCII.dash, position &+ 1 < end,
                let sampling = Self.samplingState(bytes[position &+ 1])
            else { return nil }
            sampled = sampling.sampled
            isDebug = sampling.debug
            position &+= 2
            if position < end {
                guard end &- position == 17, bytes[position] == TracingASCII.dash,
                    TracingASCII.parseHex16(bytes, at: position &+ 1) != nil
                else { return nil }
            }
        }
        return IncomingTraceContext(
            traceID: trace,
            spanID: spanID,
            sampled: sampled,
            isDebug: isDebug,
            format: .b3Single
        )
    }

    /// `0`, `1` or `d`.
    private static func samplingState(_ byte: UInt8) -> (sampled: Bool, debug: Bool)? {
        switch byte {
        case 0x30: return (false, false)
        case 0x31: return (true, false)
        case 0x64: return (true, true)
        default: return nil
        }
    }

    /// 16 or 32 lowercase hex digits, surrounding whitespace ignored; a 64-bit id is left-padded with zeros.
    @usableFromInline
    static func parseTraceID(_ bytes: UnsafeRawBufferPointer) -> TraceID? {
        let range = TracingASCII.trimOWS(bytes, 0, bytes.count)
        switch range.count {
        case 16:
            return TracingASCII.parseHex16(bytes, at: range.lowerBound).map { TraceID(high: 0, low: $0) }
        case 32:
            guard let high = TracingASCII.parseHex16(bytes, at: range.lowerBound),
                let low = TracingASCII.parseHex16(bytes, at: range.lowerBound &+ 16)
            else { return nil }
            return TraceID(high: high, low: low)
        default:
            return nil
        }
    }

    /// 16 lowercase hex digits, surrounding whitespace ignored.
    @usableFromInline
    static func parseSpanID(_ bytes: UnsafeRawBufferPointer) -> SpanID? {
        let range = TracingASCII.trimOWS(bytes, 0, bytes.count)
        guard range.count == 16 else { return nil }
        return TracingASCII.parseHex16(bytes, at: range.lowerBound).map(SpanID.init)
    }

    /// `1` / `true` → accept, `0` / `false` → deny (case-insensitive), anything else → `nil`.
    @usableFromInline
    static func parseSampled(_ bytes: UnsafeRawBufferPointer) -> Bool? {
        let range = TracingASCII.trimOWS(bytes, 0, bytes.count)
        let value = UnsafeRawBufferPointer(rebasing: bytes[range])
        if value.count == 1 {
            switch value[0] {
            case 0x31: return true
            case 0x30: return false
            default: return nil
            }
        }
        if Self.equalsIgnoringCase(value, "true") { return true }
        if Self.equalsIgnoringCase(value, "false") { return false }
        return nil
    }

    /// `X-B3-Flags: 1` is debug; B3 defines no other flag.
    @usableFromInline
    static func isDebugFlag(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let range = TracingASCII.trimOWS(bytes, 0, bytes.count)
        return range.count == 1 && bytes[range.lowerBound] == 0x31
    }

    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        for index in 0..<bytes.count where bytes[index] | 0x20 != lowercase.utf8Start[index] {
            return false
        }
        return true
    }

    // MARK: Injection

    /// Writes the `b3` value for `context` at the start of `buffer` (which must hold ``maxSingleHeaderLength``
    /// bytes) and returns its length. Does not allocate.
    @discardableResult
    public static func writeSingle(_ context: SpanContext, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.maxSingleHeaderLength, "B3.writeSingle needs 68 bytes")
        let base = buffer.baseAddress!
        var length = Self.writeTraceID(context.traceID, to: base)
        base.storeBytes(of: TracingASCII.dash, toByteOffset: length, as: UInt8.self)
        TracingASCII.writeHex(context.spanID.rawValue, to: base + length + 1)
        base.storeBytes(of: TracingASCII.dash, toByteOffset: length + 17, as: UInt8.self)
        base.storeBytes(of: Self.samplingByte(context), toByteOffset: length + 18, as: UInt8.self)
        length += 19
        if context.parentSpanID.isValid {
            base.storeBytes(of: TracingASCII.dash, toByteOffset: length, as: UInt8.self)
            TracingASCII.writeHex(context.parentSpanID.rawValue, to: base + length + 1)
            length += 17
        }
        return length
    }

    /// The `b3` value for `context` (allocates one `String`).
    public static func singleHeaderValue(for context: SpanContext) -> String {
        String(unsafeUninitializedCapacity: Self.maxSingleHeaderLength) {
            Self.writeSingle(context, into: UnsafeMutableRawBufferPointer($0))
        }
    }

    /// Calls `write` with each `x-b3-*` header name and value for `context`.
    public static func writeMultiHeaders(_ context: SpanContext, to write: (_ name: String, _ value: String) -> Void) {
        let traceID = String(unsafeUninitializedCapacity: TraceID.hexCount) {
            Self.writeTraceID(context.traceID, to: $0.baseAddress!)
        }
        write(Self.traceIDHeaderName, traceID)
        write(Self.spanIDHeaderName, context.spanID.hexString)
        if context.parentSpanID.isValid {
            write(Self.parentSpanIDHeaderName, context.parentSpanID.hexString)
        }
        if context.isDebug {
            write(Self.flagsHeaderName, "1")
        } else {
            write(Self.sampledHeaderName, context.isSampled ? "1" : "0")
        }
    }

    /// Writes 16 digits when the upper half is zero, else 32; returns the count.
    private static func writeTraceID(_ traceID: TraceID, to base: UnsafeMutableRawPointer) -> Int {
        if traceID.high == 0 {
            TracingASCII.writeHex(traceID.low, to: base)
            return 16
        }
        TracingASCII.writeHex(traceID.high, to: base)
        TracingASCII.writeHex(traceID.low, to: base + 16)
        return 32
    }

    private static func samplingByte(_ context: SpanContext) -> UInt8 {
        if context.isDebug { return 0x64 }
        return context.isSampled ? 0x31 : 0x30
    }
}
