import PeriscopeTelemetry

/// Picks the exposition format of a `/metrics` response from the request's `Accept` header, the way Prometheus'
/// own client libraries do (prometheus/common `expfmt.NegotiateIncludingOpenMetrics`):
///
/// - The media ranges are ordered by q-value, highest first; at equal q a concrete type comes before `type/*`,
///   which comes before `*/*`; otherwise the header's order holds. Ranges with `q=0` (refused) are left out.
/// - The first range the server can produce wins: `application/openmetrics-text` with no `version` or with
///   version `1.0.0` or `0.0.1` gives OpenMetrics 1.0.0; `text/plain` with no `version` or with `0.0.4` gives
///   text 0.0.4. Other versions, other types and wildcards do not match.
/// - When nothing matches (or there is no `Accept` header), the answer is text 0.0.4.
///
/// Prometheus 2.x asks for OpenMetrics first, so it scrapes OpenMetrics; `curl` (`*/*`) gets text 0.0.4.
public enum MetricsNegotiation {
    /// One media range of an `Accept` header.
    struct MediaRange: Equatable {
        /// `type/subtype`, lower-cased.
        var mediaType: String
        /// The `version` parameter, if present.
        var version: String?
        /// The q-value (1 when absent; 0 when malformed).
        var quality: Double

        /// 2 for `type/subtype`, 1 for `type/*`, 0 for `*/*`.
        var specificity: Int {
            if self.mediaType == "*/*" { return 0 }
            return self.mediaType.hasSuffix("/*") ? 1 : 2
        }
    }

    /// The format to answer with, given every `Accept` header value of the request (an empty list when there is
    /// none).
    public static func format(accept values: [String]) -> ExpositionFormat {
        let ranges = Self.parse(values)
            .enumerated()
            .filter { $0.element.quality > 0 }
            .sorted { lhs, rhs in
                if lhs.element.quality != rhs.element.quality { return lhs.element.quality > rhs.element.quality }
                if lhs.element.specificity != rhs.element.specificity {
                    return lhs.element.specificity > rhs.element.specificity
                }
                return lhs.offset < rhs.offset
            }
            .map(\.element)
        for range in ranges {
            switch range.mediaType {
            case "application/openmetrics-text":
                if range.version == nil || range.version == "1.0.0" || range.version == "0.0.1" {
                    return .openMetrics
                }
            case "text/plain":
                if range.version == nil || range.version == "0.0.4" {
                    return .prometheusText
                }
            default:
                continue
            }
        }
        return .prometheusText
    }

    /// Splits `Accept` values into media ranges with their `version` and `q` parameters.
    static func parse(_ values: [String]) -> [MediaRange] {
        var ranges: [MediaRange] = []
        for value in values {
            for element in value.split(separator: ",") {
                let parts = element.split(separator: ";", omittingEmptySubsequences: false)
                let mediaType = Self.trim(parts[0]).lowercased()
                guard !mediaType.isEmpty else { continue }
                var range = MediaRange(mediaType: mediaType, version: nil, quality: 1)
                for parameter in parts.dropFirst() {
                    guard let equals = parameter.firstIndex(of: "=") else { continue }
                    let name = Self.trim(parameter[..<equals]).lowercased()
                    var parameterValue = Self.trim(parameter[parameter.index(after: equals)...])
                    if parameterValue.count >= 2 && parameterValue.hasPrefix("\"") && parameterValue.hasSuffix("\"") {
                        parameterValue = parameterValue.dropFirst().dropLast()
                    }
                    switch name {
                    case "q":
                        let quality = Double(parameterValue) ?? 0
                        range.quality = quality.isFinite && quality >= 0 && quality <= 1 ? quality : 0
                    case "version":
                        range.version = String(parameterValue)
                    default:
                        break
                    }
                }
                ranges.append(range)
            }
        }
        return ranges
    }

    private static func trim(_ text: Substring) -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }), let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return text[first...last]
    }
}
