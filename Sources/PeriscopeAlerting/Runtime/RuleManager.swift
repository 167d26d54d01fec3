import Logging
import NIOConcurrencyHelpers
import NIOCore
import PeriscopeConfig
import PeriscopeTelemetry

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the configured rule groups inside the gateway: each group on its own aligned schedule on one event
/// loop, fed by a registry snapshot at every evaluation; alerts go to the ``AlertNotifier``; `ALERTS` and
/// `ALERTS_FOR_STATE` are added to `/metrics`; the groups back `/api/v1/rules` and `/api/v1/alerts`.
public final class RuleManager: Sendable {
    public let groups: [RuleGroup]
    public let store: SampleStore
    public let externalLabels: [String: String]
    public let externalURL: String
    let engine: PromQLEngine
    let notifier: AlertNotifier?
    private let registry: MetricsRegistry
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let resendDelay: Int64
    private let metrics: RuleMetrics
    /// The pending evaluation of each group, by group index.
    private let scheduled = NIOLockedValueBox<[Int: Scheduled<Void>]>([:])
    private let stopped = NIOLockedValueBox(false)

    /// Loads and compiles the rule files the config names (relative to `configDirectory`).
    ///
    /// - Throws: ``ConfigErrors`` naming each bad file, group and rule.
    public init(
        config: RulesConfig,
        configDirectory: String,
        registry: MetricsRegistry,
        eventLoop: any EventLoop,
        logger: Logger
    ) throws {
        let files = try Self.load(config, configDirectory: configDirectory)
        let interval = config.evaluationInterval.milliseconds
        self.groups = try RuleCompiler.compile(files, defaultInterval: interval)
        let semantics = PromQLSemantics(rawValue: config.semantics) ?? .prometheus3
        self.engine = PromQLEngine(semantics: semantics, lookbackDelta: 300_000, defaultSubqueryStep: interval)
        self.store = SampleStore(
            retention: self.groups.retentionPolicy(lookbackDelta: 300_000), maxSeries: config.maxStoredSeries)
        self.externalLabels = config.externalLabels
        self.externalURL = config.externalURL
        self.registry = registry
        self.eventLoop = eventLoop
        self.logger = logger
        self.resendDelay = config.resendDelay.milliseconds
        self.notifier =
            config.alertmanagers.isEmpty
            ? nil
            : try AlertNotifier(
                alertmanagers: config.alertmanagers.map { ($0.url, $0.timeout) },
                externalLabels: config.externalLabels,
                capacity: config.notificationQueueCapacity,
                eventLoop: eventLoop,
                registry: registry,
                logger: logger
            )
        self.metrics = RuleMetrics(registry: registry, groups: self.groups)
        let store = self.store
        let metrics = self.metrics
        registry.registerCollector(named: "periscope_rule_store") {
            metrics.update(store.statistics)
        }
        let groups = self.groups
        registry.registerExpositionAppender(named: "ALERTS") { format, out in
            AlertSeriesExposition.append(groups, to: &out)
        }
    }

    /// Loads every rule file (checking them), collecting all errors.
    public static func load(_ config: RulesConfig, configDirectory: String) throws(ConfigErrors) -> [RuleFile] {
        let paths: [String]
        do {
            paths = try RuleFilePaths.resolve(config.files, relativeTo: configDirectory)
        } catch {
            throw ConfigErrors(errors: [ConfigError(file: "", keyPath: "rules.files", message: "\(error)")])
        }
        var files: [RuleFile] = []
        var errors: [ConfigError] = []
        for path in paths {
            do throws(ConfigErrors) {
                files.append(try RuleFileLoader.load(path: path, checks: RuleCompiler.checks))
            } catch {
                errors += error.errors
            }
        }
        var seen: [String: String] = [:]
        for file in files {
            for group in file.groups {
                if let other = seen[group.name] {
                    errors.append(
                        ConfigError(
                            file: file.path,
                            keyPath: "groups",
                            message: "group \"\(group.name)\" is also defined in \(other)",
                            hint: "group names must be unique across the rule files"
                        )
                    )
                }
                seen[group.name] = file.path
            }
        }
        if !errors.isEmpty { throw ConfigErrors(errors: errors) }
        return files
    }

    /// Starts every group's schedule.
    public func start() {
        for index in self.groups.indices {
            self.scheduleNext(index, after: Self.nowMilliseconds())
        }
        self.logger.info("rules loaded", metadata: ["groups": "\(self.groups.count)"])
    }

    /// Stops the schedules (evaluations in progress finish).
    public func stop() {
        self.stopped.withLockedValue { $0 = true }
        let tasks = self.scheduled.withLockedValue { tasks in
            defer { tasks = [:] }
            return tasks
        }
        for task in tasks.values { task.cancel() }
    }

    /// The first slot after `now` on the group's grid: multiples of the interval, shifted by a per-group
    /// offset so groups do not all run at once (Prometheus' `EvalTimestamp`).
    func nextSlot(for group: RuleGroup, after now: Int64) -> Int64 {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in (group.file + "\u{0}" + group.name).utf8 {
            hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211
        }
        let offset = Int64(hash % UInt64(group.interval))
        let base = now - ((now - offset) % group.interval + group.interval) % group.interval
        return base + group.interval
    }

    private func scheduleNext(_ index: Int, after now: Int64) {
        let group = self.groups[index]
        let slot = self.nextSlot(for: group, after: now)
        let task = self.eventLoop.scheduleTask(in: .milliseconds(max(0, slot - Self.nowMilliseconds()))) {
            self.run(group, at: slot)
            let finished = Self.nowMilliseconds()
            let missed = (finished - slot) / group.interval
            if missed > 0 { self.metrics.missed[index].add(Int(missed)) }
            self.scheduleNext(index, after: max(finished, slot))
        }
        let stopped = self.stopped.withLockedValue { $0 }
        if stopped {
            task.cancel()
        } else {
            self.scheduled.withLockedValue { $0[index] = task }
        }
    }

    /// One evaluation of `group` at `ts` (ms): snapshot the registry into the store, run the rules, send alerts.
    public func run(_ group: RuleGroup, at ts: Int64) {
        self.store.ingest(self.registry.snapshot(), at: ts)
        let context = RuleEvaluationContext(
            engine: self.engine,
            source: self.store,
            externalLabels: self.externalLabels,
            externalURL: self.externalURL
        )
        let outcome = group.evaluate(at: ts, context: context, resendDelay: self.resendDelay)
        self.metrics.record(group, outcome: outcome)
        for failure in outcome.failures {
            self.logger.warning(
                "rule evaluation failed",
                metadata: [
                    "group": "\(group.name)", "rule": "\(group.rules[failure.rule].name)", "error": "\(failure.error)",
                ]
            )
        }
        self.notifier?.send(outcome.notifications)
    }

    /// Wall-clock milliseconds since the epoch.
    static func nowMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
