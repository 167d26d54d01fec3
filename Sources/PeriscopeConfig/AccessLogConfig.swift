/// The `access_log` section: one JSON line per request, written off the event loops by a background thread.
public struct AccessLogConfig: Sendable, Equatable {
    /// Whether the access log is written at all (default false).
    public var enabled = false
    /// Where lines go: `stdout` (default), `stderr`, or a file path (opened for appending, created if missing;
    /// relative paths are relative to the working directory).
    public var path = "stdout"
    /// Entries each event loop's ring holds until the writer takes them (rounded up to a power of two); more are
    /// dropped and counted.
    public var bufferSize = 4096

    public init() {}
}
