import PeriscopeTelemetry

/// The previous export's values of every counter and histogram family, for delta temporality.
///
/// It keeps the previous snapshot's series arrays themselves (one retain per family, no copy): series come in bind
/// order and a registry never unbinds one, so series `i` of the new snapshot is almost always series `i` of the old
/// one; only when the label values there differ does a lookup by label values take over.
struct DeltaTracker {
    struct FamilyState {
        var kind: MetricKind
        var bounds: [Double]
        var series: [MetricSeriesSnapshot]
        /// When `series` was collected: the start time of the next delta.
        var collectionTime: UInt64
    }

    /// By family name.
    private(set) var families: [String: FamilyState] = [:]
    /// The collection time of the last export: the start time for families first seen after it.
    private(set) var lastCollectionTime: UInt64?

    /// The previous series of `family`, and the start time of its delta points.
    func previous(of family: MetricFamilySnapshot, startTime: UInt64) -> (lookup: PreviousSeries?, start: UInt64) {
        guard let state = self.families[family.name], state.kind == family.kind, state.bounds == family.buckets else {
            // New family (or one whose definition changed): everything it counted happened since the last export.
            return (nil, self.lastCollectionTime ?? startTime)
        }
        return (PreviousSeries(series: state.series), state.collectionTime)
    }

    /// Replaces the state with the families of the export that just succeeded (families it did not contain are
    /// forgotten).
    mutating func commit(_ families: [MetricFamilySnapshot], collectionTime: UInt64) {
        var next: [String: FamilyState] = [:]
        next.reserveCapacity(families.count)
        for family in families where family.kind != .gauge {
            next[family.name] = FamilyState(
                kind: family.kind,
                bounds: family.buckets,
                series: family.series,
                collectionTime: collectionTime
            )
        }
        self.families = next
        self.lastCollectionTime = collectionTime
    }

    mutating func reset() {
        self.families = [:]
        self.lastCollectionTime = nil
    }
}

/// The previous snapshot of one family's series, looked up by the new series' position and label values.
struct PreviousSeries {
    let series: [MetricSeriesSnapshot]
    /// Built on the first positional miss.
    private var indexByLabels: [[String]: Int]?

    init(series: [MetricSeriesSnapshot]) {
        self.series = series
    }

    /// The previous snapshot of the series at `index` of the new snapshot, with `labelValues`.
    mutating func find(index: Int, labelValues: [String]) -> MetricSeriesSnapshot? {
        if index < self.series.count, self.series[index].labelValues == labelValues {
            return self.series[index]
        }
        if self.indexByLabels == nil {
            var indexByLabels: [[String]: Int] = [:]
            indexByLabels.reserveCapacity(self.series.count)
            for (position, series) in self.series.enumerated() {
                indexByLabels[series.labelValues] = position
            }
            self.indexByLabels = indexByLabels
        }
        return self.indexByLabels![labelValues].map { self.series[$0] }
    }
}
