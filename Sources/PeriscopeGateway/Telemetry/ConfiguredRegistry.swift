import PeriscopeConfig
import PeriscopeTelemetry

/// Registers families in a ``MetricsRegistry`` with the config's `telemetry` settings applied: a family's
/// configured series limit (else the section's default) and, for histograms, its configured buckets (else the
/// buckets the caller passes).
///
/// The config loader has already checked the settings (known family names, buckets on histograms only, finite and
/// increasing bounds, limits ≥ 1), so they always satisfy the registry's preconditions.
struct ConfiguredRegistry {
    /// Where the families are registered.
    let registry: MetricsRegistry
    /// The settings applied.
    let telemetry: TelemetryConfig

    /// Registers a counter family (see ``MetricsRegistry/counter(name:help:labelNames:unit:cardinalityLimit:)``).
    func counter(name: String, help: String, labelNames: [String] = [], unit: String? = nil) -> CounterFamily {
        self.registry.counter(
            name: name,
            help: help,
            labelNames: labelNames,
            unit: unit,
            cardinalityLimit: self.telemetry.cardinalityLimit(for: name)
        )
    }

    /// Registers a gauge family (see ``MetricsRegistry/gauge(name:help:labelNames:unit:cardinalityLimit:)``).
    func gauge(name: String, help: String, labelNames: [String] = [], unit: String? = nil) -> GaugeFamily {
        self.registry.gauge(
            name: name,
            help: help,
            labelNames: labelNames,
            unit: unit,
            cardinalityLimit: self.telemetry.cardinalityLimit(for: name)
        )
    }

    /// Registers a histogram family; configured buckets replace `buckets`
    /// (see ``MetricsRegistry/histogram(name:help:labelNames:buckets:unit:exemplars:cardinalityLimit:)``).
    func histogram(
        name: String,
        help: String,
        labelNames: [String] = [],
        buckets: [Double] = Buckets.defaultDuration,
        unit: String? = nil,
        exemplars: Bool = false
    ) -> HistogramFamily {
        self.registry.histogram(
            name: name,
            help: help,
            labelNames: labelNames,
            buckets: self.telemetry.buckets(for: name) ?? buckets,
            unit: unit,
            exemplars: exemplars,
            cardinalityLimit: self.telemetry.cardinalityLimit(for: name)
        )
    }
}
