import CoreMetrics

// The handlers `PeriscopeMetricsFactory` returns. Each keeps the family it was bound from (so the cells stay
// allocated for as long as swift-metrics holds the handler, even past the registry) and the bound handle, and
// records through the handle's shard-less calls: atomic work on the registry's shared extra shard, no lock, no
// allocation, no lookup. Values a Prometheus series cannot take are dropped rather than trapping.

/// `Counter` and `FloatingPointCounter` → a counter series.
final class RegistryCounterHandler: CounterHandler, FloatingPointCounterHandler {
    let family: CounterFamily
    let handle: CounterHandle

    init(family: CounterFamily, handle: CounterHandle) {
        self.family = family
        self.handle = handle
    }

    /// Adds `amount`; a negative amount (a counter cannot decrease) is dropped.
    func increment(by amount: Int64) {
        guard amount > 0 else { return }
        self.handle.add(Int(truncatingIfNeeded: amount))
    }

    /// Adds `amount`; a negative or NaN amount is dropped.
    func increment(by amount: Double) {
        guard amount > 0 else { return }
        self.handle.add(amount)
    }

    /// Does nothing: Prometheus counters only go up (a reset is a process restart), and the series' cells are
    /// shared with every other handler of the same label values.
    func reset() {}
}

/// `Meter` and `Recorder(aggregate: false)` → a gauge series holding the last value.
final class RegistryGaugeHandler: MeterHandler, RecorderHandler {
    let family: GaugeFamily
    let handle: GaugeHandle

    init(family: GaugeFamily, handle: GaugeHandle) {
        self.family = family
        self.handle = handle
    }

    func set(_ value: Int64) {
        self.handle.set(Double(value))
    }

    func set(_ value: Double) {
        self.handle.set(value)
    }

    /// Adds `amount`; a NaN amount (which would stick to the gauge for good) is dropped.
    func increment(by amount: Double) {
        guard !amount.isNaN else { return }
        self.handle.add(amount)
    }

    /// Subtracts `amount`; a NaN amount is dropped.
    func decrement(by amount: Double) {
        guard !amount.isNaN else { return }
        self.handle.add(-amount)
    }

    func record(_ value: Int64) {
        self.handle.set(Double(value))
    }

    func record(_ value: Double) {
        self.handle.set(value)
    }
}

/// `Recorder(aggregate: true)` → a histogram series of the recorded values.
final class RegistryHistogramHandler: RecorderHandler {
    let family: HistogramFamily
    let handle: HistogramHandle

    init(family: HistogramFamily, handle: HistogramHandle) {
        self.family = family
        self.handle = handle
    }

    func record(_ value: Int64) {
        self.handle.observe(Double(value))
    }

    /// Records `value`; NaN is dropped by the histogram.
    func record(_ value: Double) {
        self.handle.observe(value)
    }
}

/// `Timer` → a histogram series in seconds, whatever display unit the timer prefers.
final class RegistryTimerHandler: TimerHandler {
    let family: HistogramFamily
    let handle: HistogramHandle

    init(family: HistogramFamily, handle: HistogramHandle) {
        self.family = family
        self.handle = handle
    }

    /// Records `duration` in seconds; a negative duration (which would make `_sum` decrease) is dropped.
    func recordNanoseconds(_ duration: Int64) {
        guard duration >= 0 else { return }
        self.handle.observe(Double(duration) / 1_000_000_000)
    }
}

/// The handler of a swift-metrics metric that could not get a family (its name is taken by a different kind or
/// label set): it records nothing.
final class DroppingMetricsHandler: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler,
    TimerHandler
{
    static let shared = DroppingMetricsHandler()

    func increment(by amount: Int64) {}
    func increment(by amount: Double) {}
    func reset() {}
    func set(_ value: Int64) {}
    func set(_ value: Double) {}
    func decrement(by amount: Double) {}
    func record(_ value: Int64) {}
    func record(_ value: Double) {}
    func recordNanoseconds(_ duration: Int64) {}
}
