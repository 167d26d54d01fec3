/// Reads a route's `slo` mapping (see ``RouteSLOConfig``).
enum RouteSLODecoder {
    static let keys = ["availability", "latency"]
    static let latencyKeys = ["threshold", "objective"]

    static func decode(_ node: NodeReader) -> RouteSLOConfig? {
        guard let mapping = node.mapping(keys: Self.keys) else { return nil }
        var slo = RouteSLOConfig()
        if let availability = mapping["availability"] {
            slo.availability = Self.ratio(availability)
        }
        if let latency = mapping["latency"]?.mapping(keys: Self.latencyKeys) {
            let threshold = latency.required("threshold")?.duration()
            let objective = latency.required("objective").flatMap(Self.ratio)
            if let threshold, let objective {
                slo.latency = LatencyObjective(threshold: threshold, objective: objective)
            }
        }
        if !mapping.contains("availability") && !mapping.contains("latency") {
            mapping.error("an slo needs availability, latency or both", hint: "e.g. availability: 99.9%")
        }
        return slo
    }

    /// A ratio strictly between 0 and 1, written as a fraction (`0.999`) or a percentage (`99.9%`).
    static func ratio(_ node: NodeReader) -> Double? {
        guard let text = node.scalar(expected: "a ratio such as 99.9% or 0.999") else { return nil }
        let value: Double?
        if text.hasSuffix("%") {
            value = Double(text.dropLast().trimmingPrefixAndSuffixSpaces()).map { $0 / 100 }
        } else {
            value = Double(text)
        }
        guard let value, value.isFinite else {
            node.error("expected a ratio such as 99.9% or 0.999, found '\(text)'")
            return nil
        }
        guard value > 0 && value < 1 else {
            node.error(
                "an objective must be above 0 and below 100%, found '\(text)'",
                hint: "100% leaves no error budget; write e.g. 99.9% or 0.999"
            )
            return nil
        }
        return value
    }
}

extension Substring {
    fileprivate func trimmingPrefixAndSuffixSpaces() -> Substring {
        var text = self
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return text
    }
}
