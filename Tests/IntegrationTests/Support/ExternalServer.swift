import Foundation
import NIOCore
import NIOHTTP1

#if canImport(Glibc)
    import Glibc
#endif

/// A real server binary (Prometheus, Alertmanager) run for a test: on a free loopback port, in a temporary
/// directory holding its config, data and log; ready once `readyPath` answers 200; always stopped by its owner.
final class ExternalServer {
    let name: String
    let port: Int
    let directory: URL
    private let process: Process

    private init(name: String, port: Int, directory: URL, process: Process) {
        self.name = name
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// The server's log so far (for failure messages).
    var log: String {
        (try? String(contentsOf: self.directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    /// Starts `binary` with the arguments `arguments(port, directory)` returns, after writing `files` (name →
    /// contents) into its directory, and waits until `readyPath` answers 200. Retries on another port if the
    /// chosen one was taken between choosing and binding.
    static func start(
        name: String,
        binary: String,
        readyPath: String,
        files: (_ port: Int, _ directory: URL) -> [String: String] = { _, _ in [:] },
        arguments: (_ port: Int, _ directory: URL) -> [String]
    ) async throws -> ExternalServer {
        var lastError: any Error = TimedOut(what: "\(name) to start")
        for _ in 0..<3 {
            let port = try await freeLoopbackPort()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("periscope-\(name)-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (file, contents) in files(port, directory) {
                try contents.write(to: directory.appendingPathComponent(file), atomically: true, encoding: .utf8)
            }
            let server = try Self.launch(
                name: name,
                binary: binary,
                port: port,
                directory: directory,
                arguments: arguments(port, directory)
            )
            do {
                try await waitUntil(
                    "\(name) \(readyPath); log: \(server.log.suffix(3000))",
                    timeout: .seconds(30),
                    interval: .milliseconds(50)
                ) {
                    guard server.process.isRunning else { throw ServerExited(name: name, log: server.log) }
                    return (try? await server.get(readyPath).status) == 200
                }
                return server
            } catch let error as ServerExited where error.log.contains("address already in use") {
                lastError = error
                await server.stop()
            } catch {
                await server.stop()
                throw error
            }
        }
        throw lastError
    }

    private static func launch(
        name: String,
        binary: String,
        port: Int,
        directory: URL,
        arguments: [String]
    ) throws -> ExternalServer {
        let logPath = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: logPath.path, contents: nil)
        let log = try FileHandle(forWritingTo: logPath)
        defer { try? log.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        return ExternalServer(name: name, port: port, directory: directory, process: process)
    }

    /// Stops the server (SIGTERM, then SIGKILL after 10 s) and removes its directory.
    func stop() async {
        if self.process.isRunning {
            self.process.terminate()
            do {
                try await waitUntil("\(self.name) to exit", timeout: .seconds(10), interval: .milliseconds(20)) {
                    !self.process.isRunning
                }
            } catch {
                kill(self.process.processIdentifier, SIGKILL)
            }
            self.process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: self.directory)
    }

    func get(_ pathAndQuery: String) async throws -> ClientResponse {
        let client = try await HTTPTestClient.connect(port: self.port)
        defer { client.close() }
        return try await client.request(.GET, pathAndQuery, timeout: .seconds(5))
    }

    /// GET `pathAndQuery` and parse the body as JSON.
    func getJSON(_ pathAndQuery: String) async throws -> Any {
        let response = try await self.get(pathAndQuery)
        guard response.status == 200 else {
            throw TrafficError("\(self.name) GET \(pathAndQuery): \(response.status) \(response.bodyText)")
        }
        return try JSONSerialization.jsonObject(with: Data(response.body))
    }

    /// Runs `body` with the server; always stops it afterwards.
    func use<R>(_ body: (ExternalServer) async throws -> R) async throws -> R {
        do {
            let result = try await body(self)
            await self.stop()
            return result
        } catch {
            await self.stop()
            throw error
        }
    }
}

struct ServerExited: Error, CustomStringConvertible {
    var name: String
    var log: String
    var description: String { "\(self.name) exited early; log:\n\(self.log.suffix(3000))" }
}
