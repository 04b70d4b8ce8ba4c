import Testing

@testable import LeptonKernels

/// Calls `body(outputIndex, inputIndices)` for every output element with the flat indices of the real input
/// cells under its window.
private func forEachWindow(_ g: Pool2DGeometry, _ body: (Int, [Int]) -> Void) {
    for n in 0..<g.batch {
        for oh in 0..<g.outHeight {
            for ow in 0..<g.outWidth {
                for c in 0..<g.channels {
                    var cells: [Int] = []
                    for wh in 0..<g.windowHeight {
                        for ww in 0..<g.windowWidth {
                            let ih = oh * g.strideHeight - g.padTop + wh
                            let iw = ow * g.strideWidth - g.padLeft + ww
                            if ih >= 0 && ih < g.height && iw >= 0 && iw < g.width {
                                cells.append(((n * g.height + ih) * g.width + iw) * g.channels + c)
                            }
                        }
                    }
                    body(((n * g.outHeight + oh) * g.outWidth + ow) * g.channels + c, cells)
                }
            }
        }
    }
}

private let geometries: [Pool2DGeometry] = {
    var result: [Pool2DGeometry] = []
    for (batch, channels) in [(1, 1), (3, 3), (2, 13)] {
        for (window, stride) in [((2, 2), (2, 2)), ((3, 3), (2, 2)), ((3, 2), (1, 2)), ((2, 2), (3, 3))] {
            for padding in [Conv2DGeometry.Padding.valid, .same, .explicit(top: 1, bottom: 0, left: 0, right: 1)] {
                result.append(
                    Pool2DGeometry(
                        batch: batch, height: 7, width: 6, channels: channels, windowHeight: window.0,
                        windowWidth: window.1, strideHeight: stride.0, strideWidth: stride.1, padding: padding))
            }
        }
    }
    return result
}()

/// Distinct values (a shuffled ramp), so the maximum of every window is unique.
private func distinctValues(_ count: Int, seed: UInt64) -> [Float] {
    var random = TestRandom(seed: seed)
    var values = (0..<count).map { Float($0) * 0.01 - Float(count) * 0.005 }
    for index in values.indices.reversed() where index > 0 {
        values.swapAt(index, random.int(in: 0..<(index + 1)))
    }
    return values
}

@Suite("Max and average pooling against references and finite differences")
struct PoolingTests {
    @Test("geometry: same padding and output sizes")
    func geometry() {
        let g = Pool2DGeometry(
            batch: 1, height: 26, width: 25, channels: 32, windowHeight: 2, windowWidth: 2, strideHeight: 2,
            strideWidth: 2, padding: .same)
        #expect((g.outHeight, g.outWidth, g.padBottom, g.padRight) == (13, 13, 0, 1))
        let valid = Pool2DGeometry(
            batch: 32, height: 26, width: 26, channels: 32, windowHeight: 2, windowWidth: 2, strideHeight: 2,
            strideWidth: 2)
        #expect(valid.outputCount == 32 * 13 * 13 * 32)
    }

    @Test("forward passes and the recorded winners")
    func forward() {
        var seed: UInt64 = 1
        for g in geometries {
            seed += 1
            var random = TestRandom(seed: seed)
            // Repeated values make ties: the first cell in window order must win.
            let input = (0..<g.inputCount).map { _ in Float(random.int(in: 0..<5)) }
            var output = [Float](repeating: .nan, count: g.outputCount)
            var average = output
            var argmax = [Int32](repeating: -1, count: g.outputCount)
            output.withUnsafeMutableBufferPointer { outputBuffer in
                argmax.withUnsafeMutableBufferPointer {
                    Pooling.maxForward(
                        input: input, output: outputBuffer.baseAddress!, argmax: $0.baseAddress!, geometry: g)
                }
            }
            average.withUnsafeMutableBufferPointer {
                Pooling.averageForward(input: input, output: $0.baseAddress!, geometry: g)
            }
            forEachWindow(g) { index, cells in
                let values = cells.map { input[$0] }
                let best = values.max()!
                #expect(output[index] == best, "\(g) max at \(index)")
                #expect(Int(argmax[index]) == cells[values.firstIndex(of: best)!], "\(g) argmax at \(index)")
                let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
                #expect(abs(Double(average[index]) - mean) <= 1e-6, "\(g) average at \(index)")
            }
        }
    }

    @Test("max pooling propagates NaN")
    func maxNaN() {
        let g = Pool2DGeometry(
            batch: 1, height: 2, width: 2, channels: 9, windowHeight: 2, windowWidth: 2, strideHeight: 2, strideWidth: 2
        )
        var input = [Float](repeating: 1, count: g.inputCount)
        input[9 + 4] = .nan
        var output = [Float](repeating: 0, count: g.outputCount)
        output.withUnsafeMutableBufferPointer {
            Pooling.maxForward(input: input, output: $0.baseAddress!, argmax: nil, geometry: g)
        }
        #expect(output[4].isNaN && output[3] == 1)
    }

    @Test("backward passes against the reference, overwriting and accumulating, on several threads")
    func backward() {
        var seed: UInt64 = 100
        for g in geometries {
            for threads in [1, 2] {
                seed += 1
                let input = distinctValues(g.inputCount, seed: seed)
                var random = TestRandom(seed: seed)
                let upstream = random.floats(g.outputCount)
                let start = random.floats(g.inputCount)
                let pool = ThreadPool(threadCount: threads)
                var output = [Float](repeating: 0, count: g.outputCount)
                var argmax = [Int32](repeating: 0, count: g.outputCount)
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    argmax.withUnsafeMutableBufferPointer {
                        Pooling.maxForward(
                            input: input, output: outputBuffer.baseAddress!, argmax: $0.baseAddress!, geometry: g,
                            pool: pool)
                    }
                }
                var maxTruth = [Double](repeating: 0, count: g.inputCount)
                var averageTruth = maxTruth
                forEachWindow(g) { index, cells in
                    let winner = cells.max { input[$0] < input[$1] }!
                    maxTruth[winner] += Double(upstream[index])
                    for cell in cells { averageTruth[cell] += Double(upstream[index]) / Double(cells.count) }
                }
                for accumulate in [false, true] {
                    var maxGradient = start
                    var averageGradient = start
                    maxGradient.withUnsafeMutableBufferPointer {
                        Pooling.maxBackward(
                            outputGradient: upstream, argmax: argmax, inputGradient: $0.baseAddress!, geometry: g,
                            accumulate: accumulate, pool: pool)
                    }
                    averageGradient.withUnsafeMutableBufferPointer {
                        Pooling.averageBackward(
                            outputGradient: upstream, inputGradient: $0.baseAddress!, geometry: g,
                            accumulate: accumulate, pool: pool)
                    }
                    let base = accumulate ? start.map(Double.init) : [Double](repeating: 0, count: g.inputCount)
                    #expect(scaledError(maxGradient, zip(maxTruth, base).map(+)) <= 1e-6, "max \(g) \(accumulate)")
                    #expect(
                        scaledError(averageGradient, zip(averageTruth, base).map(+)) <= 1e-6, "avg \(g) \(accumulate)")
                }
            }
        }
    }

    @Test("gradients match central finite differences of sum(output · upstream)")
    func finiteDifferences() {
        let g = Pool2DGeometry(
            batch: 2, height: 5, width: 4, channels: 3, windowHeight: 3, windowWidth: 2, strideHeight: 2,
            strideWidth: 1, padding: .same)
        // Values 0.1 apart: a step of 0.01 never changes which cell wins.
        let input = distinctValues(g.inputCount, seed: 3).map { $0 * 10 }
        var random = TestRandom(seed: 4)
        let upstream = random.floats(g.outputCount)
        func loss(_ values: [Float], max: Bool) -> Double {
            var output = [Float](repeating: 0, count: g.outputCount)
            output.withUnsafeMutableBufferPointer {
                if max {
                    Pooling.maxForward(input: values, output: $0.baseAddress!, argmax: nil, geometry: g)
                } else {
                    Pooling.averageForward(input: values, output: $0.baseAddress!, geometry: g)
                }
            }
            return zip(output, upstream).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        var argmax = [Int32](repeating: 0, count: g.outputCount)
        var output = [Float](repeating: 0, count: g.outputCount)
        output.withUnsafeMutableBufferPointer { outputBuffer in
            argmax.withUnsafeMutableBufferPointer {
                Pooling.maxForward(
                    input: input, output: outputBuffer.baseAddress!, argmax: $0.baseAddress!, geometry: g)
            }
        }
        var maxGradient = [Float](repeating: 0, count: g.inputCount)
        var averageGradient = maxGradient
        maxGradient.withUnsafeMutableBufferPointer {
            Pooling.maxBackward(outputGradient: upstream, argmax: argmax, inputGradient: $0.baseAddress!, geometry: g)
        }
        averageGradient.withUnsafeMutableBufferPointer {
            Pooling.averageBackward(outputGradient: upstream, inputGradient: $0.baseAddress!, geometry: g)
        }
        let step: Float = 1e-2
        for index in 0..<g.inputCount {
            var plus = input
            var minus = input
            plus[index] += step
            minus[index] -= step
            for (isMax, gradient) in [(true, maxGradient), (false, averageGradient)] {
                let estimate = (loss(plus, max: isMax) - loss(minus, max: isMax)) / Double(2 * step)
                #expect(
                    abs(Double(gradient[index]) - estimate) <= 2e-3 + 1e-2 * abs(estimate), "max \(isMax) at \(index)")
            }
        }
    }
}
