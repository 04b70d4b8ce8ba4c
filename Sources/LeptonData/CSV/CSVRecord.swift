/// One record of a CSV file: its fields as strings and where it was.
public struct CSVRecord: Sendable, Equatable, RandomAccessCollection {
    /// The unquoted field values.
    public var fields: [String]
    /// The 1-based record number, counting the header (when present) as row 1.
    public let row: Int
    /// The 1-based line on which the record starts.
    public let line: Int

    /// A record with the given fields and position.
    /// - Parameters:
    ///   - fields: the field values.
    ///   - row: the 1-based record number.
    ///   - line: the 1-based starting line.
    public init(fields: [String], row: Int, line: Int) {
        self.fields = fields
        self.row = row
        self.line = line
    }

    /// The index of the first field (0).
    public var startIndex: Int { fields.startIndex }
    /// One past the index of the last field.
    public var endIndex: Int { fields.endIndex }
    /// The field at `index`.
    public subscript(index: Int) -> String { fields[index] }
}
