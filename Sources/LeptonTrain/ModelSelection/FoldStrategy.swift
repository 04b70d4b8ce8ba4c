import LeptonData

/// The training and test rows of one cross-validation fold, each ascending.
public struct CrossValidationFold: Sendable, Hashable, Codable {
    /// Rows to fit on.
    public let training: [Int]
    /// Rows to score on.
    public let test: [Int]
}

/// How data is split into cross-validation folds, with scikit-learn's semantics.
///
/// Without shuffling the folds equal scikit-learn's exactly: `kFold` takes consecutive blocks whose sizes differ
/// by at most one (the first `n mod k` are one larger); `stratifiedKFold` deals each class's rows to the folds so
/// every fold keeps the class proportions (scikit-learn's `StratifiedKFold` allocation). Shuffling uses Lepton's
/// seeded generator, so shuffled folds are reproducible but differ from scikit-learn's. The folds come from
/// LeptonData's `KFold` and `StratifiedKFold` (one implementation); stratified folds need every class to have
/// at least as many members as folds.
public enum FoldStrategy: Sendable, Hashable, Codable {
    /// Consecutive (or shuffled, then consecutive) blocks of rows.
    case kFold(Int, shuffle: Bool = false, seed: UInt64 = 0)
    /// Folds that keep the class proportions; `shuffle` randomises which rows of a class go to which fold.
    case stratifiedKFold(Int, shuffle: Bool = false, seed: UInt64 = 0)
    /// Stratified folds for label targets, plain k-fold otherwise, no shuffling (scikit-learn's `cv=k`).
    case automatic(Int)
    /// Given test rows per fold; every other row trains.
    case predefined(testRows: [[Int]])

    /// The folds for `sampleCount` rows.
    ///
    /// - Parameters:
    ///   - sampleCount: The number of rows.
    ///   - labels: The class labels, needed for stratification.
    /// - Returns: The folds, in order.
    /// - Throws: ``ModelSelectionError`` when the folds cannot be formed.
    public func folds(sampleCount: Int, labels: [Int32]? = nil) throws -> [CrossValidationFold] {
        let splits: [Fold]
        switch self {
        case .automatic(let folds):
            let strategy: FoldStrategy = labels == nil ? .kFold(folds) : .stratifiedKFold(folds)
            return try strategy.folds(sampleCount: sampleCount, labels: labels)
        case .kFold(let folds, let shuffle, let seed):
            try Self.checkFoldCount(folds, sampleCount)
            splits = try KFold(folds: folds, shuffle: shuffle, seed: seed).splits(count: sampleCount)
        case .stratifiedKFold(let folds, let shuffle, let seed):
            guard let labels else { throw ModelSelectionError.stratificationNeedsLabels }
            try Self.checkFoldCount(folds, labels.count)
            do {
                splits = try StratifiedKFold(folds: folds, shuffle: shuffle, seed: seed).splits(labels: labels)
            } catch SplitError.classTooSmall(let label, let count, _) {
                throw ModelSelectionError.classTooSmallForFolds(label: label, count: count, folds: folds)
            }
        case .predefined(let testRows):
            return try Self.predefined(testRows, sampleCount: sampleCount)
        }
        return splits.map { CrossValidationFold(training: $0.train, test: $0.validation) }
    }

    private static func checkFoldCount(_ folds: Int, _ samples: Int) throws {
        guard folds >= 2 && folds <= samples else {
            throw ModelSelectionError.invalidFoldCount(folds: folds, samples: samples)
        }
    }

    private static func predefined(_ testRows: [[Int]], sampleCount: Int) throws -> [CrossValidationFold] {
        try testRows.enumerated().map { fold, rows in
            guard !rows.isEmpty else { throw ModelSelectionError.invalidPredefinedFold(fold: fold, reason: "no rows") }
            if let bad = rows.first(where: { $0 < 0 || $0 >= sampleCount }) {
                throw ModelSelectionError.invalidPredefinedFold(
                    fold: fold, reason: "row \(bad) is outside 0..<\(sampleCount)")
            }
            let test = Set(rows)
            guard test.count < sampleCount else {
                throw ModelSelectionError.invalidPredefinedFold(fold: fold, reason: "no rows left to train on")
            }
            return CrossValidationFold(training: (0..<sampleCount).filter { !test.contains($0) }, test: test.sorted())
        }
    }
}
