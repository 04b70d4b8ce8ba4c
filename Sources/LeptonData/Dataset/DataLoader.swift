import Foundation
import LeptonSupport
import LeptonTensor

/// Serves a dataset of ``Example``s as mini-batches: batching, seeded shuffling per epoch, drop-last, optional
/// per-batch augmentation, and background prefetching on a separate thread.
///
/// ```swift
/// let loader = DataLoader(MNISTDataset(files.train), batchSize: 32, shuffle: true, seed: 42)
/// for epoch in 0..<10 {
///     let batches = loader.batches(epoch: epoch)
///     while let batch = try batches.next() { … batch.features, batch.labels! … }
/// }
/// ```
/// **Reproducibility.** Epoch e's order is a permutation drawn from a generator seeded with a value derived
/// from `(seed, e)`, and the augmentation of batch b in epoch e uses a generator derived from `(seed, e, b)`;
/// so the batches are the same with or without prefetching, on any thread schedule.
///
/// **Prefetching.** With `prefetch > 0`, ``batches(epoch:)`` starts a producer thread that fills a queue of
/// at most `prefetch` batches; ``BatchIterator/next()`` blocks on it. An error thrown by the dataset (or the
/// augmentation) is rethrown by `next()` in order. Dropping the iterator, or calling
/// ``BatchIterator/cancel()``, stops the thread (after the batch it is computing).
public struct DataLoader<Source: Dataset & Sendable>: Sendable where Source.Element == Example {
    /// A per-batch transform, given a generator private to the batch (for seeded augmentation).
    public typealias BatchTransform = @Sendable (inout Batch, inout RandomGenerator) throws -> Void

    /// The examples.
    public let dataset: Source
    /// Examples per batch.
    public let batchSize: Int
    /// Whether each epoch visits the examples in a new random order.
    public let shuffle: Bool
    /// The seed of the shuffling and augmentation streams.
    public let seed: UInt64
    /// Whether to skip a last, smaller batch.
    public let dropLast: Bool
    /// Batches computed ahead on a background thread (0 computes them on the caller's thread).
    public let prefetch: Int
    /// Applied to every batch after collation.
    public let transform: BatchTransform?

    /// A loader.
    /// - Parameters:
    ///   - dataset: the examples (`Sendable`: a prefetching loader reads it from another thread).
    ///   - batchSize: examples per batch (at least 1).
    ///   - shuffle: a new random order each epoch (default `true`).
    ///   - seed: the random seed (default 0).
    ///   - dropLast: skip a last, smaller batch (default `false`).
    ///   - prefetch: batches prepared ahead on a background thread (default 2; 0 for none).
    ///   - transform: a per-batch transform such as ``ImageAugmentation/batchTransform``.
    public init(
        _ dataset: Source, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0, dropLast: Bool = false,
        prefetch: Int = 2, transform: BatchTransform? = nil
    ) {
        precondition(batchSize >= 1, "DataLoader: batchSize \(batchSize) must be >= 1")
        precondition(prefetch >= 0, "DataLoader: prefetch \(prefetch) must be >= 0")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
        self.prefetch = prefetch
        self.transform = transform
    }

    /// The number of batches per epoch.
    public var batchCount: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The dataset indices of epoch `epoch`, in visiting order.
    /// - Parameter epoch: the epoch number (from 0).
    public func order(epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<dataset.count) }
        var generator = RandomGenerator(seed: StreamSeed.derive(seed, UInt64(bitPattern: Int64(epoch))))
        return generator.permutation(dataset.count)
    }

    /// The batches of epoch `epoch`, one at a time (prefetched in the background when ``prefetch`` > 0).
    /// - Parameter epoch: the epoch number (from 0): it selects the order and augmentation streams.
    public func batches(epoch: Int) -> BatchIterator {
        let plan = EpochPlan(loader: self, epoch: epoch, order: order(epoch: epoch))
        return BatchIterator(plan: plan, prefetch: prefetch)
    }

    /// Calls `body` with every batch of epoch `epoch`, in order.
    /// - Parameters:
    ///   - epoch: the epoch number.
    ///   - body: the work per batch.
    /// - Throws: the first error of the dataset, the transform or `body`.
    public func forEachBatch(epoch: Int, _ body: (Batch) throws -> Void) throws {
        let iterator = batches(epoch: epoch)
        while let batch = try iterator.next() { try body(batch) }
    }

    /// Batch `number` of an epoch whose visiting order is `order`.
    func makeBatch(_ number: Int, epoch: Int, order: [Int]) throws -> Batch {
        let start = number * batchSize
        let indices = Array(order[start..<min(start + batchSize, order.count)])
        var batch = try Batch(collating: indices.map { try dataset.element(at: $0) }, indices: indices)
        if let transform {
            var generator = RandomGenerator(
                seed: StreamSeed.derive(
                    StreamSeed.derive(seed, UInt64(bitPattern: Int64(epoch))) ^ 0xA5A5, UInt64(number)))
            try transform(&batch, &generator)
        }
        return batch
    }

    /// Everything one epoch's batches depend on, as one `Sendable` value for the producer thread.
    public struct EpochPlan: Sendable {
        let loader: DataLoader
        let epoch: Int
        let order: [Int]

        var batchCount: Int { loader.batchCount }
        func batch(_ number: Int) throws -> Batch { try loader.makeBatch(number, epoch: epoch, order: order) }
    }

    /// The batches of one epoch: call ``next()`` until it returns `nil`.
    ///
    /// A class so that dropping it stops its producer thread.
    public final class BatchIterator {
        private let plan: EpochPlan
        private var nextNumber = 0
        private var failed = false
        /// The queue filled by the producer thread, when prefetching.
        let queue: PrefetchQueue<Result<Batch, any Error>>?

        init(plan: EpochPlan, prefetch: Int) {
            self.plan = plan
            guard prefetch > 0, plan.batchCount > 0 else {
                queue = nil
                return
            }
            let queue = PrefetchQueue<Result<Batch, any Error>>(capacity: prefetch)
            self.queue = queue
            let thread = Thread {
                for number in 0..<plan.batchCount where !queue.cancelled {
                    let result = Result { try plan.batch(number) }
                    guard queue.put(result) else { break }
                    if case .failure = result { break }
                }
                queue.finish()
                queue.producerExited()
            }
            thread.name = "LeptonData.DataLoader.prefetch"
            thread.start()
        }

        /// The next batch, or `nil` after the last one (or after an error was thrown).
        /// - Throws: the error the dataset or the transform threw for this batch.
        public func next() throws -> Batch? {
            guard !failed else { return nil }
            if let queue {
                guard let result = queue.take() else { return nil }
                do {
                    return try result.get()
                } catch {
                    failed = true
                    queue.cancel()
                    throw error
                }
            }
            guard nextNumber < plan.batchCount else { return nil }
            defer { nextNumber += 1 }
            do {
                return try plan.batch(nextNumber)
            } catch {
                failed = true
                throw error
            }
        }

        /// Stops prefetching and ends the iteration; the producer thread exits after its current batch.
        public func cancel() {
            failed = true
            queue?.cancel()
        }

        deinit { queue?.cancel() }
    }
}

/// Derives independent generator seeds from a seed and stream numbers (SplitMix64's finaliser).
enum StreamSeed {
    /// A seed for stream `stream` of `seed`.
    static func derive(_ seed: UInt64, _ stream: UInt64) -> UInt64 {
        SplitMix64.finalize(seed ^ (stream &+ 1) &* 0x9E37_79B9_7F4A_7C15)
    }
}
