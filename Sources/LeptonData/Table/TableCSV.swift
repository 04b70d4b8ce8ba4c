import Foundation
import LeptonKernels

extension Table {
    /// Reads a CSV file into a table, inferring column types (see ``CSVReadOptions`` for the rules).
    ///
    /// A file with a header and no record gives a table with the header's columns and no rows (numeric, unless
    /// declared otherwise); an empty file (no header, no record) is an error.
    ///
    /// Memory: while a column's fields are all numbers only the numbers are kept (8 bytes a row); string columns
    /// keep a code per row while they have at most 65,536 distinct values (equal values then share one `String`),
    /// the bytes of every field beyond. A column that is numeric up to some row and then is not needs the text of
    /// the rows before it: the file is read a second time, up to that row (in full, for a file read in pieces).
    /// - Parameters:
    ///   - url: the CSV file (UTF-8).
    ///   - options: dialect, missing tokens, type overrides.
    /// - Throws: ``CSVError`` naming the file, row, line and column of any problem: malformed CSV, a field
    ///   that is not a number (or boolean) in a column declared so, a duplicate column name, a type
    ///   override for a column the file does not have, ``CSVError/Problem/empty`` for an empty file, or
    ///   ``CSVError/Problem/unreadable(reason:)`` if the file changes between the two reads.
    ///
    /// A file of at least 1 MiB with a header is parsed in pieces on the kernels' threads (see
    /// `ParallelTableLoader`), with the same result and the same errors as reading it record by record.
    public init(csv url: URL, options: CSVReadOptions = CSVReadOptions()) throws {
        try self.init(
            csv: url, options: options, pieceBytes: ParallelTableLoader.defaultPieceBytes,
            minimumParallelBytes: ThreadPool.shared.threadCount > 1 ? ParallelTableLoader.minimumParallelBytes : .max,
            pool: .shared)
    }

    /// Reads a CSV file into a table; see ``init(csv:options:)``. A file with a header and of at least
    /// `minimumParallelBytes` is parsed in pieces of `pieceBytes` on `pool`, any other record by record.
    init(csv url: URL, options: CSVReadOptions, pieceBytes: Int, minimumParallelBytes: Int, pool: ThreadPool) throws {
        let makeReader = { try CSVReader(url: url, format: options.format) }
        let reader = try makeReader()
        let size = (try? url.resourceValues(forKeys: [.fileSizeKey]))?.fileSize ?? .max
        guard options.format.hasHeader, let header = reader.header, !header.isEmpty, size >= minimumParallelBytes
        else {
            try self.init(options: options, reader: reader, makeReader: makeReader)
            return
        }
        try self.init(
            columns: ParallelTableLoader.columns(
                csv: url, reader: reader, header: header, options: options, pieceBytes: pieceBytes, pool: pool))
    }

    /// Reads CSV text held in memory into a table; see ``init(csv:options:)``.
    /// - Parameters:
    ///   - text: the CSV text.
    ///   - name: the name used in errors.
    ///   - options: dialect, missing tokens, type overrides.
    /// - Throws: ``CSVError``.
    public init(csvText text: String, name: String = "<memory>", options: CSVReadOptions = CSVReadOptions()) throws {
        let data = Data(text.utf8)
        let makeReader = { try CSVReader(data: data, name: name, format: options.format) }
        try self.init(options: options, reader: makeReader(), makeReader: makeReader)
    }

    /// Reads the records of `reader` (a fresh `makeReader()`) into typed columns. A column that was numeric until
    /// some row and then was not needs the text of the rows before: the input is read a second time (from
    /// `makeReader()`), up to the last such row.
    private init(options: CSVReadOptions, reader: CSVReader, makeReader: () throws -> CSVReader) throws {
        let missing = MissingTokenMatcher(options.missingTokens)
        let numbers = try Self.numberReader(options, reader: reader)
        var names = reader.header
        var made: [ColumnAccumulator]?
        if let header = names { made = try Self.accumulators(for: header, reader: reader, options: options) }
        var hasRecord = try reader.advance()
        if names == nil && hasRecord {
            let generated = CSVReadOptions.generatedNames(count: reader.currentFieldCount)
            names = generated
            made = try Self.accumulators(for: generated, reader: reader, options: options)
        }
        guard let headerNames = names, !headerNames.isEmpty, let made else {
            throw reader.error(row: nil, line: nil, column: nil, .empty)
        }
        /// The first field of each column declared boolean that is not a boolean: thrown after reading, in column
        /// order, as the other columns' problems are found while reading.
        var invalidBooleans: [Int: CSVError] = [:]
        // The accumulators are updated through a buffer outside any closure: no uniqueness check of an array and
        // no retain of captured state for every field. They are moved out of it after reading.
        let held = ColumnBuffer(made)
        let buffer = held.elements
        while hasRecord {
            for index in buffer.indices {
                let outcome = reader.withCurrentField(index) {
                    buffer[index].append($0, missing: missing, numbers: numbers)
                }
                switch outcome {
                case .accepted: break
                case .notANumber:
                    throw reader.error(
                        row: reader.currentRow, line: reader.currentLine, column: index,
                        .notANumber(text: reader.currentField(index)))
                case .notABoolean:
                    if invalidBooleans[index] == nil {
                        invalidBooleans[index] = reader.error(
                            row: reader.currentRow, line: reader.currentLine, column: index,
                            .notABoolean(text: reader.currentField(index)))
                    }
                }
            }
            hasRecord = try reader.advance()
        }
        if let first = invalidBooleans.keys.min(), let error = invalidBooleans[first] { throw error }
        var accumulators = held.take()
        try Self.readStringsAgain(into: &accumulators, options: options, missing: missing, makeReader: makeReader)
        var columns: [Column] = []
        for index in accumulators.indices {
            columns.append(Column(name: headerNames[index], data: accumulators[index].takeData(options: options)))
        }
        try self.init(columns: columns)
    }

    /// Reads the input again up to the last row where a column stopped being numeric, and gives each such column
    /// the fields of its rows before that row.
    private static func readStringsAgain(
        into accumulators: inout [ColumnAccumulator], options: CSVReadOptions, missing: MissingTokenMatcher,
        makeReader: () throws -> CSVReader
    ) throws {
        let columns = accumulators.indices.filter { accumulators[$0].stringStartRow > 0 }
        guard let rows = columns.map({ accumulators[$0].stringStartRow }).max() else { return }
        var prefixes = columns.map {
            ColumnAccumulator.makeStrings(
                declaredType: accumulators[$0].declaredType, maximumCategories: options.maximumCategories)
        }
        let reader = try makeReader()
        for _ in 0..<rows {
            guard try reader.advance(), reader.currentFieldCount == accumulators.count else {
                throw reader.error(
                    row: nil, line: nil, column: nil, .unreadable(reason: "the file changed while it was read"))
            }
            for (slot, column) in columns.enumerated()
            where prefixes[slot].rowCount < accumulators[column].stringStartRow {
                reader.withCurrentField(column) { field in
                    prefixes[slot].add(missing.matches(field) ? nil : field)
                }
            }
        }
        for (slot, column) in columns.enumerated() { accumulators[column].prependStrings(prefixes[slot]) }
    }

    /// The number parser for `options`, after checking the thousands separator is one ASCII byte other than the
    /// quote, the decimal point, a digit, a sign or an exponent letter (it may be the delimiter, as in pandas: such
    /// fields are quoted).
    static func numberReader(_ options: CSVReadOptions, reader: CSVReader) throws -> NumberReader {
        guard let separator = options.thousandsSeparator else { return NumberReader(separator: nil) }
        guard let byte = separator.asciiValue, !"0123456789.+-eE\"".contains(separator) else {
            throw reader.error(row: nil, line: nil, column: nil, .invalidThousandsSeparator(String(separator)))
        }
        return NumberReader(separator: byte)
    }

    /// One accumulator per column, after checking names are unique and every override names a column.
    static func accumulators(for names: [String], reader: CSVReader, options: CSVReadOptions) throws
        -> [ColumnAccumulator]
    {
        var seen = Set<String>()
        for (index, name) in names.enumerated() where !seen.insert(name).inserted {
            throw reader.error(row: 1, line: 1, column: index, .duplicateColumnName(name))
        }
        if let unknown = options.columnTypes.keys.sorted().first(where: { !seen.contains($0) }) {
            throw reader.error(row: nil, line: nil, column: nil, .unknownColumn(unknown))
        }
        return names.map {
            ColumnAccumulator(declaredType: options.columnTypes[$0], maximumCategories: options.maximumCategories)
        }
    }

    /// Writes the table as CSV (header row first), atomically.
    ///
    /// Missing values become empty fields; numbers are written in their shortest round-trip form (integral
    /// values without `.0`); booleans as `true`/`false`.
    /// - Parameters:
    ///   - url: the destination (replaced if it exists).
    ///   - format: the dialect (delimiter and line terminator).
    /// - Throws: ``CSVError`` if the file cannot be written.
    public func write(csv url: URL, format: CSVFormat = .csv) throws {
        let writer = try CSVWriter(url: url, format: format)
        if format.hasHeader { try writer.write(columnNames) }
        var fields = [String](repeating: "", count: columns.count)
        for row in 0..<rowCount {
            for (index, column) in columns.enumerated() { fields[index] = column[row].description }
            try writer.write(fields)
        }
        try writer.finish()
    }
}
