import Foundation
import LeptonTensor
import Testing

@testable import LeptonData

/// A dataset whose element `failingIndex` throws, to test error propagation.
private struct FailingDataset: Dataset, Sendable {
    struct Failure: Error, Equatable { let index: Int }
    let count: Int
    let failingIndex: Int

    func element(at index: Int) throws -> Example {
        if index == failingIndex { throw Failure(index: index) }
        return Example(features: Tensor([Float(index), Float(index) * 2], shape: [2]), label: Int32(index % 3))
    }
}

@Suite("Datasets, adapters and the DataLoader")
struct DataLoaderTests {
    /// 10 examples of 3 features: row i holds i, i + 0.5, −i; label i mod 3; target 10·i.
    private func dataset() throws -> TensorDataset {
        let features = Tensor((0..<10).flatMap { [Float($0), Float($0) + 0.5, -Float($0)] }, shape: [10, 3])
        return try TensorDataset(features: features, labels: (0..<10).map { Int32($0 % 3) })
    }

    @Test("TensorDataset elements and adapters: map, subset, shuffled, concatenated")
    func adapters() throws {
        let data = try dataset()
        #expect(try data.element(at: 4).features.scalars == [4, 4.5, -4] && data.element(at: 4).label == 1)
        #expect(throws: DatasetError.indexOutOfRange(index: 10, count: 10)) { try data.element(at: 10) }
        let doubled = data.map { example in example.features.scalars.map { $0 * 2 } }
        #expect(try doubled.element(at: 1) == [2, 3, -2])
        let subset = data.subset([7, 2])
        #expect(subset.count == 2)
        #expect(try subset.element(at: 0).label == 1)
        let shuffled = data.shuffled(seed: 3)
        #expect(Set(try (0..<10).map { Int(try shuffled.element(at: $0).features.scalars[0]) }) == Set(0..<10))
        #expect(
            shuffled.indices == data.shuffled(seed: 3).indices && shuffled.indices != data.shuffled(seed: 4).indices)
        let both = data.concatenated(with: subset)
        #expect(both.count == 12)
        #expect(try both.element(at: 11).features.scalars[0] == 2)
        #expect(throws: DatasetError.countMismatch(features: 10, labels: 2)) {
            try TensorDataset(features: data.features, labels: [0, 1])
        }
        let regression = try TensorDataset(features: data.features, targets: (0..<10).map { Double($0) * 10 })
        #expect(try regression.element(at: 3).target?.scalars == [30] && regression.element(at: 3).target?.shape == [])
    }

    @Test("batches: sizes, drop-last, each epoch a permutation, labels and targets collated")
    func batching() throws {
        let data = try dataset()
        let loader = DataLoader(data, batchSize: 4, seed: 1, prefetch: 0)
        let batches = try collect(loader, epoch: 0)
        #expect(batches.map(\.count) == [4, 4, 2] && loader.batchCount == 3)
        #expect(batches.flatMap(\.indices).sorted() == Array(0..<10))
        for batch in batches {
            #expect(batch.features.shape == [batch.count, 3])
            let rows: [Float] = batch.indices.flatMap { index -> [Float] in
                let value = Float(index)
                return [value, value + 0.5, -value]
            }
            #expect(batch.features.scalars == rows)
            #expect(batch.labels == batch.indices.map { Int32($0 % 3) })
        }
        #expect(try collect(loader, epoch: 0).map(\.indices) == batches.map(\.indices))
        #expect(try collect(loader, epoch: 1).map(\.indices) != batches.map(\.indices))
        let dropping = DataLoader(data, batchSize: 4, shuffle: false, dropLast: true, prefetch: 0)
        #expect(try collect(dropping, epoch: 0).map(\.indices) == [[0, 1, 2, 3], [4, 5, 6, 7]])
        let regression = try TensorDataset(
            features: data.features, targets: Tensor((0..<20).map(Float.init), shape: [10, 2]))
        let target = try collect(DataLoader(regression, batchSize: 3, shuffle: false, prefetch: 0), epoch: 0)[1]
        #expect(
            target.targets?.shape == [3, 2] && target.targets?.scalars == [6, 7, 8, 9, 10, 11] && target.labels == nil)
    }

    @Test("prefetching yields exactly the batches of the synchronous loader, augmentation included")
    func prefetchMatches() throws {
        let images = Tensor((0..<(37 * 6 * 6 * 2)).map { Float($0 % 251) / 251 }, shape: [37, 6, 6, 2])
        let data = try TensorDataset(features: images, labels: (0..<37).map { Int32($0 % 10) })
        let augmentation = ImageAugmentation(cropPadding: 2, flipProbability: 0.5)
        for epoch in 0..<3 {
            let direct = DataLoader(data, batchSize: 5, seed: 42, prefetch: 0, transform: augmentation.batchTransform)
            let prefetched = DataLoader(
                data, batchSize: 5, seed: 42, prefetch: 3, transform: augmentation.batchTransform)
            let expected = try collect(direct, epoch: epoch)
            let actual = try collect(prefetched, epoch: epoch)
            #expect(actual.count == expected.count)
            for (left, right) in zip(actual, expected) {
                #expect(left.indices == right.indices && left.labels == right.labels)
                #expect(left.features.shape == right.features.shape && left.features.scalars == right.features.scalars)
            }
        }
    }

    @Test("a dataset error surfaces on the consumer side, in order, with or without prefetching")
    func errors() throws {
        for prefetch in [0, 2] {
            let loader = DataLoader(
                FailingDataset(count: 20, failingIndex: 13), batchSize: 4, shuffle: false, prefetch: prefetch)
            let iterator = loader.batches(epoch: 0)
            for _ in 0..<3 { #expect(try iterator.next() != nil) }
            #expect(throws: FailingDataset.Failure(index: 13)) { try iterator.next() }
            #expect(try iterator.next() == nil)
            if let queue = iterator.queue { #expect(queue.waitForProducerExit(timeout: 5)) }
        }
        let mixed = TensorDataset(features: Tensor([1, 2], shape: [2, 1])).map { example in
            example.features.scalars[0] == 1 ? example : Example(features: Tensor([1, 2], shape: [2]))
        }
        #expect(throws: DatasetError.inconsistentShape(index: 1, expected: [1], actual: [2])) {
            try DataLoader(mixed, batchSize: 2, shuffle: false, prefetch: 0).forEachBatch(epoch: 0) { _ in }
        }
    }

    @Test("stopping early ends the producer thread")
    func earlyStop() throws {
        let data = try dataset()
        let loader = DataLoader(data, batchSize: 1, prefetch: 2)
        var queue: PrefetchQueue<Result<Batch, any Error>>?
        do {
            let iterator = loader.batches(epoch: 0)
            _ = try iterator.next()
            queue = iterator.queue
        }  // the iterator is released here; its producer is blocked on a full queue
        #expect(queue?.waitForProducerExit(timeout: 5) == true)
        let cancelled = loader.batches(epoch: 1)
        cancelled.cancel()
        #expect(try cancelled.next() == nil)
        #expect(cancelled.queue?.waitForProducerExit(timeout: 5) == true)
    }

    @Test("MNISTDataset gives the images of MNISTSplit.images, [28, 28, 1] in [0, 1]")
    func mnist() throws {
        let (train, _) = try MNISTDataset.load(from: TestResources.url("mnist_5k"))
        #expect(train.count == 4000)
        let batch = try #require(
            try DataLoader(train, batchSize: 8, shuffle: false, prefetch: 0).batches(epoch: 0).next())
        #expect(batch.features.shape == [8, 28, 28, 1])
        #expect(batch.features.scalars == train.split.images.slice(axis: 0, 0..<8).scalars)
        #expect(batch.labels == Array(train.split.labels.prefix(8)))
    }

    private func collect<Source>(_ loader: DataLoader<Source>, epoch: Int) throws -> [Batch] {
        var batches: [Batch] = []
        try loader.forEachBatch(epoch: epoch) { batches.append($0) }
        return batches
    }
}
