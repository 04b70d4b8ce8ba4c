import LeptonTensor

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
/// seeded generator, so shuffled folds are reproducible but differ from scikit-learn's.
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
        let testFolds: [Int]
        let count: Int
        switch self {
        case .automatic(let folds):
            let strategy: FoldStrategy = labels == nil ? .kFold(folds) : .stratifiedKFold(folds)
            return try strategy.folds(sampleCount: sampleCount, labels: labels)
        case .kFold(let folds, let shuffle, let seed):
            try Self.checkFoldCount(folds, sampleCount)
            testFolds = Self.blockAssignment(sampleCount, folds: folds, shuffle: shuffle, seed: seed)
            count = folds
        case .stratifiedKFold(let folds, let shuffle, let seed):
            guard let labels else { throw ModelSelectionError.stratificationNeedsLabels }
            try Self.checkFoldCount(folds, labels.count)
            testFolds = try Self.stratifiedAssignment(labels, folds: folds, shuffle: shuffle, seed: seed)
            count = folds
        case .predefined(let testRows):
            return try Self.predefined(testRows, sampleCount: sampleCount)
        }
        return (0..<count).map { fold in
            CrossValidationFold(
                training: (0..<sampleCount).filter { testFolds[$0] != fold },
                test: (0..<sampleCount).filter { testFolds[$0] == fold })
        }
    }

    private static func checkFoldCount(_ folds: Int, _ samples: Int) throws {
        guard folds >= 2 && folds <= samples else {
            throw ModelSelectionError.invalidFoldCount(folds: folds, samples: samples)
        }
    }

    /// The fold of each row for consecutive blocks of sizes ⌈n/k⌉ (first n mod k) and ⌊n/k⌋.
    private static func blockAssignment(_ n: Int, folds: Int, shuffle: Bool, seed: UInt64) -> [Int] {
        var generator = RandomGenerator(seed: seed)
        let order = shuffle ? generator.permutation(n) : Array(0..<n)
        var assignment = [Int](repeating: 0, count: n)
        var position = 0
        for fold in 0..<folds {
            let size = n / folds + (fold < n % folds ? 1 : 0)
            for offset in 0..<size { assignment[order[position + offset]] = fold }
            position += size
        }
        return assignment
    }

    /// scikit-learn's `StratifiedKFold` allocation: classes numbered by first appearance, the sorted class codes
    /// dealt round-robin to the folds to decide how many of each class each fold gets, then each class's rows
    /// given to folds in order (or in shuffled order).
    private static func stratifiedAssignment(_ labels: [Int32], folds: Int, shuffle: Bool, seed: UInt64) throws
        -> [Int]
    {
        var codeOf: [Int32: Int] = [:]
        for label in labels where codeOf[label] == nil { codeOf[label] = codeOf.count }
        let codes = labels.map { codeOf[$0]! }
        let classCount = codeOf.count
        var classSizes = [Int](repeating: 0, count: classCount)
        for code in codes { classSizes[code] += 1 }
        let largest = classSizes.max() ?? 0
        guard largest >= folds else {
            throw ModelSelectionError.classesTooSmallForFolds(folds: folds, largestClass: largest)
        }
        let sortedCodes = codes.sorted()
        var allocation = [[Int]](repeating: [Int](repeating: 0, count: classCount), count: folds)
        for (position, code) in sortedCodes.enumerated() { allocation[position % folds][code] += 1 }
        var generator = RandomGenerator(seed: seed)
        var assignment = [Int](repeating: 0, count: labels.count)
        for code in 0..<classCount {
            var foldsForClass: [Int] = []
            for fold in 0..<folds { foldsForClass += [Int](repeating: fold, count: allocation[fold][code]) }
            if shuffle { foldsForClass = generator.permutation(foldsForClass.count).map { foldsForClass[$0] } }
            var next = 0
            for row in labels.indices where codes[row] == code {
                assignment[row] = foldsForClass[next]
                next += 1
            }
        }
        return assignment
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
