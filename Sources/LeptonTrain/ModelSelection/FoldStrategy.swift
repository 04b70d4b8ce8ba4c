import LeptonData

/// How data is split into cross-validation folds, with scikit-learn's semantics.
///
/// Without shuffling the folds equal scikit-learn's exactly: `kFold` takes consecutive blocks whose sizes differ
/// by at most one (the first `n mod k` are one larger); `stratifiedKFold` deals each class's rows to the folds so
/// every fold keeps the class proportions (scikit-learn's `StratifiedKFold` allocation). Shuffling uses Lepton's
/// seeded generator, so shuffled folds are reproducible but differ from scikit-learn's. The folds come from
/// LeptonData's `KFold` and `StratifiedKFold`, the one k-fold implementation, with the same defaults (no shuffling,
/// seed 0): `.kFold(k)` equals `KFold(folds: k)` and `.stratifiedKFold(k)` equals `StratifiedKFold(folds: k)`.
/// Stratified folds need every class to have at least as many members as folds.
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
    public func folds(sampleCount: Int, labels: [Int32]? = nil) throws -> [Fold] {
        let splits: [Fold]
        switch self {
        case .automatic(let folds):
            let strategy: FoldStrategy = labels == nil ? .kFold(folds) : .stratifiedKFold(folds)
            return try strategy.folds(sampleCount: sampleCount, labels: labels)
        case .kFold(let folds, let shuffle, let seed):
            splits = try Self.translatingSplitErrors(folds: folds, samples: sampleCount) {
                try KFold(folds: folds, shuffle: shuffle, seed: seed).splits(count: sampleCount)
            }
        case .stratifiedKFold(let folds, let shuffle, let seed):
            guard let labels else { throw ModelSelectionError.stratificationNeedsLabels }
            splits = try Self.translatingSplitErrors(folds: folds, samples: labels.count) {
                try StratifiedKFold(folds: folds, shuffle: shuffle, seed: seed).splits(labels: labels)
            }
        case .predefined(let testRows):
            return try Self.predefined(testRows, sampleCount: sampleCount)
        }
        return splits
    }

    /// Runs LeptonData's splitter and reports its errors in model-selection terms.
    private static func translatingSplitErrors(folds: Int, samples: Int, _ split: () throws -> [Fold]) throws
        -> [Fold]
    {
        do {
            return try split()
        } catch SplitError.invalidFoldCount, SplitError.tooFewRows {
            throw ModelSelectionError.invalidFoldCount(folds: folds, samples: samples)
        } catch SplitError.classTooSmall(let label, let count, _) {
            throw ModelSelectionError.classTooSmallForFolds(label: label, count: count, folds: folds)
        }
    }

    private static func predefined(_ testRows: [[Int]], sampleCount: Int) throws -> [Fold] {
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
            return Fold(train: (0..<sampleCount).filter { !test.contains($0) }, validation: test.sorted())
        }
    }
}
