import Foundation

/// The template functions Prometheus 2.42 adds to Go's builtins (`template/template.go`).
enum PrometheusTemplateFunctions {
    static let table: [String: TemplateFunction] = [
        // Queries.
        "query": TemplateFunction([.string]) { context, args throws(TemplateFunctionError) in
            try query(context, args[0].stringValue ?? "")
        },
        "first": TemplateFunction([.queryResult]) { _, args throws(TemplateFunctionError) in
            guard case .queryResult(let samples) = args[0], let first = samples.first else {
                throw TemplateFunctionError("first() called on vector with no elements")
            }
            return .sample(first)
        },
        "label": TemplateFunction([.string, .sample]) { _, args throws(TemplateFunctionError) in
            let sample = try dereference(args[1])
            return .string(sample.labels[args[0].stringValue ?? ""] ?? "")
        },
        "value": TemplateFunction([.sample]) { _, args throws(TemplateFunctionError) in
            .float(try dereference(args[0]).value)
        },
        "strvalue": TemplateFunction([.sample]) { _, args throws(TemplateFunctionError) in
            .string(try dereference(args[0]).labels["__value__"] ?? "")
        },
        "sortByLabel": TemplateFunction([.string, .queryResult]) { _, args in
            guard case .queryResult(let samples) = args[1] else { return args[1] }
            let label = args[0].stringValue ?? ""
            // A stable sort by the label's value, bytewise.
            let sorted = samples.enumerated().sorted { lhs, rhs in
                let left = lhs.element.labels[label] ?? ""
                let right = rhs.element.labels[label] ?? ""
                if left.utf8.elementsEqual(right.utf8) { return lhs.offset < rhs.offset }
                return goStringLess(left, right)
            }
            return .queryResult(sorted.map(\.element))
        },

        // Strings.
        "args": TemplateFunction([], variadic: .any) { _, args in
            var map: [String: TemplateValue] = [:]
            for (index, arg) in args.enumerated() { map["arg\(index)"] = arg }
            return .anyMap(map)
        },
        "reReplaceAll": TemplateFunction([.string, .string, .string]) { _, args throws(TemplateFunctionError) in
            let pattern = args[0].stringValue ?? ""
            let regexp: GoRegexp
            do throws(TemplateFunctionError) {
                regexp = try GoRegexp(pattern)
            } catch {
                // regexp.MustCompile panics; the template engine reports the panic value.
                let quoted = GoStrconv.canBackquote(pattern) ? "`" + pattern + "`" : GoStrconv.quote(pattern)
                throw TemplateFunctionError("regexp: Compile(\(quoted)): \(error.message)")
            }
            return .string(regexp.replaceAll(args[2].stringValue ?? "", with: args[1].stringValue ?? ""))
        },
        "safeHtml": TemplateFunction([.string]) { _, args in .html(args[0].stringValue ?? "") },
        "match": TemplateFunction([.string, .string]) { _, args throws(TemplateFunctionError) in
            .bool(try GoRegexp(args[0].stringValue ?? "").matches(args[1].stringValue ?? ""))
        },
        "title": TemplateFunction([.string]) { _, args in .string(GoText.title(args[0].stringValue ?? "")) },
        "toUpper": TemplateFunction([.string]) { _, args in .string(GoText.toUpper(args[0].stringValue ?? "")) },
        "toLower": TemplateFunction([.string]) { _, args in .string(GoText.toLower(args[0].stringValue ?? "")) },
        "stripPort": TemplateFunction([.string]) { _, args in
            let hostPort = args[0].stringValue ?? ""
            return .string(GoText.splitHostPort(hostPort)?.host ?? hostPort)
        },
        "stripDomain": TemplateFunction([.string]) { _, args in .string(stripDomain(args[0].stringValue ?? "")) },

        // Links.
        "graphLink": TemplateFunction([.string]) { _, args in
            .string("/graph?g0.expr=" + GoText.queryEscape(args[0].stringValue ?? "") + "&g0.tab=0")
        },
        "tableLink": TemplateFunction([.string]) { _, args in
            .string("/graph?g0.expr=" + GoText.queryEscape(args[0].stringValue ?? "") + "&g0.tab=1")
        },

        // Formatting.
        "humanize": TemplateFunction([.any]) { _, args throws(TemplateFunctionError) in
            .string(try PrometheusHumanize.humanize(args[0]))
        },
        "humanize1024": TemplateFunction([.any]) { _, args throws(TemplateFunctionError) in
            .string(try PrometheusHumanize.humanize1024(args[0]))
        },
        "humanizeDuration": TemplateFunction([.any]) { _, args throws(TemplateFunctionError) in
            .string(try PrometheusHumanize.humanizeDuration(args[0]))
        },
        "humanizePercentage": TemplateFunction([.any]) { _, args throws(TemplateFunctionError) in
            .string(try PrometheusHumanize.humanizePercentage(args[0]))
        },
        "humanizeTimestamp": TemplateFunction([.any]) { _, args throws(TemplateFunctionError) in
            .string(try PrometheusHumanize.humanizeTimestamp(args[0]))
        },
        "toTime": TemplateFunction([.any]) { _, args throws(TemplateFunctionError) in
            try PrometheusHumanize.toTime(args[0])
        },

        // Other.
        "pathPrefix": TemplateFunction([]) { context, _ in .string(urlPath(context.data.externalURL)) },
        "externalURL": TemplateFunction([]) { context, _ in .string(context.data.externalURL) },
        "parseDuration": TemplateFunction([.string]) { _, args throws(TemplateFunctionError) in
            .float(try parseDuration(args[0].stringValue ?? ""))
        },
    ]

    private static func query(_ context: TemplateFunctionContext, _ expression: String) throws(TemplateFunctionError)
        -> TemplateValue
    {
        guard let run = context.data.query else { throw TemplateFunctionError("no query function is configured") }
        do {
            return .queryResult(try run(expression))
        } catch {
            throw TemplateFunctionError(String(describing: error))
        }
    }

    /// The sample behind a `*template.sample`; Prometheus dereferences without a nil check.
    private static func dereference(_ value: TemplateValue) throws(TemplateFunctionError) -> TemplateSample {
        guard case .sample(let sample?) = value else {
            throw TemplateFunctionError("runtime error: invalid memory address or nil pointer dereference")
        }
        return sample
    }

    /// `stripDomain`: drops everything after the first dot of a host name, keeping the port;
    /// IP addresses are left alone.
    static func stripDomain(_ hostPort: String) -> String {
        var host = hostPort
        var port = ""
        if let split = GoText.splitHostPort(hostPort) { (host, port) = split }
        if GoText.isIPAddress(host) { return hostPort }
        host = String(host.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        return port.isEmpty ? host : GoText.joinHostPort(host, port)
    }

    /// Go's `url.URL.Path` of the external URL (percent-decoded).
    private static func urlPath(_ url: String) -> String {
        guard let components = URLComponents(string: url) else { return "" }
        return components.path
    }

    /// Prometheus' `model.ParseDuration`, in seconds: units y, w, d, h, m, s, ms, each at most
    /// once and in that order, or a bare "0".
    static func parseDuration(_ text: String) throws(TemplateFunctionError) -> Double {
        if text == "0" { return 0 }
        if text.isEmpty { throw TemplateFunctionError("empty duration string") }
        let units: [(String, Int64)] = [
            ("y", 1000 * 60 * 60 * 24 * 365), ("w", 1000 * 60 * 60 * 24 * 7), ("d", 1000 * 60 * 60 * 24),
            ("h", 1000 * 60 * 60), ("m", 1000 * 60), ("s", 1000), ("ms", 1),
        ]
        let invalid = TemplateFunctionError("not a valid duration string: \(GoStrconv.quote(text))")
        let bytes = Array(text.utf8)
        var index = 0
        var nextUnit = 0
        var milliseconds: Int64 = 0
        var overflow = false
        while index < bytes.count {
            let digitsStart = index
            while index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") {
                index += 1
            }
            guard index > digitsStart else { throw invalid }
            let digits = String(decoding: bytes[digitsStart..<index], as: UTF8.self)
            var unit = ""
            if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "m") && bytes[index + 1] == UInt8(ascii: "s") {
                unit = "ms"
            } else if index < bytes.count {
                unit = String(UnicodeScalar(bytes[index]))
            }
            guard let position = units[nextUnit...].firstIndex(where: { $0.0 == unit }) else { throw invalid }
            index += unit.utf8.count
            nextUnit = position + 1
            let multiplier = units[position].1
            let count = Int64(digits) ?? 0
            if count > Int64.max / 1_000_000 / multiplier { overflow = true }
            let (product, productOverflow) = count.multipliedReportingOverflow(by: multiplier)
            let (sum, sumOverflow) = milliseconds.addingReportingOverflow(product)
            if productOverflow || sumOverflow || sum > Int64.max / 1_000_000 { overflow = true }
            milliseconds = sum
        }
        if overflow { throw TemplateFunctionError("duration out of range") }
        return Double(milliseconds * 1_000_000) / 1e9
    }
}
