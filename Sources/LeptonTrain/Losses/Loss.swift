import LeptonData
import LeptonTensor

/// A training objective: compares a batch of predictions with its targets and returns a scalar to minimise.
///
/// Every loss is computed per sample, multiplied by optional sample weights, and averaged over the batch
/// (Keras' `sum_over_batch_size`): `Σ wᵢ·lᵢ / batchSize`. Class weights enter as sample weights.
public struct Loss: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The loss formulas.
    public enum Kind: Sendable, Hashable, Codable {
        /// Mean of (prediction − target)² over each sample's values.
        case meanSquaredError
        /// Mean of |prediction − target| over each sample's values.
        case meanAbsoluteError
        /// Quadratic within `delta` of the target, linear beyond.
        case huber(delta: Float)
        /// Binary cross-entropy against 0/1 targets.
        case binaryCrossentropy(fromLogits: Bool)
        /// Cross-entropy against one-hot (or probability) targets.
        case categoricalCrossentropy(fromLogits: Bool)
        /// Cross-entropy against class labels.
        case sparseCategoricalCrossentropy(fromLogits: Bool)
    }

    /// The formula.
    public let kind: Kind

    /// Creates a loss.
    ///
    /// - Parameter kind: The formula.
    public init(_ kind: Kind) { self.kind = kind }

    /// Mean squared error.
    public static let meanSquaredError = Loss(.meanSquaredError)
    /// Mean absolute error.
    public static let meanAbsoluteError = Loss(.meanAbsoluteError)
    /// Huber loss with δ = 1.
    public static let huber = Loss(.huber(delta: 1))
    /// Binary cross-entropy on probabilities.
    public static let binaryCrossentropy = Loss(.binaryCrossentropy(fromLogits: false))
    /// Categorical cross-entropy on probabilities (for a softmax output) against one-hot targets.
    public static let categoricalCrossentropy = Loss(.categoricalCrossentropy(fromLogits: false))
    /// Sparse categorical cross-entropy on probabilities (for a softmax output) against class labels.
    public static let sparseCategoricalCrossentropy = Loss(.sparseCategoricalCrossentropy(fromLogits: false))

    /// Huber loss.
    ///
    /// - Parameter delta: Where the quadratic part ends.
    /// - Returns: The loss.
    public static func huber(delta: Float) -> Loss { Loss(.huber(delta: delta)) }
    /// Binary cross-entropy.
    ///
    /// - Parameter fromLogits: Whether predictions are logits (preferred) rather than probabilities.
    /// - Returns: The loss.
    public static func binaryCrossentropy(fromLogits: Bool) -> Loss {
        Loss(.binaryCrossentropy(fromLogits: fromLogits))
    }
    /// Categorical cross-entropy.
    ///
    /// - Parameter fromLogits: Whether predictions are logits rather than probabilities.
    /// - Returns: The loss.
    public static func categoricalCrossentropy(fromLogits: Bool) -> Loss {
        Loss(.categoricalCrossentropy(fromLogits: fromLogits))
    }
    /// Sparse categorical cross-entropy.
    ///
    /// - Parameter fromLogits: Whether predictions are logits rather than probabilities.
    /// - Returns: The loss.
    public static func sparseCategoricalCrossentropy(fromLogits: Bool) -> Loss {
        Loss(.sparseCategoricalCrossentropy(fromLogits: fromLogits))
    }

    /// Probabilities are clipped to [ε, 1 − ε] before a logarithm, as Keras does.
    public static let probabilityEpsilon: Float = 1e-7

    /// A short name for logs.
    public var description: String {
        switch kind {
        case .meanSquaredError: return "mean_squared_error"
        case .meanAbsoluteError: return "mean_absolute_error"
        case .huber: return "huber"
        case .binaryCrossentropy: return "binary_crossentropy"
        case .categoricalCrossentropy: return "categorical_crossentropy"
        case .sparseCategoricalCrossentropy: return "sparse_categorical_crossentropy"
        }
    }

    /// Whether the loss takes class labels (sparse cross-entropy) rather than value targets.
    public var takesLabels: Bool {
        if case .sparseCategoricalCrossentropy = kind { return true }
        return false
    }

    /// The loss of a batch.
    ///
    /// - Parameters:
    ///   - predictions: The model's output, batch axis first.
    ///   - targets: Labels (sparse cross-entropy) or values shaped like `predictions`.
    ///   - sampleWeights: One weight per sample, or `nil`.
    /// - Returns: A scalar tensor, differentiable with respect to `predictions`.
    /// - Throws: ``TrainingError`` for the wrong kind of targets, mismatched shapes or counts, or a label outside
    ///   the predictions' classes (naming the label and its row in the batch).
    public func callAsFunction(_ predictions: Tensor, _ targets: Targets, sampleWeights: [Float]? = nil) throws
        -> Tensor
    {
        let perSample = try self.perSample(predictions, targets)
        let batch = Swift.max(perSample.elementCount, 1)
        if let sampleWeights {
            guard sampleWeights.count == perSample.elementCount else {
                throw TrainingError.lengthMismatch(
                    what: "sampleWeights", expected: perSample.elementCount, actual: sampleWeights.count)
            }
            return (perSample * Tensor(sampleWeights)).sum() / Float(batch)
        }
        return perSample.sum() / Float(batch)
    }

    /// The loss of each sample, `[batch]`.
    ///
    /// - Parameters:
    ///   - predictions: The model's output, batch axis first.
    ///   - targets: Labels or values.
    /// - Returns: One loss per sample.
    /// - Throws: ``TrainingError`` as ``callAsFunction(_:_:sampleWeights:)``.
    public func perSample(_ predictions: Tensor, _ targets: Targets) throws -> Tensor {
        guard predictions.rank >= 1 else {
            throw TrainingError.targetShapeMismatch(what: "predictions", expected: [1], actual: predictions.shape)
        }
        let batch = predictions.shape[0]
        guard targets.count == batch else {
            throw TrainingError.lengthMismatch(what: "targets", expected: batch, actual: targets.count)
        }
        try TrainingError.checkTargets(
            targets, outputShape: Shape(Array(predictions.shape.dimensions.dropFirst())), loss: self, what: "targets")
        switch kind {
        case .sparseCategoricalCrossentropy(let fromLogits):
            let labels = targets.labels ?? []
            let classes = predictions.shape[1]
            let logProbabilities =
                fromLogits
                ? predictions.logSoftmax()
                : predictions.clamped(min: Self.probabilityEpsilon, max: 1 - Self.probabilityEpsilon).log()
            let picks = labels.enumerated().map { index, label in Int32(index * classes) + label }
            return -logProbabilities.reshaped(to: [-1]).gathering(picks)
        default:
            let values = targets.values ?? predictions
            let elementwise = elementwiseLoss(predictions, values)
            let featureAxes = Array(1..<Swift.max(predictions.rank, 1))
            if featureAxes.isEmpty { return elementwise }
            switch kind {
            case .categoricalCrossentropy: return elementwise.sum(axes: featureAxes)
            default: return elementwise.mean(axes: featureAxes)
            }
        }
    }

    private func elementwiseLoss(_ predictions: Tensor, _ targets: Tensor) -> Tensor {
        switch kind {
        case .meanSquaredError:
            return (predictions - targets).squared()
        case .meanAbsoluteError:
            return (predictions - targets).abs()
        case .huber(let delta):
            let error = (predictions - targets).abs()
            let quadratic = error.clamped(min: 0, max: delta)
            return quadratic.squared() * 0.5 + (error - quadratic) * delta
        case .binaryCrossentropy(let fromLogits):
            if fromLogits { return softplus(predictions) - predictions * targets }
            let p = predictions.clamped(min: Self.probabilityEpsilon, max: 1 - Self.probabilityEpsilon)
            return -(targets * p.log() + (1 - targets) * (1 - p).log())
        case .categoricalCrossentropy(let fromLogits):
            let logProbabilities =
                fromLogits
                ? predictions.logSoftmax()
                : predictions.clamped(min: Self.probabilityEpsilon, max: 1 - Self.probabilityEpsilon).log()
            return -(targets * logProbabilities)
        case .sparseCategoricalCrossentropy:
            preconditionFailure("sparse cross-entropy is computed per sample")
        }
    }
}
