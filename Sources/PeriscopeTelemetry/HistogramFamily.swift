/// A histogram family: a name, help, label names, bucket bounds, and the series bound so far.
///
/// Create it with ``MetricsRegistry/histogram(name:help:labelNames:buckets:unit:exemplars:cardinalityLimit:)`` and
/// bind its series with ``bind(_:)``.
public final class HistogramFamily: RegisteredFamily, @unchecked Sendable {
    // @unchecked Sendable: every stored property is immutable; `boundsStorage` is written once in `init`, before
    // the family is shared, and only read afterwards.
    let descriptor: FamilyDescriptor
    let table: SeriesTable
    let metadata: FamilyMetadata
    let loopShardCount: Int
    let overflowCounter: OverflowCounter?
    /// The bounds, copied once for handles to read; freed with the family (after every handle, by contract).
    private let boundsStorage: UnsafeMutablePointer<Double>
    /// `le="…"} ` for each bucket, `+Inf` last, per format.
    private let bucketLabels: [ExpositionFormat: [[UInt8]]]

    /// The histogram's name (its samples add `_bucket`, `_sum` and `_count`).
    public var name: String { self.descriptor.name }
    /// The label names, in the order `bind` takes their values.
    public var labelNames: [String] { self.descriptor.labelNames }
    /// The finite bucket upper bounds (`+Inf` is implicit).
    public var buckets: [Double] { self.descriptor.buckets }
    /// Whether the family keeps exemplars (``HistogramHandle/observe(_:shard:exemplar:)``) and shows them on its
    /// OpenMetrics bucket lines and in snapshots.
    public var exemplars: Bool { self.descriptor.exemplars }
    /// The most series `bind` creates before folding new label sets into the overflow series.
    public var cardinalityLimit: Int { self.descriptor.cardinalityLimit }
    /// Series bound so far, the overflow series included.
    public var seriesCount: Int { self.table.seriesCount }

    init(descriptor: FamilyDescriptor, shardCount: Int, overflowCounter: OverflowCounter?) {
        self.descriptor = descriptor
        self.table = SeriesTable(
            labelNames: descriptor.labelNames,
            cardinalityLimit: descriptor.cardinalityLimit,
            shardCount: shardCount,
            shardedCellsPerSeries: HistogramHandle.cellsPerSeries(
                boundCount: descriptor.buckets.count,
                exemplars: descriptor.exemplars
            ),
            sharedCellsPerSeries: 0
        )
        self.metadata = FamilyMetadata(descriptor)
        self.loopShardCount = shardCount - 1
        self.overflowCounter = overflowCounter
        self.boundsStorage = .allocate(capacity: max(1, descriptor.buckets.count))
        self.boundsStorage.initialize(repeating: .infinity, count: max(1, descriptor.buckets.count))
        _ = UnsafeMutableBufferPointer(start: self.boundsStorage, count: descriptor.buckets.count)
            .initialize(from: descriptor.buckets)
        var labels: [ExpositionFormat: [[UInt8]]] = [:]
        for format in ExpositionFormat.allCases {
            labels[format] = (descriptor.buckets + [.infinity]).map { bound in
                var text = Array("le=\"".utf8)
                // Text 0.0.4 as client_golang writes it (`0.005`, `1`); OpenMetrics' canonical form (`1.0`).
                ExpositionText.appendFloat(bound, format: format, to: &text)
                text.append(contentsOf: "\"} ".utf8)
                return text
            }
        }
        self.bucketLabels = labels
    }

    deinit {
        self.boundsStorage.deallocate()
    }

    /// Returns the handle of the series with `labelValues`, creating it on first use; beyond the cardinality
    /// limit, the overflow series (see ``CounterFamily/bind(_:)``). Takes a lock: not for a per-event path.
    public func bind(_ labelValues: [String] = []) -> HistogramHandle {
        let name = self.descriptor.name
        let cells = self.table.bind(labelValues, countingOverflowIn: self.overflowCounter) { pairs in
            // One buffer, three prefixes: `name_bucket{pairs,` | `name_sum{pairs} ` | `name_count{pairs} `.
            var text = Array("\(name)_bucket{".utf8)
            text.append(contentsOf: pairs)
            if !pairs.isEmpty { text.append(UInt8(ascii: ",")) }
            let sumStart = text.count
            ExpositionText.append("\(name)_sum", to: &text)
            ExpositionText.appendLabelBlock(pairs, to: &text)
            text.append(UInt8(ascii: " "))
            let countStart = text.count
            ExpositionText.append("\(name)_count", to: &text)
            ExpositionText.appendLabelBlock(pairs, to: &text)
            text.append(UInt8(ascii: " "))
            return (text, (sumStart, countStart))
        }
        return self.handle(cells)
    }

    private func handle(_ cells: SeriesCells) -> HistogramHandle {
        HistogramHandle(
            cells: cells,
            loopShardCount: self.loopShardCount,
            bounds: self.boundsStorage,
            boundCount: self.descriptor.buckets.count,
            exemplars: self.descriptor.exemplars
        )
    }

    /// Reads each bucket cell of `entry` exactly once into `counts` (per bucket, not cumulative; `+Inf` last) and
    /// returns the sum. `_count` is derived from these same reads, so it always equals `+Inf`.
    private func read(_ entry: BoundSeries, into counts: inout [UInt64]) -> Double {
        let bucketCount = self.descriptor.buckets.count + 1
        for index in 0..<bucketCount { counts[index] = 0 }
        var sum = 0.0
        for shard in 0...self.loopShardCount {
            for index in 0..<bucketCount {
                counts[index] &+= entry.cells.cell(index, shard: shard).load()
            }
            sum += Double(bitPattern: entry.cells.cell(bucketCount, shard: shard).load())
        }
        return sum
    }

    /// The newest consistent exemplar of bucket `bucket` of `entry` across the loop shards (by timestamp), or
    /// `nil` when none was recorded. Only for families with exemplars.
    private func exemplar(_ entry: BoundSeries, bucket: Int) -> MetricExemplarSnapshot? {
        let offset = HistogramHandle.exemplarSlot(bucket: bucket, boundCount: self.descriptor.buckets.count)
        var newest: MetricExemplarSnapshot?
        // Only loop shards are written (the shared shard has several writers, so it takes no exemplars).
        for shard in 0..<self.loopShardCount {
            guard let candidate = ExemplarSlot.read(at: entry.cells.cell(offset, shard: shard)) else { continue }
            if newest == nil || candidate.exemplar.timeUnixNano > newest!.exemplar.timeUnixNano {
                newest = candidate
            }
        }
        return newest
    }

    func snapshot() -> MetricFamilySnapshot {
        let bucketCount = self.descriptor.buckets.count + 1
        var counts = [UInt64](repeating: 0, count: bucketCount)
        let series = self.table.snapshot().map { entry in
            let sum = self.read(entry, into: &counts)
            var cumulative: UInt64 = 0
            let buckets = counts.map { count in
                cumulative &+= count
                return cumulative
            }
            let exemplars =
                self.descriptor.exemplars ? (0..<bucketCount).map { self.exemplar(entry, bucket: $0) } : []
            return MetricSeriesSnapshot(
                labelValues: entry.labelValues,
                value: sum,
                cumulativeBuckets: buckets,
                exemplars: exemplars
            )
        }
        return MetricFamilySnapshot(self.descriptor, series: series)
    }

    func render(format: ExpositionFormat, into out: inout [UInt8]) {
        out.append(contentsOf: self.metadata[format])
        let series = self.table.snapshot()
        guard !series.isEmpty else { return }
        let labels = self.bucketLabels[format]!
        let bucketCount = self.descriptor.buckets.count + 1
        // OpenMetrics: a histogram with a negative bound must not expose `_sum` (and `_count` goes with it).
        let exposesSum = format == .prometheusText || (self.descriptor.buckets.first ?? 0) >= 0
        var counts = [UInt64](repeating: 0, count: bucketCount)
        for entry in series {
            let sum = self.read(entry, into: &counts)
            let bucketPrefix = entry.text[..<entry.splits.0]
            var cumulative: UInt64 = 0
            for index in 0..<bucketCount {
                cumulative &+= counts[index]
                out.append(contentsOf: bucketPrefix)
                out.append(contentsOf: labels[index])
                ExpositionText.appendDecimal(cumulative, to: &out)
                if format == .openMetrics && self.descriptor.exemplars,
                    let exemplar = self.exemplar(entry, bucket: index)
                {
                    Self.appendExemplar(exemplar, to: &out)
                }
                out.append(UInt8(ascii: "\n"))
            }
            if exposesSum {
                out.append(contentsOf: entry.text[entry.splits.0..<entry.splits.1])
                ExpositionText.appendFloat(sum, format: format, to: &out)
                out.append(UInt8(ascii: "\n"))
                out.append(contentsOf: entry.text[entry.splits.1...])
                ExpositionText.appendDecimal(cumulative, to: &out)
                out.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// Appends ` # {trace_id="<32 hex>",span_id="<16 hex>"} <value>[ <seconds>.<milliseconds>]` (OpenMetrics).
    ///
    /// The label set is 63 code points, well under OpenMetrics' 128. The timestamp is left out when it is 0.
    static func appendExemplar(_ sample: MetricExemplarSnapshot, to out: inout [UInt8]) {
        let exemplar = sample.exemplar
        out.append(contentsOf: #" # {trace_id=""#.utf8)
        Self.appendHex(exemplar.traceIDHigh, to: &out)
        Self.appendHex(exemplar.traceIDLow, to: &out)
        out.append(contentsOf: #"",span_id=""#.utf8)
        Self.appendHex(exemplar.spanID, to: &out)
        out.append(contentsOf: #""} "#.utf8)
        ExpositionText.appendFloat(sample.value, format: .openMetrics, to: &out)
        if exemplar.timeUnixNano != 0 {
            out.append(UInt8(ascii: " "))
            ExpositionText.appendDecimal(exemplar.timeUnixNano / 1_000_000_000, to: &out)
            out.append(UInt8(ascii: "."))
            let milliseconds = exemplar.timeUnixNano % 1_000_000_000 / 1_000_000
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: milliseconds / 100))
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: milliseconds / 10 % 10))
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: milliseconds % 10))
        }
    }

    /// Appends `value` as 16 lowercase hex digits.
    private static func appendHex(_ value: UInt64, to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        var shift = 60
        while shift >= 0 {
            out.append(digits.utf8Start[Int((value >> UInt64(shift)) & 0xF)])
            shift -= 4
        }
    }
}
