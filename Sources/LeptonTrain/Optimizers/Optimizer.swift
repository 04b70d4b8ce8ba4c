import LeptonLayers
import LeptonTensor

/// The state of an optimizer: the step count and each parameter's slots (moments, velocities, accumulators).
public struct OptimizerState: Sendable {
    /// Updates applied so far.
    public var step = 0
    /// Slots per parameter identity, in the order of the optimizer's ``Optimizer/slotNames``.
    public var slots: [GradientID: [Tensor]] = [:]

    /// Creates an empty state.
    public init() {}
}

/// How gradients are limited before an update.
public struct GradientClipping: Sendable, Hashable, Codable {
    /// Each gradient element is clamped to ±value.
    public var value: Float?
    /// Each parameter's gradient is rescaled so its L2 norm is at most this (Keras' `clipnorm`).
    public var norm: Float?
    /// All gradients together are rescaled so their joint L2 norm is at most this (PyTorch's
    /// `clip_grad_norm_`, Keras' `global_clipnorm`).
    public var globalNorm: Float?

    /// Creates clipping settings; all `nil` means no clipping.
    ///
    /// - Parameters:
    ///   - value: Clamp per element.
    ///   - norm: Cap per parameter norm.
    ///   - globalNorm: Cap of the joint norm.
    public init(value: Float? = nil, norm: Float? = nil, globalNorm: Float? = nil) {
        self.value = value
        self.norm = norm
        self.globalNorm = globalNorm
    }

    /// No clipping.
    public static let none = GradientClipping()
}

/// A rule that moves parameters against their gradients.
///
/// Conforming types say which slots they keep and how one parameter is updated; ``apply(_:to:)-(_,[Parameter])``
/// adds the step count, gradient clipping and slot bookkeeping common to all.
public protocol Optimizer: AnyObject {
    /// The current step size (schedules change it between steps).
    var learningRate: Float { get set }
    /// Gradient clipping applied before each update.
    var clipping: GradientClipping { get set }
    /// Step count and slots.
    var state: OptimizerState { get set }
    /// Names of the per-parameter slots, for checkpoints (e.g. `["m", "v"]`).
    var slotNames: [String] { get }
    /// A short name for logs and checkpoints.
    var name: String { get }

    /// Fresh slots for a parameter (usually zeros shaped like it).
    ///
    /// - Parameter parameter: The parameter.
    /// - Returns: One tensor per slot name.
    func initialSlots(for parameter: Parameter) -> [Tensor]

    /// Updates one parameter in place.
    ///
    /// - Parameters:
    ///   - parameter: The parameter.
    ///   - gradient: Its (clipped) gradient.
    ///   - slots: Its slots, updated in place.
    ///   - step: The 1-based step number.
    func update(_ parameter: Parameter, gradient: Tensor, slots: inout [Tensor], step: Int)
}

extension Optimizer {
    /// Applies one update to every trainable parameter that has a gradient.
    ///
    /// A parameter listed more than once (a layer used twice) is updated once, with its gradient, which already
    /// sums every use.
    ///
    /// - Parameters:
    ///   - gradients: Gradients keyed by parameter identity.
    ///   - parameters: The parameters to update.
    public func apply(_ gradients: Gradients, to parameters: [Parameter]) {
        var seen = Set<ObjectIdentifier>()
        let trainable = parameters.filter {
            $0.isTrainable && gradients[$0.id] != nil && seen.insert(ObjectIdentifier($0)).inserted
        }
        var clipped = trainable.map { gradients[$0.id]! }
        clip(&clipped)
        state.step += 1
        let step = state.step
        withoutGradients {
            for (parameter, gradient) in zip(trainable, clipped) {
                precondition(
                    gradient.shape == parameter.shape,
                    "\(name): gradient shape \(gradient.shape) differs from parameter shape \(parameter.shape)")
                var slots = state.slots[parameter.id] ?? initialSlots(for: parameter)
                state.slots[parameter.id] = nil
                update(parameter, gradient: gradient, slots: &slots, step: step)
                state.slots[parameter.id] = slots
            }
        }
    }

    /// Applies one update to every trainable parameter of `model`.
    ///
    /// - Parameters:
    ///   - gradients: Gradients keyed by parameter identity.
    ///   - model: The model whose parameters to update.
    public func apply(_ gradients: Gradients, to model: Module) {
        apply(gradients, to: model.namedParameters().map(\.parameter))
    }

    private func clip(_ gradients: inout [Tensor]) {
        if let value = clipping.value {
            gradients = gradients.map { $0.clamped(min: -value, max: value) }
        }
        if let norm = clipping.norm {
            gradients = gradients.map { gradient in
                let length = (gradient * gradient).sumOfElements.squareRoot()
                return length > norm ? gradient * (norm / length) : gradient
            }
        }
        if let globalNorm = clipping.globalNorm {
            let total = gradients.reduce(Float(0)) { $0 + ($1 * $1).sumOfElements }.squareRoot()
            if total > globalNorm {
                let factor = globalNorm / (total + 1e-6)
                gradients = gradients.map { $0 * factor }
            }
        }
    }
}

extension Parameter {
    /// Runs `body` with writable pointers to the parameter's value and slot tensors, and the gradient's values.
    func withUpdatePointers(
        gradient: Tensor, slots: inout [Tensor],
        _ body: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, [UnsafeMutablePointer<Float>], Int) -> Void
    ) {
        let slotPointers = slots.indices.map { slots[$0].uniqueElementPointer() }
        let parameterPointer = value.uniqueElementPointer()
        body(parameterPointer, gradient.elementPointer, slotPointers, value.elementCount)
        withExtendedLifetime(gradient) {}
    }
}
