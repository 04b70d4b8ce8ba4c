import LeptonTensor
import LeptonTrain
import Testing

@Suite("Distributed sampler")
struct DistributedSamplerTests {
    static func shards(count: Int, size: Int, policy: DistributedSampler.Policy, order: [Int]) throws -> [[Int]] {
        try (0..<size).map {
            try DistributedSampler(count: count, rank: $0, size: size, policy: policy).indices(of: order)
        }
    }

    @Test func shardsAreDisjointAndCoverWhenTheCountDivides() throws {
        var generator = RandomGenerator(seed: 3)
        for size in 1...4 {
            let count = 12 * size
            let order = generator.permutation(count)
            let shards = try Self.shards(count: count, size: size, policy: .pad, order: order)
            let all = shards.flatMap { $0 }
            #expect(all.count == count)
            #expect(Set(all) == Set(0..<count), "size \(size): shards do not cover every sample exactly once")
            #expect(shards.allSatisfy { $0.count == count / size })
        }
    }

    @Test func padPolicyCoversEverySampleAndRepeatsFewerThanSize() throws {
        var generator = RandomGenerator(seed: 4)
        for size in 2...5 {
            for count in [size + 1, 10, 11, 13, 97] {
                let order = generator.permutation(count)
                let shards = try Self.shards(count: count, size: size, policy: .pad, order: order)
                let all = shards.flatMap { $0 }
                let perRank = (count + size - 1) / size
                #expect(shards.allSatisfy { $0.count == perRank }, "count \(count), size \(size)")
                #expect(Set(all) == Set(0..<count), "count \(count), size \(size): a sample is missing")
                #expect(all.count - count == (size - count % size) % size)
                // The repeated ones are the first positions of the order, as PyTorch pads.
                #expect(Array(all.sorted()) != [] && Set(order.prefix(all.count - count)).isSubset(of: Set(all)))
            }
        }
    }

    @Test func dropPolicyIsDisjointAndLeavesOutOnlyTheTail() throws {
        var generator = RandomGenerator(seed: 5)
        for size in 2...5 {
            for count in [size, 10, 11, 13, 97] {
                let order = generator.permutation(count)
                let shards = try Self.shards(count: count, size: size, policy: .drop, order: order)
                let all = shards.flatMap { $0 }
                #expect(Set(all).count == all.count, "count \(count), size \(size): a sample appears twice")
                #expect(Set(all) == Set(order.prefix(count / size * size)))
            }
        }
        #expect(throws: CollectiveError.self) { try DistributedSampler(count: 2, rank: 0, size: 3, policy: .drop) }
        #expect(throws: CollectiveError.self) { try DistributedSampler(count: 5, rank: 3, size: 3) }
        #expect(throws: CollectiveError.self) { try DistributedSampler(count: 5, rank: 0, size: 0) }
        #expect(throws: CollectiveError.self) { try DistributedSampler(count: -1, rank: 0, size: 1) }
    }

    /// Local batch k of every rank together is global batch k of one process with `size` times the batch.
    @Test func localBatchesTogetherAreTheGlobalBatch() throws {
        let (count, size, batch) = (48, 3, 4)
        var generator = RandomGenerator(seed: 6)
        let order = generator.permutation(count)
        let shards = try Self.shards(count: count, size: size, policy: .pad, order: order)
        for step in 0..<(count / (batch * size)) {
            let local = shards.flatMap { $0[(step * batch)..<((step + 1) * batch)] }
            let global = order[(step * batch * size)..<((step + 1) * batch * size)]
            #expect(Set(local) == Set(global), "step \(step)")
        }
    }

    @Test func seededEpochsAreTheSameOnEveryRankAndDifferBetweenEpochs() throws {
        let count = 30
        let epoch0 = try (0..<3).flatMap {
            try DistributedSampler(count: count, rank: $0, size: 3).indices(epoch: 0, seed: 9)
        }
        let epoch1 = try (0..<3).flatMap {
            try DistributedSampler(count: count, rank: $0, size: 3).indices(epoch: 1, seed: 9)
        }
        #expect(Set(epoch0) == Set(0..<count) && Set(epoch1) == Set(0..<count))
        #expect(epoch0 != epoch1)
        let again = try DistributedSampler(count: count, rank: 1, size: 3).indices(epoch: 1, seed: 9)
        #expect(again == Array(epoch1[10..<20]))
    }
}
