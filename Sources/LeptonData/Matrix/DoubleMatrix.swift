/// A dense `[rows, columns]` matrix of Double, row-major: features for the classical estimators without
/// narrowing to Float.
///
/// Float keeps about seven significant digits, which is not enough for data such as Unix times (1,700,000,001 and
/// 1,700,000,063 are the same Float) or large amounts (123,456,789.01 and .99 collide). Tables hold Double, and
/// ``FittedPipeline/featureValues(from:)`` keeps Double, as do the classical estimators' `fit`/`predict` taking a
/// `DoubleMatrix`.
public struct DoubleMatrix: Sendable, Equatable {
    /// The number of rows (samples).
    public let rows: Int
    /// The number of columns (features).
    public let columns: Int
    /// The values, row-major: row `r`, column `c` is `values[r * columns + c]`.
    public let values: [Double]

    /// A matrix of `values`, row-major.
    /// - Parameters:
    ///   - rows: the number of rows, ≥ 0.
    ///   - columns: the number of columns, ≥ 0.
    ///   - values: `rows × columns` values, row-major.
    /// - Throws: ``DoubleMatrixError/shapeMismatch(rows:columns:count:)`` when the counts disagree.
    public init(rows: Int, columns: Int, values: [Double]) throws {
        guard rows >= 0, columns >= 0, rows.multipliedReportingOverflow(by: columns) == (values.count, false) else {
            throw DoubleMatrixError.shapeMismatch(rows: rows, columns: columns, count: values.count)
        }
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// A matrix from rows of equal length.
    /// - Parameter rows: the rows.
    /// - Throws: ``DoubleMatrixError/raggedRow(row:expected:actual:)`` when a row's length differs from the first.
    public init(_ rows: [[Double]]) throws {
        let width = rows.first?.count ?? 0
        if let bad = rows.firstIndex(where: { $0.count != width }) {
            throw DoubleMatrixError.raggedRow(row: bad, expected: width, actual: rows[bad].count)
        }
        self.rows = rows.count
        columns = width
        values = rows.flatMap { $0 }
    }

    /// The value at `row`, `column`.
    public subscript(row: Int, column: Int) -> Double {
        precondition(row >= 0 && row < rows && column >= 0 && column < columns, "DoubleMatrix: index out of range")
        return values[row * columns + column]
    }

    /// The rows at `indices`, in that order.
    /// - Parameter indices: row indices in `0..<rows` (a bad index is a programmer error and traps).
    public func gatheringRows(_ indices: [Int]) -> DoubleMatrix {
        var gathered: [Double] = []
        gathered.reserveCapacity(indices.count * columns)
        for index in indices {
            precondition(index >= 0 && index < rows, "DoubleMatrix.gatheringRows: row \(index) outside 0..<\(rows)")
            gathered.append(contentsOf: values[(index * columns)..<((index + 1) * columns)])
        }
        return DoubleMatrix(unchecked: indices.count, columns, gathered)
    }

    /// A matrix whose counts are known to agree.
    init(unchecked rows: Int, _ columns: Int, _ values: [Double]) {
        self.rows = rows
        self.columns = columns
        self.values = values
    }
}

/// Why a ``DoubleMatrix`` could not be built.
public enum DoubleMatrixError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `rows × columns` differs from the number of values.
    case shapeMismatch(rows: Int, columns: Int, count: Int)
    /// A row's length differs from the first row's.
    case raggedRow(row: Int, expected: Int, actual: Int)

    /// What was expected and what was found.
    public var description: String {
        switch self {
        case .shapeMismatch(let rows, let columns, let count):
            return "a \(rows) × \(columns) matrix needs \(rows) × \(columns) values, found \(count)"
        case .raggedRow(let row, let expected, let actual):
            return "row \(row) has \(actual) values, expected \(expected) (as the first row)"
        }
    }
}
