import LeptonTensor

/// A seeded split of rows into a training set and a test set (scikit-learn's `train_test_split` sizes:
/// `ceil(testFraction · n)` test rows, the rest for training).
///
/// ```swift
/// let split = try TrainTestSplit(table, testFraction: 0.2, seed: 7, stratifiedBy: "creditability")
/// let (train, test) = (table.rows(split.train), table.rows(split.test))
/// ```
/// Indices are ascending (shuffle when loading); the same seed always gives the same split.
public struct TrainTestSplit: Sendable, Equatable {
    /// Training row indices, ascending.
    public let train: [Int]
    /// Test row indices, ascending (in time order for ``init(_:orderedBy:testFraction:)``).
    public let test: [Int]

    /// A random split of `count` rows.
    /// - Parameters:
    ///   - count: the number of rows.
    ///   - testFraction: the share of test rows, strictly between 0 and 1.
    ///   - seed: the random seed.
    /// - Throws: ``SplitError/invalidTestFraction(_:)``; ``SplitError/tooFewRows(count:required:)`` when either
    ///   side would be empty.
    public init(count: Int, testFraction: Double = 0.25, seed: UInt64) throws {
        let testCount = try Self.testCount(count, testFraction)
        var generator = RandomGenerator(seed: seed)
        let order = generator.permutation(count)
        test = order.prefix(testCount).sorted()
        train = order.dropFirst(testCount).sorted()
    }

    /// A random split that keeps the class proportions of `labels` in both sides.
    ///
    /// Each class gets `⌊testCount · classCount / n⌋` test rows; the rows left over go one each to the classes
    /// with the largest remainders (larger classes first on ties, then smaller labels). A class left with no test
    /// (or no training) row then takes one from (or gives one to) the class with the most test rows that can
    /// spare it, so every class is on both sides. Within a class the test rows are chosen at random.
    /// - Parameters:
    ///   - labels: one class label per row.
    ///   - testFraction: the share of test rows, strictly between 0 and 1.
    ///   - seed: the random seed.
    /// - Throws: ``SplitError`` for a bad fraction, too few rows, a class with fewer than 2 members, or
    ///   ``SplitError/sideSmallerThanClassCount(side:size:classes:)`` when either side has fewer rows than there
    ///   are classes (as scikit-learn).
    public init(labels: [Int32], testFraction: Double = 0.25, seed: UInt64) throws {
        let count = labels.count
        let testCount = try Self.testCount(count, testFraction)
        let classes = SplitSupport.classesByFirstAppearance(labels)
        if let small = classes.first(where: { $0.rows.count < 2 }) {
            throw SplitError.classTooSmall(label: small.label, count: small.rows.count, required: 2)
        }
        for (side, size) in [("test", testCount), ("train", count - testCount)] where size < classes.count {
            throw SplitError.sideSmallerThanClassCount(side: side, size: size, classes: classes.count)
        }
        var allocation = classes.map { testCount * $0.rows.count / count }
        let remainders = classes.indices.map { testCount * classes[$0].rows.count % count }
        let byRemainder = classes.indices.sorted {
            (remainders[$0], classes[$0].rows.count, -Int(classes[$0].label))
                > (remainders[$1], classes[$1].rows.count, -Int(classes[$1].label))
        }
        for index in byRemainder.prefix(testCount - allocation.reduce(0, +)) { allocation[index] += 1 }
        // Every class on both sides: move a row from the side that has them all (the classes are at least 2 big
        // and each side has room for every class, so some other class can give or take one).
        for index in classes.indices where allocation[index] == 0 || allocation[index] == classes[index].rows.count {
            let needsTest = allocation[index] == 0
            let donor = classes.indices.filter { other in
                other != index
                    && (needsTest ? allocation[other] > 1 : classes[other].rows.count - allocation[other] > 1)
            }.max { allocation[$0] < allocation[$1] }
            guard let donor else {
                throw SplitError.sideSmallerThanClassCount(
                    side: needsTest ? "test" : "train", size: needsTest ? testCount : count - testCount,
                    classes: classes.count)
            }
            allocation[index] += needsTest ? 1 : -1
            allocation[donor] += needsTest ? -1 : 1
        }
        var generator = RandomGenerator(seed: seed)
        var test: [Int] = []
        for (members, testShare) in zip(classes.map(\.rows), allocation) {
            test += generator.permutation(members.count).prefix(testShare).map { members[$0] }
        }
        self.test = test.sorted()
        train = SplitSupport.complement(of: test, count: count)
    }

    /// A random split of the rows of `table`, optionally stratified by a label column.
    /// - Parameters:
    ///   - table: the data.
    ///   - testFraction: the share of test rows.
    ///   - seed: the random seed.
    ///   - column: the label column to stratify by (its distinct values are the classes), or `nil`.
    /// - Throws: ``SplitError``; ``TableError`` or ``TransformError`` for a bad label column.
    public init(_ table: Table, testFraction: Double = 0.25, seed: UInt64, stratifiedBy column: String? = nil) throws {
        if let column {
            try self.init(labels: try table.classLabels(column).labels, testFraction: testFraction, seed: seed)
        } else {
            try self.init(count: table.rowCount, testFraction: testFraction, seed: seed)
        }
    }

    /// A time-ordered split: the earliest rows by `column` train, the latest `ceil(testFraction · n)` test.
    ///
    /// Rows are ordered by the column's values (numbers numerically, strings by Unicode order — ISO 8601 dates
    /// sort correctly), ties in row order. Both index arrays are in time order.
    /// - Parameters:
    ///   - table: the data.
    ///   - column: the time column (numeric, categorical or text, no missing values).
    ///   - testFraction: the share of test rows.
    /// - Throws: ``SplitError``; ``TableError`` for an unknown column; ``TransformError/missingValue(column:row:)``.
    public init(_ table: Table, orderedBy column: String, testFraction: Double = 0.25) throws {
        let order = try TimeOrder.rows(of: table, by: column)
        let testCount = try Self.testCount(order.count, testFraction)
        train = Array(order.prefix(order.count - testCount))
        test = Array(order.suffix(testCount))
    }

    private static func testCount(_ count: Int, _ fraction: Double) throws -> Int {
        guard fraction > 0 && fraction < 1 else { throw SplitError.invalidTestFraction(fraction) }
        let testCount = Int((fraction * Double(count)).rounded(.up))
        guard testCount >= 1 && testCount < count else { throw SplitError.tooFewRows(count: count, required: 2) }
        return testCount
    }
}

/// The rows of a table in the order of a time column.
enum TimeOrder {
    /// Row indices sorted by `column` (stable).
    static func rows(of table: Table, by column: String) throws -> [Int] {
        let data = try table.column(column)
        func ordered<Key: Comparable>(_ keys: [Key?]) throws -> [Int] {
            if let row = keys.firstIndex(where: { $0 == nil }) {
                throw TransformError.missingValue(column: column, row: row)
            }
            return keys.indices.sorted { keys[$0]! < keys[$1]! || (keys[$0]! == keys[$1]! && $0 < $1) }
        }
        switch data.data {
        case .numeric(let values):
            if let row = values.firstIndex(where: { $0?.isNaN ?? false }) {
                throw TransformError.nonFiniteValue(column: column, row: row, value: .nan)
            }
            return try ordered(values)
        case .categorical, .text: return try ordered(try table.strings(column))
        case .boolean:
            throw TransformError.unsupportedColumnType(
                column: column, actual: .boolean, supported: [.numeric, .categorical, .text])
        }
    }
}
