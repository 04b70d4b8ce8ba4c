import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fixed set of worker threads that run the iterations of a parallel loop together with the caller.
///
/// Every multi-core kernel in Lepton goes through ``ThreadPool/shared``. A loop submitted with
/// ``parallelFor(_:_:)`` is split into `count` independent pieces; the calling thread and up to
/// `threadCount - 1` workers take pieces until none are left, and the call returns when all are done.
///
/// Callers decide what is worth splitting: kernels keep small problems on one thread by asking for a
/// single piece, which runs inline without touching the workers. When the pool is already running a
/// loop for another caller (a server handling many requests at once, or a kernel nested in another's
/// piece), the new loop runs inline on its caller's thread instead of waiting: the machine is busy anyway.
///
/// Concurrent callers share the machine rather than fight over it: while other callers are running loops
/// inline, a new parallel loop takes that many fewer threads, so two callers on two cores each settle on one
/// core instead of three threads spinning for two (measured before: two tasks together took 16–33% longer
/// than the same calls made one after the other).
///
/// Every loop runs with denormal floats flushed to zero on every thread that runs a piece, the caller's
/// included, so a result never depends on which thread computed it (the caller's own setting is restored).
package final class ThreadPool: Sendable {
    /// The pool every Lepton kernel uses, sized to the machine's active processors.
    package static let shared = ThreadPool(threadCount: ThreadPool.processorCount)

    /// The number of processors the operating system reports as active.
    package static var processorCount: Int {
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    private let requestedThreads: Atomic<Int>
    private let busy = Atomic<Bool>(false)
    /// Callers currently running a loop on their own thread: each occupies a core the pool cannot use.
    private let inlineCallers = Atomic<Int>(0)
    private let coordinator: Coordinator

    /// Creates a pool that runs loops on `threadCount` threads (the caller included).
    ///
    /// - Parameter threadCount: The number of threads a loop may use, at least 1.
    package init(threadCount: Int) {
        precondition(threadCount >= 1, "ThreadPool needs at least one thread, got \(threadCount)")
        requestedThreads = Atomic(threadCount)
        coordinator = Coordinator()
    }

    deinit {
        coordinator.shutDown()
    }

    /// The number of threads (the caller included) a parallel loop may use.
    ///
    /// Set it to 1 to run every kernel on the calling thread; workers are started lazily, the first time a
    /// loop needs them.
    package var threadCount: Int {
        get { requestedThreads.load(ordering: .relaxed) }
        set {
            precondition(newValue >= 1, "ThreadPool needs at least one thread, got \(newValue)")
            requestedThreads.store(newValue, ordering: .relaxed)
        }
    }

    /// Runs `body(0)`, `body(1)`, …, `body(count - 1)`, spread over the pool's threads, and returns when all
    /// have finished.
    ///
    /// The pieces may run in any order and at the same time, so each must touch memory the others do not
    /// write. With `count <= 1`, with a one-thread pool, while the pool is busy with another loop, or while
    /// other callers running inline leave no second thread, the pieces run in order on the calling thread.
    /// Denormals are flushed to zero on the calling thread while its pieces run, as they always are on workers.
    ///
    /// - Parameters:
    ///   - count: The number of pieces.
    ///   - body: The work of one piece, given its index.
    package func parallelFor(_ count: Int, _ body: (Int) -> Void) {
        let threads = min(threadCount - inlineCallers.load(ordering: .relaxed), count)
        guard threads > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            inlineCallers.wrappingAdd(1, ordering: .relaxed)
            defer { inlineCallers.wrappingSubtract(1, ordering: .relaxed) }
            DenormalFlushing.run {
                for index in 0..<count { body(index) }
            }
            return
        }
        defer { busy.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { escapingBody in
            let job = ParallelJob(count: count, helpers: threads - 1, body: escapingBody)
            DenormalFlushing.run { coordinator.run(job) }
        }
    }

    /// The number of callers running a loop on their own thread right now (for tests of the sharing rule).
    package var callersRunningInline: Int { inlineCallers.load(ordering: .relaxed) }
}

/// One parallel loop: its body, the next unclaimed piece, and how many helpers finished their share.
///
/// `@unchecked Sendable`: `body` is a non-escaping closure made escapable for the duration of
/// ``ThreadPool/parallelFor(_:_:)``, which does not return before every helper has reported completion, so no
/// thread can call it after its caller's frame is gone. The counters are atomics and `generation` is written
/// before the job is published under the coordinator's lock.
private final class ParallelJob: @unchecked Sendable {
    let count: Int
    let helpers: Int
    /// Cleared by the caller once every helper is done, so that no reference to the closure outlives
    /// `withoutActuallyEscaping` (a worker may still hold the job itself for a moment).
    var body: ((Int) -> Void)?
    var generation = 0
    let nextPiece = Atomic<Int>(0)
    let helpersDone = Atomic<Int>(0)

    init(count: Int, helpers: Int, body: @escaping (Int) -> Void) {
        self.count = count
        self.helpers = helpers
        self.body = body
    }

    /// Claims and runs pieces until none are left.
    func work() {
        guard let body else { return }
        while true {
            let piece = nextPiece.wrappingAdd(1, ordering: .relaxed).oldValue
            if piece >= count { return }
            body(piece)
        }
    }
}

/// Starts the worker threads, hands them jobs and waits for them to finish.
///
/// Each published job gets a new generation number. A worker waits until the generation differs from the
/// last one it saw, then reads the job and the generation together under the lock, so it runs each job at
/// most once and never misses one it is needed for (the caller waits for those). Workers spin for a short
/// while before they sleep on a condition variable, so loops that follow each other closely (the layers of
/// one training step) do not pay for a wake-up each time.
private final class Coordinator: Sendable {
    private struct State {
        var workers = 0
        var job: ParallelJob?
        var shuttingDown = false
    }

    private let state = PthreadMutex(State())
    private let generation = Atomic<Int>(0)
    private let wakeUp = ConditionSignal()
    private let spinIterations = 20_000

    func run(_ job: ParallelJob) {
        state.withLock { state in
            let current = generation.load(ordering: .relaxed)
            while state.workers < job.helpers {
                startWorker(index: state.workers, seen: current)
                state.workers += 1
            }
            job.generation = current + 1
            state.job = job
            generation.store(current + 1, ordering: .releasing)
        }
        wakeUp.broadcast()
        job.work()
        var spins = 0
        while job.helpersDone.load(ordering: .acquiring) < job.helpers {
            spins += 1
            if spins > 64 { sched_yield() }
        }
        state.withLock { $0.job = nil }
        job.body = nil
    }

    func shutDown() {
        state.withLock { state in
            state.shuttingDown = true
            generation.wrappingAdd(1, ordering: .releasing)
        }
        wakeUp.broadcast()
    }

    private func startWorker(index: Int, seen: Int) {
        let thread = WorkerThread { [self] in self.workerLoop(index: index, seen: seen) }
        thread.start()
    }

    private func workerLoop(index: Int, seen initiallySeen: Int) {
        DenormalFlushing.enableForCurrentThread()
        var seen = initiallySeen
        while true {
            var spins = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                if spins >= spinIterations {
                    wakeUp.wait { self.generation.load(ordering: .acquiring) != seen }
                }
            }
            let (job, current, stop) = state.withLock { state in
                (state.job, generation.load(ordering: .acquiring), state.shuttingDown)
            }
            seen = current
            if stop { return }
            guard let job, job.generation == current, index < job.helpers else { continue }
            job.work()
            job.helpersDone.wrappingAdd(1, ordering: .releasing)
        }
    }
}
