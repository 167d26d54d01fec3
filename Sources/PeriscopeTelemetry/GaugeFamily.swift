/// A gauge family: a name, help, label names, and the series bound so far.
///
/// Create it with ``MetricsRegistry/gauge(name:help:labelNames:unit:cardinalityLimit:)`` and bind its series
/// with ``bind(_:)``.
public final class GaugeFamily: RegisteredFamily {
    let descriptor: FamilyDescriptor
    let table: SeriesTable
    let metadata: FamilyMetadata
    let loopShardCount: Int
    let overflowCounter: OverflowCounter?

    /// The gauge's name.
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
            shardedCellsPerSeries: GaugeHandle.shardedCellsPerSeries,
            sharedCellsPerSeries: GaugeHandle.sharedCellsPerSeries
        )
        self.metadata = FamilyMetadata(descriptor)
        self.loopShardCount = shardCount - 1
        self.overflowCounter = overflowCounter
    }

    /// Returns the handle of the series with `labelValues`, creating it on first use; beyond the cardinality
    /// limit, the overflow series (see ``CounterFamily/bind(_:)``). Takes a lock: not for a per-event path.
    public func bind(_ labelValues: [String] = []) -> GaugeHandle {
        let name = self.descriptor.name
        let cells = self.table.bind(labelValues, countingOverflowIn: self.overflowCounter) {
            ExpositionText.singleSampleText(name: name, labelPairs: $0)
        }
        return GaugeHandle(cells: cells, loopShardCount: self.loopShardCount)
    }

    func snapshot() -> MetricFamilySnapshot {
        let series = self.table.snapshot().map { series in
            let handle = GaugeHandle(cells: series.cells, loopShardCount: self.loopShardCount)
            let value = Double(bitPattern: handle.base.load()) + Double(handle.currentDelta())
            return MetricSeriesSnapshot(labelValues: series.labelValues, value: value)
        }
        return MetricFamilySnapshot(self.descriptor, series: series)
    }

    func render(format: ExpositionFormat, into out: inout [UInt8]) {
        out.append(contentsOf: self.metadata[format])
        for series in self.table.snapshot() {
            let handle = GaugeHandle(cells: series.cells, loopShardCount: self.loopShardCount)
            let delta = handle.currentDelta()
            let base = Double(bitPattern: handle.base.load())
            out.append(contentsOf: series.text)
            if base.bitPattern == 0 {
                ExpositionText.appendDecimal(delta, to: &out)
            } else {
                ExpositionText.appendFloat(base + Double(delta), format: format, to: &out)
            }
            out.append(UInt8(ascii: "\n"))
        }
    }
}
