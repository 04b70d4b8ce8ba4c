/// How ``Collective/allReduce(_:_:)`` combines the ranks' buffers.
public enum ReduceOperation: String, Sendable, Equatable, CaseIterable {
    /// The element-wise sum over ranks.
    case sum
    /// The element-wise sum over ranks divided by the number of ranks.
    case mean
}

/// Communication between the processes (or threads) of a data-parallel job: the collectives of MPI that
/// training needs.
///
/// Every rank of a job calls the same operations in the same order with the same sizes; an operation returns on a
/// rank once every rank has taken part. A rank that fails or disappears makes the others throw
/// ``CollectiveError`` (or, for MPI, end the job) instead of waiting for ever.
///
/// All-reductions are defined to sum in one fixed order, that of a ring: the buffer is cut into ``size`` chunks
/// (``ringChunks(count:size:)``), and chunk `c` is summed as `((x[c] + x[c+1]) + x[c+2]) + …` over ranks
/// `c, c+1, …` modulo ``size``. Implementations follow it, so an in-process job and an MPI job give bit-identical
/// buffers.
///
/// Calls on one rank never overlap, but they need not all come from the same thread: a ``Trainer`` all-reduces
/// gradient buckets on its communication thread while the backward pass runs, and makes its other calls from the
/// training thread once that thread is idle (MPI's `MPI_THREAD_SERIALIZED` level).
public protocol Collective {
    /// This participant's index, `0..<size`; rank 0 is the one that writes files and prints.
    var rank: Int { get }
    /// The number of participants.
    var size: Int { get }

    /// Replaces `buffer` on every rank by the element-wise sum (or mean) of all ranks' buffers.
    ///
    /// - Parameters:
    ///   - buffer: This rank's values; every rank passes the same count.
    ///   - operation: Sum or mean.
    /// - Throws: ``CollectiveError`` when ranks disagree on the count or a peer failed.
    func allReduce(_ buffer: UnsafeMutableBufferPointer<Float>, _ operation: ReduceOperation) throws

    /// Replaces `buffer` on every rank by the root's buffer.
    ///
    /// - Parameters:
    ///   - buffer: The values (read on the root, written elsewhere); every rank passes the same count.
    ///   - root: The rank whose values are sent.
    /// - Throws: ``CollectiveError`` when ranks disagree on the count or root, or a peer failed.
    func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int) throws

    /// Returns once every rank has called it.
    ///
    /// - Throws: ``CollectiveError`` when a peer failed.
    func barrier() throws

    /// Every rank's `values`, in rank order (a few numbers: counts, flags, metrics).
    ///
    /// - Parameter values: This rank's values; every rank passes the same count.
    /// - Returns: `size` arrays, the one at index `r` from rank `r`.
    /// - Throws: ``CollectiveError`` when ranks disagree on the count or a peer failed.
    func allGather(_ values: [Double]) throws -> [[Double]]
}

extension Collective {
    /// Replaces `buffer` by the element-wise sum (or mean) over ranks (the array form of the pointer requirement).
    ///
    /// - Parameters:
    ///   - buffer: This rank's values.
    ///   - operation: Sum or mean.
    /// - Throws: ``CollectiveError``.
    public func allReduce(_ buffer: inout [Float], _ operation: ReduceOperation) throws {
        try buffer.withUnsafeMutableBufferPointer { try allReduce($0, operation) }
    }

    /// Replaces `buffer` by the root's values.
    ///
    /// - Parameters:
    ///   - buffer: The values.
    ///   - root: The sending rank.
    /// - Throws: ``CollectiveError``.
    public func broadcast(_ buffer: inout [Float], root: Int = 0) throws {
        try buffer.withUnsafeMutableBufferPointer { try broadcast($0, root: root) }
    }

    /// Whether `flag` is true on at least one rank (a collective decision, such as stopping).
    ///
    /// - Parameter flag: This rank's vote.
    /// - Returns: `true` when any rank voted `true`.
    /// - Throws: ``CollectiveError``.
    public func anyRank(_ flag: Bool) throws -> Bool {
        try allGather([flag ? 1 : 0]).contains { $0.first == 1 }
    }

    /// The element-wise mean over ranks of a few numbers, summed in rank order in double precision.
    ///
    /// - Parameter values: This rank's values.
    /// - Returns: The means.
    /// - Throws: ``CollectiveError``.
    public func averaged(_ values: [Double]) throws -> [Double] {
        let all = try allGather(values)
        var sums = [Double](repeating: 0, count: values.count)
        for contribution in all {
            for index in sums.indices { sums[index] += contribution[index] }
        }
        return sums.map { $0 / Double(all.count) }
    }
}

/// The chunks a ring all-reduction cuts a buffer of `count` elements into: `size` contiguous ranges, the first
/// `count % size` one element longer; some are empty when `count < size`.
///
/// - Parameters:
///   - count: The buffer's element count.
///   - size: The number of ranks, at least 1.
/// - Returns: `size` ranges covering `0..<count` in order.
public func ringChunks(count: Int, size: Int) -> [Range<Int>] {
    precondition(size >= 1 && count >= 0, "ringChunks needs size >= 1 and count >= 0")
    let base = count / size
    let extra = count % size
    return (0..<size).map { chunk in
        let start = chunk * base + Swift.min(chunk, extra)
        return start..<(start + base + (chunk < extra ? 1 : 0))
    }
}
