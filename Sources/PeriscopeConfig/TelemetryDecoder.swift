import Yams

/// Reads the `telemetry` section: the default series limit and the per-family overrides.
enum TelemetryDecoder {
    static let keys = ["cardinality_limit", "families"]
    static let familyKeys = ["buckets", "cardinality_limit"]

    /// Decodes the section; problems go to the mapping's diagnostics.
    static func decode(_ mapping: MappingReader) -> TelemetryConfig {
        var telemetry = TelemetryConfig()
        if let limit = mapping["cardinality_limit"]?.int(minimum: 1) {
            telemetry.cardinalityLimit = limit
        }
        for (name, keyMark, value) in mapping["families"]?.entries() ?? [] {
            guard TelemetryConfig.knownFamilies.contains(name) else {
                value.diagnostics.error(
                    value.path,
                    at: keyMark,
                    "unknown metric family '\(name)'",
                    hint: Suggestion.didYouMean(name, among: TelemetryConfig.knownFamilies)
                        ?? "the families that take settings are listed in docs/configuration.md"
                )
                continue
            }
            guard !value.isNull, let family = value.mapping(keys: Self.familyKeys) else { continue }
            telemetry.families[name] = Self.family(name, family)
        }
        return telemetry
    }

    private static func family(_ name: String, _ mapping: MappingReader) -> TelemetryFamilyConfig {
        var family = TelemetryFamilyConfig()
        family.cardinalityLimit = mapping["cardinality_limit"]?.int(minimum: 1)
        if let buckets = mapping["buckets"] {
            if TelemetryConfig.knownHistogramFamilies.contains(name) {
                family.buckets = Self.buckets(buckets)
            } else {
                buckets.error(
                    "'\(name)' is not a histogram; only histograms take buckets",
                    hint: "remove 'buckets' or set them on a histogram family"
                )
            }
        }
        return family
    }

    /// Bucket upper bounds: at least one, each a finite number, strictly increasing.
    private static func buckets(_ node: NodeReader) -> [Double]? {
        guard let elements = node.list() else { return nil }
        if elements.isEmpty {
            node.error("at least one bucket bound is required", hint: "leave 'buckets' out to keep the defaults")
            return nil
        }
        var bounds: [Double] = []
        var valid = true
        for element in elements {
            guard let bound = element.number() else {
                valid = false
                continue
            }
            if !bound.isFinite {
                element.error(
                    "bucket bound must be a finite number, found \(element.kindDescription)",
                    hint: "+Inf is always added as the last bucket"
                )
                valid = false
            } else if let previous = bounds.last, bound <= previous {
                element.error(
                    "bucket bounds must be strictly increasing: \(Self.format(bound)) follows \(Self.format(previous))"
                )
                valid = false
            } else {
                bounds.append(bound)
            }
        }
        return valid ? bounds : nil
    }

    /// `0.5`, `5` (not `5.0`), `1e-05`.
    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
