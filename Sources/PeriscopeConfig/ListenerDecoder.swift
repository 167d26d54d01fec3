/// Reads one `listeners[]` entry with its `timeouts` and `limits`.
enum ListenerDecoder {
    static let keys = ["name", "address", "timeouts", "limits", "routes"]
    static let timeoutKeys = ["request_header", "idle"]
    static let limitKeys = ["max_header_bytes", "max_headers", "max_body_bytes"]

    /// Decodes a listener; on errors the result holds placeholders (and the errors are reported).
    static func decode(_ node: NodeReader) -> ListenerConfig {
        var listener = ListenerConfig(name: "", routes: [])
        guard let mapping = node.mapping(keys: Self.keys) else {
            return listener
        }
        listener.name = mapping.required("name")?.nonEmptyString() ?? ""
        if let address = mapping["address"]?.address(allowPortZero: true) {
            listener.address = address
        }
        if let timeouts = mapping["timeouts"]?.mapping(keys: Self.timeoutKeys) {
            listener.timeouts = Self.timeouts(timeouts)
        }
        if let limits = mapping["limits"]?.mapping(keys: Self.limitKeys) {
            listener.limits = Self.limits(limits)
        }
        if let routes = mapping.required("routes") {
            listener.routes = GatewayConfigDecoder.nonEmptyList(routes, what: "route").map(RouteDecoder.decode)
        }
        return listener
    }

    private static func timeouts(_ mapping: MappingReader) -> ListenerTimeouts {
        var timeouts = ListenerTimeouts()
        if let requestHeader = mapping["request_header"]?.duration() {
            timeouts.requestHeader = requestHeader
        }
        if let idle = mapping["idle"]?.duration() {
            timeouts.idle = idle
        }
        return timeouts
    }

    private static func limits(_ mapping: MappingReader) -> RequestLimits {
        var limits = RequestLimits()
        if let maxHeaderBytes = mapping["max_header_bytes"]?.byteSize(minimum: 1) {
            if let value = Int(exactly: maxHeaderBytes) {
                limits.maxHeaderBytes = value
            }
        }
        if let maxHeaders = mapping["max_headers"]?.int(minimum: 1) {
            limits.maxHeaderCount = maxHeaders
        }
        limits.maxBodyBytes = mapping["max_body_bytes"]?.byteSize(minimum: 1)
        return limits
    }
}
