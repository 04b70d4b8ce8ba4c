import Foundation
import Testing

@testable import LeptonData

@Suite("Train/test, k-fold, stratified k-fold and time-ordered splits")
struct SplitTests {
    private let truth = TransformFixture.expected["splits"]

    /// Checks that `parts` are disjoint and together cover `0..<count` exactly once.
    private func expectPartition(_ parts: [[Int]], count: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let all = parts.flatMap { $0 }
        #expect(all.count == count && Set(all) == Set(0..<count), sourceLocation: sourceLocation)
    }

    @Test("train/test: ceil(fraction·n) test rows, disjoint, covering, reproducible per seed")
    func trainTest() throws {
        let split = try TrainTestSplit(count: 103, testFraction: 0.2, seed: 5)
        #expect(split.test.count == 21 && split.train.count == 82)
        expectPartition([split.train, split.test], count: 103)
        #expect(split.train == split.train.sorted() && split.test == split.test.sorted())
        #expect(try TrainTestSplit(count: 103, testFraction: 0.2, seed: 5) == split)
        #expect(try TrainTestSplit(count: 103, testFraction: 0.2, seed: 6) != split)
        #expect(throws: SplitError.invalidTestFraction(1)) { try TrainTestSplit(count: 10, testFraction: 1, seed: 0) }
        #expect(throws: SplitError.tooFewRows(count: 1, required: 2)) {
            try TrainTestSplit(count: 1, testFraction: 0.5, seed: 0)
        }
    }

    @Test("stratified train/test keeps every class's share within one row")
    func stratifiedTrainTest() throws {
        let labels = truth["imbalanced_labels"].ints.map { Int32($0) }
        for seed in [UInt64(1), 2, 3] {
            let split = try TrainTestSplit(labels: labels, testFraction: 0.3, seed: seed)
            #expect(split.test.count == 30)
            expectPartition([split.train, split.test], count: labels.count)
            for label in Set(labels) {
                let total = labels.filter { $0 == label }.count
                let inTest = split.test.filter { labels[$0] == label }.count
                #expect(abs(Double(inTest) - 0.3 * Double(total)) < 1, "class \(label)")
            }
        }
        let credit = try TrainTestSplit(
            TransformFixture.credit, testFraction: 0.2, seed: 9, stratifiedBy: "creditability")
        let classes = try TransformFixture.credit.strings("creditability")
        #expect(credit.test.filter { classes[$0] == "bad" }.count == 60 && credit.test.count == 200)
        #expect(throws: SplitError.classTooSmall(label: 7, count: 1, required: 2)) {
            try TrainTestSplit(labels: [0, 0, 1, 1, 7], testFraction: 0.4, seed: 0)
        }
    }

    @Test("k-fold: sizes as scikit-learn (differ by at most one), validation folds partition the rows")
    func kFold() throws {
        let folds = try KFold(folds: 5, shuffle: true, seed: 3).splits(count: 103)
        #expect(folds.map(\.validation.count) == truth["kfold_sizes_103_5"].ints)
        expectPartition(folds.map(\.validation), count: 103)
        for fold in folds { expectPartition([fold.train, fold.validation], count: 103) }
        #expect(try KFold(folds: 5, shuffle: true, seed: 3).splits(count: 103) == folds)
        #expect(try KFold(folds: 5, shuffle: true, seed: 4).splits(count: 103) != folds)
        let ordered = try KFold(folds: 4, shuffle: false).splits(count: 10)
        #expect(ordered.map(\.validation) == [[0, 1, 2], [3, 4, 5], [6, 7], [8, 9]])
        #expect(throws: SplitError.invalidFoldCount(1)) { try KFold(folds: 1).splits(count: 10) }
        #expect(throws: SplitError.tooFewRows(count: 3, required: 5)) { try KFold().splits(count: 3) }
    }

    @Test("stratified k-fold: per-fold class counts equal scikit-learn's StratifiedKFold exactly")
    func stratifiedKFold() throws {
        let creditLabels = try TransformFixture.credit.classLabels("creditability")
        #expect(creditLabels.classes == ["bad", "good"])
        let imbalanced = truth["imbalanced_labels"].ints.map { Int32($0) }
        for (labels, folds, key) in [
            (creditLabels.labels, 5, "stratified_credit_5"), (imbalanced, 4, "stratified_imbalanced_4"),
        ] {
            let splits = try StratifiedKFold(folds: folds, shuffle: true, seed: 11).splits(labels: labels)
            let classes = Set(labels).sorted()
            let counts = splits.map { fold in
                classes.map { label in fold.validation.filter { labels[$0] == label }.count }
            }
            #expect(counts == truth[key].matrix.map { $0.map(Int.init) }, "\(key)")
            expectPartition(splits.map(\.validation), count: labels.count)
            let sizes = splits.map(\.validation.count)
            #expect(sizes.max()! - sizes.min()! <= 1)
            #expect(try StratifiedKFold(folds: folds, shuffle: true, seed: 11).splits(labels: labels) == splits)
        }
        #expect(throws: SplitError.classTooSmall(label: 0, count: 2, required: 3)) {
            try StratifiedKFold(folds: 3).splits(labels: [0, 1, 0, 1])
        }
    }

    @Test("expanding-window folds equal scikit-learn's TimeSeriesSplit; time-ordered split sorts by a column")
    func timeOrdered() throws {
        let windowed = try TimeSeriesSplit(folds: 4, gap: 1, maximumTrainSize: 10).splits(count: 23)
        #expect(
            windowed.map { [$0.train, $0.validation] } == truth["time_series_23"].array.map { $0.array.map(\.ints) })
        let plain = try TimeSeriesSplit(folds: 3).splits(count: 10)
        #expect(
            plain.map { [$0.train, $0.validation] }
                == truth["time_series_default_10"].array.map { $0.array.map(\.ints) })
        #expect(throws: SplitError.self) { try TimeSeriesSplit(folds: 5).splits(count: 5) }

        let dates = ["2024-03-01", "2024-01-15", "2024-02-10", "2024-01-01", "2024-04-30", "2024-02-01"]
        let table = try Table(columns: [Column(name: "date", data: .text(dates))])
        let split = try TrainTestSplit(table, orderedBy: "date", testFraction: 0.3)
        #expect(split.train == [3, 1, 5, 2] && split.test == [0, 4])
        let folds = try TimeSeriesSplit(folds: 2).splits(table, orderedBy: "date")
        // Time order of the rows: 3, 1, 5, 2, 0, 4; windows of 6 / 3 = 2 rows after the first 2.
        #expect(folds.map(\.validation) == [[5, 2], [0, 4]] && folds.map(\.train) == [[3, 1], [3, 1, 5, 2]])
        let gappy = try Table(columns: [Column(name: "t", data: .numeric([1, nil, 3]))])
        #expect(throws: TransformError.missingValue(column: "t", row: 1)) { try TrainTestSplit(gappy, orderedBy: "t") }
    }

    @Test("table.rows gathers rows in order; labels and targets come from columns")
    func tableRows() throws {
        let raw = try TransformFixture.credit.strings("creditability")
        #expect(
            try TransformFixture.credit.binaryLabels("creditability", positive: "bad")
                == raw.map { $0 == "bad" ? 1 : 0 })
        #expect(
            throws: TransformError.targetNotBinary(column: "housing", event: "own", found: ["for free", "own", "rent"])
        ) {
            try TransformFixture.credit.binaryLabels("housing", positive: "own")
        }
        let (labels, classes) = try TransformFixture.iris.classLabels("target")
        #expect(classes == ["0", "1", "2"] && labels.count == 150 && Set(labels) == [0, 1, 2])
        #expect(
            try TransformFixture.iris.targets("petal_width_cm")
                == TransformFixture.iris.numbers("petal_width_cm").map { $0! })
        let gappy = try Table(columns: [Column(name: "y", data: .numeric([1, nil]))])
        #expect(throws: TransformError.missingValue(column: "y", row: 1)) { try gappy.targets("y") }
        let credit = TransformFixture.credit
        let picked = credit.rows([5, 2, 5])
        let amounts = try credit.numbers("credit_amount")
        #expect(try picked.numbers("credit_amount") == [amounts[5], amounts[2], amounts[5]])
        #expect(picked.columnNames == credit.columnNames)
    }
}
