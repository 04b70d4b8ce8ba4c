import Testing

@testable import LeptonKernels

/// The C loops of max pooling's forward pass (`max_pool_body.h`) against the portable Swift loop and a reference.
@Suite("Max pooling forward: every instruction set's loop")
struct MaxPoolingLoopTests {
    /// Unpadded geometries (the ones the C loops take): channel counts below, at and between the vector widths, the
    /// 2×2 window of a CNN, overlapping and gapped windows, several images.
    static let geometries: [Pool2DGeometry] = {
        var result: [Pool2DGeometry] = []
        for channels in [1, 3, 8, 13, 16, 24, 32, 40] {
            for (window, stride) in [((2, 2), (2, 2)), ((3, 3), (2, 2)), ((3, 2), (1, 2)), ((2, 2), (3, 3))] {
                result.append(
                    Pool2DGeometry(
                        batch: 3, height: 7, width: 6, channels: channels, windowHeight: window.0,
                        windowWidth: window.1, strideHeight: stride.0, strideWidth: stride.1))
            }
        }
        return result
    }()

    /// Runs max pooling with `instructionSet` on `threads` threads; returns the outputs and the winners.
    static func run(
        _ input: [Float], _ g: Pool2DGeometry, _ instructionSet: VectorInstructionSet, threads: Int, winners: Bool
    ) -> (output: [Float], argmax: [Int32]) {
        var output = [Float](repeating: -7, count: g.outputCount)
        var argmax = [Int32](repeating: -1, count: g.outputCount)
        output.withUnsafeMutableBufferPointer { outputBuffer in
            argmax.withUnsafeMutableBufferPointer { argmaxBuffer in
                Pooling.maxForward(
                    input: input, output: outputBuffer.baseAddress!, argmax: winners ? argmaxBuffer.baseAddress : nil,
                    geometry: g, pool: ThreadPool(threadCount: threads), instructionSet: instructionSet)
            }
        }
        return (output, argmax)
    }

    @Test(
        "values and winners equal the portable loop bit for bit, ties to the first, NaN and infinity propagated",
        arguments: VectorInstructionSet.allCases.filter(\.isSupported))
    func matchesPortableLoop(instructionSet: VectorInstructionSet) {
        var seed: UInt64 = 40
        for g in Self.geometries {
            for special in [Float.nan, .infinity, -.infinity, 0] {
                seed += 1
                var random = TestRandom(seed: seed)
                // Few distinct values make ties; one image gets a NaN or an infinity at a random place.
                var input = (0..<g.inputCount).map { _ in Float(random.int(in: -3..<3)) * 0.5 }
                if special != 0 {
                    let perImage = g.height * g.width * g.channels
                    input[perImage + random.int(in: 0..<perImage)] = special
                }
                let portable = Self.run(input, g, .portable, threads: 1, winners: true)
                for (threads, winners) in [(1, true), (2, true), (2, false)] {
                    let loop = Self.run(input, g, instructionSet, threads: threads, winners: winners)
                    let same = zip(loop.output, portable.output).allSatisfy { $0.bitPattern == $1.bitPattern }
                    #expect(same, "\(instructionSet) \(g) special \(special): values differ")
                    if winners {
                        #expect(loop.argmax == portable.argmax, "\(instructionSet) \(g) special \(special): winners")
                    } else {
                        #expect(loop.argmax.allSatisfy { $0 == -1 }, "\(instructionSet): argmax written when nil")
                    }
                }
                // The portable loop against the definition, so both sides are checked, not only their agreement.
                for index in 0..<g.outputCount {
                    let winner = Int(portable.argmax[index])
                    let value = portable.output[index]
                    #expect(
                        input[winner].bitPattern == value.bitPattern,
                        "\(g): the recorded winner does not hold the maximum at \(index)")
                    #expect(!value.isNaN || special.isNaN, "\(g): NaN without a NaN input")
                }
            }
        }
    }

    @Test(
        "the backward routing loop puts each gradient at its winner and 0 elsewhere, masked by a fused ReLU",
        arguments: VectorInstructionSet.allCases.filter { $0.isSupported && $0 != .portable })
    func routingMatchesDefinition(instructionSet: VectorInstructionSet) {
        let loop = Pooling.maxRouteLoop(instructionSet)!
        var random = TestRandom(seed: 77)
        // Channels below, at and between the vector widths; windows that leave rows and columns uncovered.
        for (channels, window, height, width) in [
            (1, 2, 6, 6), (13, 2, 7, 5), (16, 2, 8, 8), (40, 3, 8, 7), (8, 1, 3, 4),
        ] {
            let (outHeight, outWidth) = (height / window, width / window)
            let pooledCount = outHeight * outWidth * channels
            var winners = [Int32](repeating: 0, count: pooledCount)
            for row in 0..<outHeight {
                for column in 0..<outWidth {
                    for channel in 0..<channels {
                        let (i, j) = (random.int(in: 0..<window), random.int(in: 0..<window))
                        winners[(row * outWidth + column) * channels + channel] = Int32(
                            ((row * window + i) * width + column * window + j) * channels + channel)
                    }
                }
            }
            let gradient = random.floats(pooledCount)
            // Pooled outputs: positive, zero, negative and NaN.
            let output = (0..<pooledCount).map { _ in [Float(1), 0, -1, .nan][random.int(in: 0..<4)] }
            for relu in [false, true] {
                var expected = [Float](repeating: 0, count: height * width * channels)
                for index in 0..<pooledCount where !relu || output[index] > 0 {
                    expected[Int(winners[index])] += gradient[index]
                }
                var actual = [Float](repeating: .nan, count: expected.count + 1)
                actual[expected.count] = 12345
                actual.withUnsafeMutableBufferPointer { out in
                    loop(
                        gradient, output, winners, relu ? 1 : 0, height, width, channels, window, window, outHeight,
                        outWidth, out.baseAddress!)
                }
                #expect(
                    Array(actual[0..<expected.count]) == expected,
                    "\(instructionSet) channels \(channels) window \(window) relu \(relu)")
                #expect(actual[expected.count] == 12345, "\(instructionSet): wrote past the image")
            }
        }
    }
}
