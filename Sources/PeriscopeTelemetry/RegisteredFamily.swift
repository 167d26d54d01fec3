/// What the registry keeps of every family: its definition and a way to render it.
protocol RegisteredFamily: AnyObject, Sendable {
    var descriptor: FamilyDescriptor { get }
    /// Series bound so far, the overflow series included.
    var seriesCount: Int { get }
    /// Appends the family's metadata lines and samples in `format`.
    func render(format: ExpositionFormat, into out: inout [UInt8])
    /// The family's current values (see ``MetricsRegistry/snapshot()``).
    func snapshot() -> MetricFamilySnapshot
}

/// A family's metadata lines, rendered once at registration for each format.
struct FamilyMetadata: Sendable {
    let prometheusText: [UInt8]
    let openMetrics: [UInt8]

    init(_ descriptor: FamilyDescriptor) {
        // Text 0.0.4: HELP then TYPE (client_golang's order), under the sample name.
        var text: [UInt8] = []
        if !descriptor.help.isEmpty {
            ExpositionText.append("# HELP \(descriptor.name) ", to: &text)
            ExpositionText.appendEscapedHelp(descriptor.help, format: .prometheusText, to: &text)
            text.append(UInt8(ascii: "\n"))
        }
        ExpositionText.append("# TYPE \(descriptor.name) \(descriptor.kind.rawValue)\n", to: &text)
        self.prometheusText = text

        // OpenMetrics: TYPE, UNIT, HELP (the spec's recommended order), under the family name (no `_total`).
        let name = descriptor.openMetricsName
        var openMetrics: [UInt8] = []
        ExpositionText.append("# TYPE \(name) \(descriptor.kind.rawValue)\n", to: &openMetrics)
        if let unit = descriptor.unit {
            ExpositionText.append("# UNIT \(name) \(unit)\n", to: &openMetrics)
        }
        if !descriptor.help.isEmpty {
            ExpositionText.append("# HELP \(name) ", to: &openMetrics)
            ExpositionText.appendEscapedHelp(descriptor.help, format: .openMetrics, to: &openMetrics)
            openMetrics.append(UInt8(ascii: "\n"))
        }
        self.openMetrics = openMetrics
    }

    subscript(format: ExpositionFormat) -> [UInt8] {
        switch format {
        case .prometheusText: self.prometheusText
        case .openMetrics: self.openMetrics
        }
    }
}

extension ExpositionText {
    /// The text of a counter or gauge series: `name{pairs} ` (or `name ` without labels).
    static func singleSampleText(name: String, labelPairs: [UInt8]) -> ([UInt8], (Int, Int)) {
        var text: [UInt8] = []
        text.reserveCapacity(name.utf8.count + labelPairs.count + 3)
        Self.append(name, to: &text)
        Self.appendLabelBlock(labelPairs, to: &text)
        text.append(UInt8(ascii: " "))
        return (text, (text.count, text.count))
    }

    /// Appends `{pairs}`, or nothing when there are no labels.
    static func appendLabelBlock(_ labelPairs: [UInt8], to out: inout [UInt8]) {
        guard !labelPairs.isEmpty else { return }
        out.append(UInt8(ascii: "{"))
        out.append(contentsOf: labelPairs)
        out.append(UInt8(ascii: "}"))
    }
}
