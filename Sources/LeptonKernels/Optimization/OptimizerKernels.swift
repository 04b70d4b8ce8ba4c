#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One-pass parameter updates for the common optimizers, following PyTorch's formulas exactly.
///
/// Each function reads a gradient and updates a parameter and its optimizer state in place, in SIMD8 chunks,
/// so an optimizer step costs one pass over memory instead of one per arithmetic operation.
public enum OptimizerKernels {
    /// Settings of an Adam-family step.
    public struct AdamSettings: Sendable {
        /// Step size.
        public var learningRate: Float
        /// Decay of the first moment.
        public var beta1: Float
        /// Decay of the second moment.
        public var beta2: Float
        /// Added to the denominator.
        public var epsilon: Float
        /// Weight decay: added to the gradient (Adam, L2) or applied to the parameter (AdamW, decoupled).
        public var weightDecay: Float
        /// Whether weight decay is decoupled (AdamW).
        public var decoupledWeightDecay: Bool
        /// The 1-based step number, for bias correction.
        public var step: Int

        /// Creates settings.
        public init(
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
    public static func adam(
        parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        firstMoment: UnsafeMutablePointer<Float>,
        secondMoment: UnsafeMutablePointer<Float>, maximumSecondMoment: UnsafeMutablePointer<Float>?, count: Int,
        settings: AdamSettings
    ) {
        let s = settings
        let correction1 = 1 - Float(pow(Double(s.beta1), Double(s.step)))
        let correction2 = 1 - Float(pow(Double(s.beta2), Double(s.step)))
        let stepSize = s.learningRate / correction1
        let inverseSqrtCorrection2 = 1 / correction2.squareRoot()
        let coupledDecay = s.decoupledWeightDecay ? 0 : s.weightDecay
        let decoupledFactor = s.decoupledWeightDecay ? 1 - s.learningRate * s.weightDecay : 1
        func update(
            _ p: inout SIMD8<Float>, _ g: SIMD8<Float>, _ m: inout SIMD8<Float>, _ v: inout SIMD8<Float>,
            _ vmax: inout SIMD8<Float>?
        ) {
            let grad = g + coupledDecay * p
            p *= decoupledFactor
            m = s.beta1 * m + (1 - s.beta1) * grad
            v = s.beta2 * v + (1 - s.beta2) * grad * grad
            var denominatorSource = v
            if var runningMax = vmax {
                runningMax = runningMax.replacing(with: v, where: v .> runningMax)
                vmax = runningMax
                denominatorSource = runningMax
            }
            let denominator = denominatorSource.squareRoot() * inverseSqrtCorrection2 + s.epsilon
            p -= stepSize * m / denominator
        }
        var index = 0
        while index + 8 <= count {
            var p = load(parameter + index)
            var m = load(firstMoment + index)
            var v = load(secondMoment + index)
            var vmax = maximumSecondMoment.map { load($0 + index) }
            update(&p, load(gradient + index), &m, &v, &vmax)
            store(p, parameter + index)
            store(m, firstMoment + index)
            store(v, secondMoment + index)
            if let vmax, let maximumSecondMoment { store(vmax, maximumSecondMoment + index) }
            index += 8
        }
        if index < count {
            let rest = count - index
            var p = loadPartial(parameter + index, rest)
            var m = loadPartial(firstMoment + index, rest)
            var v = loadPartial(secondMoment + index, rest)
            var vmax = maximumSecondMoment.map { loadPartial($0 + index, rest) }
            update(&p, loadPartial(gradient + index, rest), &m, &v, &vmax)
            storePartial(p, parameter + index, rest)
            storePartial(m, firstMoment + index, rest)
            storePartial(v, secondMoment + index, rest)
            if let vmax, let maximumSecondMoment { storePartial(vmax, maximumSecondMoment + index, rest) }
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
    public static func sgd(
        parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>, velocity: UnsafeMutablePointer<Float>?,
        count: Int, learningRate: Float, momentum: Float, nesterov: Bool, weightDecay: Float
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
    public static func rmsprop(
        parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        squareAverage: UnsafeMutablePointer<Float>,
        momentumBuffer: UnsafeMutablePointer<Float>?, count: Int, learningRate: Float, alpha: Float, epsilon: Float,
        momentum: Float, weightDecay: Float
    ) {
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
    public static func adagrad(
        parameter: UnsafeMutablePointer<Float>, gradient: UnsafePointer<Float>,
        accumulator: UnsafeMutablePointer<Float>,
        count: Int, learningRate: Float, epsilon: Float, weightDecay: Float
    ) {
        for index in 0..<count {
            let g = gradient[index] + weightDecay * parameter[index]
            let sum = accumulator[index] + g * g
            accumulator[index] = sum
            parameter[index] -= learningRate * g / (sum.squareRoot() + epsilon)
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

    private static func loadPartial(_ pointer: UnsafePointer<Float>, _ count: Int) -> SIMD8<Float> {
        var value = SIMD8<Float>()
        for lane in 0..<count { value[lane] = pointer[lane] }
        return value
    }

    private static func loadPartial(_ pointer: UnsafeMutablePointer<Float>, _ count: Int) -> SIMD8<Float> {
        loadPartial(UnsafePointer(pointer), count)
    }

    private static func storePartial(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>, _ count: Int) {
        for lane in 0..<count { pointer[lane] = value[lane] }
    }
}
