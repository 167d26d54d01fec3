import PeriscopeTelemetry

/// One sample line of a rendered exposition.
struct Sample: Equatable {
    var name: String
    /// Label pairs in their rendered order, values unescaped.
    var labels: [(String, String)]
    var value: String

    static func == (lhs: Sample, rhs: Sample) -> Bool {
        lhs.name == rhs.name && lhs.value == rhs.value && lhs.labels.elementsEqual(rhs.labels) { $0 == $1 }
    }

    func label(_ name: String) -> String? {
        self.labels.first { $0.0 == name }?.1
    }

    /// The label pairs without `le`, rendered back: identifies a histogram series across its samples.
    var seriesKey: String {
        self.labels.filter { $0.0 != "le" }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }
}

/// A small parser for the exposition this module renders (not a general one): enough to check invariants.
enum ExpositionSamples {
    static func parse(_ bytes: [UInt8]) -> [Sample] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").compactMap { line in
            line.hasPrefix("#") ? nil : Self.parseLine(Substring(line))
        }
    }

    private static func parseLine(_ line: Substring) -> Sample {
        var labels: [(String, String)] = []
        var index = line.startIndex
        while index < line.endIndex && line[index] != "{" && line[index] != " " {
            index = line.index(after: index)
        }
        let name = String(line[line.startIndex..<index])
        if index < line.endIndex && line[index] == "{" {
            index = line.index(after: index)
            while line[index] != "}" {
                let nameStart = index
                while line[index] != "=" { index = line.index(after: index) }
                let labelName = String(line[nameStart..<index])
                index = line.index(index, offsetBy: 2)  // `="`
                var value = ""
                while line[index] != "\"" {
                    if line[index] == "\\" {
                        index = line.index(after: index)
                        value.append(line[index] == "n" ? "\n" : line[index])
                    } else {
                        value.append(line[index])
                    }
                    index = line.index(after: index)
                }
                index = line.index(after: index)  // closing quote
                if line[index] == "," { index = line.index(after: index) }
                labels.append((labelName, value))
            }
            index = line.index(after: index)  // `}`
        }
        let rest = line[line.index(after: index)...]
        let value = rest.split(separator: " ").first.map(String.init) ?? ""
        return Sample(name: name, labels: labels, value: value)
    }

    /// Checks every histogram named `name` in `samples`: buckets cumulative (non-decreasing, `+Inf` last) and
    /// `_count` equal to the `+Inf` bucket. Returns the problems found (empty when consistent) and the counts.
    static func checkHistograms(_ samples: [Sample], name: String) -> (problems: [String], counts: [String: UInt64]) {
        var problems: [String] = []
        var counts: [String: UInt64] = [:]
        var lastBucket: [String: (le: String, value: UInt64)] = [:]
        for sample in samples {
            let key = sample.seriesKey
            if sample.name == name + "_bucket" {
                guard let value = UInt64(sample.value), let le = sample.label("le") else {
                    problems.append("bad bucket \(sample)")
                    continue
                }
                if let previous = lastBucket[key] {
                    if previous.le == "+Inf" { problems.append("bucket after +Inf in \(key)") }
                    if value < previous.value { problems.append("bucket le=\(le) decreases in \(key)") }
                }
                lastBucket[key] = (le, value)
            } else if sample.name == name + "_count" {
                guard let count = UInt64(sample.value) else {
                    problems.append("bad count \(sample)")
                    continue
                }
                guard let last = lastBucket[key], last.le == "+Inf" else {
                    problems.append("no +Inf bucket before _count in \(key)")
                    continue
                }
                if last.value != count { problems.append("_count \(count) != +Inf \(last.value) in \(key)") }
                counts[key] = count
            }
        }
        return (problems, counts)
    }
}

extension MetricsRegistry {
    /// The rendered exposition as a string.
    func renderString(_ format: ExpositionFormat) -> String {
        String(decoding: self.render(format: format), as: UTF8.self)
    }
}
