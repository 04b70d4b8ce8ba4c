import LeptonTensor

/// Stratified k-fold cross-validation with scikit-learn's `StratifiedKFold` semantics: every fold keeps the
/// class proportions as closely as whole rows allow, and fold sizes differ by at most one.
///
/// How rows are allotted (scikit-learn ≥ 0.24): number the classes in order of first appearance, sort the
/// labels by that number, and deal the sorted list round-robin to the folds; fold f then gets, of each class,
/// as many rows as it was dealt. Which rows of a class go to which fold is random (seeded) with `shuffle`, in
/// row order without. Index arrays are ascending.
///
/// The defaults are scikit-learn's (`StratifiedKFold(n_splits=5, shuffle=False)`), so unshuffled folds equal
/// scikit-learn's exactly. LeptonTrain's `FoldStrategy.stratifiedKFold` is this splitter with the same defaults.
public struct StratifiedKFold: Sendable, Equatable {
    /// The number of folds (at least 2).
    public let folds: Int
    /// Whether rows of each class are assigned to folds at random.
    public let shuffle: Bool
    /// The shuffling seed.
    public let seed: UInt64

    /// Stratified k-fold settings.
    /// - Parameters:
    ///   - folds: the number of folds (default 5).
    ///   - shuffle: random assignment within classes (default `false`, as scikit-learn).
    ///   - seed: the shuffling seed.
    public init(folds: Int = 5, shuffle: Bool = false, seed: UInt64 = 0) {
        self.folds = folds
        self.shuffle = shuffle
        self.seed = seed
    }

    /// The folds for rows with class `labels`.
    /// - Parameter labels: one class label per row.
    /// - Throws: ``SplitError/invalidFoldCount(_:)``; ``SplitError/tooFewRows(count:required:)``;
    ///   ``SplitError/classTooSmall(label:count:required:)`` naming the smallest class when it has fewer rows than
    ///   folds (some fold would validate without it; scikit-learn only warns, but the fold's scores are then
    ///   undefined or misleading).
    public func splits(labels: [Int32]) throws -> [Fold] {
        guard folds >= 2 else { throw SplitError.invalidFoldCount(folds) }
        guard labels.count >= folds else { throw SplitError.tooFewRows(count: labels.count, required: folds) }
        let classes = SplitSupport.classesByFirstAppearance(labels)
        if let smallest = classes.min(by: { $0.rows.count < $1.rows.count }), smallest.rows.count < folds {
            throw SplitError.classTooSmall(label: smallest.label, count: smallest.rows.count, required: folds)
        }
        // Deal the class-sorted labels round-robin: position p of the sorted list goes to fold p mod folds.
        var allocation = [[Int]](repeating: [Int](repeating: 0, count: classes.count), count: folds)
        var position = 0
        for (classIndex, members) in classes.enumerated() {
            for _ in members.rows {
                allocation[position % folds][classIndex] += 1
                position += 1
            }
        }
        var generator = RandomGenerator(seed: seed)
        var foldOfRow = [Int](repeating: 0, count: labels.count)
        for (classIndex, members) in classes.enumerated() {
            var foldsForClass = (0..<folds).flatMap { [Int](repeating: $0, count: allocation[$0][classIndex]) }
            if shuffle { foldsForClass = generator.permutation(foldsForClass.count).map { foldsForClass[$0] } }
            for (row, fold) in zip(members.rows, foldsForClass) { foldOfRow[row] = fold }
        }
        return (0..<folds).map { fold in
            let validation = foldOfRow.indices.filter { foldOfRow[$0] == fold }
            return Fold(train: SplitSupport.complement(of: validation, count: labels.count), validation: validation)
        }
    }
}
