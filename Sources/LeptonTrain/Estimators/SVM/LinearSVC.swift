import LeptonData
import LeptonTensor

/// A linear support vector classifier trained by dual coordinate descent, as liblinear (scikit-learn's `LinearSVC`
/// with `dual=True`).
///
/// Minimises `½‖w‖² + C·Σᵢ loss(yᵢ·(w·xᵢ + b))` with the hinge `max(0, 1 − m)` or squared hinge `max(0, 1 − m)²`.
/// The intercept is the weight of an extra feature of constant value ``interceptScaling``, so it is penalised like
/// the coefficients (liblinear's convention): `b = interceptScaling·w_bias`. More than two classes are handled
/// one-vs-rest, one binary problem per class. Class weights scale C per class: in a binary problem for both classes,
/// in one-vs-rest for the positive class of each problem only (as liblinear).
public struct LinearSVC: MarginClassifier, Codable, Sendable {
    /// The per-sample loss.
    public enum Loss: String, Sendable, Hashable, Codable {
        /// `max(0, 1 − margin)`.
        case hinge
        /// `max(0, 1 − margin)²` (scikit-learn's default).
        case squaredHinge
    }

    /// C > 0: the cost of margin violations (larger fits the data more closely).
    public var c: Double
    /// The loss.
    public var loss: Loss
    /// Whether to fit an intercept (through the bias feature).
    public var fitIntercept: Bool
    /// The value of the bias feature; larger values penalise the intercept less.
    public var interceptScaling: Double
    /// Stop when the projected gradients of the dual lie within an interval this wide.
    public var tolerance: Double
    /// The most sweeps over the data per binary problem.
    public var maxIterations: Int
    /// How much each class counts.
    public var classWeight: ClassWeight
    /// Seeds the random visiting order of the samples.
    public var seed: UInt64

    /// The classes seen in training, ascending.
    public private(set) var classes: [Int32] = []
    /// One coefficient row for two classes (favouring `classes[1]`), one per class otherwise.
    public private(set) var coefficients: [[Double]] = []
    /// Intercepts, one per coefficient row.
    public private(set) var intercepts: [Double] = []
    /// The most sweeps any binary problem needed.
    public private(set) var iterations = 0
    /// Whether every binary problem met the tolerance.
    public private(set) var converged = false

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - c: The cost C > 0.
    ///   - loss: Hinge or squared hinge.
    ///   - fitIntercept: Whether to fit an intercept.
    ///   - interceptScaling: The value of the bias feature.
    ///   - tolerance: The stopping tolerance.
    ///   - maxIterations: The most sweeps.
    ///   - classWeight: How much each class counts.
    ///   - seed: Seeds the visiting order.
    public init(
        c: Double = 1, loss: Loss = .squaredHinge, fitIntercept: Bool = true, interceptScaling: Double = 1,
        tolerance: Double = 1e-4, maxIterations: Int = 1000, classWeight: ClassWeight = .uniform, seed: UInt64 = 0
    ) {
        self.c = c
        self.loss = loss
        self.fitIntercept = fitIntercept
        self.interceptScaling = interceptScaling
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.classWeight = classWeight
        self.seed = seed
    }

    /// Fits one binary problem (two classes) or one per class (one-vs-rest).
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Class labels, at least two distinct.
    /// - Throws: ``EstimatorError`` for invalid hyperparameters, bad shapes, non-finite features, value targets or
    ///   a single class.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws { try fit(source: x, y) }

    /// `fit` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws { try fit(source: x, y) }

    private mutating func fit(source x: some FeatureSource, _ y: Targets) throws {
        try EstimatorError.require(c > 0 && c.isFinite, "c", c, "must be finite and > 0")
        try EstimatorError.require(interceptScaling > 0, "interceptScaling", interceptScaling, "must be > 0")
        try EstimatorError.require(tolerance > 0, "tolerance", tolerance, "must be > 0")
        try EstimatorError.require(maxIterations >= 1, "maxIterations", maxIterations, "must be ≥ 1")
        let features = try FeatureMatrix(validating: x)
        let encoding = try LabelEncoding(y, rows: features.rows, estimator: "LinearSVC")
        let classCosts = encoding.classWeights(classWeight).map { $0 * c }
        let problems = encoding.classes.count == 2 ? [1] : Array(0..<encoding.classes.count)
        var generator = RandomGenerator(seed: seed)
        var rows: [[Double]] = []
        var biases: [Double] = []
        var mostIterations = 0
        var allConverged = true
        for positive in problems {
            let binary = encoding.classes.count == 2
            let signs = encoding.indices.map { $0 == positive ? 1.0 : -1.0 }
            let costs = encoding.indices.map { index in
                binary || index == positive ? classCosts[index] : c
            }
            let solver = DualCoordinateDescent(
                features: features, signs: signs, costs: costs, squaredHinge: loss == .squaredHinge,
                biasScale: fitIntercept ? interceptScaling : 0)
            let result = solver.solve(tolerance: tolerance, maxIterations: maxIterations, generator: &generator)
            rows.append(Array(result.weights.prefix(features.columns)))
            biases.append(fitIntercept ? result.weights[features.columns] * interceptScaling : 0)
            mostIterations = Swift.max(mostIterations, result.iterations)
            allConverged = allConverged && result.converged
        }
        classes = encoding.classes
        coefficients = rows
        intercepts = biases
        iterations = mostIterations
        converged = allConverged
    }

    /// The signed distances `x·w + b` (up to the norm of w).
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows]` for two classes (positive favours `classes[1]`), `[rows, classes]` otherwise.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func decisionFunction(_ x: Tensor) throws -> Tensor { return try decisionFunction(source: x) }

    /// `decisionFunction` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func decisionFunction(_ x: DoubleMatrix) throws -> Tensor { return try decisionFunction(source: x) }

    private func decisionFunction(source x: some FeatureSource) throws -> Tensor {
        LinearPrediction.scoreTensor(try linearScores(x), outputs: coefficients.count)
    }

    /// The class with the largest decision value (score > 0 means `classes[1]` for two classes).
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `.labels`, one per row.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predict(_ x: Tensor) throws -> Targets { return try predict(source: x) }

    /// `predict` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func predict(_ x: DoubleMatrix) throws -> Targets { return try predict(source: x) }

    private func predict(source x: some FeatureSource) throws -> Targets {
        .labels(LinearPrediction.labels(scores: try linearScores(x), outputs: coefficients.count, classes: classes))
    }

    /// Scores, row-major `[rows × outputs]`, in Double.
    private func linearScores(_ x: some FeatureSource) throws -> [Double] {
        guard !coefficients.isEmpty else { throw EstimatorError.notFitted(estimator: "LinearSVC") }
        let features = try FeatureMatrix(validating: x, expectedColumns: coefficients[0].count, allowEmpty: true)
        return LinearPrediction.scores(features, coefficients: coefficients, intercepts: intercepts)
    }
}
