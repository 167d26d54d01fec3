import Atomics

/// The span behind one histogram observation: what ``HistogramHandle/observe(_:shard:exemplar:)`` records next to
/// the value, and what OpenMetrics and OTLP expose as the bucket's exemplar.
///
/// A plain value type of four integers, so building one on the request path allocates nothing.
public struct Exemplar: Sendable, Hashable {
    /// The high 64 bits of the 16-byte trace id.
    public var traceIDHigh: UInt64
    /// The low 64 bits of the 16-byte trace id.
    public var traceIDLow: UInt64
    /// The 8-byte span id.
    public var spanID: UInt64
    /// When the value was observed, in nanoseconds since the Unix epoch; 0 leaves the timestamp out.
    public var timeUnixNano: UInt64

    /// Creates an exemplar from the raw id words.
    @inlinable
    public init(traceIDHigh: UInt64, traceIDLow: UInt64, spanID: UInt64, timeUnixNano: UInt64) {
        self.traceIDHigh = traceIDHigh
        self.traceIDLow = traceIDLow
        self.spanID = spanID
        self.timeUnixNano = timeUnixNano
    }

    /// Creates an exemplar for the span `spanID` of trace `traceID`.
    @inlinable
    public init(traceID: TraceID, spanID: SpanID, timeUnixNano: UInt64) {
        self.init(
            traceIDHigh: traceID.high,
            traceIDLow: traceID.low,
            spanID: spanID.rawValue,
            timeUnixNano: timeUnixNano
        )
    }

    /// Creates an exemplar for the span `record` (borrowed: the 448-byte record is not copied), timed at its end
    /// (``SpanRecord/endTimeUnixNano``; 0 while the span is still open, which leaves the timestamp out).
    @inlinable
    public init(span record: borrowing SpanRecord) {
        self.init(
            traceIDHigh: record.traceIDHigh,
            traceIDLow: record.traceIDLow,
            spanID: record.spanID,
            timeUnixNano: record.endTimeUnixNano
        )
    }

    /// The trace id.
    public var traceID: TraceID { TraceID(high: self.traceIDHigh, low: self.traceIDLow) }
    /// The span id.
    public var span: SpanID { SpanID(self.spanID) }
}

/// The exemplar of one histogram bucket as a snapshot reads it: the span and the observed value.
public struct MetricExemplarSnapshot: Sendable, Hashable {
    /// The span that made the observation, and when.
    public var exemplar: Exemplar
    /// The observed value (it fell in the bucket that carries this exemplar).
    public var value: Double

    /// Creates a bucket exemplar.
    public init(exemplar: Exemplar, value: Double) {
        self.exemplar = exemplar
        self.value = value
    }
}

/// One exemplar slot: six cells guarded by a sequence counter (a seqlock), written by one thread only.
///
/// Layout, in cells: `sequence, traceIDHigh, traceIDLow, spanID, value bits, timeUnixNano`. The sequence is 0 while
/// the slot is empty, odd while a write is in progress, and even (non-zero) when the fields hold a whole exemplar.
///
/// - **Writer** (the shard's owning loop, the only writer of the slot): stores the sequence + 1 (odd), a release
///   fence, the fields with relaxed stores, then the sequence + 2 with a release store. No read-modify-write, no
///   lock; on x86 and arm64 the fences cost no more than ordinary stores.
/// - **Reader** (the renderer, any thread): loads the sequence with acquire; if odd it retries; loads the fields
///   with relaxed loads, an acquire fence, and the sequence again: a change means a write overlapped, so it retries.
///   After a few failed tries it gives up on the slot for this scrape, so a torn exemplar is never returned.
@usableFromInline
enum ExemplarSlot {
    /// Cells per slot.
    @inlinable static var cellCount: Int { 6 }

    /// Read attempts before a reader gives up on a slot that keeps being rewritten.
    static let readAttempts = 8

    /// Writes an exemplar into the slot at `slot`. Only the slot's single writer thread may call this.
    @inlinable
    @inline(__always)
    static func write(_ exemplar: Exemplar, value: Double, at slot: UnsafeMutablePointer<MetricCell>) {
        let sequence = UnsafeAtomic<UInt64>(at: slot)
        let start = sequence.load(ordering: .relaxed)
        sequence.store(start &+ 1, ordering: .relaxed)
        // Orders the odd sequence before the field stores, so a reader that sees a new field also sees odd (or a
        // later sequence) on its second load.
        atomicMemoryFence(ordering: .releasing)
        (slot + 1).store(exemplar.traceIDHigh)
        (slot + 2).store(exemplar.traceIDLow)
        (slot + 3).store(exemplar.spanID)
        (slot + 4).store(value.bitPattern)
        (slot + 5).store(exemplar.timeUnixNano)
        sequence.store(start &+ 2, ordering: .releasing)
    }

    /// Reads a consistent exemplar from `slot`, or `nil` when the slot is empty or kept changing while read.
    static func read(at slot: UnsafeMutablePointer<MetricCell>) -> MetricExemplarSnapshot? {
        let sequence = UnsafeAtomic<UInt64>(at: slot)
        for _ in 0..<Self.readAttempts {
            let before = sequence.load(ordering: .acquiring)
            if before == 0 { return nil }
            if before & 1 == 1 { continue }
            let high = (slot + 1).load()
            let low = (slot + 2).load()
            let span = (slot + 3).load()
            let value = (slot + 4).load()
            let time = (slot + 5).load()
            // Orders the field loads before the second sequence load.
            atomicMemoryFence(ordering: .acquiring)
            guard sequence.load(ordering: .relaxed) == before else { continue }
            return MetricExemplarSnapshot(
                exemplar: Exemplar(traceIDHigh: high, traceIDLow: low, spanID: span, timeUnixNano: time),
                value: Double(bitPattern: value)
            )
        }
        return nil
    }
}
