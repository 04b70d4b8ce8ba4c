import LeptonData
import LeptonTensor

/// Features an estimator accepts: a Float `Tensor` or a Double ``DoubleMatrix``, validated into a
/// ``FeatureMatrix`` (Double) for the solvers.
protocol FeatureSource {
    /// The validated features.
    ///
    /// - Parameters:
    ///   - expectedColumns: The feature count the estimator was fitted with, if any.
    ///   - allowEmpty: Whether zero rows are acceptable.
    func featureMatrix(expectedColumns: Int?, allowEmpty: Bool) throws -> FeatureMatrix
}

extension Tensor: FeatureSource {
    func featureMatrix(expectedColumns: Int?, allowEmpty: Bool) throws -> FeatureMatrix {
        try FeatureMatrix(validating: self, expectedColumns: expectedColumns, allowEmpty: allowEmpty)
    }
}

extension DoubleMatrix: FeatureSource {
    func featureMatrix(expectedColumns: Int?, allowEmpty: Bool) throws -> FeatureMatrix {
        try FeatureMatrix(validating: self, expectedColumns: expectedColumns, allowEmpty: allowEmpty)
    }
}

extension FeatureMatrix {
    /// Validates features of either kind.
    init(validating x: some FeatureSource, expectedColumns: Int? = nil, allowEmpty: Bool = false) throws {
        self = try x.featureMatrix(expectedColumns: expectedColumns, allowEmpty: allowEmpty)
    }
}

extension DoubleMatrix {
    /// The values narrowed to a Float tensor, for estimators that compute in Float (neural networks).
    var floatTensor: Tensor { Tensor(values.map(Float.init), shape: [rows, columns]) }
}
