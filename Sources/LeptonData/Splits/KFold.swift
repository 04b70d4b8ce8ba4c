import LeptonTensor

/// K-fold cross-validation (scikit-learn's `KFold`): the rows, optionally shuffled with a seed, are cut into
/// `folds` consecutive parts whose sizes differ by at most one (the first `n mod folds` parts get one extra);
/// each part validates once while the others train. Index arrays are ascending.
///
/// The defaults are scikit-learn's (`KFold(n_splits=5, shuffle=False)`): five folds of consecutive rows, so
/// unshuffled folds equal scikit-learn's exactly. Shuffling uses Lepton's seeded generator, so shuffled folds are
/// reproducible but differ from scikit-learn's. LeptonTrain's `FoldStrategy.kFold` is this splitter with the same
/// defaults.
public struct KFold: Sendable, Equatable {
    /// The number of folds (at least 2).
    public let folds: Int
    /// Whether rows are shuffled before cutting.
    public let shuffle: Bool
    /// The shuffling seed.
    public let seed: UInt64

    /// K-fold settings.
    /// - Parameters:
    ///   - folds: the number of folds (default 5).
    ///   - shuffle: shuffle rows first (default `false`, as scikit-learn).
    ///   - seed: the shuffling seed.
    public init(folds: Int = 5, shuffle: Bool = false, seed: UInt64 = 0) {
        self.folds = folds
        self.shuffle = shuffle
        self.seed = seed
    }

    /// The folds of `count` rows.
    /// - Parameter count: the number of rows.
    /// - Throws: ``SplitError/invalidFoldCount(_:)``; ``SplitError/tooFewRows(count:required:)`` for fewer rows
    ///   than folds.
    public func splits(count: Int) throws -> [Fold] {
        guard folds >= 2 else { throw SplitError.invalidFoldCount(folds) }
        guard count >= folds else { throw SplitError.tooFewRows(count: count, required: folds) }
        var generator = RandomGenerator(seed: seed)
        let order = shuffle ? generator.permutation(count) : Array(0..<count)
        var start = 0
        return (0..<folds).map { fold in
            let size = count / folds + (fold < count % folds ? 1 : 0)
            let validation = order[start..<(start + size)].sorted()
            start += size
            return Fold(train: SplitSupport.complement(of: validation, count: count), validation: validation)
        }
    }
}
