import Foundation

/// A thread that runs a trainer's collective calls one after another, in the order they were submitted, so that
/// gradient buckets are all-reduced while the training thread goes on with the backward pass.
///
/// Jobs never run concurrently with each other, and the training thread makes no collective call while jobs are
/// pending (it waits with ``waitUntilIdle()`` first), so a ``Collective`` sees its calls one at a time, as MPI's
/// `MPI_THREAD_SERIALIZED` level requires. The first job that throws makes the thread skip the rest of the jobs
/// until ``waitUntilIdle()`` hands the error to the training thread.
final class CommunicationThread: @unchecked Sendable {
    // @unchecked Sendable: `jobs`, `pending`, `failure` and `stopping` are read and written only with `condition`
    // locked; a job's closure runs on the communication thread only, after the submitting thread let go of it.
    private let condition = NSCondition()
    private var jobs: [() throws -> Void] = []
    private var pending = 0
    private var failure: (any Error)?
    private var stopping = false

    /// Starts the thread.
    init() {
        let thread = Thread { [self] in self.serve() }
        thread.name = "lepton-communication"
        thread.start()
    }

    /// Queues `job` behind the jobs already submitted.
    ///
    /// - Parameter job: Collective calls to make on the communication thread.
    func submit(_ job: @escaping () throws -> Void) {
        condition.lock()
        jobs.append(job)
        pending += 1
        condition.signal()
        condition.unlock()
    }

    /// Waits until every submitted job has run, then rethrows the first error one of them threw (once).
    ///
    /// - Throws: The first error thrown by a job since the last call.
    func waitUntilIdle() throws {
        condition.lock()
        while pending > 0 { condition.wait() }
        let error = failure
        failure = nil
        condition.unlock()
        if let error { throw error }
    }

    /// Waits until every submitted job has run, leaving an error for the next ``waitUntilIdle()``.
    func drain() {
        condition.lock()
        while pending > 0 { condition.wait() }
        condition.unlock()
    }

    /// Lets the thread finish once its queue is empty.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            let skip = failure != nil
            condition.unlock()
            var thrown: (any Error)?
            if !skip {
                do { try job() } catch { thrown = error }
            }
            condition.lock()
            if failure == nil, let thrown { failure = thrown }
            pending -= 1
            condition.broadcast()
            condition.unlock()
        }
    }
}
