/// Gradients of a differentiated computation, keyed by the identities of the tensors that asked for them.
public struct Gradients: Sendable {
    private var values: [GradientID: Tensor]

    init(_ values: [GradientID: Tensor]) {
        self.values = values
    }

    /// No gradients (the result of differentiating a constant); combine with ``adding(_:)``.
    public init() {
        values = [:]
    }

    /// Gradients given per identity (for a custom backward rule or gradients computed elsewhere).
    ///
    /// - Parameter gradients: The gradient of each identity.
    public init(_ gradients: [(GradientID, Tensor)]) {
        var values: [GradientID: Tensor] = [:]
        for (id, gradient) in gradients {
            values[id] = values[id].map { $0.adding(gradient.detached) } ?? gradient.detached
        }
        self.values = values
    }

    /// The sum of these gradients and `other`, identity by identity (gradient accumulation across micro-batches);
    /// an identity present in one only keeps its gradient.
    ///
    /// - Parameter other: More gradients.
    /// - Returns: The sums.
    public func adding(_ other: Gradients) -> Gradients {
        var values = self.values
        for (id, gradient) in other.values {
            if let existing = values[id] {
                precondition(
                    existing.shape == gradient.shape,
                    "Gradients.adding: \(id) has shapes \(existing.shape) and \(gradient.shape)")
                values[id] = existing.adding(gradient)
            } else {
                values[id] = gradient
            }
        }
        return Gradients(values)
    }

    /// Every gradient multiplied by `factor` (for example 1/n after accumulating n micro-batches).
    ///
    /// - Parameter factor: The multiplier.
    /// - Returns: The scaled gradients.
    public func scaled(by factor: Float) -> Gradients {
        Gradients(withoutGradients { values.mapValues { $0 * factor } })
    }

    /// The gradient for the tensor or parameter with identity `id`, or `nil` if the result did not depend on it.
    public subscript(id: GradientID) -> Tensor? {
        values[id]
    }

    /// The gradient for `tensor` (which must have taken part in differentiation), or `nil` if the result did
    /// not depend on it.
    public subscript(tensor: Tensor) -> Tensor? {
        guard let id = tensor.gradientID else { return nil }
        return values[id]
    }

    /// The identities that have a gradient.
    public var ids: Dictionary<GradientID, Tensor>.Keys { values.keys }

    /// The number of gradients.
    public var count: Int { values.count }
}

extension Tensor {
    /// Back-propagates from this tensor and returns the gradient of every leaf it depends on.
    ///
    /// - Parameter seed: The gradient of the final objective with respect to this tensor; by default ones, which
    ///   requires this tensor to hold a single element (a loss).
    /// - Returns: The gradients of the leaves (tensors marked with ``requiringGradient(id:)``), keyed by identity.
    ///
    /// Calling it on a tensor that does not take part in differentiation is a programmer error that stops the
    /// program with a message (PyTorch raises): typically the value came from `model(x)`, an inference call that
    /// records nothing, instead of `model(x, context: .training(generator:))`.
    public func backward(seed: Tensor? = nil) -> Gradients {
        guard gradientNode != nil else { fatalError(Self.notRecordedMessage("backward()")) }
        return Gradients(propagate(seed: seed, keep: nil, leafReady: nil))
    }

    /// Back-propagates as ``backward(seed:)`` and reports each leaf's gradient the moment it is final, while the
    /// rest of the backward pass still runs — the hook data-parallel training uses to start all-reducing the last
    /// layers' gradients while the first layers' are still being computed (PyTorch DDP's gradient-ready hooks).
    ///
    /// A leaf's gradient is final once every operation that used the leaf has run its pullback; leaves of later
    /// layers are therefore reported before those of earlier ones. Each leaf is reported exactly once, with the
    /// same tensor the returned ``Gradients`` holds for it.
    ///
    /// - Parameters:
    ///   - seed: As ``backward(seed:)``.
    ///   - onGradientReady: Called on the calling thread with a leaf's identity and its final gradient.
    /// - Returns: The gradients of the leaves, as ``backward(seed:)``.
    public func backward(seed: Tensor? = nil, onGradientReady: (GradientID, Tensor) -> Void) -> Gradients {
        guard gradientNode != nil else { fatalError(Self.notRecordedMessage("backward(onGradientReady:)")) }
        // The hook is called only while propagate runs, never after it returns.
        return withoutActuallyEscaping(onGradientReady) { hook in
            Gradients(propagate(seed: seed, keep: nil, leafReady: hook))
        }
    }

    static func notRecordedMessage(_ call: String) -> String {
        "\(call): this tensor does not depend on any tensor that requires gradients, so there is nothing to differentiate; was it computed by model(x) (an inference call that records no gradients — use model(x, context: .training(generator:))), inside withoutGradients, or from tensors never marked with requiringGradient()?"
    }

    /// The gradients of this single-element tensor with respect to `inputs`, in order.
    ///
    /// A marked input the result does not depend on gets a zero gradient. An input that was never marked with
    /// ``requiringGradient(id:)`` (nor computed from one), or a result computed without recording, is a programmer
    /// error that stops the program with a message, as PyTorch raises.
    ///
    /// - Parameter inputs: Tensors that took part in computing this one (leaves or intermediate results).
    /// - Returns: One gradient per input, each with the input's shape.
    public func gradients(withRespectTo inputs: [Tensor]) -> [Tensor] {
        if let unmarked = inputs.firstIndex(where: { $0.gradientID == nil }) {
            fatalError(
                "gradients(withRespectTo:): input \(unmarked) of shape \(inputs[unmarked].shape) was never marked with requiringGradient(), so it has no gradient"
            )
        }
        guard gradientNode != nil else { fatalError(Self.notRecordedMessage("gradients(withRespectTo:)")) }
        let wanted = Set(inputs.compactMap(\.gradientID))
        let found = propagate(seed: nil, keep: wanted, leafReady: nil)
        return inputs.map { input in
            input.gradientID.flatMap { found[$0] } ?? Tensor(repeating: 0, shape: input.shape)
        }
    }

    /// Runs the pullbacks in reverse topological order; returns the gradients of leaves and of `keep`, and hands
    /// each leaf's gradient to `leafReady` when it is visited (every consumer of a node comes before it in reverse
    /// topological order, so nothing adds to its gradient afterwards).
    private func propagate(
        seed: Tensor?, keep: Set<GradientID>?, leafReady: ((GradientID, Tensor) -> Void)?
    ) -> [GradientID: Tensor] {
        guard let root = gradientNode else { return [:] }
        let seedGradient: Tensor
        if let seed {
            precondition(seed.shape == shape, "backward: seed shape \(seed.shape) differs from tensor shape \(shape)")
            seedGradient = seed.detached
        } else {
            precondition(
                elementCount == 1,
                "backward: a seed is needed for a tensor of shape \(shape) (only one-element tensors default to 1)")
            seedGradient = Tensor(repeating: 1, shape: shape)
        }
        return withoutGradients {
            let order = Self.topologicalOrder(from: root)
            var pending: [GradientID: Tensor] = [root.id: seedGradient]
            var result: [GradientID: Tensor] = [:]
            for node in order.reversed() {
                guard let gradient = pending.removeValue(forKey: node.id) else { continue }
                let isLeaf = node.pullback == nil
                if isLeaf || keep?.contains(node.id) == true {
                    result[node.id] = gradient
                }
                if isLeaf, let leafReady { leafReady(node.id, gradient) }
                guard let pullback = node.pullback else { continue }
                let needs = node.inputs.map { $0 != nil }
                let inputGradients = pullback(gradient, needs)
                for (input, inputGradient) in zip(node.inputs, inputGradients) {
                    guard let input, let inputGradient else { continue }
                    precondition(
                        inputGradient.shape == input.shape,
                        "backward: \(node.operation) returned a gradient of shape \(inputGradient.shape) for an input of shape \(input.shape)"
                    )
                    if let existing = pending[input.id] {
                        pending[input.id] = existing.adding(inputGradient)
                    } else {
                        pending[input.id] = inputGradient
                    }
                }
            }
            return result
        }
    }

    /// Nodes reachable from `root`, each after all of its inputs (iterative depth-first search).
    private static func topologicalOrder(from root: GradientNode) -> [GradientNode] {
        var order: [GradientNode] = []
        var visited: Set<GradientID> = [root.id]
        var stack: [(node: GradientNode, nextInput: Int)] = [(root, 0)]
        while !stack.isEmpty {
            let (node, nextInput) = stack[stack.count - 1]
            if nextInput < node.inputs.count {
                stack[stack.count - 1].nextInput += 1
                if let input = node.inputs[nextInput], visited.insert(input.id).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(node)
                stack.removeLast()
            }
        }
        return order
    }
}
