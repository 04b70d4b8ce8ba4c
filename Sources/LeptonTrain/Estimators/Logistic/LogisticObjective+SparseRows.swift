/// The nonzero entries of a feature matrix, row by row (compressed sparse rows): row r holds the values
/// `values[offsets[r]..<offsets[r + 1]]` in the columns `columns[offsets[r]..<offsets[r + 1]]`, in column order.
///
/// Text features are almost all zeros: TF-IDF of 4,578 support messages over 3,886 terms has about 1% nonzero
/// entries, so a pass that reads them densely does a hundred times the work it needs.
struct SparseFeatureRows: Sendable {
    /// Where each row starts in ``columns`` and ``values``, one more than the number of rows.
    let offsets: [Int]
    /// The column of each nonzero entry.
    let columns: [Int]
    /// The value of each nonzero entry.
    let values: [Double]

    /// The largest share of nonzero entries for which reading rows sparsely pays: each sparse entry costs a gather
    /// and a scatter where the dense pass streams whole rows.
    static let densityLimit = 0.1

    /// The nonzero entries of `features`, or `nil` when more than ``densityLimit`` of the entries are nonzero.
    init?(_ features: FeatureMatrix) {
        let (rows, width) = (features.rows, features.columns)
        let entries = rows.multipliedReportingOverflow(by: width)
        guard !entries.overflow, entries.partialValue > 0 else { return nil }
        let nonzeros = features.withValues { x in
            var count = 0
            for index in 0..<entries.partialValue where x[index] != 0 { count += 1 }
            return count
        }
        guard Double(nonzeros) <= Self.densityLimit * Double(entries.partialValue) else { return nil }
        var offsets = [0]
        offsets.reserveCapacity(rows + 1)
        var columns: [Int] = []
        columns.reserveCapacity(nonzeros)
        var values: [Double] = []
        values.reserveCapacity(nonzeros)
        features.withValues { x in
            for row in 0..<rows {
                let start = x + row * width
                for column in 0..<width where start[column] != 0 {
                    columns.append(column)
                    values.append(start[column])
                }
                offsets.append(columns.count)
            }
        }
        self.offsets = offsets
        self.columns = columns
        self.values = values
    }
}

extension LogisticObjective {
    /// The coefficients of `parameters` (row-major, `outputs` rows of `columns`) as `[columns, outputs]`, so that a
    /// feature's coefficients for every output are adjacent.
    static func transposedCoefficients(_ parameters: [Double], outputs: Int, columns: Int) -> [Double] {
        var transposed = [Double](repeating: 0, count: columns * outputs)
        for output in 0..<outputs {
            for column in 0..<columns { transposed[column * outputs + output] = parameters[output * columns + column] }
        }
        return transposed
    }

    /// The weighted loss of `rows` read through their nonzero entries; adds each output's gradient (d coefficients
    /// then the intercept) into `gradient`, as the dense pass does.
    ///
    /// - Parameters:
    ///   - rows: The rows of this chunk.
    ///   - sparse: The nonzero entries of the features.
    ///   - transposed: The coefficients as `[columns, outputs]` (``transposedCoefficients(_:outputs:columns:)``).
    ///   - intercepts: The intercept of each output.
    ///   - gradient: The chunk's `outputs × (columns + 1)` gradient.
    /// - Returns: The chunk's weighted loss.
    func accumulate(
        rows: Range<Int>, _ sparse: SparseFeatureRows, transposedCoefficients transposed: [Double],
        intercepts: [Double], gradient: UnsafeMutablePointer<Double>
    ) -> Double {
        let (d, k) = (features.columns, outputs)
        var transposedGradient = [Double](repeating: 0, count: d * k)
        var scores = [Double](repeating: 0, count: k)
        var loss = 0.0
        for row in rows {
            let entries = sparse.offsets[row]..<sparse.offsets[row + 1]
            for output in 0..<k { scores[output] = intercepts[output] }
            for entry in entries {
                let (column, value) = (sparse.columns[entry], sparse.values[entry])
                for output in 0..<k { scores[output] += value * transposed[column * k + output] }
            }
            if k == 1 {
                let terms = binaryTerms(row, scores[0])
                loss += terms.loss
                scores[0] = terms.derivative
            } else {
                loss += multinomialTerms(row, scores: &scores)
            }
            for entry in entries {
                let (column, value) = (sparse.columns[entry], sparse.values[entry])
                for output in 0..<k { transposedGradient[column * k + output] += value * scores[output] }
            }
            for output in 0..<k { gradient[output * (d + 1) + d] += scores[output] }
        }
        for output in 0..<k {
            for column in 0..<d { gradient[output * (d + 1) + column] += transposedGradient[column * k + output] }
        }
        return loss
    }
}
