import PeriscopeTelemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The series of `periscope_config_loads_total{result}` and `periscope_config_last_load_success_timestamp_seconds`,
/// bound at registration so both results show from the start (at 0).
struct ConfigLoadHandles: Sendable {
    let success: CounterHandle
    let failure: CounterHandle
    let lastSuccess: GaugeHandle

    init(loads: CounterFamily, lastSuccess: GaugeFamily) {
        self.success = loads.bind(["success"])
        self.failure = loads.bind(["failure"])
        self.lastSuccess = lastSuccess.bind()
    }
}

extension GatewayMetrics {
    /// Records a configuration that loaded and is now in use: counts a `success` and sets the last-success time
    /// to `unixTime` (seconds since the Unix epoch; default now).
    public func recordConfigLoadSuccess(at unixTime: Double = GatewayMetrics.unixTimeNow()) {
        self.configLoadHandles.success.increment()
        self.configLoadHandles.lastSuccess.set(unixTime)
    }

    /// Records a configuration that failed to load (the one in use stays): counts a `failure`.
    public func recordConfigLoadFailure() {
        self.configLoadHandles.failure.increment()
    }

    /// The wall-clock time in seconds since the Unix epoch.
    public static func unixTimeNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
