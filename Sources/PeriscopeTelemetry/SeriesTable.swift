/// One bound series as the renderer sees it: immutable once created.
struct BoundSeries {
    let cells: SeriesCells
    /// The label values, one per label name (`_other` for every name in the overflow series).
    let labelValues: [String]
    /// Pre-rendered sample-line prefixes (see the family that made them), escaped once at bind time.
    let text: [UInt8]
    /// Split points inside `text` for families that pre-render more than one prefix (histograms).
    let splits: (Int, Int)
}

/// The series of one family: label-values lookup, the cardinality limit, the overflow series and the cells.
///
/// `bind` takes the table's lock (it is a setup-time call); recording never touches the table, only the cells
/// its handles point at.
final class SeriesTable: Sendable {
    let labelNames: [String]
    let cardinalityLimit: Int

    private struct State {
        var lookup: [[String]: Int] = [:]
        var series: [BoundSeries] = []
        var storage: SeriesStorage
        /// Series bound under the limit: every series except the overflow one.
        var regularCount = 0
    }

    private let state: LockedBox<State>

    /// The outcome of one ``bind(_:makeText:)`` call.
    struct Binding {
        var cells: SeriesCells
        /// The requested label values were new and the family was at its limit: `cells` is the overflow series.
        var rejected: Bool
    }

    init(
        labelNames: [String],
        cardinalityLimit: Int,
        shardCount: Int,
        shardedCellsPerSeries: Int,
        sharedCellsPerSeries: Int
    ) {
        self.labelNames = labelNames
        // A family without labels has exactly one series, and it never needs an overflow series.
        self.cardinalityLimit = labelNames.isEmpty ? 1 : cardinalityLimit
        let storage = SeriesStorage(
            shardCount: shardCount,
            shardedCellsPerSeries: shardedCellsPerSeries,
            sharedCellsPerSeries: sharedCellsPerSeries,
            maximumSeries: labelNames.isEmpty ? 1 : cardinalityLimit + 1
        )
        self.state = LockedBox(State(storage: storage))
    }

    /// ``bind(_:makeText:)``, plus one count on the family's overflow counter when the label set was folded into `_other`.
    func bind(
        _ labelValues: [String],
        countingOverflowIn overflow: OverflowCounter?,
        makeText: ([UInt8]) -> ([UInt8], (Int, Int))
    ) -> SeriesCells {
        let binding = self.bind(labelValues, makeText: makeText)
        if binding.rejected {
            overflow?.handle.increment()
        }
        return binding.cells
    }

    /// Returns the cells of the series with `labelValues`, creating it if needed.
    ///
    /// - Label values equal to the overflow key (every value `_other`) name the overflow series; binding them does
    ///   not count against the limit.
    /// - New label values beyond the limit get the overflow series and `rejected == true`.
    /// - `makeText` receives the escaped label pairs (`a="x",b="y"`, empty without labels) and returns the
    ///   series' pre-rendered text and split points.
    func bind(_ labelValues: [String], makeText: ([UInt8]) -> ([UInt8], (Int, Int))) -> Binding {
        precondition(
            labelValues.count == self.labelNames.count,
            "expected \(self.labelNames.count) label values (\(self.labelNames)), got \(labelValues.count)"
        )
        return self.state.withLockedValue { state in
            if let index = state.lookup[labelValues] {
                return Binding(cells: state.series[index].cells, rejected: false)
            }
            let isOverflowKey =
                !labelValues.isEmpty && labelValues.allSatisfy { $0 == MetricsRegistry.overflowLabelValue }
            if isOverflowKey || state.regularCount < self.cardinalityLimit {
                let cells = self.append(labelValues, to: &state, makeText: makeText)
                if !isOverflowKey { state.regularCount += 1 }
                return Binding(cells: cells, rejected: false)
            }
            let overflowKey = Array(repeating: MetricsRegistry.overflowLabelValue, count: labelValues.count)
            if let index = state.lookup[overflowKey] {
                return Binding(cells: state.series[index].cells, rejected: true)
            }
            return Binding(cells: self.append(overflowKey, to: &state, makeText: makeText), rejected: true)
        }
    }

    private func append(
        _ labelValues: [String],
        to state: inout State,
        makeText: ([UInt8]) -> ([UInt8], (Int, Int))
    ) -> SeriesCells {
        var pairs: [UInt8] = []
        for (name, value) in zip(self.labelNames, labelValues) {
            if !pairs.isEmpty { pairs.append(UInt8(ascii: ",")) }
            ExpositionText.append(name, to: &pairs)
            pairs.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            ExpositionText.appendEscapedLabelValue(value, to: &pairs)
            pairs.append(UInt8(ascii: "\""))
        }
        let (text, splits) = makeText(pairs)
        let cells = state.storage.allocateSeries()
        state.lookup[labelValues] = state.series.count
        state.series.append(BoundSeries(cells: cells, labelValues: labelValues, text: text, splits: splits))
        return cells
    }

    /// The bound series in bind order. Their cells stay valid while the table lives.
    func snapshot() -> [BoundSeries] {
        self.state.withLockedValue { $0.series }
    }

    /// Number of bound series, the overflow series included.
    var seriesCount: Int {
        self.state.withLockedValue { $0.series.count }
    }

    /// Bytes of cell memory the family holds (all shards).
    var allocatedBytes: Int {
        self.state.withLockedValue { $0.storage.allocatedBytes }
    }
}
