import Foundation

/// A job of `size` ranks run as threads of one process: the collective for tests and for trying data-parallel
/// training without MPI.
///
/// Reductions follow the ring order documented on ``Collective``, so results are bit-identical to ``Collective``
/// implementations over MPI. A rank whose body throws marks the job failed: the other ranks' pending and later
/// operations throw ``CollectiveError/peerFailed(rank:operation:)`` instead of waiting; an operation that waits
/// longer than `timeout` throws ``CollectiveError/timedOut(operation:rank:seconds:)``.
///
/// ```swift
/// let results = try InProcessCollective.run(size: 2) { collective in
///     let trainer = Trainer(model: makeModel(), optimizer: SGD(learningRate: 0.1), loss: .meanSquaredError,
///                           collective: collective)
///     return try trainer.fit(x, .values(y), epochs: 1, batchSize: 8, verbose: false)["loss"]
/// }
/// ```
public struct InProcessCollective: Collective, Sendable {
    /// This participant's index.
    public let rank: Int
    /// The number of participants.
    public var size: Int { group.size }
    private let group: InProcessGroup

    /// Creates the `size` participants of one job; hand each to its own thread.
    ///
    /// - Parameters:
    ///   - size: The number of ranks, at least 1.
    ///   - timeout: Seconds an operation waits for the other ranks before throwing.
    /// - Returns: The participants, in rank order.
    /// - Throws: ``CollectiveError/invalidSetting(name:value:requirement:)`` for a size below 1 or a timeout that
    ///   is not positive.
    public static func makeJob(size: Int, timeout: Double = 600) throws -> [InProcessCollective] {
        guard size >= 1 else {
            throw CollectiveError.invalidSetting(name: "size", value: "\(size)", requirement: "must be at least 1")
        }
        guard timeout > 0, timeout.isFinite else {
            throw CollectiveError.invalidSetting(
                name: "timeout", value: "\(timeout)", requirement: "must be a positive number of seconds")
        }
        let group = InProcessGroup(size: size, timeout: timeout)
        return (0..<size).map { InProcessCollective(rank: $0, group: group) }
    }

    /// Runs `body` on `size` threads, one per rank, and returns each rank's outcome in rank order.
    ///
    /// The calling thread waits; the ranks run on plain threads (not Swift's cooperative pool), so they may block
    /// in collectives and run heavy compute.
    ///
    /// - Parameters:
    ///   - size: The number of ranks.
    ///   - timeout: Seconds an operation waits for the other ranks before throwing.
    ///   - body: One rank's work.
    /// - Returns: Each rank's result or error.
    /// - Throws: ``CollectiveError/invalidSetting(name:value:requirement:)`` for a bad size or timeout.
    public static func run<Result: Sendable>(
        size: Int, timeout: Double = 600, _ body: @escaping @Sendable (InProcessCollective) throws -> Result
    ) throws -> [Swift.Result<Result, any Error>] {
        let job = try makeJob(size: size, timeout: timeout)
        let outcomes = Outcomes<Result>(size: size)
        let finished = DispatchSemaphore(value: 0)
        for collective in job {
            let thread = Thread {
                let outcome = Swift.Result { try body(collective) }
                if case .failure = outcome { collective.group.fail(rank: collective.rank) }
                outcomes.set(outcome, at: collective.rank)
                finished.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        for _ in 0..<size { finished.wait() }
        return outcomes.all
    }

    /// Marks this rank failed: the other ranks' collectives throw instead of waiting for it.
    public func fail() {
        group.fail(rank: rank)
    }

    /// Sums (or averages) the ranks' buffers in ring order.
    public func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws {
        let contribution = buffer.map(Double.init)
        let count = buffer.count
        let result = try group.exchange(
            rank: rank, operation: "allReduce(\(operation.rawValue))", signature: "\(count) elements",
            contribution: contribution
        ) { contributions in
            let size = contributions.count
            // Every value came from a Float, so the conversions are exact; the sums are Float sums.
            var reduced = [Double](repeating: 0, count: count)
            for (chunk, range) in ringChunks(count: count, size: size).enumerated() {
                for index in range {
                    var sum = Float(contributions[chunk][index])
                    for step in 1..<Swift.max(size, 1) { sum += Float(contributions[(chunk + step) % size][index]) }
                    reduced[index] = Double(operation == .mean ? sum / Float(size) : sum)
                }
            }
            return reduced
        }
        for index in 0..<count { buffer[index] = Float(result[index]) }
    }

    /// Copies the root's buffer to every rank.
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws {
        guard (0..<size).contains(root) else {
            throw CollectiveError.invalidSetting(
                name: "root", value: "\(root)", requirement: "must be a rank in 0..<\(size)")
        }
        let result = try group.exchange(
            rank: rank, operation: "broadcast", signature: "\(buffer.count) elements from rank \(root)",
            contribution: rank == root ? buffer.map(Double.init) : []
        ) { contributions in contributions[root] }
        for index in 0..<buffer.count { buffer[index] = Float(result[index]) }
    }

    /// Waits for every rank.
    public func barrier() throws {
        _ = try group.exchange(rank: rank, operation: "barrier", signature: "", contribution: []) { _ in [] }
    }

    /// Every rank's values, in rank order.
    public func allGather(_ values: [Double]) throws -> [[Double]] {
        let flat = try group.exchange(
            rank: rank, operation: "allGather", signature: "\(values.count) values", contribution: values
        ) { contributions in contributions.flatMap { $0 } }
        let count = values.count
        return (0..<size).map { source in Array(flat[(source * count)..<((source + 1) * count)]) }
    }
}

/// The shared meeting point of an in-process job.
///
/// `@unchecked Sendable`: every mutable property is read and written only while `condition` is locked.
private final class InProcessGroup: @unchecked Sendable {
    let size: Int
    let timeout: Double
    private let condition = NSCondition()
    private var contributions: [[Double]]
    private var arrived = 0
    private var generation = 0
    private var pending: (operation: String, signature: String)?
    private var result: [Double] = []
    private var failure: CollectiveError?
    private var failedRank: Int?

    init(size: Int, timeout: Double) {
        self.size = size
        self.timeout = timeout
        contributions = Array(repeating: [], count: size)
    }

    func fail(rank: Int) {
        condition.lock()
        defer { condition.unlock() }
        if failedRank == nil { failedRank = rank }
        condition.broadcast()
    }

    /// Deposits `contribution`; the last rank to arrive computes `combine` over all contributions (in rank
    /// order) and every rank gets the result.
    func exchange(
        rank: Int, operation: String, signature: String, contribution: [Double],
        combine: ([[Double]]) -> [Double]
    ) throws -> [Double] {
        condition.lock()
        defer { condition.unlock() }
        if let failedRank { throw CollectiveError.peerFailed(rank: failedRank, operation: operation) }
        if let failure { throw failure }
        if let pending {
            guard pending.operation == operation, pending.signature == signature else {
                let error = CollectiveError.mismatch(
                    operation: operation, rank: rank, expected: "\(pending.operation) of \(pending.signature)",
                    found: "\(operation) of \(signature)")
                failure = error
                condition.broadcast()
                throw error
            }
        } else {
            pending = (operation, signature)
        }
        contributions[rank] = contribution
        arrived += 1
        let myGeneration = generation
        if arrived == size {
            result = combine(contributions)
            contributions = Array(repeating: [], count: size)
            arrived = 0
            pending = nil
            generation += 1
            condition.broadcast()
            return result
        }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while generation == myGeneration {
            if let failedRank { throw CollectiveError.peerFailed(rank: failedRank, operation: operation) }
            if let failure { throw failure }
            if !condition.wait(until: deadline) && generation == myGeneration {
                let error = CollectiveError.timedOut(operation: operation, rank: rank, seconds: timeout)
                failure = error
                condition.broadcast()
                throw error
            }
        }
        return result
    }
}

/// The per-rank results of ``InProcessCollective/run(size:timeout:_:)``.
///
/// `@unchecked Sendable`: `values` is only touched while `lock` is held.
private final class Outcomes<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Swift.Result<Value, any Error>?]

    init(size: Int) {
        values = Array(repeating: nil, count: size)
    }

    func set(_ outcome: Swift.Result<Value, any Error>, at rank: Int) {
        lock.lock()
        defer { lock.unlock() }
        values[rank] = outcome
    }

    var all: [Swift.Result<Value, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return values.map { $0 ?? .failure(CollectiveError.peerFailed(rank: -1, operation: "run")) }
    }
}
