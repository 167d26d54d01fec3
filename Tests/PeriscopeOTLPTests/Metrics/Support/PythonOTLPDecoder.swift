import Foundation

/// Decodes OTLP bytes with the official Python classes (the `opentelemetry-proto` package on PyPI) in a virtual
/// environment, so tests check the encoder against upstream's schema rather than Periscope's own `.proto` subset.
///
/// The venv is `$PERISCOPE_OTLP_VENV`, or `.venv-otlp` at the repository root. Create it once with:
///
///     python3 -m venv .venv-otlp && .venv-otlp/bin/pip install opentelemetry-proto
///
/// Without it the tests that use the decoder fail with that hint.
enum PythonOTLPDecoder {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What the script reports for one request.
    struct Decoded {
        /// `json_format.MessageToDict(request, preserving_proto_field_name=True)`: snake_case keys, 64-bit integers as
        /// decimal strings, enums by name, bytes in base64; fields at their default value are absent.
        var request: PythonJSON
        /// Whether the request, with unknown fields discarded, re-serializes (deterministically) to exactly the input:
        /// true when every field number and wire type is upstream's and the encoding is canonical.
        var reencodesIdentically: Bool
        /// Whether the request, with unknown fields discarded, re-serializes to as many bytes as the input: true when
        /// every field number and wire type is upstream's and nothing is left out or repeated, in whatever order the
        /// fields came (reported by the traces script only).
        var reencodesToTheSameSize = false
        /// Unknown fields the parser kept, as the script saw them (0 when everything is known).
        var unknownFieldCount: Int
    }

    private static let script = #"""
        import json, sys
        try:
            from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
        except ImportError as error:
            sys.stderr.write("cannot import opentelemetry.proto (%s); run: pip install opentelemetry-proto\n" % error)
            sys.exit(3)
        from google.protobuf import json_format, unknown_fields

        def is_repeated(field):
            # protobuf 5.x and later have is_repeated; older ones only label.
            return field.is_repeated if hasattr(field, "is_repeated") else field.label == field.LABEL_REPEATED

        def count_unknown(message):
            count = len(unknown_fields.UnknownFieldSet(message))
            for field, value in message.ListFields():
                if field.type == field.TYPE_MESSAGE:
                    if is_repeated(field):
                        for item in value:
                            count += count_unknown(item)
                    else:
                        count += count_unknown(value)
            return count

        data = open(sys.argv[1], "rb").read()
        request = metrics_service_pb2.ExportMetricsServiceRequest()
        request.ParseFromString(data)
        clean = metrics_service_pb2.ExportMetricsServiceRequest()
        clean.CopyFrom(request)
        clean.DiscardUnknownFields()
        print(json.dumps({
            "request": json_format.MessageToDict(request, preserving_proto_field_name=True),
            "reencodesIdentically": clean.SerializeToString(deterministic=True) == data,
            "unknownFieldCount": count_unknown(request),
        }))
        """#

    /// Decodes `bytes` as an `ExportMetricsServiceRequest`.
    static func decodeMetricsRequest(_ bytes: [UInt8]) throws -> Decoded {
        try Self.run(script: Self.script, on: bytes)
    }

    /// Runs a decoding `script` with the venv's Python on `bytes` (passed as a file) and reads the JSON it prints:
    /// `{"request": …, "reencodesIdentically": Bool, "unknownFieldCount": Int}`. Exit status 3 means the script
    /// could not import the package.
    static func run(script: String, on bytes: [UInt8]) throws -> Decoded {
        let python = try Self.python()
        let input = FileManager.default.temporaryDirectory
            .appendingPathComponent("periscope-otlp-\(UInt64.random(in: 0 ... .max)).bin")
        try Data(bytes).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, input.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(
                description: "\(python) exited with \(process.terminationStatus): "
                    + String(decoding: stderr, as: UTF8.self)
                    + (process.terminationStatus == 3 ? Self.installHint : "")
            )
        }
        let json = PythonJSON(try JSONSerialization.jsonObject(with: stdout))
        return Decoded(
            request: json["request"],
            reencodesIdentically: json["reencodesIdentically"].bool ?? false,
            reencodesToTheSameSize: json["reencodesToTheSameSize"].bool ?? false,
            unknownFieldCount: json["unknownFieldCount"].int ?? -1
        )
    }

    private static var installHint: String {
        "\nThe OTLP decoding tests need a Python venv with the official opentelemetry-proto package:\n"
            + "    Scripts/otlp-venv.sh   (creates .venv-otlp at the repository root)\n"
            + "or point PERISCOPE_OTLP_VENV at an existing venv."
    }

    /// The venv's interpreter.
    private static func python() throws -> String {
        let venv: String
        if let configured = ProcessInfo.processInfo.environment["PERISCOPE_OTLP_VENV"], !configured.isEmpty {
            venv = configured
        } else {
            venv = Self.repositoryRoot().appendingPathComponent(".venv-otlp").path
        }
        for name in ["bin/python3", "bin/python"] {
            let candidate = URL(fileURLWithPath: venv).appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        throw Failure(description: "no Python venv at \(venv)." + Self.installHint)
    }

    /// The nearest directory above this file that holds a `Package.swift`.
    private static func repositoryRoot() -> URL {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}

/// Read-only access to a `JSONSerialization` result; missing keys and indexes give `PythonJSON(nil)`.
struct PythonJSON: CustomStringConvertible {
    let value: Any?

    init(_ value: Any?) {
        self.value = value
    }

    subscript(key: String) -> PythonJSON { PythonJSON((self.value as? [String: Any])?[key]) }

    subscript(index: Int) -> PythonJSON {
        guard let array = self.value as? [Any], array.indices.contains(index) else { return PythonJSON(nil) }
        return PythonJSON(array[index])
    }

    var array: [PythonJSON] { (self.value as? [Any])?.map(PythonJSON.init) ?? [] }
    var string: String? { self.value as? String }
    var bool: Bool? { self.value as? Bool }
    var int: Int? { (self.value as? NSNumber)?.intValue }
    var double: Double? { (self.value as? NSNumber)?.doubleValue }
    var isNull: Bool { self.value == nil }
    /// A 64-bit integer field, which MessageToDict writes as a decimal string.
    var uint64: UInt64? { self.string.flatMap { UInt64($0) } }
    /// The array of 64-bit integers (decimal strings).
    var uint64s: [UInt64] { self.array.compactMap(\.uint64) }
    var doubles: [Double] { self.array.compactMap(\.double) }

    /// The element of an array of objects whose `attributes` (a KeyValue list of string values) are exactly `labels`.
    func point(withAttributes labels: [String: String]) -> PythonJSON? {
        self.array.first { point in
            let attributes = point["attributes"].array
            return attributes.count == labels.count
                && attributes.allSatisfy { labels[$0["key"].string ?? ""] == $0["value"]["string_value"].string }
        }
    }

    /// The element of an array of metrics named `name`.
    func metric(named name: String) -> PythonJSON? {
        self.array.first { $0["name"].string == name }
    }

    var description: String { String(describing: self.value ?? "nil") }
}
