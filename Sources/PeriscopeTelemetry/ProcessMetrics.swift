#if canImport(Darwin)
    import Darwin
#elseif canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The standard Prometheus `process_*` metrics of the running process, with the names and meanings of
/// client_golang's process collector:
///
/// | name | type | meaning |
/// |---|---|---|
/// | `process_cpu_seconds_total` | counter | user plus system CPU time |
/// | `process_resident_memory_bytes` | gauge | resident set size |
/// | `process_virtual_memory_bytes` | gauge | virtual memory size |
/// | `process_open_fds` | gauge | open file descriptors |
/// | `process_max_fds` | gauge | the soft limit on open file descriptors |
/// | `process_start_time_seconds` | gauge | start time since the Unix epoch |
///
/// The values come from `/proc/self` (`stat`, `fd/`) and `getrlimit`, read by a registry collector right before
/// each render, so they cost nothing between scrapes. Only Linux has `/proc`: elsewhere ``register(in:)``
/// registers nothing.
public enum ProcessMetrics {
    /// The collector name ``register(in:)`` uses (see ``MetricsRegistry/registerCollector(named:_:)``).
    public static let collectorName = "process"

    /// Registers the `process_*` families in `registry` and a collector that refreshes them before every render.
    /// Calling it again for the same registry changes nothing.
    public static func register(in registry: MetricsRegistry) {
        #if os(Linux)
            let handles = Handles(registry: registry)
            let clockTicks = Double(sysconf(Int32(_SC_CLK_TCK)))
            let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
            if let stat = ProcStat.parse(readProcFile("/proc/self/stat")),
                let bootTime = ProcStat.bootTime(readProcFile("/proc/stat"))
            {
                handles.startTime.set(Double(bootTime) + Double(stat.startTicks) / clockTicks)
            }
            let reported = LockedBox(0.0)
            registry.registerCollector(named: Self.collectorName) {
                if let stat = ProcStat.parse(readProcFile("/proc/self/stat")) {
                    let seconds = Double(stat.userTicks + stat.systemTicks) / clockTicks
                    // The counter only adds: add what the kernel counted since the last render. The lock keeps two
                    // overlapping scrapes from adding the same interval twice.
                    reported.withLockedValue { reported in
                        if seconds > reported {
                            handles.cpu.add(seconds - reported)
                            reported = seconds
                        }
                    }
                    handles.resident.set(Double(stat.residentPages) * pageSize)
                    handles.virtual.set(Double(stat.virtualBytes))
                }
                if let open = openFileDescriptorCount() {
                    handles.openFDs.set(Double(open))
                }
                if let limit = fileDescriptorLimit() {
                    handles.maxFDs.set(limit)
                }
            }
        #endif
    }

    /// The bound handles of the process families.
    private struct Handles: Sendable {
        let cpu: CounterHandle
        let resident: GaugeHandle
        let virtual: GaugeHandle
        let openFDs: GaugeHandle
        let maxFDs: GaugeHandle
        let startTime: GaugeHandle

        init(registry: MetricsRegistry) {
            self.cpu = registry.counter(
                name: "process_cpu_seconds_total",
                help: "Total user and system CPU time spent in seconds.",
                unit: "seconds"
            ).bind()
            self.resident = registry.gauge(
                name: "process_resident_memory_bytes",
                help: "Resident memory size in bytes.",
                unit: "bytes"
            ).bind()
            self.virtual = registry.gauge(
                name: "process_virtual_memory_bytes",
                help: "Virtual memory size in bytes.",
                unit: "bytes"
            ).bind()
            self.openFDs = registry.gauge(name: "process_open_fds", help: "Number of open file descriptors.").bind()
            self.maxFDs = registry.gauge(
                name: "process_max_fds",
                help: "Maximum number of open file descriptors."
            ).bind()
            self.startTime = registry.gauge(
                name: "process_start_time_seconds",
                help: "Start time of the process since unix epoch in seconds.",
                unit: "seconds"
            ).bind()
        }
    }

    /// Counts the entries of `/proc/self/fd`, leaving out the descriptor of the directory being read.
    private static func openFileDescriptorCount() -> Int? {
        guard let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        let ownDescriptor = dirfd(directory)
        var count = 0
        while let entry = readdir(directory) {
            let descriptor = withUnsafeBytes(of: entry.pointee.d_name) { name -> Int32? in
                var value: Int32 = 0
                var digits = 0
                for byte in name {
                    guard byte != 0 else { break }
                    guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
                    value = value &* 10 &+ Int32(byte &- UInt8(ascii: "0"))
                    digits += 1
                }
                return digits > 0 ? value : nil
            }
            if let descriptor, descriptor != ownDescriptor {
                count += 1
            }
        }
        return count
    }

    /// The soft limit on open file descriptors (`RLIMIT_NOFILE`), as `/proc/self/limits` shows it.
    private static func fileDescriptorLimit() -> Double? {
        var limit = rlimit()
        #if os(Linux) && canImport(Glibc)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return Double(limit.rlim_cur)
    }
}

/// The fields of `/proc/<pid>/stat` the process metrics use (proc(5)).
struct ProcStat: Equatable {
    /// Field 14, `utime`, in clock ticks.
    var userTicks: UInt64
    /// Field 15, `stime`, in clock ticks.
    var systemTicks: UInt64
    /// Field 22, `starttime`: clock ticks after boot when the process started.
    var startTicks: UInt64
    /// Field 23, `vsize`, in bytes.
    var virtualBytes: UInt64
    /// Field 24, `rss`, in pages.
    var residentPages: UInt64

    /// Parses the contents of a `stat` file. The command name (field 2) is in parentheses and may itself contain
    /// spaces and parentheses, so the fields are counted from the last `)`.
    static func parse(_ bytes: [UInt8]?) -> ProcStat? {
        guard let bytes, let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        // Field 3 (state) is the first after the name.
        let fields = bytes[(close + 1)...].split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") }
        )
        func field(_ number: Int) -> UInt64? {
            let index = number - 3
            guard index < fields.count else { return nil }
            return Self.decimal(fields[index])
        }
        guard let user = field(14), let system = field(15), let start = field(22), let virtual = field(23),
            let resident = field(24)
        else { return nil }
        return ProcStat(
            userTicks: user,
            systemTicks: system,
            startTicks: start,
            virtualBytes: virtual,
            residentPages: resident
        )
    }

    /// The `btime` line of `/proc/stat`: boot time in seconds since the Unix epoch.
    static func bootTime(_ bytes: [UInt8]?) -> UInt64? {
        guard let bytes else { return nil }
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let words = line.split(separator: UInt8(ascii: " "))
            if words.count == 2, words[0].elementsEqual("btime".utf8) {
                return Self.decimal(words[1])
            }
        }
        return nil
    }

    private static func decimal(_ digits: ArraySlice<UInt8>) -> UInt64? {
        guard !digits.isEmpty else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}

/// Reads a whole `/proc` file (their reported size is 0, so read until end of file); nil if it cannot be read.
func readProcFile(_ path: String) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count >= 0 else { return nil }
        if count == 0 { return bytes }
        bytes.append(contentsOf: chunk[0..<count])
    }
}
