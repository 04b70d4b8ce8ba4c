import Testing

@testable import LeptonKernels

/// Reduces `[outer, axis, inner]` along the axis in Double.
private func referenceReduce(
    _ x: [Float], outer: Int, axis: Int, inner: Int, _ reduce: ([Double]) -> Double
) -> [Double] {
    var result: [Double] = []
    for o in 0..<outer {
        for i in 0..<inner {
            result.append(reduce((0..<axis).map { Double(x[(o * axis + $0) * inner + i]) }))
        }
    }
    return result
}

private let shapes: [(outer: Int, axis: Int, inner: Int)] = [
    (1, 1, 1), (1, 7, 1), (3, 17, 1), (2, 129, 1), (1, 3, 7), (3, 31, 17), (2, 64, 3), (1, 5, 129), (4, 1, 9),
]

@Suite("Reductions against Double references")
struct ReductionTests {
    @Test("sum, max, min over every awkward view")
    func sumMaxMin() {
        var seed: UInt64 = 1
        for (outer, axis, inner) in shapes {
            seed += 1
            var random = TestRandom(seed: seed)
            let x = random.floats(outer * axis * inner, in: -5...5)
            var out = [Float](repeating: .nan, count: outer * inner)
            let pool = ThreadPool(threadCount: 1)
            out.withUnsafeMutableBufferPointer {
                Reduction.sum(x, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!, pool: pool)
            }
            let sums = referenceReduce(x, outer: outer, axis: axis, inner: inner) { $0.reduce(0, +) }
            for (value, truth) in zip(out, sums) {
                #expect(abs(Double(value) - truth) <= 1e-5 * Double(axis), "sum \(outer)x\(axis)x\(inner)")
            }
            out.withUnsafeMutableBufferPointer {
                Reduction.max(x, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!, pool: pool)
            }
            #expect(out.map(Double.init) == referenceReduce(x, outer: outer, axis: axis, inner: inner) { $0.max()! })
            out.withUnsafeMutableBufferPointer {
                Reduction.min(x, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!, pool: pool)
            }
            #expect(out.map(Double.init) == referenceReduce(x, outer: outer, axis: axis, inner: inner) { $0.min()! })
        }
    }

    @Test("argmax picks the first maximum, and NaN wins")
    func argmax() {
        var seed: UInt64 = 50
        for (outer, axis, inner) in shapes {
            seed += 1
            var random = TestRandom(seed: seed)
            // Few distinct values: ties are common.
            var x = (0..<(outer * axis * inner)).map { _ in Float(random.int(in: 0..<4)) }
            if x.count > 20 { x[19] = .nan }
            var out = [Int32](repeating: -1, count: outer * inner)
            out.withUnsafeMutableBufferPointer {
                Reduction.argmax(x, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!)
            }
            for o in 0..<outer {
                for i in 0..<inner {
                    let column = (0..<axis).map { x[(o * axis + $0) * inner + i] }
                    let expected = column.firstIndex { $0.isNaN } ?? column.firstIndex(of: column.max()!)!
                    #expect(Int(out[o * inner + i]) == expected, "argmax \(outer)x\(axis)x\(inner) at \(o),\(i)")
                }
            }
        }
    }

    @Test("max and min propagate NaN")
    func extremumNaN() {
        let x: [Float] = [1, 2, .nan, 0, 5, 6, 7, 8, 9, 10, 11]
        var out: [Float] = [0]
        out.withUnsafeMutableBufferPointer {
            Reduction.max(x, outer: 1, axis: x.count, inner: 1, into: $0.baseAddress!)
        }
        #expect(out[0].isNaN)
        out.withUnsafeMutableBufferPointer {
            Reduction.min(x, outer: 1, axis: x.count, inner: 1, into: $0.baseAddress!)
        }
        #expect(out[0].isNaN)
    }

    @Test("mean and variance, including a large offset that breaks the one-pass formula")
    func meanAndVariance() {
        var seed: UInt64 = 100
        for (outer, axis, inner) in shapes + [(1, 5000, 1), (1, 3000, 2)] {
            seed += 1
            var random = TestRandom(seed: seed)
            let x = random.floats(outer * axis * inner, in: -1...1).map { $0 + 1000 }
            var mean = [Float](repeating: .nan, count: outer * inner)
            var variance = mean
            mean.withUnsafeMutableBufferPointer { meanBuffer in
                variance.withUnsafeMutableBufferPointer { varianceBuffer in
                    Reduction.meanAndVariance(
                        x, outer: outer, axis: axis, inner: inner, mean: meanBuffer.baseAddress!,
                        variance: varianceBuffer.baseAddress!)
                }
            }
            let means = referenceReduce(x, outer: outer, axis: axis, inner: inner) {
                $0.reduce(0, +) / Double($0.count)
            }
            let variances = referenceReduce(x, outer: outer, axis: axis, inner: inner) { values in
                let average = values.reduce(0, +) / Double(values.count)
                return values.map { ($0 - average) * ($0 - average) }.reduce(0, +) / Double(values.count)
            }
            for index in means.indices {
                // The mean of values near 1000 is good to a few ulps of 1000 (6e-5 each).
                #expect(
                    abs(Double(mean[index]) - means[index]) <= 3e-7 * means[index], "mean \(outer)x\(axis)x\(inner)")
                // Deviations are exact to about ulp(1000) = 6e-5 each: the variance is good to ~1e-4·σ.
                #expect(abs(Double(variance[index]) - variances[index]) <= 2e-4 * (variances[index] + 1e-2))
            }
        }
    }

    @Test("sumAll and dot stay accurate over a million elements")
    func sumAllAndDot() {
        var random = TestRandom(seed: 7)
        for count in [0, 1, 3, 31, 1000, 1_000_003] {
            let x = random.floats(count, in: 0...1)
            let y = random.floats(count, in: -1...1)
            let sum = Reduction.sumAll(x, count: count)
            let exactSum = x.reduce(0.0) { $0 + Double($1) }
            #expect(abs(Double(sum) - exactSum) <= 4e-7 * exactSum + 1e-7, "sumAll of \(count)")
            let dot = Reduction.dot(x, y, count: count)
            let exactDot = zip(x, y).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let magnitude = zip(x, y).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
            #expect(abs(Double(dot) - exactDot) <= 4e-7 * magnitude + 1e-7, "dot of \(count)")
        }
    }

    @Test("large views split over threads agree with one thread")
    func threaded() {
        var random = TestRandom(seed: 9)
        for (outer, axis, inner) in [(64, 2048, 1), (1, 20, 5000), (2, 300, 300)] {
            let x = random.floats(outer * axis * inner)
            var single = [Float](repeating: 0, count: outer * inner)
            var multi = single
            var singleIndex = [Int32](repeating: 0, count: outer * inner)
            var multiIndex = singleIndex
            single.withUnsafeMutableBufferPointer {
                Reduction.sum(
                    x, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!, pool: ThreadPool(threadCount: 1))
            }
            multi.withUnsafeMutableBufferPointer {
                Reduction.sum(
                    x, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!, pool: ThreadPool(threadCount: 3))
            }
            singleIndex.withUnsafeMutableBufferPointer {
                Reduction.argmax(
                    x, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!, pool: ThreadPool(threadCount: 1))
            }
            multiIndex.withUnsafeMutableBufferPointer {
                Reduction.argmax(
                    x, outer: outer, axis: axis, inner: inner, into: $0.baseAddress!, pool: ThreadPool(threadCount: 3))
            }
            #expect(single == multi)
            #expect(singleIndex == multiIndex)
            let lastColumn = (0..<axis).map { Double(x[((outer - 1) * axis + $0) * inner + inner - 1]) }.reduce(0, +)
            #expect(abs(Double(multi[outer * inner - 1]) - lastColumn) <= 1e-5 * Double(axis))
        }
    }
}
