import Foundation
import NIOConcurrencyHelpers

/// The real `periscope` binary, run as a child process on a config the test writes.
///
/// `launch` writes the YAML into a fresh temporary directory (adding `admin: 127.0.0.1:0` unless the YAML
/// sets an admin address), starts `periscope run --config FILE`, learns the admin port from the
/// `admin listening` log line (logs are JSON lines because stderr is a pipe, not a terminal) and polls
/// `/readyz` until it answers 200. Listener ports come from the `listening` log lines. Prefer
/// ``withPeriscope(_:environment:_:)``, which always kills the process afterwards.
///
/// The binary is `$PERISCOPE_BIN` if set, else `periscope` next to the test executable (the same
/// `.build/<config>/` folder), else `<repo>/.build/debug/periscope`.
final class PeriscopeProcess {
    /// The temporary directory holding the config.
    let directory: URL
    /// The config file path.
    let configPath: String
    private let process: Process
    private let output: OutputCollector
    /// The admin listener's port (known once launched).
    private(set) var adminPort = 0

    /// The child's process id.
    var pid: Int32 { self.process.processIdentifier }
    /// Whether the child still runs.
    var isRunning: Bool { self.process.isRunning }
    /// Everything the child wrote to standard error so far.
    var stderr: String { self.output.stderrText }
    /// Everything the child wrote to standard output so far.
    var stdout: String { self.output.stdoutText }

    private init(directory: URL, configPath: String, process: Process, output: OutputCollector) {
        self.directory = directory
        self.configPath = configPath
        self.process = process
        self.output = output
    }

    // MARK: locating the binary

    /// The `periscope` executable the tests run.
    static let binaryPath: String = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["PERISCOPE_BIN"], !path.isEmpty { return path }
        var candidates: [URL] = []
        let argument0 = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(argument0.deletingLastPathComponent().appendingPathComponent("periscope"))
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("periscope"))
        }
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            // macOS: .build/<config>/X.xctest is a bundle; the binary is its sibling.
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("periscope"))
        }
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Support
            .deletingLastPathComponent()  // IntegrationTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()
        candidates.append(repository.appendingPathComponent(".build/debug/periscope"))
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate.path
        }
        return candidates.last!.path
    }()

    // MARK: launching

    /// Writes `yaml` to a temporary `periscope.yaml` (and `files`, name → contents, next to it) and returns the
    /// directory and file path.
    static func writeConfig(
        _ yaml: String,
        addDefaults: Bool = true,
        files: [String: String] = [:]
    ) throws -> (URL, String) {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("periscope-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var text = yaml
        if addDefaults {
            let lines = yaml.split(separator: "\n")
            if !lines.contains(where: { $0.hasPrefix("admin:") }) { text = "admin:\n  address: 127.0.0.1:0\n" + text }
        }
        let path = directory.appendingPathComponent("periscope.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        for (name, contents) in files {
            try contents.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        return (directory, path)
    }

    /// Starts `periscope run` on `yaml` and waits until `/readyz` answers 200.
    static func launch(
        _ yaml: String,
        files: [String: String] = [:],
        environment: [String: String] = [:],
        readyTimeout: Duration = .seconds(30)
    ) async throws -> PeriscopeProcess {
        let (directory, path) = try Self.writeConfig(yaml, files: files)
        let gateway = try Self.spawn(
            arguments: ["run", "--config", path], directory: directory, environment: environment)
        do {
            try await gateway.waitUntilReady(timeout: readyTimeout)
        } catch {
            await gateway.stop()
            throw error
        }
        return gateway
    }

    /// Starts the binary with `arguments` (stdin closed, stdout and stderr collected).
    static func spawn(arguments: [String], directory: URL, environment: [String: String] = [:]) throws
        -> PeriscopeProcess
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        guard FileManager.default.isExecutableFile(atPath: Self.binaryPath) else {
            throw PeriscopeProcessError.binaryMissing(Self.binaryPath)
        }
        try process.run()
        let output = OutputCollector()
        output.startReading(stdout: stdout.fileHandleForReading, stderr: stderr.fileHandleForReading)
        return PeriscopeProcess(
            directory: directory,
            configPath: directory.appendingPathComponent("periscope.yaml").path,
            process: process,
            output: output
        )
    }

    /// Runs the binary to completion (e.g. `check`) and returns its exit status and output.
    static func runToExit(
        arguments: [String],
        directory: URL,
        timeout: Duration = .seconds(30)
    ) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try Self.spawn(arguments: arguments, directory: directory)
        defer { child.kill() }
        guard let status = try await child.waitForExit(timeout: timeout) else {
            throw TimedOut(what: "periscope \(arguments.joined(separator: " ")) to exit; stderr: \(child.stderr)")
        }
        try await child.output.waitForEOF(timeout: .seconds(5))
        return (status, child.stdout, child.stderr)
    }

    private func waitUntilReady(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        try await waitUntil("the 'admin listening' log line; stderr: \(self.stderr.suffix(2000))", timeout: timeout) {
            if !self.isRunning {
                throw PeriscopeProcessError.exited(status: self.process.terminationStatus, stderr: self.stderr)
            }
            guard let address = self.output.logLines(message: "admin listening").first?["address"] else {
                return false
            }
            self.adminPort = Self.port(of: address) ?? 0
            return self.adminPort != 0
        }
        try await waitUntil("/readyz to answer 200; stderr: \(self.stderr.suffix(2000))", timeout: deadline - .now) {
            if !self.isRunning {
                throw PeriscopeProcessError.exited(status: self.process.terminationStatus, stderr: self.stderr)
            }
            return (try? await self.admin("/readyz").status) == 200
        }
    }

    // MARK: while it runs

    /// The port of listener `name` (or of the first listener), from its `listening` log line.
    func port(listener name: String? = nil, timeout: Duration = .seconds(5)) async throws -> Int {
        var port = 0
        try await waitUntil("the 'listening' log line of listener \(name ?? "(first)")", timeout: timeout) {
            let line = self.output.logLines(message: "listening").first { name == nil || $0["listener"] == name }
            port = line?["address"].flatMap(Self.port(of:)) ?? 0
            return port != 0
        }
        return port
    }

    /// Sends one request to the admin listener (`Connection: close`) and returns the response.
    func admin(_ path: String, method: String = "GET", timeout: Duration = .seconds(2)) async throws -> RawResponse {
        let client = try await RawClient.connect(port: self.adminPort)
        defer { client.close() }
        try await client.send(
            "\(method) \(path) HTTP/1.1\r\nHost: admin\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        return try await client.readResponse(requestWasHead: method == "HEAD", timeout: timeout)
    }

    /// JSON log lines (string fields only) whose `message` is `message`.
    func logLines(message: String) -> [[String: String]] {
        self.output.logLines(message: message)
    }

    /// Sends `signal` (e.g. `SIGTERM`) to the child.
    func signal(_ signal: Int32) {
        Foundation.kill(self.process.processIdentifier, signal)
    }

    /// Waits for the child to exit; returns its exit status, or nil if it still runs after `timeout`.
    /// A child killed by a signal reports `128 + signal`.
    func waitForExit(timeout: Duration) async throws -> Int32? {
        do {
            try await waitUntil("periscope to exit", timeout: timeout, interval: .milliseconds(10)) {
                !self.process.isRunning
            }
        } catch is TimedOut {
            return nil
        }
        let status = self.process.terminationStatus
        return self.process.terminationReason == .uncaughtSignal ? 128 + status : status
    }

    /// Current resident set size (`VmRSS`) and its peak (`VmHWM`), in bytes, from `/proc/PID/status`.
    func memory() throws -> (rss: Int, peak: Int) {
        let text = try String(contentsOfFile: "/proc/\(self.pid)/status", encoding: .utf8)
        func field(_ name: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return 0 }
            let number = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
            return (number.flatMap { Int($0) } ?? 0) * 1024
        }
        return (field("VmRSS"), field("VmHWM"))
    }

    /// Kills the child at once (SIGKILL) if it still runs.
    func kill() {
        if self.process.isRunning { Foundation.kill(self.process.processIdentifier, SIGKILL) }
    }

    /// Kills the child if it still runs, waits for it, and removes the temporary directory.
    func stop() async {
        self.kill()
        _ = try? await self.waitForExit(timeout: .seconds(10))
        try? FileManager.default.removeItem(at: self.directory)
    }

    static func port(of address: String) -> Int? {
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }
}

/// Runs `body` with a launched, ready gateway; always kills the process afterwards, also when `body` throws.
func withPeriscope<R>(
    _ yaml: String,
    files: [String: String] = [:],
    environment: [String: String] = [:],
    _ body: (PeriscopeProcess) async throws -> R
) async throws -> R {
    let gateway = try await PeriscopeProcess.launch(yaml, files: files, environment: environment)
    do {
        let result = try await body(gateway)
        await gateway.stop()
        return result
    } catch {
        await gateway.stop()
        throw error
    }
}

/// Why a gateway process could not be used.
enum PeriscopeProcessError: Error, CustomStringConvertible {
    case binaryMissing(String)
    case exited(status: Int32, stderr: String)

    var description: String {
        switch self {
        case .binaryMissing(let path):
            "periscope binary not found at \(path); run `swift build` first or set PERISCOPE_BIN"
        case .exited(let status, let stderr):
            "periscope exited early with status \(status); stderr:\n\(stderr)"
        }
    }
}

/// Reads a child's stdout and stderr on two background threads until EOF.
///
/// Threads rather than async tasks: the reads block, and blocking the cooperative pool would starve tests.
private final class OutputCollector: Sendable {
    private struct State {
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var openStreams = 2
    }

    private let state = NIOLockedValueBox(State())

    func startReading(stdout: FileHandle, stderr: FileHandle) {
        let stdoutFD = stdout.fileDescriptor
        let stderrFD = stderr.fileDescriptor
        // The FileHandles own the descriptors; keep them alive until EOF is read.
        Thread.detachNewThread { [self] in
            self.read(fd: stdoutFD, isStderr: false)
            withExtendedLifetime(stdout) {}
        }
        Thread.detachNewThread { [self] in
            self.read(fd: stderrFD, isStderr: true)
            withExtendedLifetime(stderr) {}
        }
    }

    private func read(fd: Int32, isStderr: Bool) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            self.state.withLockedValue { state in
                if isStderr {
                    state.stderr.append(contentsOf: chunk[0..<count])
                } else {
                    state.stdout.append(contentsOf: chunk[0..<count])
                }
            }
        }
        self.state.withLockedValue { $0.openStreams -= 1 }
    }

    var stderrText: String { self.state.withLockedValue { String(decoding: $0.stderr, as: UTF8.self) } }
    var stdoutText: String { self.state.withLockedValue { String(decoding: $0.stdout, as: UTF8.self) } }

    /// Waits until both streams reached EOF (the child exited and its output was read).
    func waitForEOF(timeout: Duration) async throws {
        try await waitUntil("the child's output to end", timeout: timeout) {
            self.state.withLockedValue { $0.openStreams == 0 }
        }
    }

    /// Standard-error lines that are JSON objects with this `message`, string fields only.
    func logLines(message: String) -> [[String: String]] {
        self.stderrText.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("{"),
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["message"] as? String == message
            else { return nil }
            return object.compactMapValues { $0 as? String }
        }
    }
}
