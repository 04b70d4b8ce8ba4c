import LeptonKernels
import LeptonLayers
import LeptonTensor

/// Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay (PyTorch's `SGD`).
public final class SGD: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// The momentum μ (0 for plain SGD).
    public var momentum: Float
    /// Whether to use Nesterov momentum.
    public var nesterov: Bool
    /// L2 weight decay added to the gradient.
    public var weightDecay: Float
    /// Gradient clipping.
    public var clipping: GradientClipping
    /// Step count and velocities.
    public var state = OptimizerState()

    /// Creates the optimizer.
    ///
    /// - Parameters:
    ///   - learningRate: The step size (default 0.01, as Keras).
    ///   - momentum: μ.
    ///   - nesterov: Nesterov momentum.
    ///   - weightDecay: L2 decay.
    ///   - clipping: Gradient clipping.
    public init(
        learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0,
        clipping: GradientClipping = .none
    ) {
        precondition(!nesterov || momentum > 0, "SGD: Nesterov momentum needs momentum > 0")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.clipping = clipping
    }

    /// "SGD".
    public var name: String { "SGD" }
    /// The velocity, when momentum is used.
    public var slotNames: [String] { momentum == 0 ? [] : ["velocity"] }

    /// Zero velocity: the first step then sets it to the gradient, as PyTorch does.
    public func initialSlots(for parameter: Parameter) -> [Tensor] {
        momentum == 0 ? [] : [Tensor.zeros(parameter.shape)]
    }

    /// One SGD step.
    public func update(_ parameter: Parameter, gradient: Tensor, slots: inout [Tensor], step: Int) {
        parameter.withUpdatePointers(gradient: gradient, slots: &slots) { p, g, s, count in
            OptimizerKernels.sgd(
                parameter: p, gradient: g, velocity: s.first, count: count, learningRate: learningRate,
                momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
        }
    }
}

/// Adam (and AMSGrad), with optional coupled L2 weight decay (PyTorch's `Adam`).
public class Adam: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// Decay of the first moment.
    public var beta1: Float
    /// Decay of the second moment.
    public var beta2: Float
    /// Added to the denominator (1e-7 by default, as Keras; PyTorch uses 1e-8).
    public var epsilon: Float
    /// Whether to keep the running maximum of the second moment (AMSGrad).
    public var amsgrad: Bool
    /// Weight decay.
    public var weightDecay: Float
    /// Gradient clipping.
    public var clipping: GradientClipping
    /// Step count and moments.
    public var state = OptimizerState()

    /// Creates the optimizer.
    ///
    /// - Parameters:
    ///   - learningRate: The step size (default 0.001).
    ///   - beta1: First-moment decay.
    ///   - beta2: Second-moment decay.
    ///   - epsilon: Denominator offset.
    ///   - amsgrad: Use AMSGrad.
    ///   - weightDecay: L2 decay added to the gradient.
    ///   - clipping: Gradient clipping.
    public init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
        amsgrad: Bool = false, weightDecay: Float = 0, clipping: GradientClipping = .none
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        self.weightDecay = weightDecay
        self.clipping = clipping
    }

    /// "Adam".
    public var name: String { amsgrad ? "AMSGrad" : "Adam" }
    /// Weight decay is added to the gradient (L2), not applied to the weights.
    var decoupledWeightDecay: Bool { false }
    /// First and second moments (and their running maximum for AMSGrad).
    public var slotNames: [String] { amsgrad ? ["m", "v", "vmax"] : ["m", "v"] }

    /// Zero moments.
    public func initialSlots(for parameter: Parameter) -> [Tensor] {
        slotNames.map { _ in Tensor.zeros(parameter.shape) }
    }

    /// One Adam step.
    public func update(_ parameter: Parameter, gradient: Tensor, slots: inout [Tensor], step: Int) {
        let settings = OptimizerKernels.AdamSettings(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay,
            decoupledWeightDecay: decoupledWeightDecay, step: step)
        parameter.withUpdatePointers(gradient: gradient, slots: &slots) { p, g, s, count in
            OptimizerKernels.adam(
                parameter: p, gradient: g, firstMoment: s[0], secondMoment: s[1],
                maximumSecondMoment: s.count > 2 ? s[2] : nil, count: count, settings: settings)
        }
    }
}

/// Adam with decoupled weight decay (PyTorch's `AdamW`): the weights shrink by `lr · λ` each step.
public final class AdamW: Adam {
    /// Creates the optimizer.
    ///
    /// - Parameters:
    ///   - learningRate: The step size.
    ///   - beta1: First-moment decay.
    ///   - beta2: Second-moment decay.
    ///   - epsilon: Denominator offset.
    ///   - amsgrad: Use AMSGrad.
    ///   - weightDecay: Decoupled decay (default 0.01, as PyTorch).
    ///   - clipping: Gradient clipping.
    public override init(
        learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
        amsgrad: Bool = false, weightDecay: Float = 0.01, clipping: GradientClipping = .none
    ) {
        super.init(
            learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad,
            weightDecay: weightDecay, clipping: clipping)
    }

    /// "AdamW".
    public override var name: String { "AdamW" }
    override var decoupledWeightDecay: Bool { true }
}

/// RMSprop (PyTorch's formula, not centered), with optional momentum and weight decay.
public final class RMSprop: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// Decay of the running average of squared gradients (PyTorch's `alpha`, Keras' `rho`).
    public var alpha: Float
    /// Added to the denominator.
    public var epsilon: Float
    /// Momentum.
    public var momentum: Float
    /// L2 weight decay.
    public var weightDecay: Float
    /// Gradient clipping.
    public var clipping: GradientClipping
    /// Step count and averages.
    public var state = OptimizerState()

    /// Creates the optimizer.
    ///
    /// - Parameters:
    ///   - learningRate: The step size (default 0.001, as Keras).
    ///   - alpha: Average decay (default 0.9, as Keras; PyTorch uses 0.99).
    ///   - epsilon: Denominator offset.
    ///   - momentum: Momentum.
    ///   - weightDecay: L2 decay.
    ///   - clipping: Gradient clipping.
    public init(
        learningRate: Float = 1e-3, alpha: Float = 0.9, epsilon: Float = 1e-7, momentum: Float = 0,
        weightDecay: Float = 0, clipping: GradientClipping = .none
    ) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.clipping = clipping
    }

    /// "RMSprop".
    public var name: String { "RMSprop" }
    /// The squared-gradient average (and the momentum buffer).
    public var slotNames: [String] { momentum == 0 ? ["square_average"] : ["square_average", "momentum"] }

    /// Zeros.
    public func initialSlots(for parameter: Parameter) -> [Tensor] {
        slotNames.map { _ in Tensor.zeros(parameter.shape) }
    }

    /// One RMSprop step.
    public func update(_ parameter: Parameter, gradient: Tensor, slots: inout [Tensor], step: Int) {
        parameter.withUpdatePointers(gradient: gradient, slots: &slots) { p, g, s, count in
            OptimizerKernels.rmsprop(
                parameter: p, gradient: g, squareAverage: s[0], momentumBuffer: s.count > 1 ? s[1] : nil, count: count,
                learningRate: learningRate, alpha: alpha, epsilon: epsilon, momentum: momentum, weightDecay: weightDecay
            )
        }
    }
}

/// Adagrad (PyTorch's formula).
public final class Adagrad: Optimizer {
    /// The step size.
    public var learningRate: Float
    /// Added to the denominator.
    public var epsilon: Float
    /// The accumulator's starting value.
    public var initialAccumulator: Float
    /// L2 weight decay.
    public var weightDecay: Float
    /// Gradient clipping.
    public var clipping: GradientClipping
    /// Step count and accumulators.
    public var state = OptimizerState()

    /// Creates the optimizer.
    ///
    /// - Parameters:
    ///   - learningRate: The step size (default 0.01).
    ///   - epsilon: Denominator offset (default 1e-10, as PyTorch).
    ///   - initialAccumulator: The accumulator's starting value.
    ///   - weightDecay: L2 decay.
    ///   - clipping: Gradient clipping.
    public init(
        learningRate: Float = 0.01, epsilon: Float = 1e-10, initialAccumulator: Float = 0, weightDecay: Float = 0,
        clipping: GradientClipping = .none
    ) {
        self.learningRate = learningRate
        self.epsilon = epsilon
        self.initialAccumulator = initialAccumulator
        self.weightDecay = weightDecay
        self.clipping = clipping
    }

    /// "Adagrad".
    public var name: String { "Adagrad" }
    /// The sum of squared gradients.
    public var slotNames: [String] { ["accumulator"] }

    /// The starting accumulator.
    public func initialSlots(for parameter: Parameter) -> [Tensor] {
        [Tensor.full(parameter.shape, value: initialAccumulator)]
    }

    /// One Adagrad step.
    public func update(_ parameter: Parameter, gradient: Tensor, slots: inout [Tensor], step: Int) {
        parameter.withUpdatePointers(gradient: gradient, slots: &slots) { p, g, s, count in
            OptimizerKernels.adagrad(
                parameter: p, gradient: g, accumulator: s[0], count: count, learningRate: learningRate,
                epsilon: epsilon, weightDecay: weightDecay)
        }
    }
}
