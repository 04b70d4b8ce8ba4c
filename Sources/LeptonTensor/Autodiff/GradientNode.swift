import Synchronization

/// The identity under which a gradient is reported: a leaf tensor's or a parameter's.
///
/// ``Tensor/requiringGradient(id:)`` gives a tensor an identity; ``Gradients`` is keyed by it. Layers keep one
/// identity per parameter for the parameter's whole life, so optimizer state can be keyed by it too.
public struct GradientID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The raw value; unique within a process.
    public let rawValue: Int

    private static let counter = Atomic<Int>(0)

    /// A new identity, different from every other one made in this process.
    public static func unique() -> GradientID {
        GradientID(rawValue: counter.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    private init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// A short form such as `#12`.
    public var description: String { "#\(rawValue)" }
}

/// One recorded step of a differentiable computation: which nodes it read and how to send a gradient back.
///
/// A leaf node (a tensor that asked for gradients) has no inputs and no pullback. Nodes are immutable once
/// made; the graph is the tape.
///
/// `@unchecked Sendable`: `inputs` is written only in `deinit` (of this node or of a node that holds the only
/// reference to it, checked with `isKnownUniquelyReferenced`), when no other thread can reach the node; it is
/// read-only otherwise.
final class GradientNode: @unchecked Sendable {
    /// Maps the gradient of this node's output to gradients of its inputs.
    ///
    /// The second argument says which inputs need a gradient (those with a node); the pullback may return `nil`
    /// for the others and skip their work.
    typealias Pullback = @Sendable (_ outputGradient: Tensor, _ needsGradient: [Bool]) -> [Tensor?]

    let id: GradientID
    let shape: Shape
    let operation: String
    private(set) var inputs: [GradientNode?]
    let pullback: Pullback?

    init(id: GradientID, shape: Shape, operation: String, inputs: [GradientNode?], pullback: Pullback?) {
        self.id = id
        self.shape = shape
        self.operation = operation
        self.inputs = inputs
        self.pullback = pullback
    }

    /// Releases the graph behind this node iteratively: a chain of 100,000 recorded operations would overflow the
    /// stack if each node released its inputs from its own `deinit`.
    deinit {
        guard !inputs.isEmpty else { return }
        var pending: [GradientNode] = []
        Self.moveInputs(of: &inputs, to: &pending)
        while var node = pending.popLast() {
            // Only a node nobody else holds dies here; take its inputs so its own deinit has nothing to release.
            if isKnownUniquelyReferenced(&node) { Self.moveInputs(of: &node.inputs, to: &pending) }
        }
    }

    private static func moveInputs(of inputs: inout [GradientNode?], to pending: inout [GradientNode]) {
        for case let input? in inputs { pending.append(input) }
        inputs = []
    }
}

/// Whether operations record gradient nodes; see ``withoutGradients(_:)``.
enum GradientRecording {
    @TaskLocal static var isEnabled = true
}

/// Runs `body` without recording any gradient node, even for inputs that require gradients.
///
/// Use it for inference and for updates to parameters that must not be differentiated (optimizer steps,
/// running statistics).
///
/// - Parameter body: The computation.
/// - Returns: What `body` returns.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradientRecording.$isEnabled.withValue(false, operation: body)
}

extension Tensor {
    /// Whether this tensor takes part in differentiation (it requires gradients or was computed from one that does).
    public var requiresGradient: Bool { gradientNode != nil }

    /// The identity under which this tensor's gradient is reported, if it takes part in differentiation.
    public var gradientID: GradientID? { gradientNode?.id }

    /// This tensor marked as an input of differentiation: gradients flow back to it and are reported under `id`.
    ///
    /// - Parameter id: The identity to report the gradient under; by default a new one.
    /// - Returns: The same values, as a leaf of the gradient graph.
    public func requiringGradient(id: GradientID = .unique()) -> Tensor {
        var leaf = self
        leaf.gradientNode = GradientNode(id: id, shape: shape, operation: "leaf", inputs: [], pullback: nil)
        return leaf
    }

    /// The same values without any gradient history (a constant for differentiation).
    public var detached: Tensor {
        var copy = self
        copy.gradientNode = nil
        return copy
    }

    /// The gradient node of `input` when recording is on and it takes part in differentiation, else `nil`
    /// (then the caller records nothing and allocates nothing).
    static func trackedNodes(_ input: Tensor) -> [GradientNode?]? {
        guard input.gradientNode != nil, GradientRecording.isEnabled else { return nil }
        return [input.gradientNode]
    }

    /// The gradient nodes of the inputs when recording is on and at least one takes part in differentiation.
    static func trackedNodes(_ first: Tensor, _ second: Tensor) -> [GradientNode?]? {
        guard first.gradientNode != nil || second.gradientNode != nil, GradientRecording.isEnabled else { return nil }
        return [first.gradientNode, second.gradientNode]
    }

    /// The gradient nodes of the inputs (absent ones count as constants) when recording is on and at least one
    /// takes part in differentiation.
    static func trackedNodes(_ first: Tensor?, _ second: Tensor?, _ third: Tensor?) -> [GradientNode?]? {
        guard first?.gradientNode != nil || second?.gradientNode != nil || third?.gradientNode != nil,
            GradientRecording.isEnabled
        else { return nil }
        return [first?.gradientNode, second?.gradientNode, third?.gradientNode]
    }

    /// The gradient nodes of `inputs` when recording is on and at least one takes part in differentiation.
    static func trackedNodes(_ inputs: [Tensor]) -> [GradientNode?]? {
        guard inputs.contains(where: { $0.gradientNode != nil }), GradientRecording.isEnabled else { return nil }
        return inputs.map(\.gradientNode)
    }

    /// This tensor with a gradient node that sends gradients to `inputs` through `pullback`.
    func recorded(
        _ operation: String, inputs: [GradientNode?], pullback: @escaping GradientNode.Pullback
    ) -> Tensor {
        var result = self
        result.gradientNode = GradientNode(
            id: .unique(), shape: shape, operation: operation, inputs: inputs, pullback: pullback)
        return result
    }
}
