import Foundation

extension FittedPipeline {
    /// Reads a CSV file to score with the column types the pipeline was fitted on, instead of inferring them
    /// afresh: type inference per file drifts (an all-empty categorical column would read as numeric, a single
    /// `1,000` would turn a numeric column into text), while a declared type makes a bad cell an error that names
    /// its row and column.
    ///
    /// Columns of the file the pipeline did not see (and every column, for a pipeline without
    /// ``inputColumnTypes``) are inferred as usual; columns of the schema the file lacks are left out (a scoring
    /// file need not have the target).
    /// - Parameters:
    ///   - url: the CSV file.
    ///   - options: dialect and missing tokens; its `columnTypes` win over the schema.
    /// - Throws: ``CSVError``, for instance ``CSVError/Problem/notANumber(text:)`` with the row and column.
    public func readTable(csv url: URL, options: CSVReadOptions = CSVReadOptions()) throws -> Table {
        let header = try CSVReader(url: url, format: options.format).header
        return try Table(csv: url, options: scoringOptions(options, header: header))
    }

    /// Reads CSV text to score with the column types the pipeline was fitted on; see ``readTable(csv:options:)``.
    /// - Parameters:
    ///   - text: the CSV text.
    ///   - name: the name used in errors.
    ///   - options: dialect and missing tokens; its `columnTypes` win over the schema.
    /// - Throws: ``CSVError``.
    public func readTable(csvText text: String, name: String = "<memory>", options: CSVReadOptions = CSVReadOptions())
        throws -> Table
    {
        let header = try CSVReader(string: text, name: name, format: options.format).header
        return try Table(csvText: text, name: name, options: scoringOptions(options, header: header))
    }

    /// `options` with the schema's types for the columns `header` has.
    private func scoringOptions(_ options: CSVReadOptions, header: [String]?) -> CSVReadOptions {
        guard let inputColumnTypes, let header else { return options }
        var result = options
        for name in header {
            if result.columnTypes[name] == nil, let type = inputColumnTypes[name] { result.columnTypes[name] = type }
        }
        return result
    }
}
