import Foundation
import Lepton

/// A numeric CSV split into a feature tensor and one target column.
struct NumericData {
    /// `[rows, features]`.
    let features: Tensor
    /// The target column's values.
    let target: [Double]

    /// Reads every column as numbers; `targetColumn` becomes ``target``, the others the features in file order.
    init(csv path: String, targetColumn: String) throws {
        let table = try Table(csv: URL(fileURLWithPath: path))
        let featureNames = table.columnNames.filter { $0 != targetColumn }
        let columns = try featureNames.map { try table.numbers($0) }
        let rows = table.rowCount
        var values = [Float](repeating: 0, count: rows * featureNames.count)
        for (column, numbers) in columns.enumerated() {
            for row in 0..<rows {
                guard let value = numbers[row] else {
                    throw ClassicalArguments.Problem.invalidValue(
                        option: "\(path) row \(row + 2) column \(featureNames[column])", value: "missing")
                }
                values[row * featureNames.count + column] = Float(value)
            }
        }
        features = Tensor(values, shape: [rows, featureNames.count])
        target = try table.numbers(targetColumn).enumerated().map { row, value in
            guard let value else {
                throw ClassicalArguments.Problem.invalidValue(
                    option: "\(path) row \(row + 2) column \(targetColumn)", value: "missing")
            }
            return value
        }
    }

    /// The target as class labels.
    var labels: Targets { .labels(target.map { Int32($0) }) }

    /// The target as values.
    var values: Targets { .values(Tensor(target.map(Float.init), shape: [target.count])) }
}
