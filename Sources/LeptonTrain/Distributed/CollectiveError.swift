/// Why a collective operation failed.
public enum CollectiveError: Error, Equatable, CustomStringConvertible {
    /// Ranks called different operations, or the same one with different sizes or roots: a programming error in
    /// the job, reported instead of a deadlock.
    case mismatch(operation: String, rank: Int, expected: String, found: String)
    /// A peer rank failed or left the job; this rank cannot continue.
    case peerFailed(rank: Int, operation: String)
    /// An operation waited longer than the configured limit for the other ranks.
    case timedOut(operation: String, rank: Int, seconds: Double)
    /// The transport (MPI) reported an error.
    case communicationFailed(operation: String, rank: Int, detail: String)
    /// A setting out of its range (a job size, a root rank, a timeout).
    case invalidSetting(name: String, value: String, requirement: String)

    /// A sentence naming the operation, the rank and what went wrong.
    public var description: String {
        switch self {
        case .mismatch(let operation, let rank, let expected, let found):
            "collective \(operation) on rank \(rank): expected \(expected) as the other ranks, found \(found)"
        case .peerFailed(let rank, let operation):
            "collective \(operation): peer rank \(rank) failed or left the job"
        case .timedOut(let operation, let rank, let seconds):
            "collective \(operation) on rank \(rank): the other ranks did not arrive within \(seconds) s"
        case .communicationFailed(let operation, let rank, let detail):
            "collective \(operation) on rank \(rank) failed: \(detail)"
        case .invalidSetting(let name, let value, let requirement):
            "\(name) = \(value): \(requirement)"
        }
    }
}
