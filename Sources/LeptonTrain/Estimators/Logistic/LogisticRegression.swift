import Foundation
import LeptonData
import LeptonTensor

/// Logistic regression, binary or multinomial (softmax), with scikit-learn's objective:
///
/// `C·Σᵢ sᵢ·lossᵢ + penalty(W)`, where the penalty is `½‖W‖²` (L2), `‖W‖₁` (L1) or
/// `ρ‖W‖₁ + ½(1 − ρ)‖W‖²` (elastic net), intercepts unpenalised, and `sᵢ` the class weight of sample i.
///
/// The solver is L-BFGS (written here, strong Wolfe line search, 10 pairs of memory) on the objective divided by
/// `C·Σsᵢ`, stopping — as scikit-learn's `lbfgs` solver — when no gradient entry exceeds ``tolerance`` in absolute
/// value. With an L1 part it is OWL-QN, the orthant-wise extension of L-BFGS, which steps within the orthant of the
/// current point and stops on the pseudo-gradient. Two classes give one coefficient vector (favouring
/// `classes[1]`); more give one per class with softmax probabilities. Features of which at most a tenth are
/// nonzero (TF-IDF, bag of words, one-hot columns) are read through their nonzero entries, so fitting text features
/// costs in proportion to the words present rather than to the vocabulary.
public struct LogisticRegression: ProbabilisticClassifier, MarginClassifier, Codable, Sendable {
    /// The penalty on the coefficients.
    public enum Penalty: Sendable, Hashable, Codable {
        /// No penalty.
        case none
        /// `½‖W‖²`.
        case l2
        /// `‖W‖₁` (sparse coefficients).
        case l1
        /// `ρ‖W‖₁ + ½(1 − ρ)‖W‖²` with ρ = `l1Ratio` in [0, 1].
        case elasticNet(l1Ratio: Double)

        var l1Share: Double {
            switch self {
            case .none, .l2: return 0
            case .l1: return 1
            case .elasticNet(let ratio): return ratio
            }
        }
    }

    /// The penalty.
    public var penalty: Penalty
    /// C > 0: the inverse of the regularisation strength (larger fits the data more closely).
    public var c: Double
    /// Whether to fit intercepts.
    public var fitIntercept: Bool
    /// Stop when no entry of the scaled (pseudo-)gradient exceeds this in absolute value.
    public var tolerance: Double
    /// The most L-BFGS iterations.
    public var maxIterations: Int
    /// How much each class counts.
    public var classWeight: ClassWeight

    /// The classes seen in training, ascending.
    public private(set) var classes: [Int32] = []
    /// Coefficients: one row (class 1 against class 0) for two classes, one row per class otherwise.
    public private(set) var coefficients: [[Double]] = []
    /// Intercepts, one per coefficient row.
    public private(set) var intercepts: [Double] = []
    /// Iterations of the last fit.
    public private(set) var iterations = 0
    /// Whether the last fit met the tolerance within ``maxIterations``.
    public private(set) var converged = false
    /// Whether an unpenalised fit found the classes perfectly separated: every training row lies strictly on its
    /// own class's side. The maximum-likelihood coefficients then do not exist (they grow without bound, so the
    /// reported ones depend on the iteration limit), as statsmodels' `PerfectSeparationError` says; use a penalty.
    /// Always `false` with a penalty.
    public var perfectSeparation: Bool { separation ?? false }
    /// Stored optionally so that encodings from before the diagnostic existed still decode.
    private var separation: Bool?

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - penalty: The penalty (default L2).
    ///   - c: The inverse regularisation strength C > 0.
    ///   - fitIntercept: Whether to fit intercepts.
    ///   - tolerance: The gradient tolerance.
    ///   - maxIterations: The most iterations.
    ///   - classWeight: How much each class counts.
    public init(
        penalty: Penalty = .l2, c: Double = 1, fitIntercept: Bool = true, tolerance: Double = 1e-4,
        maxIterations: Int = 100, classWeight: ClassWeight = .uniform
    ) {
        self.penalty = penalty
        self.c = c
        self.fitIntercept = fitIntercept
        self.tolerance = tolerance
        self.maxIterations = maxIterations
        self.classWeight = classWeight
    }

    /// The number of features the model was fitted with (0 before fitting).
    public var featureCount: Int { coefficients.first?.count ?? 0 }

    /// Fits the model from zero coefficients.
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
        try validateHyperparameters()
        let features = try FeatureMatrix(validating: x)
        let encoding = try LabelEncoding(y, rows: features.rows, estimator: "LogisticRegression")
        let weights = encoding.sampleWeights(classWeight)
        let l1Share = penalty == .none ? 0 : penalty.l1Share
        let weightSum = weights?.reduce(0, +) ?? Double(features.rows)
        let strength = penalty == .none ? 0 : 1 / (c * weightSum)
        let objective = LogisticObjective(
            features: features, classIndices: encoding.indices, sampleWeights: weights,
            classCount: encoding.classes.count, fitIntercept: fitIntercept, l2Strength: strength * (1 - l1Share))
        var solver = LBFGS()
        solver.gradientTolerance = tolerance
        solver.maxIterations = maxIterations
        solver.l1Strength = strength * l1Share
        solver.l1Penalized = objective.coefficientMask
        let result = solver.minimize(from: [Double](repeating: 0, count: objective.parameterCount)) {
            objective.evaluate($0, gradient: &$1)
        }
        let (d, outputs) = (features.columns, objective.outputs)
        classes = encoding.classes
        coefficients = (0..<outputs).map { Array(result.parameters[($0 * d)..<(($0 + 1) * d)]) }
        intercepts = fitIntercept ? Array(result.parameters[(outputs * d)...]) : [Double](repeating: 0, count: outputs)
        if outputs > 1 {
            // Softmax is unchanged by a common shift of the (unpenalised) intercepts: report them centered.
            let mean = intercepts.reduce(0, +) / Double(outputs)
            intercepts = intercepts.map { $0 - mean }
        }
        iterations = result.iterations
        converged = result.converged
        separation =
            penalty == .none && Self.separates(features, encoding.indices, coefficients, intercepts)
    }

    /// Whether the linear scores put every row strictly on its own class's side.
    private static func separates(
        _ features: FeatureMatrix, _ classIndices: [Int], _ coefficients: [[Double]], _ intercepts: [Double]
    ) -> Bool {
        let outputs = coefficients.count
        let scores = LinearPrediction.scores(features, coefficients: coefficients, intercepts: intercepts)
        for (row, label) in classIndices.enumerated() {
            if outputs == 1 {
                let score = scores[row]
                if label == 1 ? !(score > 0) : !(score < 0) { return false }
            } else {
                let own = scores[row * outputs + label]
                for other in 0..<outputs where other != label && !(own > scores[row * outputs + other]) { return false }
            }
        }
        return true
    }

    private func validateHyperparameters() throws {
        try EstimatorError.require(c > 0 && c.isFinite, "c", c, "must be finite and > 0")
        try EstimatorError.require(tolerance >= 0, "tolerance", tolerance, "must be ≥ 0")
        try EstimatorError.require(maxIterations >= 1, "maxIterations", maxIterations, "must be ≥ 1")
        if case .elasticNet(let ratio) = penalty {
            try EstimatorError.require((0...1).contains(ratio), "penalty.l1Ratio", ratio, "must be in [0, 1]")
        }
    }

    /// The linear scores `x·W + b`.
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

    /// Class probabilities: the logistic function of the score for two classes, softmax otherwise.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows, classes.count]`.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predictProbabilities(_ x: Tensor) throws -> Tensor { return try predictProbabilities(source: x) }

    /// `predictProbabilities` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func predictProbabilities(_ x: DoubleMatrix) throws -> Tensor { return try predictProbabilities(source: x) }

    private func predictProbabilities(source x: some FeatureSource) throws -> Tensor {
        let probabilities = try probabilityRows(x)
        return EstimatorTargets.tensor(probabilities, rows: probabilities.count / classes.count, columns: classes.count)
    }

    /// The most probable class of each row (score > 0 means `classes[1]` for two classes).
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

    /// Probabilities, row-major `[rows × classes]`, in Double.
    func probabilityRows(_ x: some FeatureSource) throws -> [Double] {
        let scores = try linearScores(x)
        if coefficients.count == 1 {
            return scores.flatMap { z -> [Double] in
                let p = 1 / (1 + Foundation.exp(-z))
                return [1 - p, p]
            }
        }
        let k = coefficients.count
        var probabilities = scores
        for start in stride(from: 0, to: scores.count, by: k) {
            let largest = scores[start..<(start + k)].max() ?? 0
            var sum = 0.0
            for index in start..<(start + k) {
                probabilities[index] = Foundation.exp(scores[index] - largest)
                sum += probabilities[index]
            }
            for index in start..<(start + k) { probabilities[index] /= sum }
        }
        return probabilities
    }

    /// Scores, row-major `[rows × outputs]`, in Double.
    private func linearScores(_ x: some FeatureSource) throws -> [Double] {
        guard !coefficients.isEmpty else { throw EstimatorError.notFitted(estimator: "LogisticRegression") }
        let features = try FeatureMatrix(validating: x, expectedColumns: coefficients[0].count, allowEmpty: true)
        return LinearPrediction.scores(features, coefficients: coefficients, intercepts: intercepts)
    }
}
