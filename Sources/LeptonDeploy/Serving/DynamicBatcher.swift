/// Collects single requests into batches and runs them through one batch function.
///
/// A request waits until a batch can be formed: a batch starts as soon as `maxBatchSize` requests wait, or when
/// the oldest waiting request has waited `maxQueueDelay`, and at most `maxBatchesInFlight` batches run at once.
/// Higher ``RequestPriority`` requests are taken first; within a priority, requests keep their arrival order.
///
/// Guarantees: every submitted request ends in exactly one ``RequestOutcome`` and its caller is resumed exactly
/// once — with its own result, ``ServingError/queueFull(capacity:)`` (queue full on arrival),
/// ``ServingError/deadlineExceeded`` (deadline passed before it ran; it is then never run) or `CancellationError`
/// (caller cancelled; a waiting request is removed from the queue, a running one has its result dropped).
///
/// ```swift
/// let batcher = try DynamicBatcher<[Float], [Float]>(configuration: .init(maxBatchSize: 64)) { inputs in
///     inputs.map { input in Result { try predictor.predict(input) } }
/// }
/// let answer = try await batcher.submit(features)
/// ```
public actor DynamicBatcher<Input: Sendable, Output: Sendable> {
    /// The settings of a batcher (``DynamicBatcherConfiguration``).
    public typealias Configuration = DynamicBatcherConfiguration
    /// Runs one batch: it receives the inputs and must return one result per input, in the same order, so that a
    /// bad item fails alone.
    public typealias BatchFunction = @Sendable (_ inputs: [Input]) async -> [Result<Output, any Error>]

    private struct WaitingRequest {
        let input: Input
        let enqueuedAt: ContinuousClock.Instant
        let deadline: ContinuousClock.Instant?
        let continuation: CheckedContinuation<Output, any Error>
    }

    private struct DeadlineEntry: Comparable {
        let deadline: ContinuousClock.Instant
        let id: UInt64

        static func < (lhs: DeadlineEntry, rhs: DeadlineEntry) -> Bool {
            (lhs.deadline, lhs.id) < (rhs.deadline, rhs.id)
        }
    }

    /// The settings this batcher was created with.
    public nonisolated let configuration: Configuration
    private var batchFunction: BatchFunction
    private let observer: (@Sendable (BatcherEvent) -> Void)?
    private let clock = ContinuousClock()

    private var waiting: [UInt64: WaitingRequest] = [:]
    private var queues = [FIFOQueue<UInt64>](repeating: FIFOQueue(), count: RequestPriority.allCases.count)
    private var running: [UInt64: CheckedContinuation<Output, any Error>] = [:]
    private var deadlines = MinHeap<DeadlineEntry>()
    private var nextRequestId: UInt64 = 0
    private var batchesInFlight = 0
    private var timerTarget: ContinuousClock.Instant?
    private var drainWaiters: [CheckedContinuation<Void, Never>] = []

    private var requestsSubmitted = 0
    private var batchesRun = 0
    private var batchSizeCounts: [Int: Int] = [:]
    private var outcomes: [RequestOutcome: Int] = [:]

    /// Creates a batcher.
    /// - Parameters:
    ///   - configuration: batch size, delay, capacity, default timeout and concurrency settings.
    ///   - observer: called on the batcher for every concluded request and finished batch (keep it short; for
    ///     metrics such as ``ServingMetrics``).
    ///   - batchFunction: runs one batch and returns one result per input, in input order.
    /// - Throws: ``ServingError/invalidConfiguration(setting:reason:)`` when a setting is out of range.
    public init(
        configuration: Configuration = Configuration(), observer: (@Sendable (BatcherEvent) -> Void)? = nil,
        batchFunction: @escaping BatchFunction
    ) throws(ServingError) {
        try configuration.validate()
        self.configuration = configuration
        self.observer = observer
        self.batchFunction = batchFunction
    }

    /// Submits one request and waits for its answer.
    /// - Parameters:
    ///   - input: the request's input.
    ///   - priority: how urgently to serve it; higher priorities are batched first.
    ///   - deadline: when the request stops being worth running (default: now + `defaultTimeout`, or never).
    /// - Returns: the batch function's output for this input.
    /// - Throws: ``ServingError/queueFull(capacity:)``, ``ServingError/deadlineExceeded``, `CancellationError`,
    ///   ``ServingError/batchResultCountMismatch(expected:actual:)``, or the error the batch function returned for
    ///   this input.
    public func submit(
        _ input: Input, priority: RequestPriority = .normal, deadline: ContinuousClock.Instant? = nil
    ) async throws -> Output {
        let id = nextRequestId
        nextRequestId &+= 1
        requestsSubmitted += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                enqueue(id: id, input: input, priority: priority, deadline: deadline, continuation: continuation)
            }
        } onCancel: {
            Task { await self.cancel(requestId: id) }
        }
    }

    /// Waits until every request submitted so far (waiting or running) has been answered. While a caller is
    /// draining, partial batches start without waiting for `maxQueueDelay`.
    public func drain() async {
        guard !isIdle else { return }
        await withCheckedContinuation { continuation in
            drainWaiters.append(continuation)
            pump()
        }
    }

    /// Replaces the batch function. Batches already started finish with the old function; every later batch uses
    /// the new one.
    /// - Parameter batchFunction: the new batch function.
    public func replaceBatchFunction(_ batchFunction: @escaping BatchFunction) {
        self.batchFunction = batchFunction
    }

    /// Queue length, batch counts, the batch-size histogram and requests by outcome, as of now.
    public var statistics: BatcherStatistics {
        BatcherStatistics(
            queueLength: waiting.count, batchesInFlight: batchesInFlight, batchesRun: batchesRun,
            batchSizeCounts: batchSizeCounts, requestsSubmitted: requestsSubmitted, outcomes: outcomes)
    }

    private var isIdle: Bool { waiting.isEmpty && batchesInFlight == 0 }

    private func enqueue(
        id: UInt64, input: Input, priority: RequestPriority, deadline: ContinuousClock.Instant?,
        continuation: CheckedContinuation<Output, any Error>
    ) {
        if Task.isCancelled {
            return conclude(continuation, .failure(CancellationError()), as: .cancelled)
        }
        if waiting.count >= configuration.queueCapacity {
            return conclude(
                continuation, .failure(ServingError.queueFull(capacity: configuration.queueCapacity)), as: .rejected)
        }
        let now = clock.now
        let effectiveDeadline = deadline ?? configuration.defaultTimeout.map { now + $0 }
        if let effectiveDeadline, effectiveDeadline <= now {
            return conclude(continuation, .failure(ServingError.deadlineExceeded), as: .expired)
        }
        waiting[id] = WaitingRequest(
            input: input, enqueuedAt: now, deadline: effectiveDeadline, continuation: continuation)
        queues[priority.rawValue].append(id)
        if let effectiveDeadline { deadlines.push(DeadlineEntry(deadline: effectiveDeadline, id: id)) }
        pump()
    }

    private func cancel(requestId id: UInt64) {
        if let request = waiting.removeValue(forKey: id) {
            conclude(request.continuation, .failure(CancellationError()), as: .cancelled)
            resumeDrainWaitersIfIdle()
        } else if let continuation = running.removeValue(forKey: id) {
            conclude(continuation, .failure(CancellationError()), as: .cancelled)
        }
    }

    private func conclude(
        _ continuation: CheckedContinuation<Output, any Error>, _ result: Result<Output, any Error>,
        as outcome: RequestOutcome
    ) {
        outcomes[outcome, default: 0] += 1
        continuation.resume(with: result)
        observer?(.requestConcluded(outcome))
    }

    /// Expires overdue requests, starts every batch that is due, and arms the timer for the next event.
    private func pump() {
        let now = clock.now
        expireOverdueRequests(now: now)
        while batchesInFlight < configuration.maxBatchesInFlight, let oldest = oldestWaitingSince() {
            let isFull = waiting.count >= configuration.maxBatchSize
            let isDue = oldest + configuration.maxQueueDelay <= now
            let isIdle = configuration.dispatchWhenIdle && batchesInFlight == 0
            guard isFull || isDue || isIdle || !drainWaiters.isEmpty else { break }
            startBatch(now: now)
        }
        armTimer()
        resumeDrainWaitersIfIdle()
    }

    private func expireOverdueRequests(now: ContinuousClock.Instant) {
        while let earliest = deadlines.min, earliest.deadline <= now {
            deadlines.popMin()
            if let request = waiting.removeValue(forKey: earliest.id) {
                conclude(request.continuation, .failure(ServingError.deadlineExceeded), as: .expired)
            }
        }
    }

    /// The arrival time of the oldest waiting request; drops queue entries of requests that already left.
    private func oldestWaitingSince() -> ContinuousClock.Instant? {
        var oldest: ContinuousClock.Instant?
        for priority in queues.indices {
            while let id = queues[priority].first, waiting[id] == nil { _ = queues[priority].popFirst() }
            if let id = queues[priority].first, let request = waiting[id] {
                oldest = min(oldest ?? request.enqueuedAt, request.enqueuedAt)
            }
        }
        return oldest
    }

    private func startBatch(now: ContinuousClock.Instant) {
        var ids: [UInt64] = []
        var inputs: [Input] = []
        var queueWaits: [Duration] = []
        for priority in queues.indices.reversed() {
            while ids.count < configuration.maxBatchSize, let id = queues[priority].popFirst() {
                guard let request = waiting.removeValue(forKey: id) else { continue }
                ids.append(id)
                inputs.append(request.input)
                queueWaits.append(now - request.enqueuedAt)
                running[id] = request.continuation
            }
        }
        guard !ids.isEmpty else { return }
        batchesInFlight += 1
        batchesRun += 1
        batchSizeCounts[ids.count, default: 0] += 1
        let function = batchFunction
        Task.detached { [inputs] in
            let start = ContinuousClock.now
            let results = await function(inputs)
            let computeTime = ContinuousClock.now - start
            await self.completeBatch(ids: ids, results: results, queueWaits: queueWaits, computeTime: computeTime)
        }
    }

    private func completeBatch(
        ids: [UInt64], results: [Result<Output, any Error>], queueWaits: [Duration], computeTime: Duration
    ) {
        batchesInFlight -= 1
        for (index, id) in ids.enumerated() {
            guard let continuation = running.removeValue(forKey: id) else { continue }  // cancelled: dropped
            let result: Result<Output, any Error> =
                results.count == ids.count
                ? results[index]
                : .failure(ServingError.batchResultCountMismatch(expected: ids.count, actual: results.count))
            switch result {
            case .success: conclude(continuation, result, as: .succeeded)
            case .failure: conclude(continuation, result, as: .failed)
            }
        }
        observer?(.batchFinished(BatchReport(size: ids.count, queueWaits: queueWaits, computeTime: computeTime)))
        pump()
    }

    /// Arms one timer for the earliest of: the oldest request's flush time (when a batch slot is free) and the
    /// earliest deadline of a waiting request.
    private func armTimer() {
        while let earliest = deadlines.min, waiting[earliest.id] == nil { deadlines.popMin() }
        var wake = deadlines.min?.deadline
        if batchesInFlight < configuration.maxBatchesInFlight, let oldest = oldestWaitingSince() {
            let flush = oldest + configuration.maxQueueDelay
            wake = min(wake ?? flush, flush)
        }
        guard let wake else { return }
        if let timerTarget, timerTarget <= wake { return }
        timerTarget = wake
        Task.detached { [clock] in
            try? await clock.sleep(until: wake, tolerance: nil)
            await self.timerFired(target: wake)
        }
    }

    private func timerFired(target: ContinuousClock.Instant) {
        if timerTarget == target { timerTarget = nil }
        pump()
    }

    private func resumeDrainWaitersIfIdle() {
        guard isIdle, !drainWaiters.isEmpty else { return }
        let waiters = drainWaiters
        drainWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }
}
