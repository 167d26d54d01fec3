/// The process's metric families, their sharded cells, and their exposition.
///
/// ## Lifecycle
/// 1. Create one registry for the process with the number of event loops: it keeps one shard per loop plus one
///    extra shard shared by every other thread.
/// 2. At setup (config load), register families (`counter`, `gauge`, `histogram`) and bind the series whose
///    label values are known (route, cluster, endpoint). Bind values first seen at run time (a status code) once,
///    then keep the handle. Registering and binding take locks; neither belongs on the per-event path.
/// 3. Record through handles with the event loop's ``MetricShard`` — relaxed atomic work on the loop's own
///    cache-line-padded cells, no lock, no allocation, no lookup.
/// 4. ``render(format:into:)`` sums the shards and writes text 0.0.4 or OpenMetrics.
///
/// The registry owns all cell memory and frees it when it (and every family object handed out) is gone. Handles
/// are raw pointers that do not keep it alive: keep the registry for as long as any handle is used.
///
/// Each family holds at most `cardinalityLimit` series (default ``defaultCardinalityLimit``) plus one overflow
/// series whose label values are all `_other`; `periscope_metric_series_overflow_total{metric}` counts the `bind`
/// calls folded into it.
public final class MetricsRegistry: Sendable {
    /// Default most series per family.
    public static let defaultCardinalityLimit = 2000
    /// The value of every label of a family's overflow series.
    public static let overflowLabelValue = "_other"
    /// The counter of binds folded into an overflow series, labelled by family name (`metric`).
    public static let overflowMetricName = "periscope_metric_series_overflow_total"

    /// The number of event-loop shards; the registry has one more, shared by non-loop threads.
    public let eventLoopCount: Int
    private let overflowFamily: CounterFamily

    private struct State {
        /// Families by registered name.
        var byName: [String: any RegisteredFamily] = [:]
        /// Families in registration order (the overflow family is rendered after them).
        var ordered: [any RegisteredFamily] = []
        /// Every sample and metadata name in use, mapped to the family that uses it.
        var claimedNames: [String: String] = [:]
        /// Collectors by name, in registration order, run at the start of every render.
        var collectors: [(name: String, collect: @Sendable () -> Void)] = []
        /// Sources of families whose label names vary per series (`ALERTS`), rendered after the registry's own.
        var appenders: [(name: String, append: ExpositionAppender)] = []
    }

    private let state: LockedBox<State>

    /// Creates a registry with one shard per event loop (`eventLoopCount` ≥ 1) plus one shared extra shard.
    public init(eventLoopCount: Int) {
        precondition(eventLoopCount >= 1, "a registry needs at least one event-loop shard")
        self.eventLoopCount = eventLoopCount
        let descriptor = FamilyDescriptor(
            kind: .counter,
            name: Self.overflowMetricName,
            help: "Bind calls whose new label values were folded into the family's _other series "
                + "because the family had reached its series limit.",
            labelNames: ["metric"],
            unit: nil,
            buckets: [],
            exemplars: false,
            // One series per family at most; the limit only bounds memory if something goes very wrong.
            cardinalityLimit: 100_000
        )
        descriptor.validate()
        self.overflowFamily = CounterFamily(
            descriptor: descriptor,
            shardCount: eventLoopCount + 1,
            overflowCounter: nil
        )
        var state = State()
        state.byName[descriptor.name] = self.overflowFamily
        for claimed in descriptor.claimedNames {
            state.claimedNames[claimed] = descriptor.name
        }
        self.state = LockedBox(state)
    }

    /// The shard of event loop `index` (0 ..< ``eventLoopCount``). Get it once per loop, not per event.
    public func shard(forEventLoop index: Int) -> MetricShard {
        precondition(index >= 0 && index < self.eventLoopCount, "event loop index \(index) out of range")
        return MetricShard(index: index)
    }

    /// Registers (or returns the identical existing) counter family. `name` must end in `_total`.
    ///
    /// - Parameters:
    ///   - unit: The OpenMetrics unit (`seconds`, `bytes`), exposed only in OpenMetrics; the name without
    ///     `_total` must end in `_<unit>`.
    ///   - cardinalityLimit: The most series before new label values fold into the `_other` series.
    public func counter(
        name: String,
        help: String,
        labelNames: [String] = [],
        unit: String? = nil,
        cardinalityLimit: Int = MetricsRegistry.defaultCardinalityLimit
    ) -> CounterFamily {
        let descriptor = FamilyDescriptor(
            kind: .counter,
            name: name,
            help: help,
            labelNames: labelNames,
            unit: unit,
            buckets: [],
            exemplars: false,
            cardinalityLimit: cardinalityLimit
        )
        return self.register(descriptor) { shardCount, overflow in
            CounterFamily(descriptor: descriptor, shardCount: shardCount, overflowCounter: overflow)
        }
    }

    /// Registers (or returns the identical existing) gauge family.
    ///
    /// - Parameters:
    ///   - unit: The OpenMetrics unit; the name must end in `_<unit>`.
    ///   - cardinalityLimit: The most series before new label values fold into the `_other` series.
    public func gauge(
        name: String,
        help: String,
        labelNames: [String] = [],
        unit: String? = nil,
        cardinalityLimit: Int = MetricsRegistry.defaultCardinalityLimit
    ) -> GaugeFamily {
        let descriptor = FamilyDescriptor(
            kind: .gauge,
            name: name,
            help: help,
            labelNames: labelNames,
            unit: unit,
            buckets: [],
            exemplars: false,
            cardinalityLimit: cardinalityLimit
        )
        return self.register(descriptor) { shardCount, overflow in
            GaugeFamily(descriptor: descriptor, shardCount: shardCount, overflowCounter: overflow)
        }
    }

    /// Registers (or returns the identical existing) histogram family.
    ///
    /// - Parameters:
    ///   - buckets: Finite upper bounds, strictly increasing; a trailing `+Inf` is dropped (it is always added).
    ///   - unit: The OpenMetrics unit; the name must end in `_<unit>`.
    ///   - exemplars: Keep one exemplar slot per bucket and shard (``HistogramHandle/observe(_:shard:exemplar:)``),
    ///     shown on OpenMetrics bucket lines and in snapshots; costs `(buckets.count + 1) * 48` bytes per series and
    ///     shard.
    ///   - cardinalityLimit: The most series before new label values fold into the `_other` series.
    public func histogram(
        name: String,
        help: String,
        labelNames: [String] = [],
        buckets: [Double] = Buckets.defaultDuration,
        unit: String? = nil,
        exemplars: Bool = false,
        cardinalityLimit: Int = MetricsRegistry.defaultCardinalityLimit
    ) -> HistogramFamily {
        var bounds = buckets
        if bounds.last == .infinity {
            bounds.removeLast()
        }
        let descriptor = FamilyDescriptor(
            kind: .histogram,
            name: name,
            help: help,
            labelNames: labelNames,
            unit: unit,
            buckets: bounds,
            exemplars: exemplars,
            cardinalityLimit: cardinalityLimit
        )
        return self.register(descriptor) { shardCount, overflow in
            HistogramFamily(descriptor: descriptor, shardCount: shardCount, overflowCounter: overflow)
        }
    }

    private func register<Family: RegisteredFamily>(
        _ descriptor: FamilyDescriptor,
        make: (_ shardCount: Int, _ overflow: OverflowCounter?) -> Family
    ) -> Family {
        descriptor.validate()
        switch self.registerIfCompatible(descriptor, make: make) {
        case .success(let family): return family
        case .failure(let conflict): preconditionFailure(conflict.description)
        }
    }

    /// Registers a family from a valid `descriptor`, or returns the identical existing one, like the public
    /// registration calls — but returns a clash with another definition as a failure instead of trapping. For
    /// families whose names come from outside the program (the swift-metrics backend).
    func registerIfCompatible<Family: RegisteredFamily>(
        _ descriptor: FamilyDescriptor,
        make: (_ shardCount: Int, _ overflow: OverflowCounter?) -> Family
    ) -> Result<Family, RegistrationConflict> {
        self.state.withLockedValue { state in
            if let existing = state.byName[descriptor.name] {
                guard existing.descriptor == descriptor else {
                    return .failure(
                        RegistrationConflict(
                            description: "metric '\(descriptor.name)' registered twice with different definitions: "
                                + "\(existing.descriptor) vs \(descriptor)"
                        )
                    )
                }
                guard let family = existing as? Family else {
                    return .failure(
                        RegistrationConflict(
                            description: "metric '\(descriptor.name)' is registered as another kind"
                        )
                    )
                }
                return .success(family)
            }
            for claimed in descriptor.claimedNames {
                if let owner = state.claimedNames[claimed] {
                    return .failure(
                        RegistrationConflict(
                            description: "metric '\(descriptor.name)' clashes with '\(owner)' on the name '\(claimed)'"
                        )
                    )
                }
            }
            // Bind the family's overflow counter now (at 0) so recording an overflow never needs a lookup.
            let overflow =
                descriptor.labelNames.isEmpty
                ? nil
                : OverflowCounter(
                    family: self.overflowFamily,
                    handle: self.overflowFamily.bind([descriptor.name])
                )
            let family = make(self.eventLoopCount + 1, overflow)
            state.byName[descriptor.name] = family
            state.ordered.append(family)
            for claimed in descriptor.claimedNames {
                state.claimedNames[claimed] = descriptor.name
            }
            return .success(family)
        }
    }

    /// Registers `collect` under `name`: every render calls it first, so values that are read rather than recorded
    /// (a process's memory, its open file descriptors) can be set on their handles right before they are exposed.
    ///
    /// Registering a name that is already registered keeps the first collector and returns `false`, so setup code
    /// that runs twice does not run its collector twice per render.
    ///
    /// Collectors run in registration order on the thread that renders, outside the registry's lock, and may run
    /// concurrently with each other when scrapes overlap: they must be thread-safe. They may bind series and set
    /// or add to handles; they must not render.
    ///
    /// - Returns: `true` if `collect` was registered, `false` if `name` already had a collector.
    @discardableResult
    public func registerCollector(named name: String, _ collect: @escaping @Sendable () -> Void) -> Bool {
        self.state.withLockedValue { state in
            guard !state.collectors.contains(where: { $0.name == name }) else { return false }
            state.collectors.append((name, collect))
            return true
        }
    }

    /// Registers a source of extra exposition text, for families the registry cannot hold because their label
    /// names vary per series (`ALERTS`, `ALERTS_FOR_STATE`). `append` writes complete families (metadata and
    /// samples) in the given format; it runs on the rendering thread, after the registry's own families, and must
    /// be thread-safe.
    ///
    /// - Returns: `true` if registered, `false` if `name` already had an appender.
    @discardableResult
    public func registerExpositionAppender(named name: String, _ append: @escaping ExpositionAppender) -> Bool {
        self.state.withLockedValue { state in
            guard !state.appenders.contains(where: { $0.name == name }) else { return false }
            state.appenders.append((name, append))
            return true
        }
    }

    /// Runs every registered collector (see ``registerCollector(named:_:)``). ``render(format:into:)`` calls it;
    /// readers other than the exposition (an exporter, a rule evaluator) call it before they read handles.
    public func collect() {
        let collectors = self.state.withLockedValue { $0.collectors }
        for collector in collectors {
            collector.collect()
        }
    }

    /// Appends the exposition of every family in `format` to `buffer`: families in registration order (then the
    /// registry's own overflow counter), series in bind order. OpenMetrics output ends with `# EOF`.
    ///
    /// Runs the registered collectors first (``registerCollector(named:_:)``).
    ///
    /// Safe to call from any thread while others record. Each counter cell is read once; a histogram's `_count`
    /// and cumulative buckets come from the same reads (so `_count` equals `+Inf` in every scrape), while `_sum`
    /// is read separately and may lag or lead the buckets by the observations in flight. A family with no series
    /// yet renders only its metadata lines, which both formats (and `promtool check metrics`) accept.
    public func render(format: ExpositionFormat, into buffer: inout [UInt8]) {
        self.collect()
        let families = self.state.withLockedValue { $0.ordered }
        for family in families {
            family.render(format: format, into: &buffer)
        }
        self.overflowFamily.render(format: format, into: &buffer)
        for appender in self.state.withLockedValue({ $0.appenders }) {
            appender.append(format, &buffer)
        }
        if format == .openMetrics {
            buffer.append(contentsOf: "# EOF\n".utf8)
        }
    }

    /// The current values of every family, in registration order and then the registry's overflow counter. Runs
    /// the registered collectors first. Safe from any thread while others record; reads each cell once, as
    /// ``render(format:into:)`` does.
    public func snapshot() -> [MetricFamilySnapshot] {
        self.collect()
        let families = self.state.withLockedValue { $0.ordered }
        return families.map { $0.snapshot() } + [self.overflowFamily.snapshot()]
    }

    /// How many series each family holds (the overflow series included), in registration order and then the
    /// registry's overflow counter. Takes the registry's lock and each family's: for scrapes, not for events.
    public func seriesCounts() -> [(name: String, count: Int)] {
        let families = self.state.withLockedValue { $0.ordered }
        return families.map { ($0.descriptor.name, $0.seriesCount) }
            + [(self.overflowFamily.descriptor.name, self.overflowFamily.seriesCount)]
    }

    /// The exposition of every family in `format` (see ``render(format:into:)``).
    public func render(format: ExpositionFormat) -> [UInt8] {
        var buffer: [UInt8] = []
        self.render(format: format, into: &buffer)
        return buffer
    }
}

/// Writes complete families in a format to the end of an exposition (see
/// ``MetricsRegistry/registerExpositionAppender(named:_:)``).
public typealias ExpositionAppender = @Sendable (ExpositionFormat, inout [UInt8]) -> Void

/// A family's series of `periscope_metric_series_overflow_total`, with the family that owns its cells: a family
/// object that outlives its registry still counts overflows into memory that is alive.
struct OverflowCounter: Sendable {
    let family: CounterFamily
    let handle: CounterHandle
}

/// Why a family could not be registered: its name (or one of the sample names it would emit) is taken by a
/// different definition.
struct RegistrationConflict: Error, CustomStringConvertible {
    let description: String
}
