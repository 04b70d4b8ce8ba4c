import LeptonData
import LeptonLayers
import LeptonTensor

/// What a neural estimator's model builder is told: the sizes to build for and the search-settable settings.
public struct NeuralModelSpecification: Sendable {
    /// Input features per row.
    public let inputFeatures: Int
    /// Outputs: the number of classes for a classifier, 1 for a regressor.
    public let outputs: Int
    /// Free-form settings (for example `"hidden": 32`), which search can vary.
    public let settings: [String: Double]
    /// The seed for the initial weights.
    public let seed: UInt64

    /// The setting `name`, or `fallback` when not set.
    ///
    /// - Parameters:
    ///   - name: The setting's name.
    ///   - fallback: The value when it is not set.
    /// - Returns: The value.
    public func setting(_ name: String, default fallback: Double) -> Double { settings[name] ?? fallback }
}

/// Training settings shared by the neural estimators, all plain properties so search can vary them.
public struct NeuralTraining: Sendable {
    /// Passes over the training data.
    public var epochs: Int
    /// Rows per step.
    public var batchSize: Int
    /// Adam's step size.
    public var learningRate: Float
    /// Seeds the weights, shuffling and dropout.
    public var seed: UInt64
    /// Whether to show progress.
    public var verbose: Bool

    /// Creates settings.
    ///
    /// - Parameters:
    ///   - epochs: Passes over the data.
    ///   - batchSize: Rows per step.
    ///   - learningRate: Adam's step size.
    ///   - seed: Seeds the weights, shuffling and dropout.
    ///   - verbose: Whether to show progress.
    public init(
        epochs: Int = 20, batchSize: Int = 32, learningRate: Float = 1e-3, seed: UInt64 = 0, verbose: Bool = false
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.verbose = verbose
    }

    func train(_ model: Sequential, loss: Loss, _ x: Tensor, _ y: Targets) throws {
        try EstimatorError.require(epochs >= 1, "epochs", epochs, "must be ≥ 1")
        try EstimatorError.require(batchSize >= 1, "batchSize", batchSize, "must be ≥ 1")
        try EstimatorError.require(learningRate > 0, "learningRate", learningRate, "must be > 0")
        let trainer = Trainer(model: model, optimizer: Adam(learningRate: learningRate), loss: loss, seed: seed)
        try trainer.fit(x, y, epochs: epochs, batchSize: batchSize, verbose: verbose)
    }
}

/// A neural network classifier behind the ``Estimator`` protocol, so cross-validation, search, permutation
/// importance and the evaluation reports work for it as for the classical models.
///
/// Each `fit` builds a fresh model with the builder closure and trains it with Adam and sparse categorical
/// cross-entropy. The model must end with `outputs` units and a softmax (or return logits and set
/// ``outputsLogits``).
///
/// ```swift
/// let mlp = NeuralClassifier(training: NeuralTraining(epochs: 30), settings: ["hidden": 16]) { spec in
///     Sequential(inputShape: [spec.inputFeatures], seed: spec.seed) {
///         Dense(units: Int(spec.setting("hidden", default: 16)), activation: .relu)
///         Dense(units: spec.outputs, activation: .softmax)
///     }
/// }
/// let scores = try crossValidate(mlp, x, .labels(y), scoring: .rocAUC)
/// ```
public struct NeuralClassifier: ProbabilisticClassifier {
    /// The training settings.
    public var training: NeuralTraining
    /// Settings passed to the builder (search can set entries: `\.settings["hidden"]`).
    public var settings: [String: Double]
    /// Whether the model returns logits rather than probabilities.
    public var outputsLogits: Bool
    private let builder: @Sendable (NeuralModelSpecification) -> Sequential

    /// The trained model, after `fit`.
    public private(set) var model: Sequential?
    /// The classes seen in training, ascending.
    public private(set) var classes: [Int32] = []

    /// Creates an unfitted classifier.
    ///
    /// - Parameters:
    ///   - training: The training settings.
    ///   - settings: Settings passed to the builder.
    ///   - outputsLogits: Whether the model returns logits.
    ///   - builder: Builds a fresh, untrained model for a specification.
    public init(
        training: NeuralTraining = NeuralTraining(), settings: [String: Double] = [:], outputsLogits: Bool = false,
        builder: @escaping @Sendable (NeuralModelSpecification) -> Sequential
    ) {
        self.training = training
        self.settings = settings
        self.outputsLogits = outputsLogits
        self.builder = builder
    }

    /// Builds and trains a fresh model.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Class labels, at least two distinct.
    /// - Throws: ``EstimatorError`` for bad shapes, non-finite features, invalid settings, value targets or a single
    ///   class, and training errors.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws {
        let (rows, columns) = try FeatureMatrix.checkShape(x, expectedColumns: nil, allowEmpty: false)
        try FeatureMatrix.checkFinite(x)
        let encoding = try LabelEncoding(y, rows: rows, estimator: "NeuralClassifier")
        let network = builder(
            NeuralModelSpecification(
                inputFeatures: columns, outputs: encoding.classes.count, settings: settings, seed: training.seed))
        try training.train(
            network, loss: .sparseCategoricalCrossentropy(fromLogits: outputsLogits), x,
            .labels(encoding.indices.map(Int32.init)))
        model = network
        classes = encoding.classes
    }

    /// Class probabilities from the trained model.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows, classes.count]`.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predictProbabilities(_ x: Tensor) throws -> Tensor {
        guard let model, let inputShape = model.inputShape else {
            throw EstimatorError.notFitted(estimator: "NeuralClassifier")
        }
        _ = try FeatureMatrix.checkShape(x, expectedColumns: inputShape[0], allowEmpty: false)
        try FeatureMatrix.checkFinite(x)
        let output = try model.predict(x)
        return outputsLogits ? output.softmax(axis: -1) : output
    }

    /// The most probable class of each row.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `.labels`, one per row.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predict(_ x: Tensor) throws -> Targets {
        .labels(try predictProbabilities(x).argmax(axis: -1).map { classes[Int($0)] })
    }
}

/// A neural network regressor behind the ``Estimator`` protocol: each `fit` builds a fresh model (ending with one
/// linear unit) and trains it with Adam and mean squared error.
public struct NeuralRegressor: Estimator {
    /// The training settings.
    public var training: NeuralTraining
    /// Settings passed to the builder.
    public var settings: [String: Double]
    private let builder: @Sendable (NeuralModelSpecification) -> Sequential

    /// The trained model, after `fit`.
    public private(set) var model: Sequential?

    /// Creates an unfitted regressor.
    ///
    /// - Parameters:
    ///   - training: The training settings.
    ///   - settings: Settings passed to the builder.
    ///   - builder: Builds a fresh, untrained model for a specification (`outputs` is 1).
    public init(
        training: NeuralTraining = NeuralTraining(), settings: [String: Double] = [:],
        builder: @escaping @Sendable (NeuralModelSpecification) -> Sequential
    ) {
        self.training = training
        self.settings = settings
        self.builder = builder
    }

    /// Builds and trains a fresh model.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Value targets, `[rows]` or `[rows, 1]`.
    /// - Throws: ``EstimatorError`` for bad shapes, non-finite values, invalid settings or label targets.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws {
        let (rows, columns) = try FeatureMatrix.checkShape(x, expectedColumns: nil, allowEmpty: false)
        try FeatureMatrix.checkFinite(x)
        let targets = try EstimatorTargets.values(y, rows: rows, estimator: "NeuralRegressor")
        let network = builder(
            NeuralModelSpecification(inputFeatures: columns, outputs: 1, settings: settings, seed: training.seed))
        try training.train(
            network, loss: .meanSquaredError, x, .values(Tensor(targets.map(Float.init), shape: [rows, 1])))
        model = network
    }

    /// The trained model's output for each row.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `.values` of shape `[rows]`.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predict(_ x: Tensor) throws -> Targets {
        guard let model, let inputShape = model.inputShape else {
            throw EstimatorError.notFitted(estimator: "NeuralRegressor")
        }
        let (rows, _) = try FeatureMatrix.checkShape(x, expectedColumns: inputShape[0], allowEmpty: false)
        try FeatureMatrix.checkFinite(x)
        return .values(try model.predict(x).reshaped(to: [rows]))
    }
}
