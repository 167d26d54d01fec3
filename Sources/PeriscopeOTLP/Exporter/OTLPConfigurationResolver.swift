/// Applies the precedence rules of ``OTLPExporterConfiguration/resolve(file:environment:fileKeyPrefix:)`` and
/// collects the warnings.
struct OTLPConfigurationResolver {
    /// One source of a setting, in precedence order.
    private struct Candidate<Value> {
        /// The variable or file key, as warnings name it.
        var source: String
        /// The value as written, for warnings; `nil` for values that must not be logged (headers carry secrets).
        var raw: String?
        var parsed: Result<Value, Invalid>
        /// Warnings about a value that is valid as a whole (a header list with a bad entry), given when the
        /// candidate is looked at.
        var notes: [String] = []
    }

    /// Why a value was ignored.
    private struct Invalid: Error {
        var reason: String
    }

    private let file: OTLPFileSettings
    private let environment: [String: String]
    private let fileKeyPrefix: String
    private(set) var warnings: [String] = []

    init(file: OTLPFileSettings, environment: [String: String], fileKeyPrefix: String) {
        self.file = file
        self.environment = environment
        self.fileKeyPrefix = fileKeyPrefix
    }

    mutating func resolve() -> OTLPExporterConfiguration {
        var configuration = OTLPExporterConfiguration()
        for signal in OTLPSignal.allCases {
            configuration[signal] = self.resolveSignal(signal)
        }
        self.checkProtocol()
        let defaults = OTLPExporterConfiguration.BatchSettings()
        var batch = defaults
        batch.scheduleDelay = self.first(
            [
                self.environmentCandidate("OTEL_BSP_SCHEDULE_DELAY") { try Self.milliseconds($0, allowZero: true) },
                self.fileCandidate("schedule_delay", self.file.scheduleDelay) {
                    try Self.checkDuration($0, allowZero: true)
                },
            ],
            default: defaults.scheduleDelay,
            describe: Self.describe
        )
        batch.maxQueueSize = self.first(
            [
                self.environmentCandidate("OTEL_BSP_MAX_QUEUE_SIZE", parse: Self.positiveInteger),
                self.fileCandidate("max_queue_size", self.file.maxQueueSize, check: Self.checkPositive),
            ],
            default: defaults.maxQueueSize,
            describe: { String($0) }
        )
        let batchSizeSources = ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE", self.fileKey("max_export_batch_size")]
        batch.maxExportBatchSize = self.first(
            [
                self.environmentCandidate("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", parse: Self.positiveInteger),
                self.fileCandidate("max_export_batch_size", self.file.maxExportBatchSize, check: Self.checkPositive),
            ],
            default: defaults.maxExportBatchSize,
            describe: { String($0) }
        )
        if batch.maxExportBatchSize > batch.maxQueueSize {
            self.warn([
                "the max export batch size \(batch.maxExportBatchSize) (\(batchSizeSources.joined(separator: " or ")), "
                    + "or the default) exceeds the max queue size \(batch.maxQueueSize); "
                    + "using \(batch.maxQueueSize)"
            ])
            batch.maxExportBatchSize = batch.maxQueueSize
        }
        configuration.batch = batch
        configuration.metricExportInterval = self.first(
            [
                self.environmentCandidate("OTEL_METRIC_EXPORT_INTERVAL") {
                    try Self.milliseconds($0, allowZero: false)
                },
                self.fileCandidate("metric_export_interval", self.file.metricExportInterval) {
                    try Self.checkDuration($0, allowZero: false)
                },
            ],
            default: OTLPExporterConfiguration.defaultMetricExportInterval,
            describe: Self.describe
        )
        return configuration
    }

    private mutating func resolveSignal(_ signal: OTLPSignal) -> OTLPExporterConfiguration.SignalSettings {
        let prefix = "OTEL_EXPORTER_OTLP_"
        let specific = "OTEL_EXPORTER_OTLP_\(signal.environmentName)_"
        let name = signal.rawValue
        let defaults = OTLPExporterConfiguration.SignalSettings.defaults(for: signal)

        let endpoint = self.first(
            [
                self.environmentCandidate(specific + "ENDPOINT") { try Self.endpoint($0) },
                self.environmentCandidate(prefix + "ENDPOINT") {
                    try Self.endpoint(OTLPEndpoint.signalURL(base: $0, signal: signal))
                },
                self.fileCandidate("\(name)_endpoint", self.file.endpoint(for: signal)) { try Self.endpoint($0) },
                self.fileCandidate("endpoint", self.file.endpoint) {
                    try Self.endpoint(OTLPEndpoint.signalURL(base: $0, signal: signal))
                },
            ],
            default: defaults.endpoint,
            describe: { $0.url }
        )
        let headers = self.first(
            [
                self.headerCandidate(environment: specific + "HEADERS"),
                self.headerCandidate(environment: prefix + "HEADERS"),
                self.headerCandidate(fileKey: "\(name)_headers", self.file.headers(for: signal)),
                self.headerCandidate(fileKey: "headers", self.file.headers),
            ],
            default: defaults.headers,
            describe: { $0.isEmpty ? "(no headers)" : "headers " + $0.keys.sorted().joined(separator: ",") }
        )
        let compression = self.first(
            [
                self.environmentCandidate(specific + "COMPRESSION", parse: Self.compression),
                self.environmentCandidate(prefix + "COMPRESSION", parse: Self.compression),
                self.fileCandidate("\(name)_compression", self.file.compression(for: signal)) { $0 },
                self.fileCandidate("compression", self.file.compression) { $0 },
            ],
            default: defaults.compression,
            describe: { $0.rawValue }
        )
        let timeout = self.first(
            [
                self.environmentCandidate(specific + "TIMEOUT") { try Self.milliseconds($0, allowZero: true) },
                self.environmentCandidate(prefix + "TIMEOUT") { try Self.milliseconds($0, allowZero: true) },
                self.fileCandidate("\(name)_timeout", self.file.timeout(for: signal)) {
                    try Self.checkDuration($0, allowZero: true)
                },
                self.fileCandidate("timeout", self.file.timeout) { try Self.checkDuration($0, allowZero: true) },
            ],
            default: defaults.timeout,
            describe: Self.describe
        )
        return OTLPExporterConfiguration.SignalSettings(
            endpoint: endpoint,
            headers: headers,
            compression: compression,
            timeout: timeout
        )
    }

    /// Warns about a protocol other than `http/protobuf`, the only one this exporter speaks.
    private mutating func checkProtocol() {
        var names = ["OTEL_EXPORTER_OTLP_PROTOCOL"]
        names += OTLPSignal.allCases.map { "OTEL_EXPORTER_OTLP_\($0.environmentName)_PROTOCOL" }
        for name in names {
            guard let value = self.environmentValue(name), value.lowercased() != "http/protobuf" else { continue }
            self.warn(["\(name)=\"\(value)\" is not supported; Periscope exports http/protobuf"])
        }
    }

    // MARK: - Precedence

    /// The first valid candidate's value, else `default`; every invalid candidate on the way adds a warning that
    /// says which value applies instead.
    private mutating func first<Value>(
        _ candidates: [Candidate<Value>?],
        default defaultValue: Value,
        describe: (Value) -> String
    ) -> Value {
        var ignored: [(source: String, raw: String?, reason: String)] = []
        var chosen: (value: Value, source: String?) = (defaultValue, nil)
        for case let candidate? in candidates {
            self.warn(candidate.notes)
            switch candidate.parsed {
            case .success(let value):
                chosen = (value, candidate.source)
            case .failure(let invalid):
                ignored.append((candidate.source, candidate.raw, invalid.reason))
                continue
            }
            break
        }
        for entry in ignored {
            let using = chosen.source.map { "using \(describe(chosen.value)) from \($0)" }
            let text = "\(entry.source)\(entry.raw.map { "=\"\($0)\"" } ?? "") ignored: \(entry.reason)"
            // A generic variable is looked at for each signal: report it once (with the first signal's fallback).
            guard !self.warnings.contains(where: { $0.hasPrefix(text + ";") }) else { continue }
            self.warn([text + "; " + (using ?? "using the default \(describe(chosen.value))")])
        }
        return chosen.value
    }

    /// Adds warnings not given yet (a generic variable is looked at once per signal).
    private mutating func warn(_ messages: [String]) {
        for message in messages where !self.warnings.contains(message) {
            self.warnings.append(message)
        }
    }

    /// The value of an environment variable; an empty value counts as unset.
    private func environmentValue(_ name: String) -> String? {
        guard let value = self.environment[name], !OTLPExporterText.trimmed(value).isEmpty else { return nil }
        return value
    }

    private func environmentCandidate<Value>(
        _ name: String,
        parse: (String) throws -> Value
    ) -> Candidate<Value>? {
        guard let raw = self.environmentValue(name) else { return nil }
        return Candidate(
            source: name,
            raw: OTLPExporterText.redactingUserInfo(raw),
            parsed: Self.run { try parse(raw) }
        )
    }

    private func fileKey(_ key: String) -> String {
        self.fileKeyPrefix.isEmpty ? key : "\(self.fileKeyPrefix).\(key)"
    }

    private func fileCandidate<Field, Value>(
        _ key: String,
        _ field: Field?,
        check: (Field) throws -> Value
    ) -> Candidate<Value>? {
        guard let field else { return nil }
        return Candidate(
            source: self.fileKey(key),
            raw: OTLPExporterText.redactingUserInfo(Self.describeField(field)),
            parsed: Self.run { try check(field) }
        )
    }

    private func headerCandidate(environment name: String) -> Candidate<[String: String]>? {
        guard let raw = self.environmentValue(name) else { return nil }
        let (parsed, problems) = Self.headers(OTLPHeaderList.parse(raw))
        return Candidate(
            source: name,
            raw: nil,
            parsed: parsed,
            notes: problems.map { "\(name): entry ignored: \($0)" }
        )
    }

    private func headerCandidate(fileKey key: String, _ field: [String: String]?) -> Candidate<[String: String]>? {
        guard let field else { return nil }
        let entries = field.sorted { $0.key < $1.key }.map { name, value in
            OTLPHeaderList.validate(name: OTLPExporterText.trimmed(name), value: value)
        }
        let (parsed, problems) = Self.headers(entries)
        return Candidate(
            source: self.fileKey(key),
            raw: nil,
            parsed: parsed,
            notes: problems.map { "\(self.fileKey(key)): entry ignored: \($0)" }
        )
    }

    // MARK: - Parsing

    private static func run<Value>(_ parse: () throws -> Value) -> Result<Value, Invalid> {
        do {
            return .success(try parse())
        } catch let invalid as Invalid {
            return .failure(invalid)
        } catch {
            return .failure(Invalid(reason: "\(error)"))
        }
    }

    /// Valid entries become the headers (a later entry wins over an earlier one of the same name, any case).
    /// A list with no valid entry is invalid as a whole; otherwise the problems of its invalid entries are
    /// returned as notes (warnings), and the valid entries apply.
    private static func headers(
        _ entries: [Result<(name: String, value: String), OTLPHeaderList.EntryError>]
    ) -> (parsed: Result<[String: String], Invalid>, problems: [String]) {
        var headers: [String: String] = [:]
        var problems: [String] = []
        for entry in entries {
            switch entry {
            case .success(let header):
                if OTLPHeaderList.reservedNames.contains(header.name.lowercased()) {
                    problems.append("'\(header.name)' is set by the exporter itself")
                    continue
                }
                if let existing = headers.keys.first(where: { $0.lowercased() == header.name.lowercased() }) {
                    headers[existing] = nil
                }
                headers[header.name] = header.value
            case .failure(let error):
                problems.append(error.description)
            }
        }
        if headers.isEmpty {
            return (.failure(Invalid(reason: problems.joined(separator: "; "))), [])
        }
        return (.success(headers), problems)
    }

    private static func endpoint(_ url: String) throws(Invalid) -> OTLPEndpoint {
        do {
            return try OTLPEndpoint(url: url)
        } catch {
            throw Invalid(reason: error.reason)
        }
    }

    private static func compression(_ raw: String) throws(Invalid) -> OTLPCompression {
        guard let value = OTLPCompression(rawValue: OTLPExporterText.trimmed(raw).lowercased()) else {
            throw Invalid(reason: "must be none or gzip")
        }
        return value
    }

    private static func integer(_ raw: String) throws(Invalid) -> Int {
        let text = OTLPExporterText.trimmed(raw)
        guard let value = Int(text) else { throw Invalid(reason: "not an integer") }
        return value
    }

    private static func positiveInteger(_ raw: String) throws(Invalid) -> Int {
        try Self.checkPositive(try Self.integer(raw))
    }

    private static func milliseconds(_ raw: String, allowZero: Bool) throws(Invalid) -> Duration {
        let value = try Self.integer(raw)
        return try Self.checkDuration(.milliseconds(value), allowZero: allowZero)
    }

    private static func checkPositive(_ value: Int) throws(Invalid) -> Int {
        guard value > 0 else { throw Invalid(reason: "must be greater than 0") }
        return value
    }

    private static func checkDuration(_ value: Duration, allowZero: Bool) throws(Invalid) -> Duration {
        if value < .zero { throw Invalid(reason: "must not be negative") }
        if value == .zero && !allowZero { throw Invalid(reason: "must be greater than 0") }
        return value
    }

    private static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000) ms"
    }

    private static func describeField<Field>(_ field: Field) -> String {
        switch field {
        case let duration as Duration: Self.describe(duration)
        case let compression as OTLPCompression: compression.rawValue
        default: "\(field)"
        }
    }
}
