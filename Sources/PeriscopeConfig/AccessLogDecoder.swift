/// Reads the `access_log` section (see ``AccessLogConfig``).
enum AccessLogDecoder {
    static let keys = ["enabled", "path", "buffer_size"]

    static func decode(_ mapping: MappingReader) -> AccessLogConfig {
        var accessLog = AccessLogConfig()
        if let enabled = mapping["enabled"]?.bool() { accessLog.enabled = enabled }
        if let path = mapping["path"]?.nonEmptyString() { accessLog.path = path }
        if let size = mapping["buffer_size"]?.int(minimum: 16) { accessLog.bufferSize = size }
        return accessLog
    }
}
