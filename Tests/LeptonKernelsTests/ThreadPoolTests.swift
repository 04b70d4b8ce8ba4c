import Foundation
import Synchronization
import Testing

@testable import LeptonKernels

/// The thread that ran each piece of a loop, as `pthread_self` values.
private final class PieceThreads: Sendable {
    private let threads = PthreadMutex<[Int: UInt]>([:])

    func record(_ piece: Int) {
        #if os(Linux)
            let current = UInt(pthread_self())
        #else
            let current = UInt(bitPattern: pthread_self())
        #endif
        threads.withLock { $0[piece] = current }
    }

    var distinct: Set<UInt> { threads.withLock { Set($0.values) } }
}

@Suite("Thread pool: sharing between callers and denormal handling")
struct ThreadPoolTests {
    @Test("two pieces run at the same time on a two-thread pool with no other caller")
    func piecesRunConcurrently() {
        let pool = ThreadPool(threadCount: 2)
        let arrived = Atomic<Int>(0)
        let bothArrived = Atomic<Bool>(false)
        pool.parallelFor(2) { _ in
            arrived.wrappingAdd(1, ordering: .relaxed)
            // Each piece waits (at most 10 s) for the other: only possible if they run on two threads.
            let deadline = Date().addingTimeInterval(10)
            while arrived.load(ordering: .relaxed) < 2 && Date() < deadline { sched_yield() }
            if arrived.load(ordering: .relaxed) == 2 { bothArrived.store(true, ordering: .relaxed) }
        }
        let ranTogether = bothArrived.load(ordering: .relaxed)
        #expect(ranTogether)
    }

    @Test("an idle worker stops polling and sleeps as soon as a caller runs a loop on its own thread")
    func idleWorkerYieldsItsCoreToAnInlineCaller() {
        // A poll of 100 s: without the rule, the worker would still be polling when the deadline below passes.
        let pool = ThreadPool(threadCount: 2, idlePollNanoseconds: 100_000_000_000)
        pool.parallelFor(2) { _ in }  // starts the worker, which then polls for the next loop
        var asleep = false
        // A single-piece loop runs inline: the caller counts as occupying a core.
        pool.parallelFor(1) { _ in
            let deadline = Date().addingTimeInterval(10)
            while pool.workersAsleep == 0 && Date() < deadline { sched_yield() }
            asleep = pool.workersAsleep == 1
        }
        #expect(asleep)
        // The sleeping worker is woken for the next parallel loop.
        let ran = Atomic<Int>(0)
        pool.parallelFor(8) { _ in ran.wrappingAdd(1, ordering: .relaxed) }
        #expect(ran.load(ordering: .relaxed) == 8)
    }

    @Test("a loop runs on its caller's thread alone while another caller occupies a core inline")
    func concurrentCallersShareTheCores() {
        let pool = ThreadPool(threadCount: 2)
        let holderInside = DispatchSemaphore(value: 0)
        let releaseHolder = DispatchSemaphore(value: 0)
        let holderDone = DispatchSemaphore(value: 0)
        // A caller whose single-piece loop runs inline (one piece never touches the workers) and blocks there.
        let holder = Thread {
            pool.parallelFor(1) { _ in
                holderInside.signal()
                releaseHolder.wait()
            }
            holderDone.signal()
        }
        holder.start()
        holderInside.wait()
        #expect(pool.callersRunningInline == 1)
        let threads = PieceThreads()
        pool.parallelFor(64) { piece in
            threads.record(piece)
            usleep(100)
        }
        // The holder takes one of the two cores, so this loop must not start a worker thread for the other.
        #expect(threads.distinct.count == 1)
        releaseHolder.signal()
        holderDone.wait()
        #expect(pool.callersRunningInline == 0)
    }

    @Test("pieces on the calling thread flush denormals as the workers do, and the caller's setting comes back")
    func callerFlushesDenormals() {
        let pool = ThreadPool(threadCount: 1)
        // Kept in arrays so the compiler cannot fold the product at compile time.
        let factors: [Float] = [1e-20, 1e-20]
        var products = [Float](repeating: -1, count: 1)
        products.withUnsafeMutableBufferPointer { output in
            pool.parallelFor(1) { _ in output[0] = factors[0] * factors[1] }
        }
        // 1e-40 is below Float.leastNormalMagnitude: flushed to zero inside the loop.
        #expect(products[0] == 0)
        let outside = factors[0] * factors[1]
        #expect(outside > 0 && outside < Float.leastNormalMagnitude)
    }
}
