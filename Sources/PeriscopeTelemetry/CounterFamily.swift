/// A counter family: a name, help, label names, and the series bound so far.
///
/// Create it with ``MetricsRegistry/counter(name:help:labelNames:unit:cardinalityLimit:)`` at setup and bind
/// its series with ``bind(_:)``.
public final class CounterFamily: RegisteredFamily {
    let descriptor: FamilyDescriptor
    let table: SeriesTable
    let metadata: FamilyMetadata
    let loopShardCount: Int
    /// This family's series of `periscope_metric_series_overflow_total`, when it can overflow.
    let overflowCounter: OverflowCounter?

    /// The counter's name, ending in `_total`.
    public var name: String { self.descriptor.name }
    /// The label names, in the order `bind` takes their values.
    public var labelNames: [String] { self.descriptor.labelNames }
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
            shardedCellsPerSeries: CounterHandle.cellsPerSeries,
            sharedCellsPerSeries: 0
        )
        self.metadata = FamilyMetadata(descriptor)
        self.loopShardCount = shardCount - 1
        self.overflowCounter = overflowCounter
    }

    /// Returns the handle of the series with `labelValues` (one per label name, in order), creating the series
    /// on first use. Takes a lock: call it at setup or on first sight of a value, never per event.
    ///
    /// When the family already holds ``cardinalityLimit`` series, new label values get the overflow series
    /// (every label `_other`) and `periscope_metric_series_overflow_total{metric="<name>"}` counts the call.
    public func bind(_ labelValues: [String] = []) -> CounterHandle {
        let name = self.descriptor.name
        let cells = self.table.bind(labelValues, countingOverflowIn: self.overflowCounter) {
            ExpositionText.singleSampleText(name: name, labelPairs: $0)
        }
        return CounterHandle(cells: cells, loopShardCount: self.loopShardCount)
    }

    /// The series' integer and fractional parts, summed over the shards.
    private func read(_ series: BoundSeries) -> (integer: UInt64, fraction: Double) {
        var integer: UInt64 = 0
        var fraction = 0.0
        for shard in 0...self.loopShardCount {
            integer &+= series.cells.cell(CounterHandle.integerCell, shard: shard).load()
            fraction += Double(bitPattern: series.cells.cell(CounterHandle.doubleCell, shard: shard).load())
        }
        return (integer, fraction)
    }

    func snapshot() -> MetricFamilySnapshot {
        let series = self.table.snapshot().map { series in
            let (integer, fraction) = self.read(series)
            return MetricSeriesSnapshot(labelValues: series.labelValues, value: Double(integer) + fraction)
        }
        return MetricFamilySnapshot(self.descriptor, series: series)
    }

    func render(format: ExpositionFormat, into out: inout [UInt8]) {
        out.append(contentsOf: self.metadata[format])
        for series in self.table.snapshot() {
            let (integer, fraction) = self.read(series)
            out.append(contentsOf: series.text)
            if fraction.bitPattern == 0 {
                ExpositionText.appendDecimal(integer, to: &out)
            } else {
                ExpositionText.appendFloat(Double(integer) + fraction, format: format, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
    }
}
