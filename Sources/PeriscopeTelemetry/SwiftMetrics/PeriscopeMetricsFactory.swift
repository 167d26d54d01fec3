import CoreMetrics

/// A swift-metrics backend over a ``MetricsRegistry``: metrics that libraries report through swift-metrics
/// (`Counter`, `Timer`, …) become families of the registry and appear in its exposition next to Periscope's own.
///
/// ## Mapping
/// | swift-metrics | family | name |
/// |---|---|---|
/// | `Counter`, `FloatingPointCounter` | counter | sanitized, `_total` appended if missing |
/// | `Meter`, `Recorder(aggregate: false)` | gauge (last value) | sanitized |
/// | `Recorder(aggregate: true)` | histogram, ``recorderBuckets`` | sanitized |
/// | `Timer` | histogram in seconds (unit `seconds`), ``timerBuckets`` | sanitized, time unit → `_seconds` |
///
/// Names and dimension keys are sanitized as ``SwiftMetricsNaming`` describes (`http.client.requestCount` →
/// `http_client_request_count_total`). Dimensions become labels sorted by key, so dimension order does not
/// matter; the family is identified by its name and its sorted label names. Each family gets a HELP text naming
/// the swift-metrics label it came from, and the factory's ``cardinalityLimit``: new label values beyond it fold
/// into the `_other` series like any other family's.
///
/// ## Conflicts
/// The first handler created for a name defines its family. A later handler with the same (sanitized) name but a
/// different kind or different dimension keys — or whose name clashes with a family Periscope registered
/// itself — does not crash and does not get a renamed family: it gets a handler that **drops** its values,
/// and `onConflict` is called once for that name, kind and key set, so the operator can fix the library's
/// metric. `Counter` and `FloatingPointCounter` share a counter family; `Meter` and `Recorder(aggregate: false)`
/// share a gauge family.
///
/// ## Recording and destroying
/// Creating a handler locks (the factory's family table, then the family's series table); recording through it
/// does not: every handler records through the registry's shared extra shard (atomic read-modify-writes, no
/// lock, no allocation). `Counter.reset()` does nothing (Prometheus counters only go up). The `destroy*` calls
/// do nothing either: the registry never removes a series, so a destroyed metric keeps its last value in the
/// exposition, and a metric created again with the same label and dimensions continues the same series.
public final class PeriscopeMetricsFactory: MetricsFactory {
    /// Bucket upper bounds for `Recorder(aggregate: true)` when none are configured: Prometheus' client
    /// libraries' defaults.
    public static let defaultRecorderBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// The registry the families are registered in.
    public let registry: MetricsRegistry
    /// Bucket upper bounds of the histograms of `Recorder(aggregate: true)`.
    public let recorderBuckets: [Double]
    /// Bucket upper bounds, in seconds, of the histograms of `Timer`.
    public let timerBuckets: [Double]
    /// The most series of each family before new label values fold into the `_other` series.
    public let cardinalityLimit: Int

    let families: SwiftMetricsFamilies

    /// Creates a factory over `registry`. Creating it registers nothing: a family appears when the first
    /// handler of its name is created.
    ///
    /// - Parameters:
    ///   - recorderBuckets: Finite, strictly increasing bounds for `Recorder(aggregate: true)` histograms (a
    ///     trailing `+Inf` is ignored).
    ///   - timerBuckets: Finite, strictly increasing bounds in seconds for `Timer` histograms.
    ///   - cardinalityLimit: The most series per family.
    ///   - onConflict: Called, outside any lock, once per conflicting name, kind and key set with a message saying
    ///     which metric's values are dropped and why (see "Conflicts"). It may be called from any thread that
    ///     creates swift-metrics handlers.
    public init(
        registry: MetricsRegistry,
        recorderBuckets: [Double] = PeriscopeMetricsFactory.defaultRecorderBuckets,
        timerBuckets: [Double] = Buckets.defaultDuration,
        cardinalityLimit: Int = MetricsRegistry.defaultCardinalityLimit,
        onConflict: (@Sendable (String) -> Void)? = nil
    ) {
        precondition(cardinalityLimit > 0, "the cardinality limit must be positive")
        self.registry = registry
        self.recorderBuckets = Self.finiteBounds(recorderBuckets)
        self.timerBuckets = Self.finiteBounds(timerBuckets)
        self.cardinalityLimit = cardinalityLimit
        self.families = SwiftMetricsFamilies(onConflict: onConflict)
        // Check the bounds now (a trap at setup) rather than when a library creates its first histogram.
        for bounds in [self.recorderBuckets, self.timerBuckets] {
            FamilyDescriptor(
                kind: .histogram,
                name: "bucket_check",
                help: "",
                labelNames: [],
                unit: nil,
                buckets: bounds,
                exemplars: false,
                cardinalityLimit: 1
            ).validate()
        }
    }

    private static func finiteBounds(_ bounds: [Double]) -> [Double] {
        bounds.last == .infinity ? Array(bounds.dropLast()) : bounds
    }

    /// A counter series of the family named after `label` (see the type's mapping).
    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        self.counter(label: label, dimensions: dimensions)
    }

    /// A counter series that takes `Double` amounts, in the same family as a `Counter` of that label.
    public func makeFloatingPointCounter(
        label: String,
        dimensions: [(String, String)]
    ) -> any FloatingPointCounterHandler {
        self.counter(label: label, dimensions: dimensions)
    }

    /// A gauge series of the family named after `label`.
    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        self.gauge(label: label, dimensions: dimensions)
    }

    /// A histogram series with ``recorderBuckets`` when `aggregate`, else a gauge series holding the last value.
    public func makeRecorder(
        label: String,
        dimensions: [(String, String)],
        aggregate: Bool
    ) -> any RecorderHandler {
        guard aggregate else {
            return self.gauge(label: label, dimensions: dimensions)
        }
        let name = SwiftMetricsNaming.metricName(label)
        let labels = SwiftMetricsNaming.labels(dimensions, forHistogram: true)
        let descriptor = self.descriptor(
            .histogram,
            name: name,
            label: label,
            what: "recorder",
            labelNames: labels.names,
            unit: nil,
            buckets: self.recorderBuckets
        )
        guard
            let family = self.families.family(
                descriptor, in: self.registry, make: HistogramFamily.init(descriptor:shardCount:overflowCounter:))
        else {
            return DroppingMetricsHandler.shared
        }
        return RegistryHistogramHandler(family: family, handle: family.bind(labels.values))
    }

    /// A histogram series in seconds with ``timerBuckets``.
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        let name = SwiftMetricsNaming.timerName(label)
        let labels = SwiftMetricsNaming.labels(dimensions, forHistogram: true)
        let descriptor = self.descriptor(
            .histogram,
            name: name,
            label: label,
            what: "timer",
            labelNames: labels.names,
            unit: "seconds",
            buckets: self.timerBuckets
        )
        guard
            let family = self.families.family(
                descriptor, in: self.registry, make: HistogramFamily.init(descriptor:shardCount:overflowCounter:))
        else {
            return DroppingMetricsHandler.shared
        }
        return RegistryTimerHandler(family: family, handle: family.bind(labels.values))
    }

    /// Does nothing: the registry keeps every series (see "Recording and destroying").
    public func destroyCounter(_ handler: any CounterHandler) {}

    /// Does nothing: the registry keeps every series.
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {}

    /// Does nothing: the registry keeps every series.
    public func destroyMeter(_ handler: any MeterHandler) {}

    /// Does nothing: the registry keeps every series.
    public func destroyRecorder(_ handler: any RecorderHandler) {}

    /// Does nothing: the registry keeps every series.
    public func destroyTimer(_ handler: any TimerHandler) {}

    private func counter(label: String, dimensions: [(String, String)]) -> any CounterHandler
        & FloatingPointCounterHandler
    {
        let labels = SwiftMetricsNaming.labels(dimensions, forHistogram: false)
        let descriptor = self.descriptor(
            .counter,
            name: SwiftMetricsNaming.counterName(label),
            label: label,
            what: "counter",
            labelNames: labels.names,
            unit: nil,
            buckets: []
        )
        guard
            let family = self.families.family(
                descriptor, in: self.registry, make: CounterFamily.init(descriptor:shardCount:overflowCounter:))
        else {
            return DroppingMetricsHandler.shared
        }
        return RegistryCounterHandler(family: family, handle: family.bind(labels.values))
    }

    private func gauge(label: String, dimensions: [(String, String)]) -> any MeterHandler & RecorderHandler {
        let labels = SwiftMetricsNaming.labels(dimensions, forHistogram: false)
        let descriptor = self.descriptor(
            .gauge,
            name: SwiftMetricsNaming.metricName(label),
            label: label,
            what: "meter or recorder",
            labelNames: labels.names,
            unit: nil,
            buckets: []
        )
        guard
            let family = self.families.family(
                descriptor, in: self.registry, make: GaugeFamily.init(descriptor:shardCount:overflowCounter:))
        else {
            return DroppingMetricsHandler.shared
        }
        return RegistryGaugeHandler(family: family, handle: family.bind(labels.values))
    }

    private func descriptor(
        _ kind: MetricKind,
        name: String,
        label: String,
        what: String,
        labelNames: [String],
        unit: String?,
        buckets: [Double]
    ) -> FamilyDescriptor {
        FamilyDescriptor(
            kind: kind,
            name: name,
            help: "Reported through swift-metrics (\(what) \"\(label)\").",
            labelNames: labelNames,
            unit: unit,
            buckets: buckets,
            exemplars: false,
            cardinalityLimit: self.cardinalityLimit
        )
    }
}
