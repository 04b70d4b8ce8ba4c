import Foundation
import LeptonData
import Testing

/// Scoring with a fitted pipeline (issue 17): outliers are dropped at fitting only, scoring files are read with
/// the training schema, and transforms over many columns cost O(columns).
@Suite("Scoring with a fitted pipeline")
struct ScoringTests {
    private let training = "amount,purpose,y\n1,car,0\n2,tv,1\n3,car,0\n100,tv,1\n"

    private func pipeline() throws -> FittedPipeline {
        try Pipeline {
            Outliers(.quantiles(lower: 0, upper: 0.75), columns: ["amount"], action: .drop)
            StandardScale(columns: ["amount"])
            OneHot(columns: ["purpose"], unknown: .ignore)
        }.fit(on: try Table(csvText: training))
    }

    @Test("Outliers(.drop) shapes the scaler's fit but never drops a scored row")
    func dropAtFittingOnly() throws {
        // python3 -c "import numpy as np; from sklearn.preprocessing import StandardScaler as S;
        //   print(np.quantile([1,2,3,100],0.75), S().fit([[1],[2],[3]]).transform([[2],[100],[3]]).ravel().tolist())"
        // → 27.25 [0.0, 120.02499739637572, 1.224744871391589]
        let fitted = try pipeline()
        let applicants = try fitted.readTable(csvText: "amount,purpose\n2,\n100,\n3,\n")
        let values = try fitted.featureValues(from: applicants)
        #expect(values.rows == 3)
        let expected = [0.0, 120.02499739637572, 1.224744871391589]
        for row in 0..<3 { #expect(Swift.abs(values[row, 0] - expected[row]) <= 1e-12 * Swift.max(1, expected[row])) }
        // The all-empty purpose column is read as categorical (the training type), so it one-hot encodes to zeros.
        #expect(try applicants.column("purpose").type == .categorical)
        #expect((0..<3).allSatisfy { values[$0, 1] == 0 && values[$0, 2] == 0 })
    }

    @Test("a scoring file is read with the training types: a bad number names its row and column")
    func schema() throws {
        let fitted = try pipeline()
        #expect(fitted.inputColumnTypes == ["amount": .numeric, "purpose": .categorical, "y": .numeric])
        #expect(
            throws: CSVError(
                file: "<memory>", row: 3, line: 3, columnIndex: 0, columnName: "amount",
                problem: .notANumber(text: "1,000"))
        ) {
            try fitted.readTable(csvText: "amount,purpose\n2,car\n\"1,000\",tv\n")
        }
        // Survives encoding.
        let decoded = try JSONDecoder().decode(FittedPipeline.self, from: try JSONEncoder().encode(fitted))
        #expect(decoded == fitted)
    }

    @Test("scaling 3,000 columns replaces them in one pass and gives the per-column result")
    func manyColumns() throws {
        let names = (0..<3000).map { "c\($0)" }
        let table = try Table(
            columns: names.enumerated().map { index, name in
                Column(name: name, data: .numeric([Double(index), Double(index) + 2]))
            })
        let fitted = try Pipeline { StandardScale(columns: names) }.fit(on: table)
        let values = try fitted.featureValues(from: table)
        #expect(values.columns == 3000)
        #expect(values.values.enumerated().allSatisfy { index, value in value == (index < 3000 ? -1 : 1) })
    }
}
