extension Sampler {
    /// The environment variable naming the sampler.
    public static let samplerVariable = "OTEL_TRACES_SAMPLER"
    /// The environment variable holding the sampler's argument (the ratio).
    public static let samplerArgumentVariable = "OTEL_TRACES_SAMPLER_ARG"

    /// A problem found while reading the sampler's environment variables. The sampler still gets a value (the
    /// documented fallback); the problem is for the caller to log.
    public enum EnvironmentIssue: Error, Sendable, Hashable, CustomStringConvertible {
        /// `OTEL_TRACES_SAMPLER` named no sampler the spec defines; `parentbased_always_on` is used.
        case unknownSampler(String)
        /// `OTEL_TRACES_SAMPLER` named a sampler the spec defines that Periscope does not implement
        /// (`jaeger_remote`, `parentbased_jaeger_remote`, `xray`); `parentbased_always_on` is used.
        case unsupportedSampler(String)
        /// `OTEL_TRACES_SAMPLER_ARG` was not a number in [0, 1]; the ratio 1.0 is used.
        case invalidRatio(String)

        /// A one-line message naming the variable, its value and the fallback used.
        public var description: String {
            switch self {
            case .unknownSampler(let value):
                return
                    "\(Sampler.samplerVariable)=\"\(value)\" is not a known sampler; using parentbased_always_on"
            case .unsupportedSampler(let value):
                return "\(Sampler.samplerVariable)=\"\(value)\" is not supported; using parentbased_always_on"
            case .invalidRatio(let value):
                return
                    "\(Sampler.samplerArgumentVariable)=\"\(value)\" is not a ratio between 0 and 1; using 1.0"
            }
        }
    }

    /// Reads `OTEL_TRACES_SAMPLER` and `OTEL_TRACES_SAMPLER_ARG` as the OpenTelemetry SDK environment spec
    /// defines them.
    ///
    /// - Sampler names (case-insensitive, surrounding whitespace ignored): `always_on`, `always_off`,
    ///   `traceidratio`, `parentbased_always_on`, `parentbased_always_off`, `parentbased_traceidratio`.
    ///   Unset or empty means the default, `parentbased_always_on`. Anything else falls back to that default and
    ///   reports an ``EnvironmentIssue``.
    /// - The argument is the ratio of the two `traceidratio` samplers, a number in [0, 1]; unset or empty means
    ///   1.0. Anything else (not a number, NaN, infinite, out of range) falls back to 1.0 — an invalid value is
    ///   treated as unset, as the spec asks — and reports an issue. Other samplers ignore the argument.
    ///
    /// `trustIncomingSampled` is not an OpenTelemetry setting; it is passed through to the result.
    public static func fromEnvironment(
        sampler: String?,
        argument: String?,
        trustIncomingSampled: Bool = true
    ) -> (sampler: Sampler, issues: [EnvironmentIssue]) {
        var issues: [EnvironmentIssue] = []
        let name = sampler.map { Self.trimmed($0).lowercased() } ?? ""
        func ratio() -> Double {
            let text = argument.map(Self.trimmed) ?? ""
            guard !text.isEmpty else { return 1 }
            guard let value = Double(text), value.isFinite, value >= 0, value <= 1 else {
                issues.append(.invalidRatio(argument ?? ""))
                return 1
            }
            return value
        }
        let result: Sampler
        switch name {
        case "always_on": result = Sampler(root: .alwaysOn, isParentBased: false)
        case "always_off": result = Sampler(root: .alwaysOff, isParentBased: false)
        case "traceidratio": result = Sampler(root: .traceIDRatio(ratio()), isParentBased: false)
        case "", "parentbased_always_on": result = Sampler(root: .alwaysOn, isParentBased: true)
        case "parentbased_always_off": result = Sampler(root: .alwaysOff, isParentBased: true)
        case "parentbased_traceidratio": result = Sampler(root: .traceIDRatio(ratio()), isParentBased: true)
        case "jaeger_remote", "parentbased_jaeger_remote", "xray":
            issues.append(.unsupportedSampler(sampler ?? ""))
            result = Sampler()
        default:
            issues.append(.unknownSampler(sampler ?? ""))
            result = Sampler()
        }
        var configured = result
        configured.trustIncomingSampled = trustIncomingSampled
        return (configured, issues)
    }

    /// ``fromEnvironment(sampler:argument:trustIncomingSampled:)`` reading the two variables from `environment`
    /// (for instance `ProcessInfo.processInfo.environment`).
    public static func fromEnvironment(
        _ environment: [String: String],
        trustIncomingSampled: Bool = true
    ) -> (sampler: Sampler, issues: [EnvironmentIssue]) {
        Self.fromEnvironment(
            sampler: environment[Self.samplerVariable],
            argument: environment[Self.samplerArgumentVariable],
            trustIncomingSampled: trustIncomingSampled
        )
    }

    private static func trimmed(_ text: String) -> String {
        var view = Substring(text)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
