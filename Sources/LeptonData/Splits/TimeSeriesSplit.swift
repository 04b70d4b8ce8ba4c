/// Expanding-window splits for time series (scikit-learn's `TimeSeriesSplit`): with rows in time order, fold i
/// validates on the `testSize` rows after the first `n − (folds − i)·testSize` and trains on everything before
/// them (minus a `gap`, and at most `maximumTrainSize` of the latest rows). `testSize` defaults to
/// `n / (folds + 1)`.
public struct TimeSeriesSplit: Sendable, Equatable {
    /// The number of folds (at least 2).
    public let folds: Int
    /// Rows per validation window, or `nil` for `n / (folds + 1)`.
    public let testSize: Int?
    /// Rows left out between the end of training and the start of validation.
    public let gap: Int
    /// The most (latest) training rows, or `nil` for all earlier rows.
    public let maximumTrainSize: Int?

    /// Expanding-window settings.
    /// - Parameters:
    ///   - folds: the number of folds (default 5).
    ///   - testSize: rows per validation window.
    ///   - gap: rows skipped before each validation window.
    ///   - maximumTrainSize: a sliding window of at most this many training rows.
    public init(folds: Int = 5, testSize: Int? = nil, gap: Int = 0, maximumTrainSize: Int? = nil) {
        self.folds = folds
        self.testSize = testSize
        self.gap = gap
        self.maximumTrainSize = maximumTrainSize
    }

    /// The folds over positions `0..<count` of rows already in time order.
    /// - Parameter count: the number of rows.
    /// - Throws: ``SplitError/invalidFoldCount(_:)``; ``SplitError/tooFewRows(count:required:)``.
    public func splits(count: Int) throws -> [Fold] {
        guard folds >= 2 else { throw SplitError.invalidFoldCount(folds) }
        guard count >= folds + 1 else { throw SplitError.tooFewRows(count: count, required: folds + 1) }
        let size = testSize ?? count / (folds + 1)
        let firstTest = count - folds * size
        guard firstTest - gap > 0, size >= 1 else {
            throw SplitError.tooFewRows(count: count, required: folds * max(size, 1) + gap + 1)
        }
        return (0..<folds).map { fold in
            let testStart = firstTest + fold * size
            let trainEnd = testStart - gap
            let trainStart = maximumTrainSize.map { max(0, trainEnd - $0) } ?? 0
            return Fold(train: Array(trainStart..<trainEnd), validation: Array(testStart..<(testStart + size)))
        }
    }

    /// The folds over the rows of `table` ordered by a time column; indices are row indices, in time order.
    /// - Parameters:
    ///   - table: the data.
    ///   - column: the time column (numeric, categorical or text, no missing values).
    /// - Throws: ``SplitError``; ``TableError``; ``TransformError/missingValue(column:row:)``.
    public func splits(_ table: Table, orderedBy column: String) throws -> [Fold] {
        let order = try TimeOrder.rows(of: table, by: column)
        return try splits(count: order.count).map { fold in
            Fold(train: fold.train.map { order[$0] }, validation: fold.validation.map { order[$0] })
        }
    }
}
