/// Prometheus' `model.Duration` text: `0s`, `90s` → `1m30s`, `1h`, `1d`, `500ms` (largest units first, zero
/// parts left out).
enum GoDurationText {
    static func format(milliseconds: Int64) -> String {
        if milliseconds == 0 { return "0s" }
        var remaining = milliseconds.magnitude
        var out = milliseconds < 0 ? "-" : ""
        let units: [(String, UInt64)] = [
            ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000),
            ("s", 1_000), ("ms", 1),
        ]
        for (name, size) in units where remaining >= size {
            out += "\(remaining / size)\(name)"
            remaining %= size
        }
        return out
    }
}
