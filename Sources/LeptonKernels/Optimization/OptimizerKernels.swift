import CLeptonKernels

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One-pass parameter updates for the common optimizers, following PyTorch's formulas exactly.
///
/// Each function reads a gradient and updates a parameter and its optimizer state in place, in SIMD chunks (Adam in
/// the AVX-512 or AVX2 loops of `adam_update.c` where the CPU has them, SIMD8 Swift otherwise),
/// so an optimizer step costs one pass over memory instead of one per arithmetic operation.
package enum OptimizerKernels {
    /// Settings of an Adam-family step.
    package struct AdamSettings: Sendable {
        /// Step size.
        package var learningRate: Float
        /// Decay of the first moment.
        package var beta1: Float
        /// Decay of the second moment.
        package var beta2: Float
        /// Added to the denominator.
        package var epsilon: Float
        /// Weight decay: added to the gradient (Adam, L2) or applied to the parameter (AdamW, decoupled).
        package var weightDecay: Float
        /// Whether weight decay is decoupled (AdamW).
        package var decoupledWeightDecay: Bool
        /// The 1-based step number, for bias correction.
        package var step: Int

        /// Creates settings.
        package init(
            learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float,
            decoupledWeightDecay: Bool, step: Int
        ) {
            self.learningRate = learningRate
            self.beta1 = beta1
            self.beta2 = beta2
            self.epsilon = epsilon
            self.weightDecay = weightDecay
            self.decoupledWeightDecay = decoupledWeightDecay
            self.step = step
        }
    }

    /// Adam, AdamW and AMSGrad: m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; v̂max = max(v̂max, v) for AMSGrad;
    /// p −= lr · (m / (1−β1ᵗ)) / (sqrt(v / (1−β2ᵗ)) + ε).
    ///
    /// - Parameters:
    ///   - parameter: The values to update.
    ///   - gradient: Their gradient.
    ///   - firstMoment: m, updated.
    ///   - secondMoment: v, updated.
    ///   - maximumSecondMoment: The running maximum of v for AMSGrad, or `nil` for plain Adam.
    ///   - count: The number of values.
    ///   - settings: Step size, decays, ε, weight decay and step number.
    ///   - pool: The threads to use for large parameters.
    ///   - loop: Which instruction set's loop runs the update; all give bit-identical results.
    package static func adam(
        parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        firstMoment: UnsafeMutablePointer<Float>,
        secondMoment: UnsafeMutablePointer<Float>, maximumSecondMoment: UnsafeMutablePointer<Float>?, count: Int,
        settings: AdamSettings, pool: ThreadPool = .shared, loop: AdamLoop = .optimizer
    ) {
        let s = settings
        let coefficients = LeptonAdamCoefficients(
            beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon,
            step_size: s.learningRate / (1 - Float(pow(Double(s.beta1), Double(s.step)))),
            inverse_sqrt_correction2: 1 / (1 - Float(pow(Double(s.beta2), Double(s.step)))).squareRoot(),
            coupled_decay: s.decoupledWeightDecay ? 0 : s.weightDecay,
            decoupled_factor: s.decoupledWeightDecay ? 1 - s.learningRate * s.weightDecay : 1)
        let pieces = count >= 1 << 17 ? pool.threadCount : 1
        let chunk = roundUp((count + pieces - 1) / pieces, 16)
        DenormalFlushing.run {
            pool.parallelFor(pieces) { piece in
                let start = piece * chunk
                let end = Swift.min(count, start + chunk)
                guard start < end else { return }
                let (first, second, maximum) = (
                    firstMoment + start, secondMoment + start, maximumSecondMoment.map { $0 + start }
                )
                withUnsafePointer(to: coefficients) { c in
                    switch loop {
                    case .avx512:
                        lepton_adam_update_avx512(
                            parameter + start, gradient + start, first, second, maximum, end - start, c)
                    case .avx2:
                        lepton_adam_update_avx2(
                            parameter + start, gradient + start, first, second, maximum, end - start, c)
                    case .portable:
                        adamRange(
                            start..<end, parameter, gradient, firstMoment, secondMoment, maximumSecondMoment,
                            coefficients)
                    }
                }
            }
        }
    }

    /// The loops of the Adam update, one per instruction set (`adam_update.c` for the vector ones). They follow the
    /// same arithmetic in the same order without fused multiply-adds, so they agree bit for bit.
    package typealias AdamLoop = VectorInstructionSet

    private static func adamRange(
        _ range: Range<Int>, _ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
        _ firstMoment: UnsafeMutablePointer<Float>, _ secondMoment: UnsafeMutablePointer<Float>,
        _ maximumSecondMoment: UnsafeMutablePointer<Float>?, _ c: LeptonAdamCoefficients
    ) {
        var index = range.lowerBound
        let oneMinusBeta1 = 1 - c.beta1
        let oneMinusBeta2 = 1 - c.beta2
        while index + 8 <= range.upperBound {
            let g = load(gradient + index) + c.coupled_decay * load(parameter + index)
            let m = c.beta1 * load(firstMoment + index) + oneMinusBeta1 * g
            let v = c.beta2 * load(secondMoment + index) + oneMinusBeta2 * g * g
            store(m, firstMoment + index)
            store(v, secondMoment + index)
            var source = v
            if let maximumSecondMoment {
                let running = load(maximumSecondMoment + index)
                source = running.replacing(with: v, where: v .> running)
                store(source, maximumSecondMoment + index)
            }
            let denominator = source.squareRoot() * c.inverse_sqrt_correction2 + c.epsilon
            store(load(parameter + index) * c.decoupled_factor - c.step_size * m / denominator, parameter + index)
            index += 8
        }
        while index < range.upperBound {
            let g = gradient[index] + c.coupled_decay * parameter[index]
            let m = c.beta1 * firstMoment[index] + oneMinusBeta1 * g
            let v = c.beta2 * secondMoment[index] + oneMinusBeta2 * g * g
            firstMoment[index] = m
            secondMoment[index] = v
            var source = v
            if let maximumSecondMoment {
                source = Swift.max(maximumSecondMoment[index], v)
                maximumSecondMoment[index] = source
            }
            parameter[index] =
                parameter[index] * c.decoupled_factor - c.step_size * m
                / (source.squareRoot() * c.inverse_sqrt_correction2 + c.epsilon)
            index += 1
        }
    }

    /// SGD with optional momentum, Nesterov momentum and (coupled) weight decay, as PyTorch:
    /// g += λ·p; b = μ·b + g; g = g + μ·b (Nesterov) or b; p −= lr·g. A buffer starting at zero makes the
    /// first step b = g, PyTorch's initialisation.
    ///
    /// - Parameters:
    ///   - parameter: The values to update.
    ///   - gradient: Their gradient.
    ///   - velocity: The momentum buffer b, or `nil` without momentum.
    ///   - count: The number of values.
    ///   - learningRate: Step size.
    ///   - momentum: μ.
    ///   - nesterov: Whether to use Nesterov momentum.
    ///   - weightDecay: λ.
    package static func sgd(
        parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, velocity: UnsafeMutablePointer<Float>?,
        count: Int, learningRate: Float, momentum: Float, nesterov: Bool, weightDecay: Float
    ) {
        DenormalFlushing.run {
            sgdRange(parameter, gradient, velocity, count, learningRate, momentum, nesterov, weightDecay)
        }
    }

    private static func sgdRange(
        _ parameter: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>,
        _ velocity: UnsafeMutablePointer<Float>?,
        _ count: Int, _ learningRate: Float, _ momentum: Float, _ nesterov: Bool, _ weightDecay: Float
    ) {
        for index in 0..<count {
            var g = gradient[index] + weightDecay * parameter[index]
            if let velocity, momentum != 0 {
                let buffer = momentum * velocity[index] + g
                velocity[index] = buffer
                g = nesterov ? g + momentum * buffer : buffer
            }
            parameter[index] -= learningRate * g
        }
    }

    /// RMSprop as PyTorch (not centered): v = α·v + (1−α)·g²; with momentum μ: b = μ·b + g/(√v + ε), p −= lr·b;
    /// else p −= lr·g/(√v + ε). Weight decay λ is added to the gradient.
    ///
    /// - Parameters:
    ///   - parameter: The values to update.
    ///   - gradient: Their gradient.
    ///   - squareAverage: v, updated.
    ///   - momentumBuffer: b, or `nil` without momentum.
    ///   - count: The number of values.
    ///   - learningRate: Step size.
    ///   - alpha: Decay of v.
    ///   - epsilon: Added to the denominator.
    ///   - momentum: μ.
    ///   - weightDecay: λ.
    package static func rmsprop(
        parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        squareAverage: UnsafeMutablePointer<Float>,
        momentumBuffer: UnsafeMutablePointer<Float>?, count: Int, learningRate: Float, alpha: Float, epsilon: Float,
        momentum: Float, weightDecay: Float
    ) {
        DenormalFlushing.run {
            for index in 0..<count {
                let g = gradient[index] + weightDecay * parameter[index]
                let v = alpha * squareAverage[index] + (1 - alpha) * g * g
                squareAverage[index] = v
                let scaled = g / (v.squareRoot() + epsilon)
                if let momentumBuffer, momentum != 0 {
                    let buffer = momentum * momentumBuffer[index] + scaled
                    momentumBuffer[index] = buffer
                    parameter[index] -= learningRate * buffer
                } else {
                    parameter[index] -= learningRate * scaled
                }
            }
        }
    }

    /// Adagrad as PyTorch: s += g²; p −= lr·g/(√s + ε). Weight decay λ is added to the gradient.
    ///
    /// - Parameters:
    ///   - parameter: The values to update.
    ///   - gradient: Their gradient.
    ///   - accumulator: s, updated.
    ///   - count: The number of values.
    ///   - learningRate: Step size.
    ///   - epsilon: Added to the denominator.
    ///   - weightDecay: λ.
    package static func adagrad(
        parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        accumulator: UnsafeMutablePointer<Float>,
        count: Int, learningRate: Float, epsilon: Float, weightDecay: Float
    ) {
        DenormalFlushing.run {
            for index in 0..<count {
                let g = gradient[index] + weightDecay * parameter[index]
                let sum = accumulator[index] + g * g
                accumulator[index] = sum
                parameter[index] -= learningRate * g / (sum.squareRoot() + epsilon)
            }
        }
    }

    @inline(__always) private static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) private static func load(_ pointer: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always) private static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}

extension VectorInstructionSet {
    /// The loop of the optimizer updates: the widest the CPU runs; `LEPTON_OPTIMIZER_KERNEL=portable|avx2` narrows it.
    package static let optimizer = fastest(narrowedBy: "LEPTON_OPTIMIZER_KERNEL")
}
