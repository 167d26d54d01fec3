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
        Self.fraction(node, allowZero: false)
    }

    /// A fraction below 1 — above 0, or from 0 with `allowZero` — written as `0.1` or `10%`.
    static func fraction(_ node: NodeReader, allowZero: Bool) -> Double? {
        guard let text = node.scalar(expected: "a ratio such as 99.9% or 0.999") else { return nil }
        let value: Double?
        if text.hasSuffix("%") {
            value = Self.percent(text.dropLast().trimmingPrefixAndSuffixSpaces())
        } else {
            value = Double(text)
        }
        guard let value, value.isFinite else {
            node.error("expected a ratio such as 99.9% or 0.999, found '\(text)'")
            return nil
        }
        guard (allowZero ? value >= 0 : value > 0) && value < 1 else {
            if allowZero {
                node.error("must be at least 0 and below 100%, found '\(text)'")
            } else {
                node.error(
                    "an objective must be above 0 and below 100%, found '\(text)'",
                    hint: "100% leaves no error budget; write e.g. 99.9% or 0.999"
                )
            }
            return nil
        }
        return value
    }
}

extension RouteSLODecoder {
    /// `99.9` (percent) as the fraction `0.999`: the decimal point is moved in the text, so the result is the double
    /// nearest to the fraction as written (dividing by 100 would give 0.9990000000000001).
    static func percent(_ text: Substring) -> Double? {
        guard let value = Double(text) else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !parts[0].isEmpty, parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return value / 100 }
        var integer = String(parts[0])
        while integer.count < 3 { integer = "0" + integer }
        let fraction = parts.count == 2 ? parts[1] : ""
        return Double(integer.dropLast(2) + "." + integer.suffix(2) + fraction)
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
