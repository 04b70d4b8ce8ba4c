import Foundation
import LeptonKernels

/// The one-pass describe of a CSV file on several threads, with bounded memory: ``ParallelCSVReader`` parses the
/// file in pieces, each into its own column statistics, which are merged in file order.
enum ParallelDescriber {
    /// The statistics of one piece's records.
    struct PieceSink: CSVPieceSink {
        /// The piece's statistics, one per column.
        let columns: ColumnBuffer<StreamingColumnStatistics>
        /// The missing tokens.
        let missing: MissingTokenMatcher
        /// The number parser.
        let numbers: NumberReader

        /// Adds the record's fields to the statistics; a field a declared type rejects stops the piece.
        func add(_ parser: CSVRecordParser, in bytes: UnsafeBufferPointer<UInt8>, row: Int, lineBreaksBefore: Int)
            -> ParallelCSVReader.PieceError?
        {
            let columns = columns.elements
            for index in columns.indices {
                let rejection = parser.withField(index, in: bytes) { field in
                    columns[index].add(field, missingTokens: missing, numbers: numbers)
                }
                guard let rejection else { continue }
                let problem: (String) -> CSVError.Problem
                switch rejection {
                case .notANumber: problem = CSVError.Problem.notANumber
                case .notABoolean: problem = CSVError.Problem.notABoolean
                }
                return ParallelCSVReader.PieceError(
                    row: row, lineBreaksBefore: lineBreaksBefore, field: index, parser: parser, bytes: bytes,
                    problem: problem)
            }
            return nil
        }

        /// Prepares the statistics for merging, on the piece's thread.
        func finish() {
            for index in columns.elements.indices { columns.elements[index].prepareForMerge() }
        }
    }

    /// Describes `url` with `pool`, reading `pieceBytes × pieces` bytes at a time.
    /// - Parameters:
    ///   - url: the CSV file; without a header row it is read by the sequential reader.
    ///   - options: dialect, missing tokens, type overrides.
    ///   - limits: per-column memory limits.
    ///   - pieceBytes: the bytes of one piece (at least 1).
    ///   - pool: the threads.
    /// - Throws: ``CSVError`` as ``StreamingDescriber/describe(reader:options:limits:)``.
    static func describe(
        csv url: URL, options: CSVReadOptions, limits: StreamingDescriber.Limits, pieceBytes: Int, pool: ThreadPool
    ) throws -> TableDescription {
        let (description, needsStringPass) = try describe(
            csv: url, options: options, limits: limits, pieceBytes: pieceBytes, pool: pool, defersStrings: true)
        guard needsStringPass else { return description }
        // A column was numeric for a while and then was not: read again, with string statistics throughout.
        return try describe(
            csv: url, options: options, limits: limits, pieceBytes: pieceBytes, pool: pool, defersStrings: false
        ).description
    }

    private static func describe(
        csv url: URL, options: CSVReadOptions, limits: StreamingDescriber.Limits, pieceBytes: Int, pool: ThreadPool,
        defersStrings: Bool
    ) throws -> (description: TableDescription, needsStringPass: Bool) {
        let reader = try CSVReader(url: url, format: options.format)
        guard options.format.hasHeader, let header = reader.header, !header.isEmpty else {
            return (try StreamingDescriber.describe(reader: reader, options: options, limits: limits), false)
        }
        let missing = MissingTokenMatcher(options.missingTokens)
        let numbers = try Table.numberReader(options, reader: reader)
        var columns = try StreamingDescriber.makeColumns(header, reader: reader, options: options, limits: limits)
        let rowCount = try ParallelCSVReader.read(
            url, reader: reader, columnCount: header.count, pieceBytes: pieceBytes, pool: pool,
            makeSink: {
                PieceSink(
                    columns: ColumnBuffer(
                        header.map {
                            StreamingColumnStatistics(
                                name: $0, declaredType: options.columnTypes[$0], limits: limits,
                                defersStrings: defersStrings)
                        }), missing: missing, numbers: numbers)
            },
            accept: { sink, _, _ in
                let piece = sink.columns.take()
                for index in columns.indices { columns[index].merge(piece[index]) }
            })
        return (
            TableDescription(rowCount: rowCount, columns: columns.map { $0.describe(options: options) }),
            columns.contains { $0.needsStringPass }
        )
    }
}
