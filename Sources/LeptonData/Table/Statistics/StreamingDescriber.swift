import Foundation

/// Describes a CSV file of any size in one pass with bounded memory: the same statistics as
/// ``Table/describe()``, with column types decided by the same rules (``CSVReadOptions``).
///
/// - Count, missing, mean and standard deviation (Welford's algorithm), minimum and maximum: exact.
/// - Quartiles: exact while a column has at most ``Limits/exactQuantileValues`` numbers, then from a
///   `QuantileSketch` whose guaranteed rank-error bound is reported in
///   ``NumericSummary/quantileRankError`` (about `log2(n / k) / k` for level capacity `k`; below 1% with the
///   default `k = 2048`, and usually far smaller in practice).
/// - Distinct values: exact (by 64-bit hash) up to ``Limits/exactDistinctValues``, then a HyperLogLog
///   estimate (about 0.8% standard error); ``ColumnDescription/distinctIsExact`` says which.
/// - Top values: exact while a column has at most ``Limits/trackedValues`` distinct values; beyond that each
///   count may undercount by at most ``ColumnDescription/topCountsMaxUndercount`` (≤ `2n / trackedValues`).
///
/// Memory is independent of the number of rows: with the default limits at most about 1.5 MB per column
/// (the exact quantile buffer, the distinct-hash sets, the tracked values and the sketch) per piece, plus
/// the window read at once.
///
/// A file with a header is read in windows of 8 MB per thread of the kernels' thread pool, parsed in pieces on
/// those threads and the pieces' statistics merged: everything but the quartiles and (beyond their exact limits)
/// the top values is the same as one sequential pass (mean and standard deviation up to rounding); the quartiles
/// are exact while a column has at most ``Limits/exactQuantileValues`` numbers and otherwise within the rank error
/// bound reported, as in a sequential pass.
public enum StreamingDescriber {
    /// Memory limits of the one-pass statistics, per column.
    public struct Limits: Sendable {
        /// Numbers kept for exact quartiles before switching to the sketch. Default 65,536.
        public var exactQuantileValues: Int
        /// Values per level of the quantile sketch (even). Default 2,048.
        public var sketchLevelCapacity: Int
        /// Distinct hashes kept before switching to HyperLogLog. Default 16,384.
        public var exactDistinctValues: Int
        /// Distinct values whose counts are tracked for the top values. Default 1,024.
        public var trackedValues: Int

        /// Limits; the defaults keep each column under about 1.5 MB.
        /// - Parameters:
        ///   - exactQuantileValues: numbers kept for exact quartiles.
        ///   - sketchLevelCapacity: values per sketch level (even, at least 2).
        ///   - exactDistinctValues: hashes kept for exact distinct counts.
        ///   - trackedValues: values tracked for the top values (at least 2).
        public init(
            exactQuantileValues: Int = 65_536, sketchLevelCapacity: Int = 2_048, exactDistinctValues: Int = 16_384,
            trackedValues: Int = 1_024
        ) {
            self.exactQuantileValues = exactQuantileValues
            self.sketchLevelCapacity = sketchLevelCapacity
            self.exactDistinctValues = exactDistinctValues
            self.trackedValues = trackedValues
        }
    }

    /// Reads `url` once and describes every column.
    /// - Parameters:
    ///   - url: the CSV file.
    ///   - options: dialect, missing tokens, type overrides (as for ``Table/init(csv:options:)``).
    ///   - limits: per-column memory limits.
    /// - Throws: ``CSVError`` for malformed CSV or a field that does not fit a declared numeric or boolean type.
    public static func describe(csv url: URL, options: CSVReadOptions = CSVReadOptions(), limits: Limits = Limits())
        throws -> TableDescription
    {
        try ParallelDescriber.describe(
            csv: url, options: options, limits: limits, pieceBytes: defaultPieceBytes, pool: .shared)
    }

    /// The bytes each thread parses at a time when describing a file; the window read at once is this times
    /// twice the thread count.
    static let defaultPieceBytes = 4 << 20

    /// Describes the remaining records of `reader` (whose format should match `options.format`).
    /// - Parameters:
    ///   - reader: a reader positioned before the first data record.
    ///   - options: missing tokens and type overrides.
    ///   - limits: per-column memory limits.
    /// - Throws: ``CSVError``.
    public static func describe(
        reader: CSVReader, options: CSVReadOptions = CSVReadOptions(), limits: Limits = Limits()
    )
        throws -> TableDescription
    {
        let missing = MissingTokenMatcher(options.missingTokens)
        let numbers = try Table.numberReader(options, reader: reader)
        var columns: [StreamingColumnStatistics] = []
        if let header = reader.header {
            columns = try makeColumns(header, reader: reader, options: options, limits: limits)
        }
        var rowCount = 0
        while try reader.advance() {
            if rowCount == 0 && reader.header == nil {
                let names = CSVReadOptions.generatedNames(count: reader.currentFieldCount)
                columns = try makeColumns(names, reader: reader, options: options, limits: limits)
            }
            rowCount += 1
            for index in columns.indices {
                guard
                    let rejection = reader.withCurrentField(
                        index, { columns[index].add($0, missingTokens: missing, numbers: numbers) })
                else { continue }
                let text = reader.currentField(index)
                let problem: CSVError.Problem
                switch rejection {
                case .notANumber: problem = .notANumber(text: text)
                case .notABoolean: problem = .notABoolean(text: text)
                }
                throw reader.error(row: reader.currentRow, line: reader.currentLine, column: index, problem)
            }
        }
        return TableDescription(rowCount: rowCount, columns: columns.map { $0.describe(options: options) })
    }

    static func makeColumns(_ names: [String], reader: CSVReader, options: CSVReadOptions, limits: Limits)
        throws
        -> [StreamingColumnStatistics]
    {
        var seen = Set<String>()
        for (index, name) in names.enumerated() where !seen.insert(name).inserted {
            throw reader.error(row: 1, line: 1, column: index, .duplicateColumnName(name))
        }
        if let unknown = options.columnTypes.keys.sorted().first(where: { !seen.contains($0) }) {
            throw reader.error(row: nil, line: nil, column: nil, .unknownColumn(unknown))
        }
        return names.map { StreamingColumnStatistics(name: $0, declaredType: options.columnTypes[$0], limits: limits) }
    }
}
