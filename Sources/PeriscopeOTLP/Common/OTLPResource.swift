#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The entity producing telemetry (`opentelemetry.proto.resource.v1.Resource`): attributes with unique keys, in the
/// order they were first set. Sent once per request, shared by every metric and span in it.
///
/// Build Periscope's resource with ``detect(serviceName:serviceVersion:attributes:environment:onWarning:)``.
public struct OTLPResource: Sendable, Hashable {
    /// The attributes, keys unique, in the order they were first set.
    public private(set) var attributes: [OTLPAttribute]

    /// Creates a resource. A key given more than once keeps the position of its first occurrence and the value of
    /// its last.
    public init(attributes: [OTLPAttribute] = []) {
        self.attributes = []
        for attribute in attributes {
            self[attribute.key] = attribute.value
        }
    }

    /// The value of attribute `key`. Setting replaces the value in place (or appends a new key); setting `nil`
    /// removes the attribute.
    public subscript(key: String) -> OTLPAttributeValue? {
        get { self.attributes.first { $0.key == key }?.value }
        set {
            let index = self.attributes.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): self.attributes[index].value = value
            case (let index?, nil): self.attributes.remove(at: index)
            case (nil, let value?): self.attributes.append(OTLPAttribute(key, value))
            case (nil, nil): break
            }
        }
    }

    /// This resource updated with `other`: the spec's resource *merge*, where the updating resource's value wins for
    /// a key both have.
    public func merging(_ other: OTLPResource) -> OTLPResource {
        var merged = self
        for attribute in other.attributes {
            merged[attribute.key] = attribute.value
        }
        return merged
    }
}

// MARK: - Attribute keys

extension OTLPResource {
    /// Semantic-convention keys of the attributes that
    /// ``detect(serviceName:serviceVersion:attributes:environment:onWarning:)`` sets.
    public enum Key {
        /// `service.name`: the logical service; `job` in Prometheus after a collector.
        public static let serviceName = "service.name"
        /// `service.version`.
        public static let serviceVersion = "service.version"
        /// `service.instance.id`: unique per process (a random UUID unless configured); `instance` in Prometheus.
        public static let serviceInstanceID = "service.instance.id"
        /// `host.name`: the host name as `gethostname(2)` reports it.
        public static let hostName = "host.name"
        /// `process.pid` (an int attribute).
        public static let processPID = "process.pid"
        /// `telemetry.sdk.name`: `periscope` (Periscope encodes OTLP itself, not through an OpenTelemetry SDK).
        public static let telemetrySDKName = "telemetry.sdk.name"
        /// `telemetry.sdk.language`: `swift`.
        public static let telemetrySDKLanguage = "telemetry.sdk.language"
        /// `telemetry.sdk.version`: the service version.
        public static let telemetrySDKVersion = "telemetry.sdk.version"
    }

    /// `OTEL_RESOURCE_ATTRIBUTES`: `key1=value1,key2=value2`, percent-encoded, all values strings.
    public static let resourceAttributesVariable = "OTEL_RESOURCE_ATTRIBUTES"
    /// `OTEL_SERVICE_NAME`: sets `service.name`, over `OTEL_RESOURCE_ATTRIBUTES`.
    public static let serviceNameVariable = "OTEL_SERVICE_NAME"
}

// MARK: - Detection

extension OTLPResource {
    /// Periscope's resource: what the process knows about itself, the OpenTelemetry environment variables, and the
    /// configured attributes, later sources overriding earlier ones for the same key:
    ///
    /// 1. Detected: `service.name` = `serviceName`, `service.version` (when given), `service.instance.id` (a random
    ///    UUID v4, new for every call), `host.name`, `process.pid`, and `telemetry.sdk.name` = `periscope`,
    ///    `telemetry.sdk.language` = `swift`, `telemetry.sdk.version` (= `serviceVersion`, when given).
    /// 2. `OTEL_RESOURCE_ATTRIBUTES` (string values). If it cannot be decoded (an entry without `=`, an empty key, a
    ///    bad percent escape), the whole variable is ignored and `onWarning` says why, as the spec recommends.
    /// 3. `OTEL_SERVICE_NAME` for `service.name`: the spec gives it precedence over `OTEL_RESOURCE_ATTRIBUTES`.
    /// 4. `attributes`: values from Periscope's own configuration, which the spec ranks above the environment
    ///    ("user-provided resource information has higher priority").
    ///
    /// Empty environment values count as unset.
    ///
    /// - Parameters:
    ///   - serviceName: The default `service.name`.
    ///   - serviceVersion: `service.version` and `telemetry.sdk.version`; omitted when `nil`.
    ///   - attributes: Configured attributes, applied last.
    ///   - environment: Looks up an environment variable; the default reads the process environment.
    ///   - onWarning: Receives one message per ignored environment variable.
    public static func detect(
        serviceName: String = "periscope",
        serviceVersion: String? = nil,
        attributes: [OTLPAttribute] = [],
        environment: (String) -> String? = OTLPResource.processEnvironment,
        onWarning: (String) -> Void = { _ in }
    ) -> OTLPResource {
        var resource = OTLPResource()
        resource[Key.serviceName] = .string(serviceName)
        if let serviceVersion {
            resource[Key.serviceVersion] = .string(serviceVersion)
        }
        resource[Key.serviceInstanceID] = .string(Self.randomUUIDString())
        if let hostName = Self.hostName() {
            resource[Key.hostName] = .string(hostName)
        }
        resource[Key.processPID] = .int(Int64(getpid()))
        resource[Key.telemetrySDKName] = .string("periscope")
        resource[Key.telemetrySDKLanguage] = .string("swift")
        if let serviceVersion {
            resource[Key.telemetrySDKVersion] = .string(serviceVersion)
        }

        if let text = environment(Self.resourceAttributesVariable), !text.isEmpty {
            switch Self.parseResourceAttributes(text) {
            case .success(let parsed):
                for attribute in parsed {
                    resource[attribute.key] = attribute.value
                }
            case .failure(let error):
                onWarning("ignoring \(Self.resourceAttributesVariable): \(error)")
            }
        }
        if let name = environment(Self.serviceNameVariable), !name.isEmpty {
            resource[Key.serviceName] = .string(name)
        }
        for attribute in attributes {
            resource[attribute.key] = attribute.value
        }
        return resource
    }

    /// Reads a variable of the process environment (`getenv`).
    public static func processEnvironment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The host name, or `nil` if the system does not report one.
    static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(
            decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
            as: UTF8.self
        )
        return name.isEmpty ? nil : name
    }

    /// A random (version 4) UUID in its lowercase 8-4-4-4-12 text form.
    static func randomUUIDString() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122 variant
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 {
                text.append(UInt8(ascii: "-"))
            }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

// MARK: - OTEL_RESOURCE_ATTRIBUTES

/// Why an `OTEL_RESOURCE_ATTRIBUTES` value was rejected (the whole value is then ignored).
public struct OTLPResourceAttributesError: Error, Hashable, CustomStringConvertible {
    /// What is wrong, naming the offending entry.
    public let description: String
}

extension OTLPResource {
    /// Decodes an `OTEL_RESOURCE_ATTRIBUTES` value: `key1=value1,key2=value2` in the W3C Baggage format without
    /// `;` properties.
    ///
    /// - Entries are separated by `,`; spaces and tabs around keys and values are dropped; empty entries are
    ///   skipped.
    /// - Each entry splits at its first `=`. Keys and values are percent-decoded (`,` and `=` inside them must be
    ///   written `%2C` and `%3D`) and must decode to UTF-8. Every value is a string.
    /// - A later entry with the same key replaces an earlier one.
    ///
    /// An entry without `=`, an empty key, or a malformed `%` escape fails the whole value.
    public static func parseResourceAttributes(_ text: String) -> Result<[OTLPAttribute], OTLPResourceAttributesError> {
        var attributes: [OTLPAttribute] = []
        for rawEntry in text.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let entry = Self.trimmingWhitespace(rawEntry)
            if entry.isEmpty { continue }
            guard let equals = entry.firstIndex(of: UInt8(ascii: "=")) else {
                return .failure(OTLPResourceAttributesError(description: "entry '\(Substring(entry))' has no '='"))
            }
            let rawKey = Self.trimmingWhitespace(entry[..<equals])
            let rawValue = Self.trimmingWhitespace(entry[entry.index(after: equals)...])
            guard let key = Self.percentDecoded(rawKey), let value = Self.percentDecoded(rawValue) else {
                return .failure(
                    OTLPResourceAttributesError(
                        description: "entry '\(Substring(entry))' has a malformed percent escape or is not UTF-8"
                    )
                )
            }
            guard !key.isEmpty else {
                return .failure(
                    OTLPResourceAttributesError(description: "entry '\(Substring(entry))' has an empty key"))
            }
            if let index = attributes.firstIndex(where: { $0.key == key }) {
                attributes[index].value = .string(value)
            } else {
                attributes.append(OTLPAttribute(key, .string(value)))
            }
        }
        return .success(attributes)
    }

    private static func trimmingWhitespace(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        func isWhitespace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isWhitespace(bytes[start]) { start = bytes.index(after: start) }
        while end > start, isWhitespace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return bytes[start..<end]
    }

    /// `bytes` with `%XX` escapes decoded, or `nil` if an escape is malformed or the result is not UTF-8.
    private static func percentDecoded(_ bytes: Substring.UTF8View) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            index = bytes.index(after: index)
            guard byte == UInt8(ascii: "%") else {
                decoded.append(byte)
                continue
            }
            guard index < bytes.endIndex, let high = Self.hexValue(bytes[index]) else { return nil }
            index = bytes.index(after: index)
            guard index < bytes.endIndex, let low = Self.hexValue(bytes[index]) else { return nil }
            index = bytes.index(after: index)
            decoded.append(high << 4 | low)
        }
        // String(validating:as:) needs macOS 15; decode with repair and reject the result if anything was repaired.
        let string = String(decoding: decoded, as: UTF8.self)
        return string.utf8.elementsEqual(decoded) ? string : nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
