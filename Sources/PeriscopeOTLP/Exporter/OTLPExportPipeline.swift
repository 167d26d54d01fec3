import Logging
import NIOConcurrencyHelpers
import NIOCore
import PeriscopeTelemetry

/// The export side of one signal: a bounded queue of items, cut into batches, encoded, and POSTed to the
/// collector with retries — one export in flight at a time.
///
/// - **Never blocks producers.** ``offer(_:)`` appends under a short lock and returns; when the queue holds
///   ``OTLPExporterConfiguration/BatchSettings/maxQueueSize`` items the new item is dropped and counted
///   (`reason="queue_full"`).
/// - **Batching.** An export starts when the queue reaches `maxExportBatchSize` items, or `scheduleDelay` after
///   the first item arrived in an idle pipeline, whichever comes first. An export takes at most
///   `maxExportBatchSize` items; if a full batch is left when it ends, the next export starts at once.
/// - **Retries.** Transient failures (``OTLPHTTPResult/retryableFailure(_:retryAfter:)``) are retried with the
///   ``OTLPRetryPolicy`` (exponential backoff, full jitter, `Retry-After` honoured when longer) until its
///   `maxElapsedTime`; then the batch is counted as failed and its items as dropped (`export_failed`).
///   Permanent failures (400 and every other non-retryable status) are never retried. A 2xx response with a
///   `partial_success` is not retried either: the rejected items are counted (`rejected`) and the collector's
///   message is logged.
/// - **Drain.** ``forceFlush()`` exports everything offered before the call; ``shutdown(deadline:)`` stops
///   accepting items, flushes, and at the deadline gives up: queued items are dropped (`shutdown`), a pending
///   retry is cancelled and the request in flight is cut off (`export_failed`).
///
/// The pipeline's work runs on its client's event loop; encoding runs there too, once per batch (gzip as well,
/// so retries resend the same bytes).
///
/// Metrics, registered in the given registry and labelled `signal="traces"|"metrics"`:
/// - `periscope_otlp_exports_total{signal,result}`: each batch ends as exactly one `success`, `partial` or
///   `failed`; every retried attempt before that adds one `retryable_failure`.
/// - `periscope_otlp_export_duration_seconds{signal}`: each HTTP attempt, whatever its outcome.
/// - `periscope_otlp_queue_length{signal}` and `periscope_otlp_queue_capacity{signal}`.
/// - `periscope_otlp_items_exported_total{signal}`: items the collector accepted.
/// - `periscope_otlp_items_dropped_total{signal,reason}`: `queue_full`, `export_failed`, `rejected` (in a
///   `partial_success`), `shutdown` (offered after shutdown began, or queued at its deadline).
///
/// Every offered item is eventually counted once, as exported or dropped; at any moment
/// `offered = exported + dropped + queued + in flight`.
public final class OTLPExportPipeline<Item: Sendable>: Sendable {
    /// Turns a batch into the request body (`Export<Signal>ServiceRequest` bytes). A throw drops the batch
    /// (`export_failed`).
    public typealias Encode = @Sendable ([Item]) throws -> ByteBuffer
    /// Reads a 2xx response body: `nil` when it has no `partial_success`, else the rejected count (in items) and
    /// the collector's message.
    public typealias ParsePartialSuccess = @Sendable ([UInt8]) -> (rejected: Int, message: String)?
    /// How many collector units (spans, data points) an item stands for, when an item is not one unit — say an
    /// item is a whole encoded metrics collection. The exported and dropped counters, and the clamping of a
    /// partial success's rejected count, use these units; the queue and batch sizes still count items.
    public typealias Weigh = @Sendable (Item) -> Int
    /// Called on the event loop with the pipeline when an export ends (before the next step is decided) and just
    /// before each batch is taken from the queue, so that a producer that keeps items elsewhere (the span rings) can
    /// top the queue up with ``offer(contentsOf:)`` as exports free room, in a wake-up the export costs anyway
    /// instead of one of its own.
    public typealias Refill = @Sendable (OTLPExportPipeline<Item>) -> Void

    /// The signal exported.
    public let signal: OTLPSignal
    /// The HTTP client the pipeline sends with.
    public let client: OTLPHTTPClient
    /// Queue and batch sizes, and the schedule delay.
    public let batchSettings: OTLPExporterConfiguration.BatchSettings
    /// How transient failures are retried.
    public let retryPolicy: OTLPRetryPolicy

    private let eventLoop: any EventLoop
    private let logger: Logger
    private let metrics: OTLPExporterMetrics
    private let encode: Encode
    private let parsePartialSuccess: ParsePartialSuccess
    private let weigh: Weigh?
    private let refill: Refill?
    private let state: NIOLockedValueBox<State>

    /// A pipeline that sends with `client`.
    ///
    /// - Parameters:
    ///   - batch: Queue and batch sizes (a batch size above the queue size is lowered to it) and schedule delay.
    ///   - registry: Where the exporter's metrics are registered (families shared by the signals).
    ///   - logger: Gets `otlp.signal` and `otlp.endpoint` metadata.
    ///   - weigh: The units an item counts for in the metrics; `nil` means 1 per item.
    ///   - refill: Runs when an export ends and before each batch is taken (see ``Refill``); `nil` for none.
    ///   - encode: Builds a request body from a batch.
    ///   - parsePartialSuccess: Reads a 2xx body; ``OTLPResponseBody/partialSuccess(_:)`` fits both signals.
    public init(
        signal: OTLPSignal,
        client: OTLPHTTPClient,
        batch: OTLPExporterConfiguration.BatchSettings,
        retryPolicy: OTLPRetryPolicy = .default,
        registry: MetricsRegistry,
        logger: Logger,
        weigh: Weigh? = nil,
        refill: Refill? = nil,
        encode: @escaping Encode,
        parsePartialSuccess: @escaping ParsePartialSuccess = OTLPResponseBody.partialSuccess
    ) {
        var batch = batch
        batch.maxQueueSize = max(1, batch.maxQueueSize)
        batch.maxExportBatchSize = min(max(1, batch.maxExportBatchSize), batch.maxQueueSize)
        self.signal = signal
        self.client = client
        self.batchSettings = batch
        self.retryPolicy = retryPolicy
        self.eventLoop = client.eventLoop
        var logger = logger
        logger[metadataKey: "otlp.signal"] = "\(signal)"
        logger[metadataKey: "otlp.endpoint"] = "\(client.endpoint)"
        self.logger = logger
        self.metrics = OTLPExporterMetrics(registry: registry, signal: signal)
        self.encode = encode
        self.parsePartialSuccess = parsePartialSuccess
        self.weigh = weigh
        self.refill = refill
        self.state = NIOLockedValueBox(State(batchSize: batch.maxExportBatchSize))
        self.metrics.queueCapacity.set(Double(batch.maxQueueSize))
        self.metrics.queueLength.set(0)
    }

    /// A pipeline for `signal` as `configuration` sets it up, with its own ``OTLPHTTPClient`` on `eventLoop`.
    ///
    /// - Throws: ``OTLPHTTPClientError`` for an `https` endpoint.
    public convenience init(
        signal: OTLPSignal,
        configuration: OTLPExporterConfiguration,
        eventLoop: any EventLoop,
        userAgent: String = OTLPHTTPClient.defaultUserAgent,
        retryPolicy: OTLPRetryPolicy = .default,
        registry: MetricsRegistry,
        logger: Logger,
        weigh: Weigh? = nil,
        refill: Refill? = nil,
        encode: @escaping Encode,
        parsePartialSuccess: @escaping ParsePartialSuccess = OTLPResponseBody.partialSuccess
    ) throws(OTLPHTTPClientError) {
        self.init(
            signal: signal,
            client: try OTLPHTTPClient(
                signal: signal,
                configuration: configuration,
                eventLoop: eventLoop,
                userAgent: userAgent
            ),
            batch: configuration.batch,
            retryPolicy: retryPolicy,
            registry: registry,
            logger: logger,
            weigh: weigh,
            refill: refill,
            encode: encode,
            parsePartialSuccess: parsePartialSuccess
        )
    }

    // MARK: - Producers

    /// Queues `item` for export; returns at once. `false` if it was dropped: the queue was full, or shutdown had
    /// begun (both counted).
    @discardableResult
    public func offer(_ item: Item) -> Bool {
        let outcome = self.state.withLockedValue { state -> Offer in
            guard state.phase == .running else { return .refused(.shutdown, firstDrop: false) }
            guard state.queue.count < self.batchSettings.maxQueueSize else {
                let first = !state.dropping
                state.dropping = true
                return .refused(.queueFull, firstDrop: first)
            }
            state.queue.append(item)
            state.accepted += 1
            state.publishQueueLength(to: self.metrics.queueLength)
            return .accepted(self.nextStep(after: &state))
        }
        switch outcome {
        case .accepted(let step):
            self.perform(step)
            return true
        case .refused(let reason, let firstDrop):
            self.countRefused(self.weigh?(item) ?? 1, reason: reason, firstDrop: firstDrop)
            return false
        }
    }

    /// Queues as many of `items` as fit; returns how many were accepted (the rest are dropped and counted).
    @discardableResult
    public func offer(contentsOf items: some Collection<Item>) -> Int {
        guard !items.isEmpty else { return 0 }
        let (accepted, refused, step) = self.state.withLockedValue {
            state -> (Int, (OTLPExporterMetrics.DropReason, firstDrop: Bool)?, Step) in
            guard state.phase == .running else {
                return (0, (.shutdown, false), .nothing)
            }
            let room = max(0, self.batchSettings.maxQueueSize - state.queue.count)
            let taken = min(room, items.count)
            if taken > 0 { state.queue.append(contentsOf: items.prefix(taken)) }
            state.accepted += taken
            var refused: (OTLPExporterMetrics.DropReason, firstDrop: Bool)?
            if taken < items.count {
                refused = (.queueFull, !state.dropping)
                state.dropping = true
            }
            state.publishQueueLength(to: self.metrics.queueLength)
            let step = taken > 0 ? self.nextStep(after: &state) : .nothing
            return (taken, refused, step)
        }
        self.perform(step)
        if let (reason, firstDrop) = refused {
            self.countRefused(self.weight(of: items.dropFirst(accepted)), reason: reason, firstDrop: firstDrop)
        }
        return accepted
    }

    /// Items waiting in the queue (not counting the batch in flight).
    public var queueLength: Int {
        self.state.withLockedValue { $0.queue.count }
    }

    /// Items the queue can take now without dropping any: 0 once shutdown began.
    public var room: Int {
        self.state.withLockedValue { state in
            state.phase == .running ? max(0, self.batchSettings.maxQueueSize - state.queue.count) : 0
        }
    }

    // MARK: - Drain

    /// Exports everything offered before this call (in as many batches as needed, retries included); completes
    /// when each of those items is exported or dropped. Never fails.
    public func forceFlushFuture() -> EventLoopFuture<Void> {
        let promise = self.eventLoop.makePromise(of: Void.self)
        let step = self.state.withLockedValue { state -> Step? in
            guard state.settled < state.accepted else { return nil }
            state.waiters.append(Waiter(target: state.accepted, promise: promise))
            guard !state.exporting else { return .nothing }
            state.exporting = true
            return .exportNow
        }
        if let step {
            self.perform(step)
        } else {
            promise.succeed()
        }
        return promise.futureResult
    }

    /// Exports everything offered before this call, and waits (see ``forceFlushFuture()``).
    public func forceFlush() async {
        try? await self.forceFlushFuture().get()
    }

    /// Stops accepting items, exports what is queued, then closes the client. At `deadline` it stops waiting:
    /// queued items are dropped (`reason="shutdown"`), a pending retry is cancelled, and the request in flight is
    /// cut off (its batch counts as failed). Retries that would wait past `deadline` are not attempted. Calling it
    /// again returns the first call's future. Never fails.
    public func shutdownFuture(deadline: NIODeadline) -> EventLoopFuture<Void> {
        let promise = self.eventLoop.makePromise(of: Void.self)
        let existing = self.state.withLockedValue { state -> EventLoopFuture<Void>? in
            if let future = state.shutdownFuture { return future }
            state.phase = .draining
            state.shutdownDeadline = deadline
            state.shutdownFuture = promise.futureResult
            return nil
        }
        if let existing {
            return existing
        }
        let giveUp = self.eventLoop.scheduleTask(deadline: deadline) { self.abandon() }
        self.forceFlushFuture().flatMap {
            giveUp.cancel()
            return self.client.shutdownFuture()
        }.whenComplete { _ in
            promise.succeed()
        }
        return promise.futureResult
    }

    /// Stops accepting items, drains until `deadline`, closes the client, and waits (see
    /// ``shutdownFuture(deadline:)``).
    public func shutdown(deadline: NIODeadline) async {
        try? await self.shutdownFuture(deadline: deadline).get()
    }

    // MARK: - State

    private enum Phase {
        /// Accepting items.
        case running
        /// Shutdown began: no new items, exporting what is queued.
        case draining
        /// The shutdown deadline passed: nothing more is sent.
        case abandoned
    }

    /// What ``exportNext()`` takes from the queue: a batch, or nothing and the waiters to complete.
    private enum Taken {
        case batch([Item])
        case idle([Waiter])
    }

    private struct Waiter {
        /// Done when this many items have been settled.
        var target: Int
        var promise: EventLoopPromise<Void>
    }

    private struct State {
        /// Batches of items waiting (each export takes the first whole).
        var queue: OTLPBatchQueue<Item>
        /// Items ever accepted into the queue.
        var accepted = 0
        /// Items taken out of the queue and done with: exported, rejected, failed, or dropped at the deadline.
        var settled = 0
        /// An export is running, or about to start (on the event loop).
        var exporting = false
        /// A schedule-delay timer is pending.
        var timerArmed = false
        /// Items are being dropped because the queue is full (logged once per episode).
        var dropping = false
        var waiters: [Waiter] = []
        var phase = Phase.running
        var shutdownDeadline: NIODeadline?
        var shutdownFuture: EventLoopFuture<Void>?
        /// The wait before a retry, cancelled at the shutdown deadline.
        var backoff: Scheduled<Void>?

        init(batchSize: Int) {
            self.queue = OTLPBatchQueue(batchSize: batchSize)
        }

        /// Sets the queue-length gauge; called under the lock, so concurrent updates land in queue order.
        func publishQueueLength(to gauge: GaugeHandle) {
            gauge.set(Double(self.queue.count))
        }

        /// Removes and returns the waiters whose items are all settled.
        mutating func takeFinishedWaiters() -> [Waiter] {
            guard !self.waiters.isEmpty else { return [] }
            let settled = self.settled
            let done = self.waiters.filter { $0.target <= settled }
            self.waiters.removeAll { $0.target <= settled }
            return done
        }
    }

    private enum Step {
        case nothing
        case exportNow
        case armTimer
    }

    private enum Offer {
        case accepted(Step)
        case refused(OTLPExporterMetrics.DropReason, firstDrop: Bool)
    }

    /// What to start after items were added (called under the lock).
    private func nextStep(after state: inout State) -> Step {
        guard !state.exporting else { return .nothing }
        if state.queue.count >= self.batchSettings.maxExportBatchSize {
            state.exporting = true
            return .exportNow
        }
        guard !state.timerArmed else { return .nothing }
        state.timerArmed = true
        return .armTimer
    }

    private func perform(_ step: Step) {
        switch step {
        case .nothing:
            break
        case .exportNow:
            self.eventLoop.execute { self.exportNext() }
        case .armTimer:
            let delay = TimeAmount.nanoseconds(OTLPRetryPolicy.nanoseconds(self.batchSettings.scheduleDelay))
            self.eventLoop.scheduleTask(in: delay) { self.timerFired() }
        }
    }

    /// The units `items` count for in the metrics.
    private func weight(of items: some Sequence<Item>) -> Int {
        guard let weigh = self.weigh else { return items.reduce(0) { count, _ in count + 1 } }
        return items.reduce(0) { $0 + max(0, weigh($1)) }
    }

    private func countRefused(_ count: Int, reason: OTLPExporterMetrics.DropReason, firstDrop: Bool) {
        switch reason {
        case .queueFull:
            self.metrics.droppedQueueFull.add(count)
            if firstDrop {
                self.logger.warning(
                    "OTLP export queue full; dropping items until it drains",
                    metadata: ["otlp.max_queue_size": "\(self.batchSettings.maxQueueSize)"]
                )
            }
        case .shutdown:
            self.metrics.droppedShutdown.add(count)
        case .exportFailed, .rejected:
            break
        }
    }

    // MARK: - Exporting (on the event loop)

    private func timerFired() {
        let start = self.state.withLockedValue { state -> Bool in
            state.timerArmed = false
            guard !state.exporting, !state.queue.isEmpty, state.phase != .abandoned else { return false }
            state.exporting = true
            return true
        }
        if start {
            self.exportNext()
        }
    }

    /// Takes the next batch and exports it; with nothing to take, goes idle.
    private func exportNext() {
        self.refill?(self)
        // The queue's first batch is taken whole (no copy); it goes back to the queue to be refilled once encoded.
        let taken = self.state.withLockedValue { state -> Taken in
            guard state.phase != .abandoned, !state.queue.isEmpty else {
                state.exporting = false
                return .idle(state.takeFinishedWaiters())
            }
            let batch = state.queue.takeBatch()
            state.dropping = false
            state.publishQueueLength(to: self.metrics.queueLength)
            return .batch(batch)
        }
        var batch: [Item]
        switch consume taken {
        case .batch(let taken):
            batch = taken
        case .idle(let waiters):
            for waiter in waiters {
                waiter.promise.succeed()
            }
            return
        }
        let count = batch.count
        // The batch is encoded before `export` returns; its storage is free again after.
        let exported = self.export(batch)
        batch.removeAll(keepingCapacity: true)
        self.state.withLockedValue { $0.queue.recycle(batch) }
        exported.whenComplete { _ in
            self.batchSettled(count)
        }
    }

    /// Books a finished batch and decides what comes next.
    private func batchSettled(_ count: Int) {
        self.refill?(self)
        let maxBatch = self.batchSettings.maxExportBatchSize
        let (step, waiters) = self.state.withLockedValue { state -> (Step, [Waiter]) in
            state.settled += count
            let waiters = state.takeFinishedWaiters()
            if state.phase == .abandoned || state.queue.isEmpty {
                state.exporting = false
                return (.nothing, waiters)
            }
            if state.queue.count >= maxBatch || !state.waiters.isEmpty || state.phase == .draining {
                return (.exportNow, waiters)
            }
            state.exporting = false
            guard !state.timerArmed else { return (.nothing, waiters) }
            state.timerArmed = true
            return (.armTimer, waiters)
        }
        for waiter in waiters {
            waiter.promise.succeed()
        }
        self.perform(step)
    }

    /// Encodes and sends one batch, retrying as the policy allows. Never fails.
    private func export(_ batch: [Item]) -> EventLoopFuture<Void> {
        let weight = self.weight(of: batch)
        let body: ByteBuffer
        do {
            body = try self.encode(batch)
        } catch {
            self.metrics.failed.increment()
            self.metrics.droppedExportFailed.add(weight)
            self.logger.error(
                "OTLP export batch could not be encoded; dropped",
                metadata: ["otlp.items": "\(weight)", "error": "\(error)"]
            )
            return self.eventLoop.makeSucceededVoidFuture()
        }
        let request = self.client.makeRequest(body)
        return self.attempt(request, count: weight, retry: 0, firstStart: .now())
    }

    private func attempt(
        _ request: OTLPHTTPRequest,
        count: Int,
        retry: Int,
        firstStart: NIODeadline
    ) -> EventLoopFuture<Void> {
        let start = NIODeadline.now()
        return self.client.sendFuture(request).flatMap { result in
            self.metrics.duration.observe(Double((NIODeadline.now() - start).nanoseconds) / 1e9)
            switch result {
            case .success(_, let body):
                self.recordSuccess(body: body, count: count)
                return self.eventLoop.makeSucceededVoidFuture()
            case .permanentFailure(let failure):
                self.recordFailure(count: count, attempts: retry + 1, reason: failure, retryable: false)
                return self.eventLoop.makeSucceededVoidFuture()
            case .retryableFailure(let failure, let retryAfter):
                self.metrics.retryableFailure.increment()
                guard let delay = self.retryDelay(retry: retry + 1, retryAfter: retryAfter, firstStart: firstStart)
                else {
                    self.recordFailure(count: count, attempts: retry + 1, reason: failure, retryable: true)
                    return self.eventLoop.makeSucceededVoidFuture()
                }
                self.logger.warning(
                    "OTLP export failed; retrying",
                    metadata: [
                        "error": "\(failure)", "otlp.attempt": "\(retry + 1)",
                        "otlp.retry_in_ms": "\(delay.nanoseconds / 1_000_000)",
                        "otlp.retry_after": "\(retryAfter.map { "\($0)" } ?? "none")",
                    ]
                )
                let wait = self.eventLoop.scheduleTask(in: delay) {}
                let waiting = self.state.withLockedValue { state -> Bool in
                    guard state.phase != .abandoned else { return false }
                    state.backoff = wait
                    return true
                }
                if !waiting {
                    wait.cancel()
                }
                return wait.futureResult.map { true }.recover { _ in false }.flatMap { waited in
                    self.state.withLockedValue { $0.backoff = nil }
                    guard waited else {
                        // Cancelled at the shutdown deadline.
                        self.recordFailure(count: count, attempts: retry + 1, reason: failure, retryable: true)
                        return self.eventLoop.makeSucceededVoidFuture()
                    }
                    return self.attempt(request, count: count, retry: retry + 1, firstStart: firstStart)
                }
            }
        }
    }

    /// The wait before retry `retry`, or `nil` to give up: shutdown's deadline passed or would pass first, or the
    /// policy's time is up.
    private func retryDelay(retry: Int, retryAfter: Duration?, firstStart: NIODeadline) -> TimeAmount? {
        let (phase, deadline) = self.state.withLockedValue { ($0.phase, $0.shutdownDeadline) }
        guard phase != .abandoned else { return nil }
        var generator = SystemRandomNumberGenerator()
        let delay = TimeAmount.nanoseconds(
            OTLPRetryPolicy.nanoseconds(self.retryPolicy.delay(retry: retry, retryAfter: retryAfter, using: &generator))
        )
        let resume = NIODeadline.now() + delay
        let budget = TimeAmount.nanoseconds(OTLPRetryPolicy.nanoseconds(self.retryPolicy.maxElapsedTime))
        if resume - firstStart > budget { return nil }
        if let deadline, resume >= deadline { return nil }
        return delay
    }

    private func recordSuccess(body: [UInt8], count: Int) {
        guard let partial = self.parsePartialSuccess(body), partial.rejected > 0 || !partial.message.isEmpty else {
            self.metrics.success.increment()
            self.metrics.exported.add(count)
            return
        }
        let rejected = min(max(partial.rejected, 0), count)
        self.metrics.partial.increment()
        self.metrics.exported.add(count - rejected)
        self.metrics.droppedRejected.add(rejected)
        self.logger.warning(
            "OTLP collector accepted the export partially",
            metadata: [
                "otlp.items": "\(count)", "otlp.rejected": "\(partial.rejected)",
                "otlp.message": "\(partial.message)",
            ]
        )
    }

    private func recordFailure(count: Int, attempts: Int, reason: OTLPHTTPFailure, retryable: Bool) {
        self.metrics.failed.increment()
        self.metrics.droppedExportFailed.add(count)
        self.logger.error(
            retryable
                ? "OTLP export failed; giving up on the batch after retries"
                : "OTLP export failed permanently; batch dropped",
            metadata: ["error": "\(reason)", "otlp.items": "\(count)", "otlp.attempts": "\(attempts)"]
        )
    }

    /// At the shutdown deadline: drop what is queued, cancel a pending retry, cut off the request in flight.
    private func abandon() {
        let (dropped, backoff, waiters) = self.state.withLockedValue {
            state -> (Int, Scheduled<Void>?, [Waiter]) in
            guard state.phase == .draining else { return (0, nil, []) }
            state.phase = .abandoned
            let dropped = self.weight(of: state.queue.items)
            state.settled += state.queue.count
            state.queue.removeAll()
            state.publishQueueLength(to: self.metrics.queueLength)
            let backoff = state.backoff
            state.backoff = nil
            return (dropped, backoff, state.takeFinishedWaiters())
        }
        if dropped > 0 {
            self.metrics.droppedShutdown.add(dropped)
            self.logger.warning(
                "OTLP exporter shutdown deadline reached; dropping queued items",
                metadata: ["otlp.items": "\(dropped)"]
            )
        }
        backoff?.cancel()
        for waiter in waiters {
            waiter.promise.succeed()
        }
        _ = self.client.shutdownFuture()
    }
}
