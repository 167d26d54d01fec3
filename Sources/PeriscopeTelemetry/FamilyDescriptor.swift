/// The kind of a metric family.
public enum MetricKind: String, Sendable, Hashable {
    case counter
    case gauge
    case histogram
}

/// Everything that defines a family. Registering a name again with an equal descriptor returns the existing
/// family; with a different one it is a programmer error.
struct FamilyDescriptor: Sendable, Equatable {
    var kind: MetricKind
    var name: String
    var help: String
    var labelNames: [String]
    var unit: String?
    /// Finite upper bounds, strictly increasing (histograms only; `+Inf` is implicit).
    var buckets: [Double]
    var exemplars: Bool
    var cardinalityLimit: Int

    /// The family name used in OpenMetrics metadata lines: counters drop their `_total` suffix.
    var openMetricsName: String {
        self.kind == .counter ? String(self.name.dropLast("_total".count)) : self.name
    }

    /// Every sample name the family can emit in either format, plus its metadata names: two families must not
    /// share any of them.
    var claimedNames: [String] {
        switch self.kind {
        case .counter:
            let base = self.openMetricsName
            return [self.name, base, base + "_created"]
        case .gauge:
            return [self.name]
        case .histogram:
            return [self.name, self.name + "_bucket", self.name + "_sum", self.name + "_count", self.name + "_created"]
        }
    }

    /// Checks the definition; every failure is a programmer error in the code that registers the family.
    func validate() {
        precondition(Self.isValidMetricName(self.name), "invalid metric name '\(self.name)'")
        precondition(!self.name.hasPrefix("__"), "metric name '\(self.name)' starts with the reserved '__'")
        if self.kind == .counter {
            precondition(
                self.name.hasSuffix("_total") && self.name.count > "_total".count,
                "counter '\(self.name)' must end in _total"
            )
        }
        precondition(Set(self.labelNames).count == self.labelNames.count, "duplicate label name in \(self.labelNames)")
        for label in self.labelNames {
            precondition(Self.isValidLabelName(label), "invalid label name '\(label)' on '\(self.name)'")
            // OpenMetrics reserves label names starting with an underscore (and Prometheus those with "__").
            precondition(!label.hasPrefix("_"), "label name '\(label)' on '\(self.name)' starts with '_'")
            if self.kind == .histogram {
                precondition(label != "le", "histogram '\(self.name)' cannot have a label named 'le'")
            }
        }
        if let unit = self.unit {
            precondition(
                !unit.isEmpty && unit.utf8.allSatisfy { Self.isNameCharacter($0, allowColon: false) },
                "invalid unit '\(unit)'"
            )
            precondition(
                self.openMetricsName.hasSuffix("_" + unit),
                "family '\(self.openMetricsName)' must end in '_\(unit)' to declare unit '\(unit)'"
            )
        }
        precondition(self.cardinalityLimit > 0, "cardinality limit of '\(self.name)' must be positive")
        for (index, bound) in self.buckets.enumerated() {
            precondition(bound.isFinite, "bucket bounds of '\(self.name)' must be finite: \(bound)")
            if index > 0 {
                precondition(
                    self.buckets[index - 1] < bound,
                    "bucket bounds of '\(self.name)' must be strictly increasing: \(self.buckets)"
                )
            }
        }
        precondition(self.kind == .histogram || !self.exemplars, "only histograms take exemplars")
    }

    static func isValidMetricName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !Self.isDigit(first) else { return false }
        return name.utf8.allSatisfy { Self.isNameCharacter($0, allowColon: true) }
    }

    static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !Self.isDigit(first) else { return false }
        return name.utf8.allSatisfy { Self.isNameCharacter($0, allowColon: false) }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isNameCharacter(_ byte: UInt8, allowColon: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
            true
        case UInt8(ascii: ":"): allowColon
        default: false
        }
    }
}
