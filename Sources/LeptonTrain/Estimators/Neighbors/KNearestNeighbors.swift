import LeptonData
import LeptonTensor

/// k-nearest-neighbour classification: each row gets the class with the largest (weighted) vote among its `k`
/// nearest training rows (Euclidean distance, brute force; ties in the vote go to the smallest class label).
public struct KNearestNeighborsClassifier: ProbabilisticClassifier, Codable, Sendable {
    /// The number of neighbours k ≥ 1.
    public var neighbors: Int
    /// How votes are weighted.
    public var weighting: NeighborWeighting

    /// The classes seen in training, ascending.
    public private(set) var classes: [Int32] = []
    private var index: NeighborIndex?
    private var classIndices: [Int] = []

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - neighbors: The number of neighbours k ≥ 1.
    ///   - weighting: Uniform or inverse-distance votes.
    public init(neighbors: Int = 5, weighting: NeighborWeighting = .uniform) {
        self.neighbors = neighbors
        self.weighting = weighting
    }

    /// Stores the training data.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Class labels, at least two distinct.
    /// - Throws: ``EstimatorError`` for k < 1 or larger than the rows, bad shapes, non-finite features, value
    ///   targets or a single class.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws { try fit(source: x, y) }

    /// `fit` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws { try fit(source: x, y) }

    private mutating func fit(source x: some FeatureSource, _ y: Targets) throws {
        let index = try NeighborIndex(x, neighbors: neighbors)
        let encoding = try LabelEncoding(y, rows: index.rows, estimator: "KNearestNeighborsClassifier")
        self.index = index
        classes = encoding.classes
        classIndices = encoding.indices
    }

    /// The share of the (weighted) vote each class gets.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows, classes.count]`.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predictProbabilities(_ x: Tensor) throws -> Tensor { return try predictProbabilities(source: x) }

    /// `predictProbabilities` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func predictProbabilities(_ x: DoubleMatrix) throws -> Tensor { return try predictProbabilities(source: x) }

    private func predictProbabilities(source x: some FeatureSource) throws -> Tensor {
        let votes = try classVotes(x)
        let probabilities = votes.flatMap { row -> [Double] in
            let total = row.reduce(0, +)
            return row.map { $0 / total }
        }
        return EstimatorTargets.tensor(probabilities, rows: votes.count, columns: classes.count)
    }

    /// The class with the largest vote.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `.labels`, one per row.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predict(_ x: Tensor) throws -> Targets { return try predict(source: x) }

    /// `predict` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func predict(_ x: DoubleMatrix) throws -> Targets { return try predict(source: x) }

    private func predict(source x: some FeatureSource) throws -> Targets {
        .labels(
            try classVotes(x).map { row in
                var best = 0
                for index in row.indices where row[index] > row[best] { best = index }
                return classes[best]
            })
    }

    private func classVotes(_ x: some FeatureSource) throws -> [[Double]] {
        guard let index else { throw EstimatorError.notFitted(estimator: "KNearestNeighborsClassifier") }
        return try index.nearest(x, k: neighbors).map { found in
            var votes = [Double](repeating: 0, count: classes.count)
            for (neighbor, weight) in zip(found, weighting.weights(found)) {
                votes[classIndices[neighbor.index]] += weight
            }
            return votes
        }
    }
}

/// k-nearest-neighbour regression: each row gets the (weighted) mean target of its `k` nearest training rows.
public struct KNearestNeighborsRegressor: Estimator, Codable, Sendable {
    /// The number of neighbours k ≥ 1.
    public var neighbors: Int
    /// How neighbours' values are weighted.
    public var weighting: NeighborWeighting

    private var index: NeighborIndex?
    private var targets: [Double] = []

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - neighbors: The number of neighbours k ≥ 1.
    ///   - weighting: Uniform or inverse-distance averaging.
    public init(neighbors: Int = 5, weighting: NeighborWeighting = .uniform) {
        self.neighbors = neighbors
        self.weighting = weighting
    }

    /// Stores the training data.
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Value targets, `[rows]` or `[rows, 1]`.
    /// - Throws: ``EstimatorError`` for k < 1 or larger than the rows, bad shapes, non-finite values or label targets.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws { try fit(source: x, y) }

    /// `fit` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws { try fit(source: x, y) }

    private mutating func fit(source x: some FeatureSource, _ y: Targets) throws {
        let index = try NeighborIndex(x, neighbors: neighbors)
        targets = try EstimatorTargets.values(y, rows: index.rows, estimator: "KNearestNeighborsRegressor")
        self.index = index
    }

    /// The (weighted) mean target of each row's neighbours.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `.values` of shape `[rows]`.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predict(_ x: Tensor) throws -> Targets { return try predict(source: x) }

    /// `predict` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func predict(_ x: DoubleMatrix) throws -> Targets { return try predict(source: x) }

    private func predict(source x: some FeatureSource) throws -> Targets {
        guard let index else { throw EstimatorError.notFitted(estimator: "KNearestNeighborsRegressor") }
        let values = try index.nearest(x, k: neighbors).map { found in
            let weights = weighting.weights(found)
            let total = zip(found, weights).reduce(0.0) { $0 + targets[$1.0.index] * $1.1 }
            return total / weights.reduce(0, +)
        }
        return EstimatorTargets.valuesTarget(values)
    }
}
