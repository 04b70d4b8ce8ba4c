import Foundation
import Synchronization

/// Ends the process with a message when one collective operation waits too long, which is what a dead peer
/// looks like from inside a blocking MPI call.
///
/// A plain thread (not Swift's cooperative pool) checks once a second; it makes no MPI call.
final class CollectiveWatchdog: Sendable {
    private let rank: Int
    private let timeout: Double
    /// The running operation and when it started (uptime nanoseconds), or `nil` between operations.
    private let running = PthreadMutex<(name: String, started: UInt64)?>(nil)
    private let stopped = Atomic<Bool>(false)
    /// Nanoseconds spent in watched operations.
    private let watchedNanoseconds = Atomic<UInt64>(0)

    /// Seconds spent in watched operations so far.
    var watchedSeconds: Double { Double(watchedNanoseconds.load(ordering: .relaxed)) / 1e9 }

    init(rank: Int, timeout: Double) {
        self.rank = rank
        self.timeout = timeout
        let thread = Thread { [self] in self.patrol() }
        thread.name = "LeptonMPI watchdog"
        thread.start()
    }

    /// Runs `body` as the watched operation `name`.
    func watch<Result>(_ name: String, _ body: () throws -> Result) rethrows -> Result {
        let started = DispatchTime.now().uptimeNanoseconds
        running.withLock { $0 = (name, started) }
        defer {
            running.withLock { $0 = nil }
            let ended = DispatchTime.now().uptimeNanoseconds
            watchedNanoseconds.add(ended > started ? ended - started : 0, ordering: .relaxed)
        }
        return try body()
    }

    /// Stops watching (before MPI is finalised).
    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func patrol() {
        while !stopped.load(ordering: .relaxed) {
            Thread.sleep(forTimeInterval: 1)
            guard let (name, started) = running.withLock({ $0 }) else { continue }
            let now = DispatchTime.now().uptimeNanoseconds
            guard now > started else { continue }
            let waited = Double(now - started) / 1e9
            guard waited > timeout, !stopped.load(ordering: .relaxed) else { continue }
            let message =
                "error: LeptonMPI rank \(rank): \(name) has waited \(Int(waited)) s (limit \(Int(timeout)) s) for the "
                + "other ranks; a peer process probably died or hangs. Exiting.\n"
            FileHandle.standardError.write(Data(message.utf8))
            _exit(75)
        }
    }
}
