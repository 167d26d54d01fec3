import PeriscopeTelemetry

/// How Prometheus-style family names become OTLP metric names, following the OpenTelemetry spec's "Prometheus and
/// OpenMetrics Compatibility" rules (`specification/compatibility/prometheus_and_openmetrics.md`).
///
/// That spec says, for Prometheus → OTLP: the Prometheus name is the OTLP name, "by default SHOULD NOT be altered",
/// and translators SHOULD offer an option that removes type suffixes (`_total`) and unit suffixes (`_seconds`); the
/// UNIT metadata becomes the OTLP unit, abbreviated (see ``unit(forPrometheusUnit:)``). For the way back, OTLP →
/// Prometheus (a collector's Prometheus exporters, Prometheus's own OTLP receiver): a unit suffix is appended
/// "unless the metric name already contains the unit", and a monotonic cumulative Sum gets `_total` unless its name
/// already ends in it.
///
/// Periscope's default, ``droppingTypeSuffix``, strips `_total` from counters and keeps every other name as
/// registered, unit suffix included. A name then survives the round trip to Prometheus unchanged, and OTLP-native
/// backends see no Prometheus type suffix:
///
/// | registered (kind, unit) | OTLP name, unit | back in Prometheus |
/// |---|---|---|
/// | `periscope_http_requests_total` (counter) | `periscope_http_requests`, `""` | `periscope_http_requests_total` |
/// | `process_cpu_seconds_total` (counter, `seconds`) | `process_cpu_seconds`, `s` | `process_cpu_seconds_total` |
/// | `periscope_http_request_duration_seconds` (histogram, `seconds`) | unchanged, `s` | unchanged (+ `_bucket` …) |
/// | `process_resident_memory_bytes` (gauge, `bytes`) | unchanged, `By` | unchanged |
///
/// The unit always comes from the family's declared unit, never from its name: a family without a unit exports an
/// empty unit even if its name ends in `_seconds`.
public struct OTLPMetricNaming: Sendable, Hashable, CustomStringConvertible {
    enum Backing: Hashable {
        case unaltered
        case droppingTypeSuffix
        case droppingTypeAndUnitSuffixes
    }

    let backing: Backing

    /// The default: counters lose their `_total` suffix (the type suffix the OTLP → Prometheus direction adds back);
    /// every other name, unit suffix included, is kept.
    public static let droppingTypeSuffix = OTLPMetricNaming(backing: .droppingTypeSuffix)

    /// Names exactly as registered (the spec's default for generic Prometheus → OTLP translation). Counters keep
    /// `_total`.
    public static let unaltered = OTLPMetricNaming(backing: .unaltered)

    /// The spec's optional translation: counters lose `_total`, and then a family with a unit loses the `_<unit>`
    /// suffix too (`periscope_http_request_duration_seconds` → `periscope_http_request_duration`, unit `s`). A name
    /// that would become empty is kept.
    public static let droppingTypeAndUnitSuffixes = OTLPMetricNaming(backing: .droppingTypeAndUnitSuffixes)

    private init(backing: Backing) {
        self.backing = backing
    }

    /// The OTLP metric name of `family`.
    public func metricName(for family: MetricFamilySnapshot) -> String {
        if self.backing == .unaltered { return family.name }
        var name = Substring(family.name)
        if family.kind == .counter {
            name = Self.dropping(suffix: "_total", from: name)
        }
        if self.backing == .droppingTypeAndUnitSuffixes, let unit = family.unit, !unit.isEmpty {
            name = Self.dropping(suffix: "_" + unit, from: name)
        }
        return String(name)
    }

    /// `name` without `suffix`, if it ends in it and something would remain.
    private static func dropping(suffix: String, from name: Substring) -> Substring {
        guard name.utf8.count > suffix.utf8.count, name.hasSuffix(suffix) else { return name }
        return name.dropLast(suffix.count)
    }

    /// `unaltered`, `droppingTypeSuffix`, or `droppingTypeAndUnitSuffixes`.
    public var description: String {
        switch self.backing {
        case .unaltered: "unaltered"
        case .droppingTypeSuffix: "droppingTypeSuffix"
        case .droppingTypeAndUnitSuffixes: "droppingTypeAndUnitSuffixes"
        }
    }
}

extension OTLPMetricNaming {
    /// The OTLP (UCUM) unit for an OpenMetrics unit, per the compatibility spec: full words become abbreviations
    /// (`seconds` → `s`, `bytes` → `By`, `milliseconds` → `ms`), `ratio` becomes `1`, and `foo_per_bar` becomes
    /// `foo/bar` with a singular time denominator (`bytes_per_second` → `By/s`; `per_second` alone → `1/s`).
    /// Words the table does not know are kept as they are; `nil` or an empty unit gives `""` (no unit).
    public static func unit(forPrometheusUnit unit: String?) -> String {
        guard let unit, !unit.isEmpty else { return "" }
        if unit.hasPrefix("per_") {
            return "1/" + Self.perUnitWord(String(unit.dropFirst("per_".count)))
        }
        if let range = unit.firstRange(of: "_per_") {
            return Self.unitWord(String(unit[..<range.lowerBound])) + "/"
                + Self.perUnitWord(String(unit[range.upperBound...]))
        }
        return Self.unitWord(unit)
    }

    private static func unitWord(_ word: String) -> String {
        Self.unitAbbreviations[word] ?? word
    }

    /// The denominator of a `_per_` unit, which Prometheus writes in the singular (`bytes_per_second`).
    private static func perUnitWord(_ word: String) -> String {
        Self.perUnitAbbreviations[word] ?? Self.unitWord(word)
    }

    private static let perUnitAbbreviations: [String: String] = [
        "second": "s",
        "minute": "min",
        "hour": "h",
        "day": "d",
        "week": "wk",
    ]

    /// OpenMetrics base units and common prefixed forms → UCUM.
    private static let unitAbbreviations: [String: String] = [
        // Time
        "days": "d",
        "hours": "h",
        "minutes": "min",
        "seconds": "s",
        "milliseconds": "ms",
        "microseconds": "us",
        "nanoseconds": "ns",
        // Bytes and bits
        "bytes": "By",
        "kibibytes": "KiBy",
        "mebibytes": "MiBy",
        "gibibytes": "GiBy",
        "tebibytes": "TiBy",
        "kilobytes": "kBy",
        "megabytes": "MBy",
        "gigabytes": "GBy",
        "terabytes": "TBy",
        "bits": "bit",
        // SI and others
        "meters": "m",
        "volts": "V",
        "amperes": "A",
        "joules": "J",
        "watts": "W",
        "grams": "g",
        "celsius": "Cel",
        "hertz": "Hz",
        "percent": "%",
        "ratio": "1",
    ]
}
