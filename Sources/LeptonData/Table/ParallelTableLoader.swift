import Foundation
import LeptonKernels

/// `Table(csv:)` of a file with a header on several threads: ``ParallelCSVReader`` parses the file in pieces, each
/// into its own column accumulators, which are joined in file order (numbers concatenated, category codes kept in
/// order of first appearance in the file).
///
/// The result and the errors are those of reading the file record by record. A column that is numeric in some
/// pieces and not in others needs the text of the rows kept only as numbers, as when reading record by record: the
/// file is then read a second time, with those columns collecting their text from the first row.
enum ParallelTableLoader {
    /// The bytes each thread parses at a time; the window read at once is this times twice the thread count.
    static let defaultPieceBytes = 4 << 20

    /// Files smaller than this are read record by record: splitting them saves less than it costs.
    static let minimumParallelBytes = 1 << 20

    /// The columns of one piece's records.
    struct PieceSink: CSVPieceSink {
        /// The piece's accumulators, one per column.
        let columns: ColumnBuffer<ColumnAccumulator>
        /// The missing tokens.
        let missing: MissingTokenMatcher
        /// The number parser.
        let numbers: NumberReader
        /// The first field of each column declared boolean that is not a boolean, in this piece.
        var invalidBooleans: [Int: ParallelCSVReader.PieceError] = [:]

        /// Adds the record's fields to the accumulators; a field that is not a number in a column declared numeric
        /// stops the piece.
        mutating func add(
            _ parser: CSVRecordParser, in bytes: UnsafeBufferPointer<UInt8>, row: Int, lineBreaksBefore: Int
        ) -> ParallelCSVReader.PieceError? {
            let columns = columns.elements
            for index in columns.indices {
                let outcome = parser.withField(index, in: bytes) { field in
                    columns[index].append(field, missing: missing, numbers: numbers)
                }
                switch outcome {
                case .accepted: break
                case .notANumber:
                    return ParallelCSVReader.PieceError(
                        row: row, lineBreaksBefore: lineBreaksBefore, field: index, parser: parser, bytes: bytes,
                        problem: CSVError.Problem.notANumber)
                case .notABoolean:
                    if invalidBooleans[index] == nil {
                        invalidBooleans[index] = ParallelCSVReader.PieceError(
                            row: row, lineBreaksBefore: lineBreaksBefore, field: index, parser: parser, bytes: bytes,
                            problem: CSVError.Problem.notABoolean)
                    }
                }
            }
            return nil
        }

        /// Nothing to prepare: the accumulators are joined as they are.
        func finish() {}
    }

    /// The typed columns of `url`.
    /// - Parameters:
    ///   - url: the CSV file.
    ///   - reader: a reader of `url` that has read the header (and nothing more).
    ///   - header: the column names (not empty).
    ///   - options: dialect, missing tokens, type overrides.
    ///   - pieceBytes: the bytes of one piece.
    ///   - pool: the threads.
    /// - Throws: ``CSVError`` as ``Table/init(csv:options:)``.
    static func columns(
        csv url: URL, reader: CSVReader, header: [String], options: CSVReadOptions, pieceBytes: Int, pool: ThreadPool
    ) throws -> [Column] {
        let numbers = try Table.numberReader(options, reader: reader)
        let first = try Table.accumulators(for: header, reader: reader, options: options)
        var (accumulators, needsText, rowCount) = try read(
            url, reader: reader, accumulators: first, options: options, numbers: numbers, pieceBytes: pieceBytes,
            pool: pool)
        if needsText.contains(true) {
            accumulators = []
            let collecting = header.indices.map {
                ColumnAccumulator(
                    declaredType: options.columnTypes[header[$0]], maximumCategories: options.maximumCategories,
                    collectsText: needsText[$0])
            }
            let second = try read(
                url, reader: reader, accumulators: collecting, options: options, numbers: numbers,
                pieceBytes: pieceBytes, pool: pool)
            guard second.rowCount == rowCount, !second.needsText.contains(true) else {
                throw reader.error(
                    row: nil, line: nil, column: nil, .unreadable(reason: "the file changed while it was read"))
            }
            (accumulators, needsText, rowCount) = second
        }
        // The columns' typed values are made on the threads too, a column each.
        var data = [ColumnData?](repeating: nil, count: accumulators.count)
        accumulators.withUnsafeMutableBufferPointer { columns in
            data.withUnsafeMutableBufferPointer { slots in
                pool.parallelFor(columns.count) { index in slots[index] = columns[index].takeData(options: options) }
            }
        }
        return header.indices.map { Column(name: header[$0], data: data[$0]!) }
    }

    /// Reads the records of `url` into copies of `accumulators`, in pieces.
    /// - Returns: the joined accumulators; per column whether it must be read again collecting its text (its
    ///   accumulator is then empty); the number of records.
    private static func read(
        _ url: URL, reader: CSVReader, accumulators empty: [ColumnAccumulator], options: CSVReadOptions,
        numbers: NumberReader, pieceBytes: Int, pool: ThreadPool
    ) throws -> (accumulators: [ColumnAccumulator], needsText: [Bool], rowCount: Int) {
        let missing = MissingTokenMatcher(options.missingTokens)
        var joined = empty
        var needsText = [Bool](repeating: false, count: empty.count)
        /// The first field of each column declared boolean that is not a boolean: thrown after reading, in column
        /// order, as the other columns' problems are found while reading.
        var invalidBooleans: [Int: CSVError] = [:]
        let rowCount = try ParallelCSVReader.read(
            url, reader: reader, columnCount: empty.count, pieceBytes: pieceBytes, pool: pool,
            makeSink: { PieceSink(columns: ColumnBuffer(empty), missing: missing, numbers: numbers) },
            accept: { sink, row, line in
                for (column, error) in sink.invalidBooleans where invalidBooleans[column] == nil {
                    invalidBooleans[column] = error.csvError(reader: reader, row: row, line: line)
                }
                let piece = sink.columns.take()
                for index in joined.indices where !needsText[index] && !joined[index].append(piece[index]) {
                    // Rows of this column were kept only as numbers: drop what it holds until it is read again.
                    needsText[index] = true
                    joined[index] = empty[index]
                }
            })
        if let first = invalidBooleans.keys.min(), let error = invalidBooleans[first] { throw error }
        return (joined, needsText, rowCount)
    }
}
