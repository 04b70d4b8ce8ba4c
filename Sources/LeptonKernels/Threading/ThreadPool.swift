import CLeptonKernels
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
    private let coordinator: Coordinator

    /// Creates a pool that runs loops on `threadCount` threads (the caller included).
    ///
    /// - Parameters:
    ///   - threadCount: The number of threads a loop may use, at least 1.
    ///   - idlePollNanoseconds: How long an idle worker polls for the next loop before it sleeps (1 ms by default).
    package init(threadCount: Int, idlePollNanoseconds: UInt64 = 1_000_000) {
        precondition(threadCount >= 1, "ThreadPool needs at least one thread, got \(threadCount)")
        requestedThreads = Atomic(threadCount)
        coordinator = Coordinator(idlePollNanoseconds: idlePollNanoseconds)
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
        let threads = min(threadCount - coordinator.inlineCallers.load(ordering: .relaxed), count)
        guard threads > 1, busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            coordinator.inlineCallers.wrappingAdd(1, ordering: .relaxed)
            defer { coordinator.inlineCallers.wrappingSubtract(1, ordering: .relaxed) }
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
    package var callersRunningInline: Int { coordinator.inlineCallers.load(ordering: .relaxed) }

    /// The number of workers asleep, waiting for a loop (for tests of the polling rule).
    package var workersAsleep: Int { coordinator.sleepingWorkers.load(ordering: .relaxed) }
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
/// most once and never misses one it is needed for (the caller waits for those).
///
/// An idle worker polls for the next job (1 ms by default) before it sleeps on a condition variable, so loops
/// that follow each other closely (the layers of one training step, with the caller's serial work between them)
/// do not pay for a wake-up each time: waking a sleeping thread costs a system call and, on a virtual machine, an
/// interrupt to an idle virtual CPU. OpenMP runtimes and OpenBLAS poll for the same reason. With a poll of a few
/// microseconds (20,000 loads, as before 2026-12-08) the MLP training step of `lepton-bench mlp-train` ran no
/// faster on 2 threads than on 1 on a 2-vCPU Intel Xeon VM. A worker stops polling at once while a caller runs a
/// loop on its own thread (concurrent requests of a server), since that caller needs the core.
private final class Coordinator: Sendable {
    private struct State {
        var workers = 0
        var job: ParallelJob?
        var shuttingDown = false
    }

    private let state = PthreadMutex(State())
    private let generation = Atomic<Int>(0)
    /// Callers currently running a loop on their own thread (``ThreadPool/parallelFor(_:_:)``'s sharing rule): each
    /// occupies a core, so an idle worker stops polling as soon as there is one and leaves the core to it.
    let inlineCallers = Atomic<Int>(0)
    private let wakeUp = ConditionSignal()
    /// Workers asleep on the condition variable.
    let sleepingWorkers = Atomic<Int>(0)
    /// How long an idle worker polls for the next job before it sleeps.
    private let idlePollNanoseconds: UInt64

    init(idlePollNanoseconds: UInt64) { self.idlePollNanoseconds = idlePollNanoseconds }

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

    /// The monotonic clock in nanoseconds.
    private static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
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
            var idleSince: UInt64 = 0
            while generation.load(ordering: .acquiring) == seen {
                lepton_spin_pause()
                spins += 1
                guard spins % 64 == 0 else { continue }
                let now = Self.monotonicNanoseconds()
                if idleSince == 0 {
                    idleSince = now
                } else if now &- idleSince >= idlePollNanoseconds || inlineCallers.load(ordering: .relaxed) > 0 {
                    sleepingWorkers.wrappingAdd(1, ordering: .relaxed)
                    wakeUp.wait { self.generation.load(ordering: .acquiring) != seen }
                    sleepingWorkers.wrappingSubtract(1, ordering: .relaxed)
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
