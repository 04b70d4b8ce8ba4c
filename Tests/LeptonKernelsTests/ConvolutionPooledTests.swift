import Testing

@testable import LeptonKernels

@Suite("Convolution fused with max pooling")
struct ConvolutionPooledTests {
    @Test(
        "equals a convolution followed by pooling",
        arguments: [
            // (input channels, output channels, padding, threads): same padding takes the im2col path; valid
            // padding with few input channels takes the direct loop (on AVX-512 CPUs), odd sizes included.
            (3, 16, Conv2DGeometry.Padding.same, 1), (3, 16, .same, 2), (1, 32, .valid, 1), (1, 32, .valid, 2),
            (3, 48, .valid, 1), (2, 16, .valid, 2),
        ])
    func matchesSeparatePasses(inChannels: Int, outChannels: Int, padding: Conv2DGeometry.Padding, threads: Int) {
        var random = TestRandom(seed: 17)
        let geometry = Conv2DGeometry(
            batch: 5, height: 11, width: 9, inChannels: inChannels, outChannels: outChannels, kernelHeight: 3,
            kernelWidth: 3, padding: padding)
        let poolGeometry = Pool2DGeometry(
            batch: 5, height: geometry.outHeight, width: geometry.outWidth, channels: outChannels, windowHeight: 2,
            windowWidth: 2, strideHeight: 2, strideWidth: 2)
        let input = random.floats(geometry.inputCount)
        let weights = random.floats(geometry.weightCount)
        let bias = random.floats(outChannels)
        var convolved = [Float](repeating: 0, count: geometry.outputCount)
        var expected = [Float](repeating: 0, count: poolGeometry.outputCount)
        var actual = [Float](repeating: .nan, count: poolGeometry.outputCount)
        let pool = ThreadPool(threadCount: threads)
        convolved.withUnsafeMutableBufferPointer { out in
            Convolution.forward(
                input: input, weights: weights, bias: bias, output: out.baseAddress!, geometry: geometry,
                activation: .relu, pool: pool)
        }
        expected.withUnsafeMutableBufferPointer { out in
            Pooling.maxForward(
                input: convolved, output: out.baseAddress!, argmax: nil, geometry: poolGeometry, pool: pool)
        }
        actual.withUnsafeMutableBufferPointer { out in
            Convolution.forwardMaxPooled(
                input: input, weights: weights, bias: bias, output: out.baseAddress!, geometry: geometry,
                activation: .relu, poolGeometry: poolGeometry, pool: pool)
        }
        // The direct loop sums the taps in another order than im2col + GEMM: equal to rounding.
        #expect(maxAbsDifference(actual, expected) < 1e-5)
    }

    /// Max pooling in Double of a reference convolution output: pooled values and, per value, the offset of its
    /// winner within the image (the first on ties); padded cells never win.
    static func referencePooling(_ convolved: [Double], _ p: Pool2DGeometry) -> (values: [Double], winners: [Int]) {
        var values = [Double](repeating: 0, count: p.outputCount)
        var winners = [Int](repeating: -1, count: p.outputCount)
        let perImage = p.height * p.width * p.channels
        for n in 0..<p.batch {
            for row in 0..<p.outHeight {
                for column in 0..<p.outWidth {
                    for channel in 0..<p.channels {
                        var best = -Double.infinity
                        var winner = -1
                        for i in 0..<p.windowHeight {
                            for j in 0..<p.windowWidth {
                                let (r, c) = (
                                    row * p.strideHeight - p.padTop + i, column * p.strideWidth - p.padLeft + j
                                )
                                guard r >= 0, r < p.height, c >= 0, c < p.width else { continue }
                                let offset = (r * p.width + c) * p.channels + channel
                                if winner < 0 || convolved[n * perImage + offset] > best {
                                    (best, winner) = (convolved[n * perImage + offset], offset)
                                }
                            }
                        }
                        let index = ((n * p.outHeight + row) * p.outWidth + column) * p.channels + channel
                        (values[index], winners[index]) = (best, winner)
                    }
                }
            }
        }
        return (values, winners)
    }

    @Test(
        "training pass: pooled values and the weight, bias and input gradients equal a Double reference",
        arguments: [
            // (input channels, output channels, convolution padding, pool window, pool stride, pool padding, relu,
            // threads): the direct loop (few input channels, valid) and im2col (same padding, 5 channels); 2×2 and
            // overlapping 3×3 windows with padding; 3×3 windows tiling 24 of 26 rows and columns; 12 channels (not
            // whole vectors); 1 and 3 threads. 28×28 images with 32 channels are 21,632 values each: the 13 images
            // span several cache-sized chunks per thread.
            (1, 32, Conv2DGeometry.Padding.valid, 2, 2, Conv2DGeometry.Padding.valid, true, 1),
            (1, 32, .valid, 2, 2, .valid, true, 3),
            (1, 32, .valid, 2, 2, .valid, false, 3),
            (5, 16, .same, 3, 2, .same, true, 3),
            (5, 16, .same, 3, 2, .same, false, 1),
            (2, 48, .valid, 3, 2, .valid, true, 3),
            (1, 16, .valid, 3, 3, .valid, true, 3),
            (3, 12, .valid, 2, 2, .valid, false, 1),
        ])
    func trainingPassMatchesReference(
        inChannels: Int, outChannels: Int, padding: Conv2DGeometry.Padding, window: Int, step: Int,
        poolPadding: Conv2DGeometry.Padding, relu: Bool, threads: Int
    ) {
        var random = TestRandom(seed: UInt64(31 * inChannels + outChannels + window))
        let geometry = Conv2DGeometry(
            batch: 13, height: 28, width: 28, inChannels: inChannels, outChannels: outChannels, kernelHeight: 3,
            kernelWidth: 3, padding: padding)
        let poolGeometry = Pool2DGeometry(
            batch: 13, height: geometry.outHeight, width: geometry.outWidth, channels: outChannels,
            windowHeight: window, windowWidth: window, strideHeight: step, strideWidth: step, padding: poolPadding)
        let input = random.floats(geometry.inputCount)
        let weights = random.floats(geometry.weightCount, in: -0.5...0.5)
        let bias = random.floats(outChannels, in: -0.2...0.2)
        let pooledGradient = random.floats(poolGeometry.outputCount)
        let pool = ThreadPool(threadCount: threads)
        var pooled = [Float](repeating: .nan, count: poolGeometry.outputCount)
        var winners = [Int32](repeating: -1, count: poolGeometry.outputCount)
        pooled.withUnsafeMutableBufferPointer { out in
            winners.withUnsafeMutableBufferPointer { winnerSlots in
                Convolution.forwardMaxPooled(
                    input: input, weights: weights, bias: bias, output: out.baseAddress!, geometry: geometry,
                    activation: relu ? .relu : .identity, poolGeometry: poolGeometry,
                    winners: winnerSlots.baseAddress!, pool: pool)
            }
        }
        let convolved = ConvolutionReference.forward(geometry, input: input, weights: weights, bias: bias, relu: relu)
        let truth = Self.referencePooling(convolved, poolGeometry)
        #expect(scaledError(pooled, truth.values) <= 1e-5, "pooled values")
        // Where ReLU rectifies a whole window to 0 no gradient flows, and the direct loop (which compares before the
        // bias and ReLU) may name another cell than the first: winners matter, and are compared, elsewhere.
        let decisive = truth.values.indices.filter { !relu || truth.values[$0] > 0 }
        #expect(decisive.allSatisfy { Int(winners[$0]) == truth.winners[$0] }, "winners")
        // The convolution output's gradient: each pooled gradient at its winner, none where ReLU's output is 0.
        let perImage = geometry.outHeight * geometry.outWidth * outChannels
        var convolvedGradient = [Float](repeating: 0, count: geometry.outputCount)
        for (index, winner) in truth.winners.enumerated() where !relu || truth.values[index] > 0 {
            let image = index / (poolGeometry.outHeight * poolGeometry.outWidth * outChannels)
            convolvedGradient[image * perImage + winner] += pooledGradient[index]
        }
        let inputTruth = ConvolutionReference.inputGradient(
            geometry, outputGradient: convolvedGradient, weights: weights)
        let weightTruth = ConvolutionReference.weightGradient(
            geometry, input: input, outputGradient: convolvedGradient)
        let biasTruth = (0..<outChannels).map { channel in
            stride(from: channel, to: convolvedGradient.count, by: outChannels).reduce(0.0) {
                $0 + Double(convolvedGradient[$1])
            }
        }
        var inputGradient = [Float](repeating: .nan, count: geometry.inputCount)
        var weightGradient = [Float](repeating: .nan, count: geometry.weightCount)
        var biasGradient = [Float](repeating: .nan, count: outChannels)
        inputGradient.withUnsafeMutableBufferPointer { dInput in
            weightGradient.withUnsafeMutableBufferPointer { dWeights in
                biasGradient.withUnsafeMutableBufferPointer { dBias in
                    Convolution.backwardMaxPooled(
                        input: input, weights: weights, pooledOutput: pooled, pooledGradient: pooledGradient,
                        winners: winners, inputGradient: dInput.baseAddress!, weightGradient: dWeights.baseAddress!,
                        biasGradient: dBias.baseAddress!, geometry: geometry, activation: relu ? .relu : .identity,
                        poolGeometry: poolGeometry, pool: pool)
                }
            }
        }
        #expect(scaledError(inputGradient, inputTruth) <= 1e-5, "input gradient")
        #expect(scaledError(weightGradient, weightTruth) <= 1e-5, "weight gradient")
        #expect(scaledError(biasGradient, biasTruth) <= 1e-5, "bias gradient")
        // Only the weight gradient asked for: the same values.
        var weightsOnly = [Float](repeating: .nan, count: geometry.weightCount)
        weightsOnly.withUnsafeMutableBufferPointer { dWeights in
            Convolution.backwardMaxPooled(
                input: input, weights: weights, pooledOutput: pooled, pooledGradient: pooledGradient,
                winners: winners, inputGradient: nil, weightGradient: dWeights.baseAddress!, biasGradient: nil,
                geometry: geometry, activation: relu ? .relu : .identity, poolGeometry: poolGeometry, pool: pool)
        }
        #expect(scaledError(weightsOnly, weightTruth) <= 1e-5, "weight gradient alone")
    }
}

@Suite("Direct convolution for few input channels")
struct DirectConvolutionTests {
    /// A plain NHWC/HWIO convolution in Double (valid padding, stride 1).
    static func reference(
        _ input: [Float], _ weights: [Float], _ bias: [Float], _ g: Conv2DGeometry, relu: Bool
    ) -> [Float] {
        var output = [Float](repeating: 0, count: g.outputCount)
        for image in 0..<g.batch {
            for row in 0..<g.outHeight {
                for column in 0..<g.outWidth {
                    for out in 0..<g.outChannels {
                        var sum = Double(bias[out])
                        for i in 0..<g.kernelHeight {
                            for j in 0..<g.kernelWidth {
                                for c in 0..<g.inChannels {
                                    let x = input[
                                        ((image * g.height + row + i) * g.width + column + j) * g.inChannels + c]
                                    let w = weights[((i * g.kernelWidth + j) * g.inChannels + c) * g.outChannels + out]
                                    sum += Double(x) * Double(w)
                                }
                            }
                        }
                        let index = ((image * g.outHeight + row) * g.outWidth + column) * g.outChannels + out
                        output[index] = Float(relu ? Swift.max(sum, 0) : sum)
                    }
                }
            }
        }
        return output
    }

    @Test("equals a plain reference", arguments: [(1, 32, false), (1, 16, true), (3, 48, true), (4, 64, false)])
    func matchesReference(inChannels: Int, outChannels: Int, relu: Bool) {
        var random = TestRandom(seed: UInt64(inChannels * 100 + outChannels))
        let geometry = Conv2DGeometry(
            batch: 3, height: 9, width: 8, inChannels: inChannels, outChannels: outChannels, kernelHeight: 3,
            kernelWidth: 2)
        let input = random.floats(geometry.inputCount)
        let weights = random.floats(geometry.weightCount)
        let bias = random.floats(outChannels)
        var actual = [Float](repeating: .nan, count: geometry.outputCount)
        actual.withUnsafeMutableBufferPointer { out in
            Convolution.forward(
                input: input, weights: weights, bias: bias, output: out.baseAddress!, geometry: geometry,
                activation: relu ? .relu : .identity, pool: ThreadPool(threadCount: 2))
        }
        let expected = Self.reference(input, weights, bias, geometry, relu: relu)
        #expect(maxAbsDifference(actual, expected) < 1e-5)
        #expect(DirectConvolution.applies(to: geometry) == DirectConvolution.hasKernel)
    }

    @Test(
        "each instruction set's loop equals the reference, pooled or not, with partial channel blocks",
        arguments: DirectConvolution.supportedLoops.map(\.name))
    func everyLoopMatchesReference(name: String) {
        let loop = DirectConvolution.supportedLoops.first { $0.name == name }!.loop
        for (inChannels, outChannels, pooled) in [(1, 16, true), (3, 24, false), (2, 40, true), (4, 8, false)] {
            var random = TestRandom(seed: UInt64(inChannels * 1000 + outChannels))
            let g = Conv2DGeometry(
                batch: 1, height: 9, width: 8, inChannels: inChannels, outChannels: outChannels, kernelHeight: 3,
                kernelWidth: 2)
            let input = random.floats(g.inputCount)
            let weights = random.floats(g.weightCount)
            let bias = random.floats(outChannels)
            let convolved = Self.reference(input, weights, bias, g, relu: true)
            var expected = convolved
            if pooled {
                // 2×2 max pooling, stride 2, floor, of the biased and rectified outputs.
                let (rows, columns) = (g.outHeight / 2, g.outWidth / 2)
                expected = [Float](repeating: 0, count: rows * columns * outChannels)
                for r in 0..<rows {
                    for c in 0..<columns {
                        for o in 0..<outChannels {
                            var best = -Float.infinity
                            for q in 0..<4 {
                                let at = ((2 * r + q / 2) * g.outWidth + 2 * c + q % 2) * outChannels + o
                                best = Swift.max(best, convolved[at])
                            }
                            expected[(r * columns + c) * outChannels + o] = best
                        }
                    }
                }
            }
            // One lane past the output stays untouched: the partial blocks' stores are masked.
            var actual = [Float](repeating: .nan, count: expected.count + 1)
            actual[expected.count] = 12345
            actual.withUnsafeMutableBufferPointer { out in
                _ = loop(
                    input, g.height, g.width, inChannels, weights, g.kernelHeight, g.kernelWidth, outChannels, bias, 1,
                    pooled ? 1 : 0, out.baseAddress!, nil)
            }
            let difference = maxAbsDifference(Array(actual[0..<expected.count]), expected)
            #expect(difference < 1e-5, "\(name) cin \(inChannels) cout \(outChannels) pooled \(pooled)")
            #expect(actual[expected.count] == 12345, "\(name): wrote past the output")
            if !pooled {
                // A NaN pixel makes NaN of every output that reads it, through the fused ReLU too.
                var image = input
                image[(4 * g.width + 3) * inChannels] = .nan
                var output = [Float](repeating: 0, count: g.outputCount)
                output.withUnsafeMutableBufferPointer { out in
                    _ = loop(
                        image, g.height, g.width, inChannels, weights, g.kernelHeight, g.kernelWidth, outChannels,
                        bias, 1, 0, out.baseAddress!, nil)
                }
                for row in 0..<g.outHeight {
                    for column in 0..<g.outWidth {
                        let reads =
                            (row...(row + g.kernelHeight - 1)).contains(4)
                            && (column...(column + g.kernelWidth - 1)).contains(3)
                        let start = (row * g.outWidth + column) * outChannels
                        let values = output[start..<(start + outChannels)]
                        let expected = reads ? values.allSatisfy { $0.isNaN } : values.allSatisfy { $0 >= 0 }
                        #expect(expected, "\(name): output (\(row), \(column)) with a NaN pixel at (4, 3)")
                    }
                }
                continue
            }
            // Recording winners: the same values bit for bit, and each positive value's winner is a cell of its window
            // holding it (a window rectified to 0 routes no gradient, so its winner is free).
            for special in [Float(0), .nan, .infinity] {
                var image = input
                if special != 0 {
                    // A pixel some pooled window reads (floor pooling leaves the last row and column unread here).
                    let (row, column) = (
                        random.int(in: 0..<(g.outHeight / 2 * 2)), random.int(in: 0..<(g.outWidth / 2 * 2))
                    )
                    image[(row * g.width + column) * inChannels + random.int(in: 0..<inChannels)] = special
                }
                var recorded = [Float](repeating: .nan, count: expected.count)
                var winners = [Int32](repeating: -1, count: expected.count + 1)
                let status = recorded.withUnsafeMutableBufferPointer { out in
                    winners.withUnsafeMutableBufferPointer { slots in
                        loop(
                            image, g.height, g.width, inChannels, weights, g.kernelHeight, g.kernelWidth, outChannels,
                            bias, 1, 1, out.baseAddress!, slots.baseAddress!)
                    }
                }
                #expect(winners[expected.count] == -1, "\(name): wrote past the winners")
                guard special == 0 else {
                    #expect(status != 0, "\(name): \(special) in the image is not reported")
                    continue
                }
                #expect(status == 0, "\(name): a finite image reported as non-finite")
                #expect(zip(recorded, actual).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(name): values differ")
                let columns = g.outWidth / 2
                for (index, value) in expected.enumerated() where value > 0 {
                    let (cell, channel) = (index / outChannels, index % outChannels)
                    let (row, column) = (cell / columns, cell % columns)
                    let window = (0..<4).map { q in
                        ((2 * row + q / 2) * g.outWidth + 2 * column + q % 2) * outChannels + channel
                    }
                    let winner = Int(winners[index])
                    #expect(window.contains(winner), "\(name): winner \(winner) outside its window at \(index)")
                    if window.contains(winner) {
                        #expect(Swift.abs(convolved[winner] - value) < 1e-5, "\(name): winner \(winner) is not the max")
                    }
                }
            }
        }
    }
}
