import Foundation
import LeptonKernels
import LeptonLayers
import LeptonTensor
import LeptonTrain
import Testing

@testable import LeptonDeploy

private func randomTensor(_ shape: Shape, seed: UInt64, scale: Double = 1) -> Tensor {
    var random = TestRandom(seed: seed)
    return Tensor((0..<shape.elementCount).map { _ in Float(random.normal(deviation: scale)) }, shape: shape)
}

/// ‖a − b‖ / ‖b‖.
private func relativeError(_ a: [Float], _ b: [Float]) -> Double {
    let difference = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
    let norm = b.reduce(0.0) { $0 + Double($1) * Double($1) }
    return (difference / norm).squareRoot()
}

@Suite struct QuantizationTests {
    @Test func weightsAreRoundedPerOutputChannelWithinHalfAStep() {
        let weights = randomTensor([9, 5], seed: 1)
        let packed = PackedInt8Weights(weights: weights, bias: nil)
        #expect(packed.paddedDepth == 12 && packed.paddedColumns == 32)
        for column in 0..<5 {
            let largest = (0..<9).map { abs(weights[$0, column]) }.max()!
            #expect(abs(packed.columnScales[column] - largest / 127) < 1e-9)
            var sum: Int32 = 0
            for k in 0..<9 {
                let value = packed.value(k: k, column: column)
                sum += Int32(value)
                #expect(
                    abs(Float(value) * packed.columnScales[column] - weights[k, column]) <= packed.columnScales[column]
                        / 2 + 1e-7)
            }
            #expect(packed.columnSums[column] == sum)
            #expect((9..<12).allSatisfy { packed.value(k: $0, column: column) == 0 })
        }
    }

    @Test(arguments: Int8Kernel.available)
    func everyInt8LoopComputesTheExactIntegerProduct(kernel: Int8Kernel) {
        var random = TestRandom(seed: 42)
        for (rows, depth, columns) in [
            (1, 1, 1), (2, 5, 10), (3, 9, 32), (5, 64, 33), (8, 131, 70), (13, 20, 64), (17, 7, 3),
        ] {
            let packed = PackedInt8Weights(
                weights: randomTensor([depth, columns], seed: random.next()), bias: randomTensor([columns], seed: 3))
            let lda = packed.paddedDepth + 4
            var a = [Int8](repeating: 0, count: rows * lda)
            for row in 0..<rows {
                for k in 0..<depth { a[row * lda + k] = Int8(Int(random.next() % 255) - 127) }
            }
            let rowScales = (0..<rows).map { _ in Float(0.01 + random.unit()) }
            for relu in [false, true] {
                var c = [Float](repeating: .nan, count: rows * (columns + 1))
                a.withUnsafeBufferPointer { a in
                    rowScales.withUnsafeBufferPointer { scales in
                        c.withUnsafeMutableBufferPointer { c in
                            QuantizedGEMM.multiply(
                                a.baseAddress!, rows: rows, lda: lda, rowScales: scales.baseAddress!, weights: packed,
                                into: c.baseAddress!, ldc: columns + 1, relu: relu, kernel: kernel)
                        }
                    }
                }
                for row in 0..<rows {
                    for column in 0..<columns {
                        let sum = (0..<depth).reduce(0) {
                            $0 + Int(a[row * lda + $1]) * Int(packed.value(k: $1, column: column))
                        }
                        var expected = Float(sum) * rowScales[row] * packed.columnScales[column] + packed.bias![column]
                        if relu { expected = max(expected, 0) }
                        #expect(
                            abs(c[row * (columns + 1) + column] - expected) <= 1e-5 * max(1, abs(expected)),
                            "\(kernel) \(rows)x\(depth)x\(columns) at (\(row), \(column))")
                    }
                    #expect(c[row * (columns + 1) + columns].isNaN, "the loop wrote past the row's columns")
                }
            }
        }
    }

    @Test(arguments: Int8Kernel.available)
    func activationsAreQuantisedPerRowSymmetrically(kernel: Int8Kernel) {
        let values: [Float] = [0.5, -2, 1, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0]
        var output = [Int8](repeating: 99, count: 3 * 8)
        var scales = [Float](repeating: 0, count: 3)
        values.withUnsafeBufferPointer { source in
            QuantizedGEMM.quantizeRows(
                source.baseAddress!, rows: 3, columns: 5, sourceStride: 5, into: &output, destinationStride: 8,
                scales: &scales, kernel: kernel)
        }
        #expect(scales == [2 / 127, 3 / 127, 1])
        #expect(Array(output[0..<8]) == [32, -127, 64, 0, 0, 0, 0, 0])  // 0.5·63.5 = 31.75 → 32
        #expect(Array(output[8..<16]) == [0, 0, 0, 127, 127, 0, 0, 0])
        #expect(Array(output[16..<24]) == [Int8](repeating: 0, count: 8))
        // Long rows take the vector paths: compare with a scalar reference, ties to even included.
        var random = TestRandom(seed: 5)
        let long = (0..<101).map { _ in Float(random.normal()) } + [0.5 * 127 / 127]
        var quantized = [Int8](repeating: 0, count: 104)
        var scale: Float = 0
        long.withUnsafeBufferPointer { source in
            QuantizedGEMM.quantizeRows(
                source.baseAddress!, rows: 1, columns: long.count, sourceStride: long.count, into: &quantized,
                destinationStride: 104, scales: &scale, kernel: kernel)
        }
        let largest = long.map(abs).max()!
        #expect(scale == largest / 127)
        for (value, result) in zip(long, quantized) {
            #expect(result == Int8((value * (127 / largest)).rounded(.toNearestOrEven)))
        }
        #expect(quantized[102...].allSatisfy { $0 == 0 })
    }

    @Test(arguments: Int8Kernel.available)
    func activationsAreQuantisedWithACalibratedScaleAndSaturate(kernel: Int8Kernel) {
        // 70 values (vector bodies and tails) in [-6, 6] with a calibrated range of ±2.5: past it, ±127.
        var random = TestRandom(seed: 11)
        let values = (0..<140).map { _ in Float(random.unit() * 12 - 6) }
        let scale: Float = 2.5 / 127
        var output = [Int8](repeating: 99, count: 2 * 72)
        var scales = [Float](repeating: 0, count: 2)
        values.withUnsafeBufferPointer { source in
            QuantizedGEMM.quantizeRows(
                source.baseAddress!, rows: 2, columns: 70, sourceStride: 70, into: &output, destinationStride: 72,
                scales: &scales, fixedScale: scale, kernel: kernel)
        }
        #expect(scales == [scale, scale])
        for row in 0..<2 {
            for column in 0..<70 {
                let code = (values[row * 70 + column] * (1 / scale)).rounded(.toNearestOrEven)
                #expect(output[row * 72 + column] == Int8(max(-127, min(127, code))), "\(kernel) \(row) \(column)")
            }
            #expect(output[(row * 72 + 70)..<(row * 72 + 72)] == [0, 0])
        }
        #expect(output.contains(127) && output.contains(-127))
    }

    @Test(arguments: Int8Kernel.available)
    func quantizingAndMultiplyingInPiecesEqualsTheTwoSteps(kernel: Int8Kernel) {
        // 100 rows · 700 deep · 64 columns is large enough to split over the pool's threads.
        let (rows, depth, columns) = (100, 700, 64)
        let weights = PackedInt8Weights(
            weights: randomTensor([depth, columns], seed: 12), bias: randomTensor([columns], seed: 13))
        let input = randomTensor([rows, depth], seed: 14).scalars
        let pool = ThreadPool(threadCount: 2)
        for fixedScale in [nil, Float(1.5) / 127] {
            var codes = [Int8](repeating: 0, count: rows * weights.paddedDepth)
            var scales = [Float](repeating: 0, count: rows)
            var expected = [Float](repeating: .nan, count: rows * columns)
            var actual = [Float](repeating: .nan, count: rows * columns)
            input.withUnsafeBufferPointer { source in
                QuantizedGEMM.quantizeRows(
                    source.baseAddress!, rows: rows, columns: depth, sourceStride: depth, into: &codes,
                    destinationStride: weights.paddedDepth, scales: &scales, fixedScale: fixedScale, kernel: kernel)
                QuantizedGEMM.multiply(
                    codes, rows: rows, lda: weights.paddedDepth, rowScales: scales, weights: weights, into: &expected,
                    ldc: columns, relu: true, kernel: kernel, pool: ThreadPool(threadCount: 1))
                QuantizedGEMM.quantizeAndMultiply(
                    source.baseAddress!, rows: rows, sourceStride: depth, weights: weights, fixedScale: fixedScale,
                    into: &actual, ldc: columns, relu: true, kernel: kernel, pool: pool)
            }
            #expect(actual == expected, "\(kernel) \(String(describing: fixedScale))")
        }
    }

    /// A column whose largest weight is subnormal has no finite inverse scale; before, `0 · ∞` made a NaN and the
    /// conversion to Int8 trapped (found by the crafted-bundle fuzz test).
    @Test func aSubnormalColumnIsPackedWithoutTrapping() {
        let tiny = Float.leastNonzeroMagnitude
        // Column 0: [tiny, 0, −tiny] → [127, 0, −127]; column 1: [1, 0.5, 0] → [127, 63.5 → 64, 0].
        let packed = PackedInt8Weights(weights: [tiny, 1, 0, 0.5, -tiny, 0], depth: 3, columns: 2, bias: nil)
        #expect((0..<3).map { packed.value(k: $0, column: 0) } == [127, 0, -127])
        #expect((0..<3).map { packed.value(k: $0, column: 1) } == [127, 64, 0])
        #expect(packed.columnScales[0] == tiny / 127 && packed.columnScales[1] == 1 / 127)
    }

    /// int8 codes cannot hold NaN or infinity: a row holding one gets a NaN scale (so every product read from it is
    /// NaN, as in float), whatever the kernel and whether the scale is calibrated; other rows keep finite scales, rows
    /// of huge finite values included (their sum overflows; their products with 0 do not).
    @Test(arguments: Int8Kernel.available)
    func aRowHoldingNaNOrInfinityGetsANaNScale(kernel: Int8Kernel) {
        let columns = 37  // vector blocks and a scalar tail on every kernel
        let specials: [Float?] = [nil, .nan, .infinity, -.infinity, nil]
        var values: [Float] = []
        for (row, special) in specials.enumerated() {
            var line = (0..<columns).map { Float($0 % 7) - 3 }
            if row == 4 { line = [Float](repeating: 3e38, count: columns) }
            // The special value at the start, in the middle and in the tail, on different rows.
            if let special { line[[0, 20, 36][row % 3]] = special }
            values += line
        }
        for fixedScale in [nil, Float(3) / 127] {
            var codes = [Int8](repeating: 99, count: specials.count * 40)
            var scales = [Float](repeating: 0, count: specials.count)
            values.withUnsafeBufferPointer { source in
                QuantizedGEMM.quantizeRows(
                    source.baseAddress!, rows: specials.count, columns: columns, sourceStride: columns, into: &codes,
                    destinationStride: 40, scales: &scales, fixedScale: fixedScale, kernel: kernel)
            }
            let label = "\(kernel) \(String(describing: fixedScale))"
            #expect(scales.map(\.isNaN) == [false, true, true, true, false], "\(label): \(scales)")
            #expect(scales[0] == (fixedScale ?? Float(3) / 127) && scales[4].isFinite, "\(label)")
            #expect(
                (0..<specials.count).allSatisfy { codes[$0 * 40 + columns..<$0 * 40 + 40] == [0, 0, 0] }, "\(label)")
        }
    }

    /// A float model gives NaN or infinity where an input holds one; its int8 form must not answer those images with
    /// finite numbers. With dynamic and calibrated scales, on every kernel, the images holding NaN or infinity give
    /// NaN everywhere and the other images of the batch are answered as on their own.
    @Test(arguments: Int8Kernel.available)
    func anImageHoldingNaNOrInfinityGivesNaNOutputs(kernel: Int8Kernel) throws {
        let model = Sequential(inputShape: [8, 8, 2], seed: 5) {
            Conv2D(filters: 16, kernelSize: 3, padding: .same, activation: .relu)
            MaxPool2D(poolSize: 2)
            Flatten()
            Dense(units: 12, activation: .relu)
            Dense(units: 3)
        }
        let clean = randomTensor([4, 8, 8, 2], seed: 9)
        var values = clean.scalars
        values[1 * 128 + 37] = .nan
        values[2 * 128 + 100] = .infinity
        let inputs = Tensor(values, shape: clean.shape)
        let floatOutputs = try model.predict(inputs, checkFinite: false).scalars
        #expect((3..<6).allSatisfy { floatOutputs[$0].isNaN } && !floatOutputs[0..<3].contains { $0.isNaN })
        let calibration = try QuantizationCalibration(model: model, batches: [clean])
        for calibrated in [nil, calibration] {
            let quantized = try QuantizedModel(model, kernel: kernel, calibration: calibrated)
            let outputs = quantized(inputs).scalars
            let label = "\(kernel) calibrated \(calibrated != nil)"
            #expect(outputs[3..<9].allSatisfy { $0.isNaN }, "\(label): \(outputs[3..<9])")
            let alone = quantized(Tensor(Array(values[0..<128]) + Array(values[384..<512]), shape: [2, 8, 8, 2]))
            #expect(Array(outputs[0..<3]) + Array(outputs[9..<12]) == alone.scalars, "\(label)")
        }
    }

    @Test func anInt8ModelFollowsTheFloatModelClosely() throws {
        let model = Sequential(inputShape: [10, 10, 3], seed: 8) {
            Conv2D(filters: 8, kernelSize: 3, strides: 2, padding: .same)
            BatchNorm()
            ActivationLayer(.relu)
            Conv2D(filters: 6, kernelSize: 3, padding: .valid, dilation: 2, activation: .relu)
            Flatten()
            Dense(units: 16, activation: .relu)
            Dense(units: 4)
        }
        let inputs = randomTensor([7, 10, 10, 3], seed: 4)
        let expected = try model.predict(inputs).scalars
        let float = try InferenceModel(model)
        for kernel in Int8Kernel.available {
            let quantized = try QuantizedModel(model, kernel: kernel)
            let path = kernel == .portable ? "per image" : "direct"
            #expect(quantized.stepSummaries.first == "int8 conv2d 3x3x8 + relu (\(path))")
            // Dilation 2 has no direct loop.
            #expect(quantized.stepSummaries[1] == "int8 conv2d 3x3x6 + relu (per image)")
            let outputs = quantized(inputs).scalars
            #expect(relativeError(outputs, expected) < 0.03, "\(kernel)")
            #expect(relativeError(outputs, expected) > 0, "int8 should differ from float somewhere")
        }
        #expect(relativeError(float(inputs).scalars, expected) < 1e-5)
        // One input channel (the direct loop; the byte-by-byte im2col path on the portable kernel) with padding on
        // every side and a stride.
        let gray = Sequential(inputShape: [9, 7, 1], seed: 3) {
            Conv2D(filters: 5, kernelSize: 3, strides: 2, padding: .same)
            Conv2D(
                filters: 4, kernelSize: 3, padding: .explicit(top: 2, bottom: 0, left: 1, right: 2), activation: .relu)
            MaxPool2D(poolSize: 2)
        }
        let grayInputs = randomTensor([3, 9, 7, 1], seed: 6)
        let grayExpected = try gray.predict(grayInputs).scalars
        for kernel in Int8Kernel.available {
            let quantized = try QuantizedModel(gray, kernel: kernel)
            let path = kernel == .portable ? "per image" : "direct"
            #expect(quantized.stepSummaries.last == "int8 conv2d 3x3x4 + relu + maxpool 2x2 (\(path))")
            #expect(relativeError(quantized(grayInputs).scalars, grayExpected) < 0.03)
        }
    }

    @Test func aPredictorCanRunInt8() throws {
        let (model, schema) = BundleFixtures.tensorParts()
        let float = try Predictor(model: model, schema: schema, version: "v")
        let int8 = try Predictor(model: model, schema: schema, version: "v", quantization: .int8)
        #expect(int8.quantization == .int8)
        #expect(int8.stepSummaries.contains { $0.hasPrefix("int8 dense") })
        let images = BundleFixtures.images(20, seed: 12)
        let difference = zip(float.outputs(for: images).scalars, int8.outputs(for: images).scalars).map { abs($0 - $1) }
        #expect(difference.max()! < 0.05)
    }
}
