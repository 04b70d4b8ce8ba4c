import LeptonKernels
import LeptonTensor
import Testing

/// Every differentiable operation against central finite differences.
@Suite("Gradients against finite differences")
struct GradientTests {
    @Test("arithmetic with broadcasting")
    func arithmetic() {
        var data = TestData(seed: 1)
        let a = data.tensor([3, 4])
        let b = data.tensor([4])
        let c = data.tensor([3, 1])
        let positive = data.tensor([3, 4], in: 0.5...2)
        expectGradientsMatchFiniteDifferences([a, b]) { $0[0] + $0[1] }
        expectGradientsMatchFiniteDifferences([a, c]) { $0[0] - $0[1] }
        expectGradientsMatchFiniteDifferences([a, b, c]) { $0[0] * $0[1] * $0[2] }
        expectGradientsMatchFiniteDifferences([a, positive]) { $0[0] / $0[1] }
        expectGradientsMatchFiniteDifferences([b, positive]) { $0[0] / $0[1] }
        expectGradientsMatchFiniteDifferences([a]) { 3 - 2 * $0[0] / 4 + 1 }
        expectGradientsMatchFiniteDifferences([positive]) { 2 / $0[0] }
        expectGradientsMatchFiniteDifferences([a]) { -$0[0] }
    }

    @Test("maximum and minimum route the gradient to the winner")
    func extremes() {
        var data = TestData(seed: 2)
        let a = data.distinct([2, 5])
        let b = data.distinct([5], gap: 0.031)
        expectGradientsMatchFiniteDifferences([a, b], step: 1e-3) { Tensor.maximum($0[0], $0[1]) }
        expectGradientsMatchFiniteDifferences([a, b], step: 1e-3) { Tensor.minimum($0[0], $0[1]) }
    }

    @Test(
        "unary operations",
        arguments: [
            UnaryOperation.negate, .abs, .square, .sqrt, .rsqrt, .exp, .log, .tanh, .sigmoid, .relu,
            .leakyRelu(slope: 0.1), .elu(alpha: 0.7), .geluErf, .geluTanh, .silu, .softplus, .power(3),
            .power(0.5), .clamp(min: -0.5, max: 0.5), .reciprocal,
        ])
    func unary(operation: UnaryOperation) {
        var data = TestData(seed: 3)
        let needsPositive: Bool
        switch operation {
        case .sqrt, .rsqrt, .log, .power(0.5), .reciprocal: needsPositive = true
        default: needsPositive = false
        }
        // Keep away from kinks (0 for relu/abs, ±0.5 for the clamp) so finite differences are meaningful.
        let magnitudes = data.tensor([17], in: 0.1...2).scalars
        let signs = data.tensor([17]).scalars
        let values = zip(magnitudes, signs).map { magnitude, sign -> Float in
            let safe = Swift.abs(magnitude - 0.5) < 0.05 ? magnitude + 0.1 : magnitude
            return needsPositive || sign > 0 ? safe : -safe
        }
        let x = Tensor(values)
        if needsPositive {
            // Steep near 0.1 (rsqrt‴ ≈ 6e3 there): a small step keeps the truncation error down.
            expectGradientsMatchFiniteDifferences([x], step: 1e-3) { $0[0].applying(operation) }
        } else {
            // Smooth on the inputs: a step of 1e-2 makes both the truncation error (h²/6·f‴) and the Float rounding
            // (ε·|f|/h) about 2e-5, so the check can be tight enough to tell GELU's erf derivative from its tanh
            // approximation (they differ by up to 2.5e-4).
            expectGradientsMatchFiniteDifferences([x], step: 1e-2, tolerance: 1e-3, absoluteTolerance: 6e-5) {
                $0[0].applying(operation)
            }
        }
    }

    @Test("matrix products in every transpose and with batch broadcasting")
    func matrixProducts() {
        var data = TestData(seed: 4)
        for (transposeA, transposeB) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = transposeA ? data.tensor([5, 3]) : data.tensor([3, 5])
            let b = transposeB ? data.tensor([4, 5]) : data.tensor([5, 4])
            expectGradientsMatchFiniteDifferences([a, b]) {
                matmul($0[0], $0[1], transposeA: transposeA, transposeB: transposeB)
            }
        }
        let batched = data.tensor([2, 3, 5])
        let shared = data.tensor([5, 4])
        let perBatch = data.tensor([2, 1, 5, 2])
        expectGradientsMatchFiniteDifferences([batched, shared]) { matmul($0[0], $0[1]) }
        expectGradientsMatchFiniteDifferences([batched, perBatch]) { matmul($0[0], $0[1]) }
        expectGradientsMatchFiniteDifferences([data.tensor([5]), shared]) { matmul($0[0], $0[1]) }
    }

    @Test("fused linear layer, with and without relu")
    func linearLayer() {
        var data = TestData(seed: 12)
        let x = data.tensor([2, 3, 5])
        let weight = data.tensor([5, 4])
        let bias = data.tensor([4])
        expectGradientsMatchFiniteDifferences([x, weight, bias]) { linear($0[0], weight: $0[1], bias: $0[2]) }
        // Shift the bias so that no pre-activation sits within the finite-difference step of the relu kink.
        let preActivation = linear(x, weight: weight, bias: bias)
        let nearKink = preActivation.abs().min().scalar
        let safeBias = nearKink > 0.05 ? bias : bias + 0.07
        #expect(linear(x, weight: weight, bias: safeBias).abs().min().scalar > 0.01)
        expectGradientsMatchFiniteDifferences([x, weight, safeBias], step: 1e-3) {
            linear($0[0], weight: $0[1], bias: $0[2], activation: .relu)
        }
        expectGradientsMatchFiniteDifferences([x, weight]) { linear($0[0], weight: $0[1]) }
    }

    @Test("reductions over axes")
    func reductions() {
        var data = TestData(seed: 5)
        let x = data.tensor([2, 3, 4])
        for axes in [[], [0], [1], [2], [0, 2], [-1], [1, 2]] {
            expectGradientsMatchFiniteDifferences([x]) { $0[0].sum(axes: axes) }
            expectGradientsMatchFiniteDifferences([x]) { $0[0].mean(axes: axes, keepDims: true) }
            expectGradientsMatchFiniteDifferences([x]) { $0[0].variance(axes: axes) }
        }
        let distinct = data.distinct([2, 3, 4])
        for axes in [[], [1], [0, 2]] {
            expectGradientsMatchFiniteDifferences([distinct], step: 1e-3) { $0[0].max(axes: axes) }
            expectGradientsMatchFiniteDifferences([distinct], step: 1e-3) { $0[0].min(axes: axes, keepDims: true) }
        }
    }

    @Test("reshaping, permuting, slicing, joining, padding and gathering")
    func layout() {
        var data = TestData(seed: 6)
        let x = data.tensor([2, 3, 4])
        expectGradientsMatchFiniteDifferences([x]) { $0[0].reshaped(to: [4, -1]) }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].flattened() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].permuted([2, 0, 1]) }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].transposed }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].expandingShape(at: 1).squeezed() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].slice(axis: 1, 1..<3) }
        expectGradientsMatchFiniteDifferences([x]) { $0[0][1..<2] }
        let y = data.tensor([2, 2, 4])
        expectGradientsMatchFiniteDifferences([x, y]) { Tensor.concatenate([$0[0], $0[1], $0[0]], axis: 1) }
        expectGradientsMatchFiniteDifferences([x, x * 2]) { Tensor.stack([$0[0], $0[1]], axis: 2) }
        expectGradientsMatchFiniteDifferences([x]) {
            let parts = $0[0].split(sizes: [1, 3], axis: 2)
            return parts[0] * parts[1].sum(axes: [2], keepDims: true)
        }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].padded([(1, 0), (0, 2), (1, 1)], value: 0.5) }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].gathering([2, 0, 2, 1], axis: 1) }
        expectGradientsMatchFiniteDifferences([data.tensor([5, 3])]) { $0[0].gathering([4, 4, 0]) }
    }

    @Test("softmax and log-softmax along any axis")
    func softmax() {
        var data = TestData(seed: 7)
        let x = data.tensor([3, 5], in: -3...3)
        expectGradientsMatchFiniteDifferences([x]) { $0[0].softmax() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].logSoftmax() }
        expectGradientsMatchFiniteDifferences([x]) { $0[0].softmax(axis: 0) }
        expectGradientsMatchFiniteDifferences([data.tensor([2, 3, 4])]) { $0[0].logSoftmax(axis: 1) }
    }

    @Test("convolution: input, filter and bias, with strides, padding, dilation and fused relu")
    func convolution() {
        var data = TestData(seed: 8)
        let cases: [(strides: (Int, Int), padding: Padding, dilation: (Int, Int), activation: EpilogueActivation)] = [
            ((1, 1), .valid, (1, 1), .identity),
            ((2, 1), .same, (1, 1), .identity),
            ((1, 2), .explicit(top: 1, bottom: 0, left: 2, right: 1), (1, 1), .identity),
            ((1, 1), .valid, (2, 2), .identity),
            ((1, 1), .same, (1, 1), .relu),
        ]
        for spec in cases {
            let input = data.tensor([2, 6, 5, 2])
            let filter = data.tensor([3, 2, 2, 3])
            let bias = data.tensor([3])
            expectGradientsMatchFiniteDifferences([input, filter, bias], step: 1e-3) {
                conv2d(
                    $0[0], filter: $0[1], bias: $0[2], strides: spec.strides, padding: spec.padding,
                    dilation: spec.dilation, activation: spec.activation)
            }
        }
    }

    @Test("convolution fused with max pooling: input, filter and bias, and the same values as the two operations")
    func convolutionMaxPooled() {
        var data = TestData(seed: 18)
        let cases:
            [(padding: Padding, activation: EpilogueActivation, pool: (Int, Int), step: (Int, Int), same: Bool)] = [
                (.valid, .relu, (2, 2), (2, 2), false),
                (.same, .identity, (3, 3), (2, 2), true),
                (.valid, .relu, (2, 3), (1, 2), false),
            ]
        for spec in cases {
            // Data whose pooling windows have a clear winner and, with ReLU, a winner clear of 0: a ±1e-3 step then
            // crosses no kink, and the central differences are the derivative.
            var values: [Tensor] = []
            repeat {
                values = [data.distinct([2, 7, 6, 2]), data.tensor([3, 2, 2, 3]), data.tensor([3])]
            } while Self.poolingMargin(
                conv2d(values[0], filter: values[1], bias: values[2], padding: spec.padding), window: spec.pool,
                step: spec.step, same: spec.same, relu: spec.activation == .relu) < 0.02
            let poolPadding: Padding = spec.same ? .same : .valid
            func fused(_ values: [Tensor]) -> Tensor {
                conv2dMaxPooled(
                    values[0], filter: values[1], bias: values[2], padding: spec.padding, activation: spec.activation,
                    poolSize: spec.pool, poolStrides: spec.step, poolPadding: poolPadding)
            }
            expectGradientsMatchFiniteDifferences(values, step: 1e-3, fused)
            let separate = maxPool2d(
                conv2d(
                    values[0], filter: values[1], bias: values[2], padding: spec.padding, activation: spec.activation),
                poolSize: spec.pool, strides: spec.step, padding: poolPadding)
            // The same products, the convolution blocked per image instead of per batch: equal to rounding.
            let difference = zip(fused(values).scalars, separate.scalars).map { Swift.abs($0 - $1) }
            #expect(difference.count == separate.elementCount && difference.allSatisfy { $0 <= 1e-5 })
        }
    }

    @Test("convolution fused with max pooling propagates NaN and infinity as the two operations do")
    func convolutionMaxPooledNonFinite() {
        var data = TestData(seed: 23)
        for activation in [EpilogueActivation.identity, .relu] {
            for special in [Float.nan, .infinity] {
                // One input channel and 16 filters: the direct loop's shape, which pools in registers.
                var input = data.tensor([3, 9, 8, 1])
                input.withUnsafeMutableBufferPointer { $0[72 + 20] = special }
                let filter = data.tensor([3, 3, 1, 16])
                let bias = data.tensor([16])
                let fused = conv2dMaxPooled(
                    input, filter: filter, bias: bias, activation: activation, poolSize: (2, 2)
                ).scalars
                let separate = maxPool2d(
                    conv2d(input, filter: filter, bias: bias, activation: activation), poolSize: (2, 2)
                ).scalars
                #expect(fused.map(\.isNaN) == separate.map(\.isNaN), "\(activation) \(special): NaN positions")
                #expect(fused.map(\.isInfinite) == separate.map(\.isInfinite), "\(activation) \(special): infinities")
                let finite = zip(fused, separate).filter { $0.0.isFinite && $0.1.isFinite }
                #expect(finite.allSatisfy { Swift.abs($0.0 - $0.1) <= 1e-5 }, "\(activation) \(special): values")
            }
        }
    }

    /// The smallest gap, over the max-pooling windows of the pre-activation `convolved` (NHWC), between the winner and
    /// the runner-up — and, with `relu`, between the winner and 0.
    static func poolingMargin(_ convolved: Tensor, window: (Int, Int), step: (Int, Int), same: Bool, relu: Bool)
        -> Float
    {
        let (batch, height, width, channels) =
            (convolved.shape[0], convolved.shape[1], convolved.shape[2], convolved.shape[3])
        let x = convolved.scalars
        func outputs(_ size: Int, _ window: Int, _ step: Int) -> (count: Int, padBefore: Int) {
            guard same else { return ((size - window) / step + 1, 0) }
            let count = (size + step - 1) / step
            return (count, max((count - 1) * step + window - size, 0) / 2)
        }
        let rows = outputs(height, window.0, step.0)
        let columns = outputs(width, window.1, step.1)
        var margin = Float.infinity
        for n in 0..<batch {
            for row in 0..<rows.count {
                for column in 0..<columns.count {
                    for channel in 0..<channels {
                        var candidates: [Float] = []
                        for i in 0..<window.0 {
                            for j in 0..<window.1 {
                                let (r, c) = (
                                    row * step.0 - rows.padBefore + i, column * step.1 - columns.padBefore + j
                                )
                                guard r >= 0, r < height, c >= 0, c < width else { continue }
                                candidates.append(x[((n * height + r) * width + c) * channels + channel])
                            }
                        }
                        candidates.sort(by: >)
                        if candidates.count > 1 { margin = min(margin, candidates[0] - candidates[1]) }
                        if relu { margin = min(margin, Swift.abs(candidates[0])) }
                    }
                }
            }
        }
        return margin
    }

    @Test("max and average pooling")
    func pooling() {
        var data = TestData(seed: 9)
        let x = data.distinct([2, 5, 6, 3])
        expectGradientsMatchFiniteDifferences([x], step: 1e-3) { maxPool2d($0[0], poolSize: (2, 2)) }
        expectGradientsMatchFiniteDifferences([x], step: 1e-3) {
            maxPool2d($0[0], poolSize: (3, 3), strides: (2, 2), padding: .same)
        }
        expectGradientsMatchFiniteDifferences([x]) { avgPool2d($0[0], poolSize: (2, 3)) }
        expectGradientsMatchFiniteDifferences([x]) {
            avgPool2d($0[0], poolSize: (3, 3), strides: (1, 2), padding: .same)
        }
    }

    @Test("select routes gradients by the mask")
    func select() {
        var data = TestData(seed: 10)
        let a = data.tensor([3, 4])
        let b = data.tensor([4])
        let mask = data.tensor([3, 4]) .> 0
        expectGradientsMatchFiniteDifferences([a, b]) { Tensor.select(mask, $0[0], $0[1]) }
    }

    @Test("a tensor used several times accumulates its gradient")
    func accumulation() {
        var data = TestData(seed: 11)
        let x = data.tensor([4])
        expectGradientsMatchFiniteDifferences([x]) { $0[0] * $0[0] + $0[0].exp() * $0[0].sum() }
        let w = Tensor([1, 2, 3]).requiringGradient()
        let loss = (w * w).sum() + w.sum()
        let gradient = loss.backward()[w]
        #expect(gradient?.scalars == [3, 5, 7])
    }
}
