import LeptonTensor
import LeptonTrain
import Testing

/// The in-process collective against sums computed independently in double precision.
@Suite("In-process collective")
struct CollectiveTests {
    /// Random buffers of every size, some not divisible by the rank count, some smaller than it.
    static func buffers(ranks: Int, count: Int, seed: UInt64) -> [[Float]] {
        var generator = RandomGenerator(seed: seed)
        return (0..<ranks).map { _ in
            count == 0 ? [] : Tensor.normal([count], standardDeviation: 3, using: &generator).scalars
        }
    }

    @Test(arguments: [2, 3, 4])
    func allReduceSumsAndAveragesEveryElement(ranks: Int) throws {
        for count in [0, 1, 2, 3, 5, 7, 1000, 1001, 4099] {
            let inputs = Self.buffers(ranks: ranks, count: count, seed: UInt64(count * 10 + ranks))
            let outcomes = try InProcessCollective.run(size: ranks) { collective in
                var sum = inputs[collective.rank]
                try collective.allReduce(&sum, .sum)
                var mean = inputs[collective.rank]
                try collective.allReduce(&mean, .mean)
                return [sum, mean]
            }
            let results = try outcomes.map { try $0.get() }
            for index in 0..<count {
                let exact = inputs.reduce(0.0) { $0 + Double($1[index]) }
                let magnitude = inputs.reduce(0.0) { $0 + abs(Double($1[index])) }
                let sum = results[0][0][index]
                #expect(
                    abs(Double(sum) - exact) <= 4e-7 * Double(ranks) * magnitude, "sum of element \(index) of \(count)")
                #expect(results[0][1][index] == sum / Float(ranks), "mean of element \(index) of \(count)")
            }
            for rank in 1..<ranks {
                #expect(results[rank] == results[0], "rank \(rank) holds different values for \(count) elements")
            }
        }
    }

    @Test func ringChunksCoverTheBufferInBalancedPieces() {
        for size in 1...5 {
            for count in 0...13 {
                let chunks = ringChunks(count: count, size: size)
                #expect(chunks.count == size)
                #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == count)
                for (left, right) in zip(chunks, chunks.dropFirst()) { #expect(left.upperBound == right.lowerBound) }
                let lengths = chunks.map(\.count)
                #expect((lengths.max() ?? 0) - (lengths.min() ?? 0) <= 1)
            }
        }
    }

    @Test func broadcastAndAllGatherDeliverEveryRanksValues() throws {
        let outcomes = try InProcessCollective.run(size: 3) { collective in
            var buffer = [Float](repeating: Float(collective.rank), count: 5)
            try collective.broadcast(&buffer, root: 2)
            try collective.barrier()
            let gathered = try collective.allGather([Double(collective.rank), 0.1 * Double(collective.rank)])
            let averaged = try collective.averaged([Double(collective.rank)])
            return (buffer, gathered, averaged)
        }
        for outcome in outcomes {
            let (buffer, gathered, averaged) = try outcome.get()
            #expect(buffer == [Float](repeating: 2, count: 5))
            #expect(gathered == [[0, 0], [1, 0.1], [2, 0.2]])
            #expect(averaged == [1])
        }
    }

    @Test func mismatchedSizesThrowInsteadOfHanging() throws {
        let outcomes = try InProcessCollective.run(size: 2, timeout: 30) { collective in
            var buffer = [Float](repeating: 1, count: 3 + collective.rank)
            try collective.allReduce(&buffer, .sum)
        }
        #expect(
            outcomes.contains { outcome in
                if case .failure(let error) = outcome, case .mismatch = error as? CollectiveError { return true }
                return false
            })
        #expect(outcomes.allSatisfy { if case .failure = $0 { true } else { false } })
    }

    @Test func aFailedRankMakesTheOthersThrow() throws {
        struct Crash: Error {}
        let outcomes = try InProcessCollective.run(size: 3, timeout: 30) { collective in
            if collective.rank == 1 { throw Crash() }
            try collective.barrier()
        }
        #expect(outcomes[1].isCrash)
        for rank in [0, 2] {
            guard case .failure(let error) = outcomes[rank] else {
                Issue.record("rank \(rank) returned normally")
                continue
            }
            #expect(error as? CollectiveError == .peerFailed(rank: 1, operation: "barrier"))
        }
    }

    @Test func aMissingRankTimesOut() throws {
        let outcomes = try InProcessCollective.run(size: 2, timeout: 0.2) { collective in
            if collective.rank == 0 { try collective.barrier() }
        }
        guard case .failure(let error) = outcomes[0] else {
            Issue.record("rank 0 returned although rank 1 never arrived")
            return
        }
        #expect(error as? CollectiveError == .timedOut(operation: "barrier", rank: 0, seconds: 0.2))
    }

    @Test func badSettingsAreTypedErrors() {
        #expect(throws: CollectiveError.self) { try InProcessCollective.makeJob(size: 0) }
        #expect(throws: CollectiveError.self) { try InProcessCollective.makeJob(size: 2, timeout: -1) }
        #expect(throws: CollectiveError.self) { try GradientBuckets(elementCounts: [3], capacityBytes: 2) }
        #expect(throws: CollectiveError.self) { try GradientBuckets(elementCounts: [-1]) }
    }

    @Test func bucketsFollowReverseParameterOrderUpToTheCapacity() throws {
        // 40-byte buckets hold 10 floats; parameter 1 (12 floats) is bigger and gets one alone.
        let layout = try GradientBuckets(elementCounts: [4, 12, 3, 3, 5], capacityBytes: 40)
        #expect(layout.buckets.map { $0.map(\.parameter) } == [[4, 3], [2], [1], [0]])
        #expect(layout.bucketElementCounts == [8, 3, 12, 4])
        #expect(layout.buckets[0].map(\.offset) == [0, 5])
        let whole = try GradientBuckets(elementCounts: [4, 12, 3])
        #expect(whole.buckets.count == 1 && whole.bucketElementCounts == [19])
    }
}

extension Result {
    fileprivate var isCrash: Bool {
        if case .failure(let error) = self { return !(error is CollectiveError) }
        return false
    }
}
