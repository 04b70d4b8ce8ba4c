import Foundation
import LeptonData
import LeptonTensor
import Testing

/// Compiles and runs the code of `Sources/LeptonData/LeptonData.docc/PreparingTables.md` (checked line by line by
/// `.ci/check_doc_snippets.py`).
@Suite("The Preparing Tables article")
struct PreparingTablesArticleTests {
    @Test("read, describe, split and fit a pipeline as the article shows")
    func article() throws {
        // tour: read
        let table = try Table(
            csvText: """
                age,income,purpose,defaulted
                25,30,car,no
                40,,education,no
                33,52,car,yes
                58,61,furniture,no
                """)
        let summary = table.describe()
        let missingIncome = try table.column("income").missingCount  // 1
        // end tour

        #expect(table.rowCount == 4)
        #expect(missingIncome == 1)
        #expect(summary.rowCount == 4 && summary.columns.count == 4)

        // tour: fit
        let split = try TrainTestSplit(table, testFraction: 0.25, seed: 1)
        let training = table.rows(split.train)
        let pipeline = try Pipeline {
            Impute(.median, columns: ["income"])
            OneHot(columns: ["purpose"], unknown: .ignore)
            StandardScale(columns: ["age", "income"])
        }.fit(on: training)
        let features = try pipeline.features(from: table.rows(split.test))
        print(features.names)  // the one-hot columns, then age and income (scaled)
        // end tour

        #expect(split.train.count == 3 && split.test.count == 1)
        #expect(Set(split.train + split.test) == Set(0..<4))
        // Recompute the scaled age of the test row from the training rows alone (population deviation, as
        // scikit-learn's StandardScaler).
        let ages = try table.numbers("age").map { $0! }
        let trainAges = split.train.map { ages[$0] }
        let mean = trainAges.reduce(0, +) / 3
        let deviation = (trainAges.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 3).squareRoot()
        let expected = (ages[split.test[0]] - mean) / deviation
        let ageColumn = try #require(features.names.firstIndex(of: "age"))
        let actual = Double(features.matrix.scalars[ageColumn])
        #expect(Swift.abs(actual - expected) <= 1e-5 * Swift.max(1, Swift.abs(expected)))
    }
}
