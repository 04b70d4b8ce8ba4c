import LeptonTensor

/// Splits each epoch's sample order among the ranks of a data-parallel job, as PyTorch's `DistributedSampler`.
///
/// Rank `r` of `size` takes positions `r, r + size, r + 2·size, …` of the epoch's order (a shuffled permutation,
/// the same on every rank because every rank uses the same seed). Taking positions with a stride keeps global
/// batches intact: batch `k` of `b` samples on each rank together holds exactly positions
/// `k·b·size ..< (k+1)·b·size` of the order, the samples one process would see in batch `k` with a batch of
/// `b·size`.
///
/// When the sample count is not a multiple of `size`, every rank must still run the same number of steps:
/// - ``Policy/pad`` (the default, PyTorch's `drop_last=False`) repeats positions from the start of the order
///   until the count is a multiple of `size`, so every sample is used and at most `size - 1` are used twice;
/// - ``Policy/drop`` (PyTorch's `drop_last=True`) leaves out the last `count % size` positions.
public struct DistributedSampler: Sendable, Equatable {
    /// What to do with the samples that do not divide evenly among the ranks.
    public enum Policy: String, Sendable, Equatable {
        /// Repeat positions from the start of the order so every rank gets `ceil(count / size)` samples.
        case pad
        /// Leave out the tail so every rank gets `floor(count / size)` samples.
        case drop
    }

    /// The number of samples in the data.
    public let count: Int
    /// This rank.
    public let rank: Int
    /// The number of ranks.
    public let size: Int
    /// The uneven-count policy.
    public let policy: Policy

    /// Creates the sampler of one rank.
    ///
    /// - Parameters:
    ///   - count: The number of samples.
    ///   - rank: This rank, `0..<size`.
    ///   - size: The number of ranks, at least 1.
    ///   - policy: Pad or drop when `count` is not a multiple of `size`.
    /// - Throws: ``CollectiveError/invalidSetting(name:value:requirement:)`` for a negative count, a size below 1,
    ///   a rank outside `0..<size`, or a drop policy that leaves a rank without samples.
    public init(count: Int, rank: Int, size: Int, policy: Policy = .pad) throws {
        guard count >= 0 else {
            throw CollectiveError.invalidSetting(name: "count", value: "\(count)", requirement: "must not be negative")
        }
        guard size >= 1 else {
            throw CollectiveError.invalidSetting(name: "size", value: "\(size)", requirement: "must be at least 1")
        }
        guard (0..<size).contains(rank) else {
            throw CollectiveError.invalidSetting(
                name: "rank", value: "\(rank)", requirement: "must be in 0..<\(size)")
        }
        guard policy == .pad || count >= size else {
            throw CollectiveError.invalidSetting(
                name: "count", value: "\(count)", requirement: "must be at least the \(size) ranks to drop the tail")
        }
        self.count = count
        self.rank = rank
        self.size = size
        self.policy = policy
    }

    /// The number of samples each rank gets per epoch (the same on every rank).
    public var samplesPerRank: Int {
        policy == .pad ? count / size + (count % size == 0 ? 0 : 1) : count / size
    }

    /// This rank's share of an epoch's order.
    ///
    /// - Parameter order: The epoch's sample order, `count` indices (the same on every rank).
    /// - Returns: ``samplesPerRank`` indices.
    public func indices(of order: [Int]) -> [Int] {
        precondition(order.count == count, "DistributedSampler: an order of \(order.count) for \(count) samples")
        guard count > 0 else { return [] }
        return (0..<samplesPerRank).map { position in order[(rank + position * size) % count] }
    }

    /// This rank's share of epoch `epoch` of a seeded shuffle (PyTorch's `set_epoch`): the permutation drawn from
    /// a generator seeded with `seed` and split `epoch + 1` times, the same on every rank.
    ///
    /// - Parameters:
    ///   - epoch: The epoch, from 0.
    ///   - seed: The job's seed.
    /// - Returns: ``samplesPerRank`` indices.
    public func indices(epoch: Int, seed: UInt64) -> [Int] {
        var root = RandomGenerator(seed: seed)
        var generator = root.split()
        for _ in 0..<Swift.max(epoch, 0) { generator = root.split() }
        return indices(of: generator.permutation(count))
    }
}
