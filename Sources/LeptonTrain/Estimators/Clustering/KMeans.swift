import LeptonData
import LeptonTensor

/// k-means clustering: Lloyd's iterations from k-means++ starting centers, the best of several seeded starts.
///
/// As scikit-learn's `KMeans`: greedy k-means++ (each new center is the best of `2 + ⌊ln k⌋` candidates drawn with
/// probability proportional to the squared distance to the nearest chosen center); Lloyd iterations until the
/// labels stop changing or the centers move (in total squared distance) by at most ``tolerance`` times the mean
/// feature variance; empty clusters re-seeded with the points farthest from their centers; the start with the
/// smallest ``inertia`` kept. Computed in Double on data centered by its mean.
public struct KMeans: Estimator, Codable, Sendable {
    /// The number of clusters k ≥ 1.
    public var clusters: Int
    /// Seeded starts; the best is kept (scikit-learn's `n_init`; its default with k-means++ is 1).
    public var initializations: Int
    /// The most Lloyd iterations per start.
    public var maxIterations: Int
    /// Convergence tolerance, relative to the mean feature variance.
    public var tolerance: Double
    /// Seeds the k-means++ draws.
    public var seed: UInt64

    /// The cluster centers, `clusters` rows of feature values; empty before fitting.
    public private(set) var centers: [[Double]] = []
    /// The sum of squared distances of the training rows to their nearest center.
    public private(set) var inertia = 0.0
    /// The cluster of each training row.
    public private(set) var labels: [Int32] = []
    /// Lloyd iterations of the best start.
    public private(set) var iterations = 0

    /// The number of clusters the training rows were actually assigned to: fewer than ``clusters`` when the data
    /// has fewer distinct points than clusters asked for (scikit-learn then warns "Number of distinct clusters
    /// found smaller than n_clusters"; cross-validation reports a ``FitWarning``).
    public var distinctClusters: Int { Set(labels).count }

    /// Creates an unfitted model.
    ///
    /// - Parameters:
    ///   - clusters: k ≥ 1.
    ///   - initializations: Seeded starts ≥ 1.
    ///   - maxIterations: Lloyd iterations per start.
    ///   - tolerance: Relative center-shift tolerance.
    ///   - seed: Seeds the k-means++ draws.
    public init(
        clusters: Int = 8, initializations: Int = 1, maxIterations: Int = 300, tolerance: Double = 1e-4,
        seed: UInt64 = 0
    ) {
        self.clusters = clusters
        self.initializations = initializations
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
    }

    /// Clusters the rows of `x`.
    ///
    /// - Parameter x: Features, `[rows, features]`, at least `clusters` rows.
    /// - Throws: ``EstimatorError`` for invalid hyperparameters, bad shapes, non-finite values or too few rows.
    public mutating func fit(_ x: Tensor) throws { try fit(source: x) }

    /// `fit` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public mutating func fit(_ x: DoubleMatrix) throws { try fit(source: x) }

    private mutating func fit(source x: some FeatureSource) throws {
        try EstimatorError.require(clusters >= 1, "clusters", clusters, "must be ≥ 1")
        try EstimatorError.require(initializations >= 1, "initializations", initializations, "must be ≥ 1")
        try EstimatorError.require(maxIterations >= 1, "maxIterations", maxIterations, "must be ≥ 1")
        try EstimatorError.require(tolerance >= 0, "tolerance", tolerance, "must be ≥ 0")
        let validated = try FeatureMatrix(validating: x)
        var features = ClusterMatrix(
            rows: validated.rows, columns: validated.columns, values: validated.doubleValues())
        guard features.rows >= clusters else {
            throw EstimatorError.tooFewSamples(what: "\(clusters) clusters", needed: clusters, actual: features.rows)
        }
        let means = validated.columnMeans()
        for row in 0..<features.rows {
            for column in 0..<features.columns { features.values[row * features.columns + column] -= means[column] }
        }
        let lloyd = LloydIterations(
            features: features, clusters: clusters, maxIterations: maxIterations,
            tolerance: tolerance * Self.meanVariance(features))
        var generator = RandomGenerator(seed: seed)
        var best: LloydIterations.Result?
        for _ in 0..<initializations {
            let start = KMeansPlusPlus.centers(features, count: clusters, generator: &generator)
            let result = lloyd.run(from: start)
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        guard let best else { return }
        let d = features.columns
        centers = (0..<clusters).map { cluster in (0..<d).map { best.centers[cluster * d + $0] + means[$0] } }
        inertia = best.inertia
        labels = best.labels.map(Int32.init)
        iterations = best.iterations
    }

    /// Clusters the rows of `x`; the targets are ignored (the ``Estimator`` form, for search and pipelines).
    ///
    /// - Parameters:
    ///   - x: Features, `[rows, features]`.
    ///   - y: Ignored.
    /// - Throws: ``EstimatorError`` as ``fit(_:)-(Tensor)``.
    public mutating func fit(_ x: Tensor, _ y: Targets) throws { try fit(source: x, y) }

    /// `fit` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public mutating func fit(_ x: DoubleMatrix, _ y: Targets) throws { try fit(source: x, y) }

    private mutating func fit(source x: some FeatureSource, _ y: Targets) throws { try fit(source: x) }

    /// The nearest center of each row.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `.labels` with cluster indices.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func predict(_ x: Tensor) throws -> Targets { return try predict(source: x) }

    /// `predict` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func predict(_ x: DoubleMatrix) throws -> Targets { return try predict(source: x) }

    private func predict(source x: some FeatureSource) throws -> Targets {
        .labels(try squaredDistances(x).map { Int32(Self.nearest($0)) })
    }

    /// The Euclidean distance of each row to each center.
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `[rows, clusters]`.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func transform(_ x: Tensor) throws -> Tensor { return try transform(source: x) }

    /// `transform` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func transform(_ x: DoubleMatrix) throws -> Tensor { return try transform(source: x) }

    private func transform(source x: some FeatureSource) throws -> Tensor {
        let distances = try squaredDistances(x)
        return EstimatorTargets.tensor(
            distances.flatMap { $0.map { $0.squareRoot() } }, rows: distances.count, columns: clusters)
    }

    /// Minus the inertia of `x` against the fitted centers (higher is better, as scikit-learn's `score`).
    ///
    /// - Parameter x: Features, `[rows, features]`.
    /// - Returns: `−Σ` squared distance to the nearest center.
    /// - Throws: ``EstimatorError`` when not fitted or `x` does not match.
    public func score(_ x: Tensor) throws -> Double { return try score(source: x) }

    /// `score` on Double features, which keep every digit (see `DoubleMatrix`); otherwise the same.
    public func score(_ x: DoubleMatrix) throws -> Double { return try score(source: x) }

    private func score(source x: some FeatureSource) throws -> Double {
        -(try squaredDistances(x).reduce(0) { $0 + ($1.min() ?? 0) })
    }

    private func squaredDistances(_ x: some FeatureSource) throws -> [[Double]] {
        guard !centers.isEmpty else { throw EstimatorError.notFitted(estimator: "KMeans") }
        let validated = try FeatureMatrix(validating: x, expectedColumns: centers[0].count, allowEmpty: true)
        let features = ClusterMatrix(
            rows: validated.rows, columns: validated.columns, values: validated.doubleValues())
        let d = features.columns
        return features.values.withUnsafeBufferPointer { data in
            (0..<features.rows).map { row in
                centers.map { center in
                    center.withUnsafeBufferPointer {
                        VectorKernels.squaredDistance(data.baseAddress! + row * d, $0.baseAddress!, count: d)
                    }
                }
            }
        }
    }

    static func nearest(_ distances: [Double]) -> Int {
        var best = 0
        for index in distances.indices where distances[index] < distances[best] { best = index }
        return best
    }

    private static func meanVariance(_ features: ClusterMatrix) -> Double {
        // The data are centered, so each column's variance is its mean square.
        let total = features.values.reduce(0) { $0 + $1 * $1 }
        return total / Double(features.rows * features.columns)
    }
}

/// Rows of Double values that k-means rewrites (centers) and reads many times.
struct ClusterMatrix: Sendable {
    /// The number of rows.
    let rows: Int
    /// The number of columns.
    let columns: Int
    /// `rows × columns` values, row-major.
    var values: [Double]
}
