import Foundation
import Logging
import NIOConcurrencyHelpers
import PeriscopeTelemetry

/// Thrown when something a test waits for does not happen before its deadline.
struct ExporterTestTimeout: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for \(self.what)" }
}

enum ExporterTestSupport {
    /// Polls `condition` every `interval` until it holds; throws if `timeout` passes first. Tests wait this way,
    /// never with a blind sleep.
    static func waitUntil(
        _ what: @autoclosure () -> String,
        timeout: Duration = .seconds(10),
        interval: Duration = .milliseconds(5),
        _ condition: () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try await condition() { return }
            if ContinuousClock.now >= deadline { throw ExporterTestTimeout(what: what()) }
            try await Task.sleep(for: interval)
        }
    }

    /// The value of series `labels` of family `name` (0 if the series does not exist).
    static func value(_ registry: MetricsRegistry, _ name: String, _ labels: [String: String] = [:]) -> Double {
        guard let family = registry.snapshot().first(where: { $0.name == name }) else { return 0 }
        let wanted = family.labelNames.map { labels[$0] ?? "" }
        return family.series.first(where: { $0.labelValues == wanted }).map(\.value) ?? 0
    }

    /// The observation count of histogram series `labels` of family `name`.
    static func count(_ registry: MetricsRegistry, _ name: String, _ labels: [String: String] = [:]) -> UInt64 {
        guard let family = registry.snapshot().first(where: { $0.name == name }) else { return 0 }
        let wanted = family.labelNames.map { labels[$0] ?? "" }
        return family.series.first(where: { $0.labelValues == wanted })?.count ?? 0
    }

    /// A logger that discards everything.
    static let silentLogger = Logger(label: "periscope.otlp.test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `bytes` gunzipped by the system's `gzip -dc` (an independent decoder).
    static func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory
        let file = directory.appendingPathComponent("periscope-otlp-\(UUID().uuidString).gz")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc", file.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ExporterTestTimeout(what: "gzip -dc to succeed (exit \(process.terminationStatus): \(errorText))")
        }
        return [UInt8](data)
    }
}

/// Keeps every log record, for assertions on what the exporter logged.
final class RecordingLogs: Sendable {
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let box = NIOLockedValueBox<[Record]>([])

    var records: [Record] { self.box.withLockedValue { $0 } }

    /// A logger whose records land here.
    func logger() -> Logger {
        Logger(label: "periscope.otlp.test", factory: { _ in Handler(logs: self) })
    }

    fileprivate func append(_ record: Record) {
        self.box.withLockedValue { $0.append(record) }
    }

    private struct Handler: LogHandler {
        let logs: RecordingLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = self.metadata
            merged.merge(event.metadata ?? [:]) { $1 }
            self.logs.append(
                Record(
                    level: event.level,
                    message: "\(event.message)",
                    metadata: merged.mapValues { "\($0)" }
                )
            )
        }
    }
}
