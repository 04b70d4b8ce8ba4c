import LeptonData
import Testing

@testable import LeptonTrain

/// `FoldStrategy` (LeptonTrain) and `KFold`/`StratifiedKFold` (LeptonData) are one k-fold implementation: the same
/// settings give the same folds by either route, and both defaults are scikit-learn's unshuffled folds.
@Suite("One k-fold implementation: FoldStrategy and LeptonData's splitters agree")
struct FoldRoutesTests {
    @Test("the defaults of both routes are scikit-learn's unshuffled KFold(4) and StratifiedKFold(5)")
    func defaultsEqualScikitLearn() throws {
        let data = try ClassicalFixture.load("folds")
        let labels = try data.labels("labels")
        // Truth: scikit-learn's KFold(4) and StratifiedKFold(5) (shuffle=False by default), make_expected.py.
        let plainTruth = try data.integerRows("kfold_4")
        let stratifiedTruth = try data.integerRows("stratified_5")
        #expect(try KFold(folds: 4).splits(count: labels.count).map(\.validation) == plainTruth)
        #expect(try FoldStrategy.kFold(4).folds(sampleCount: labels.count).map(\.validation) == plainTruth)
        #expect(try FoldStrategy.automatic(4).folds(sampleCount: labels.count).map(\.validation) == plainTruth)
        #expect(try StratifiedKFold().splits(labels: labels).map(\.validation) == stratifiedTruth)
        #expect(
            try FoldStrategy.stratifiedKFold(5).folds(sampleCount: labels.count, labels: labels).map(\.validation)
                == stratifiedTruth)
        #expect(
            try FoldStrategy.automatic(5).folds(sampleCount: labels.count, labels: labels).map(\.validation)
                == stratifiedTruth)
        #expect(KFold() == KFold(folds: 5, shuffle: false, seed: 0))
        #expect(StratifiedKFold() == StratifiedKFold(folds: 5, shuffle: false, seed: 0))
    }

    @Test("the same settings give identical folds by either route, shuffled or not", arguments: [false, true])
    func identicalFolds(shuffle: Bool) throws {
        let labels: [Int32] = (0..<53).map { Int32(($0 * 7) % 3 == 0 ? 1 : ($0 % 5 == 0 ? 2 : 0)) }
        for folds in [2, 3, 5] {
            for seed: UInt64 in [0, 7, 12_345] {
                let plain = try KFold(folds: folds, shuffle: shuffle, seed: seed).splits(count: labels.count)
                let viaStrategy = try FoldStrategy.kFold(folds, shuffle: shuffle, seed: seed).folds(
                    sampleCount: labels.count)
                #expect(viaStrategy == plain, "k=\(folds) seed=\(seed)")
                let stratified = try StratifiedKFold(folds: folds, shuffle: shuffle, seed: seed).splits(labels: labels)
                let stratifiedViaStrategy = try FoldStrategy.stratifiedKFold(folds, shuffle: shuffle, seed: seed)
                    .folds(sampleCount: labels.count, labels: labels)
                #expect(stratifiedViaStrategy == stratified, "k=\(folds) seed=\(seed)")
            }
        }
        // A shuffled route must really shuffle (otherwise the comparison above would hold trivially).
        if shuffle {
            #expect(
                try KFold(folds: 3, shuffle: true, seed: 7).splits(count: 53) != (try KFold(folds: 3).splits(count: 53))
            )
        }
    }

    @Test("both routes reject the same bad settings, each with its own error type")
    func sameRejections() {
        #expect(throws: SplitError.tooFewRows(count: 3, required: 5)) { try KFold().splits(count: 3) }
        #expect(throws: ModelSelectionError.invalidFoldCount(folds: 5, samples: 3)) {
            try FoldStrategy.kFold(5).folds(sampleCount: 3)
        }
        #expect(throws: SplitError.invalidFoldCount(1)) { try KFold(folds: 1).splits(count: 10) }
        #expect(throws: ModelSelectionError.invalidFoldCount(folds: 1, samples: 10)) {
            try FoldStrategy.kFold(1).folds(sampleCount: 10)
        }
        #expect(throws: SplitError.classTooSmall(label: 1, count: 2, required: 3)) {
            try StratifiedKFold(folds: 3).splits(labels: [0, 0, 0, 1, 1])
        }
        #expect(throws: ModelSelectionError.classTooSmallForFolds(label: 1, count: 2, folds: 3)) {
            try FoldStrategy.stratifiedKFold(3).folds(sampleCount: 5, labels: [0, 0, 0, 1, 1])
        }
    }
}
