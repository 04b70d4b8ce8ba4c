import LeptonData
import LeptonTensor

/// Validated features for the solvers: a finite `[rows, features]` matrix held in Double, so features such as Unix
/// times or large amounts keep every digit (a Float tensor converts exactly; a ``DoubleMatrix`` is used as it is).
struct FeatureMatrix: Sendable {
    /// The number of rows (samples).
    var rows: Int { storage.rows }
    /// The number of columns (features).
    var columns: Int { storage.columns }
    /// The values, `[rows, columns]`, row-major.
    let storage: DoubleMatrix

    /// Wraps Float values already known to be finite.
    init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "FeatureMatrix: \(values.count) values for \(rows)×\(columns)")
        // The count was checked just above.
        storage = try! DoubleMatrix(rows: rows, columns: columns, values: values.map(Double.init))
    }

    /// Validates Float features.
    ///
    /// - Parameters:
    ///   - x: A `[rows, features]` tensor.
    ///   - expectedColumns: The feature count the estimator was fitted with, if any.
    ///   - allowEmpty: Whether zero rows are acceptable (prediction) or not (training).
    init(validating x: Tensor, expectedColumns: Int? = nil, allowEmpty: Bool = false) throws {
        let (rows, columns) = try Self.checkShape(x, expectedColumns: expectedColumns, allowEmpty: allowEmpty)
        try Self.checkFinite(x)
        // The tensor's shape gives the count.
        storage = try! DoubleMatrix(rows: rows, columns: columns, values: x.scalars.map(Double.init))
    }

    /// Validates Double features.
    ///
    /// - Parameters:
    ///   - x: The features.
    ///   - expectedColumns: The feature count the estimator was fitted with, if any.
    ///   - allowEmpty: Whether zero rows are acceptable (prediction) or not (training).
    init(validating x: DoubleMatrix, expectedColumns: Int? = nil, allowEmpty: Bool = false) throws {
        if let expectedColumns, x.columns != expectedColumns {
            throw EstimatorError.featureCountMismatch(expected: expectedColumns, actual: x.columns)
        }
        if x.columns == 0 || (x.rows == 0 && !allowEmpty) {
            throw EstimatorError.emptyFeatures(shape: [x.rows, x.columns])
        }
        if let index = x.values.firstIndex(where: { !$0.isFinite }) {
            throw EstimatorError.nonFiniteFeature(
                row: index / x.columns, column: index % x.columns, value: Float(x.values[index]))
        }
        storage = x
    }

    /// Calls `body` with the row-major values.
    func withValues<Result>(_ body: (UnsafePointer<Double>) throws -> Result) rethrows -> Result {
        try storage.values.withUnsafeBufferPointer { buffer in
            // A matrix with a zero extent has no storage to point at; no loop reads through the pointer then.
            guard let base = buffer.baseAddress else {
                return try [Double(0)].withUnsafeBufferPointer { try body($0.baseAddress!) }
            }
            return try body(base)
        }
    }

    /// The values as Double, row-major (a copy, for solvers that rewrite the data).
    func doubleValues() -> [Double] { storage.values }

    /// Checks that `x` is a `[rows, features]` matrix of the expected width and returns its extents.
    static func checkShape(_ x: Tensor, expectedColumns: Int?, allowEmpty: Bool) throws -> (rows: Int, columns: Int) {
        guard x.rank == 2 else { throw EstimatorError.featuresNotMatrix(shape: x.shape) }
        let rows = x.shape[0]
        let columns = x.shape[1]
        if let expectedColumns, columns != expectedColumns {
            throw EstimatorError.featureCountMismatch(expected: expectedColumns, actual: columns)
        }
        if columns == 0 || (rows == 0 && !allowEmpty) { throw EstimatorError.emptyFeatures(shape: x.shape) }
        return (rows, columns)
    }

    /// Throws ``EstimatorError/nonFiniteFeature(row:column:value:)`` for the first NaN or infinity in `x`.
    static func checkFinite(_ x: Tensor) throws {
        let exponentMask: UInt32 = 0x7F80_0000
        let largestExponent = x.withUnsafeBufferPointer { source -> UInt32 in
            var largest: UInt32 = 0
            for value in source { largest = Swift.max(largest, value.bitPattern & exponentMask) }
            return largest
        }
        guard largestExponent == exponentMask else { return }
        let columns = x.rank == 2 ? Swift.max(x.shape[1], 1) : 1
        let scalars = x.scalars
        if let index = scalars.firstIndex(where: { !$0.isFinite }) {
            throw EstimatorError.nonFiniteFeature(row: index / columns, column: index % columns, value: scalars[index])
        }
    }

    /// The mean of each column, accumulated in Double.
    func columnMeans() -> [Double] {
        var sums = [Double](repeating: 0, count: columns)
        withValues { x in
            sums.withUnsafeMutableBufferPointer { sum in
                guard let target = sum.baseAddress else { return }
                for row in 0..<rows { VectorKernels.add(x + row * columns, to: target, count: columns) }
            }
        }
        return sums.map { $0 / Double(Swift.max(rows, 1)) }
    }

    /// The columns after subtracting `means`, each column contiguous (column-major), in Double.
    func centeredColumnMajor(means: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: rows * columns)
        withValues { x in
            result.withUnsafeMutableBufferPointer { target in
                for row in 0..<rows {
                    for column in 0..<columns {
                        target[column * rows + row] = x[row * columns + column] - means[column]
                    }
                }
            }
        }
        return result
    }
}

/// Helpers for targets and predictions shared by the estimators.
enum EstimatorTargets {
    /// Regression targets as Double, checked to be one finite value per row.
    static func values(_ y: Targets, rows: Int, estimator: String) throws -> [Double] {
        guard case .values(let tensor) = y else {
            throw EstimatorError.wrongTargetKind(estimator: estimator, expected: "value (.values)")
        }
        guard tensor.rank == 1 || (tensor.rank == 2 && tensor.shape[1] == 1) else {
            throw EstimatorError.targetShapeMismatch(expected: "[rows] or [rows, 1]", actual: tensor.shape)
        }
        guard tensor.shape[0] == rows else {
            throw EstimatorError.sampleCountMismatch(features: rows, targets: tensor.shape[0])
        }
        let scalars = tensor.scalars
        if let bad = scalars.firstIndex(where: { !$0.isFinite }) {
            throw EstimatorError.nonFiniteTarget(row: bad, value: scalars[bad])
        }
        return scalars.map(Double.init)
    }

    /// Predicted values as a `[rows]` tensor.
    static func valuesTarget(_ values: [Double]) -> Targets {
        .values(Tensor(values.map(Float.init), shape: [values.count]))
    }

    /// A `[rows, columns]` tensor from Double values.
    static func tensor(_ values: [Double], rows: Int, columns: Int) -> Tensor {
        Tensor(values.map(Float.init), shape: [rows, columns])
    }
}
