/// A row-compressed sparse matrix of `Float` weights (CSR): row r holds columns
/// `columns[offsets[r]..<offsets[r + 1]]` with `weights` aligned. Used for item neighbourhoods and TF-IDF vectors.
public struct SparseRows: Sendable, Equatable, Codable {
    /// Row offsets, one more than the number of rows.
    public let offsets: [Int]
    /// Column indices.
    public let columns: [Int32]
    /// Weights aligned with ``columns``.
    public let weights: [Float]

    /// Rows from per-row (column, weight) lists, in the order given.
    init(rows: [[(column: Int, weight: Float)]]) {
        var offsets = [0]
        offsets.reserveCapacity(rows.count + 1)
        var columns: [Int32] = []
        var weights: [Float] = []
        for row in rows {
            for entry in row {
                columns.append(Int32(entry.column))
                weights.append(entry.weight)
            }
            offsets.append(columns.count)
        }
        self.offsets = offsets
        self.columns = columns
        self.weights = weights
    }

    /// The number of rows.
    public var rowCount: Int { offsets.count - 1 }

    /// The positions of row `row` in ``columns`` and ``weights``.
    func range(_ row: Int) -> Range<Int> { offsets[row]..<offsets[row + 1] }

    /// Throws ``RecommenderError/corruptModel(_:)`` unless there are `rowCount` rows of finite weights whose columns
    /// lie in `0..<columnCount`.
    func validate(rowCount expected: Int, columnCount: Int, what: String) throws {
        guard offsets.count == expected + 1, offsets.first == 0, offsets.last == columns.count,
            weights.count == columns.count, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw RecommenderError.corruptModel("\(what): offsets do not describe \(expected) rows") }
        guard columns.allSatisfy({ $0 >= 0 && Int($0) < columnCount }) else {
            throw RecommenderError.corruptModel("\(what): a column index is outside 0..<\(columnCount)")
        }
        guard weights.allSatisfy(\.isFinite) else { throw RecommenderError.corruptModel("\(what): non-finite weight") }
    }
}
