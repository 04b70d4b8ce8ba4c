/// A problem in a CSV file, with where it is: file, row, line and column.
///
/// Rows count records from 1, including the header: the first data record of a file with a header is row 2,
/// as a spreadsheet shows it. `line` is the physical line where the record starts (they differ when quoted
/// fields contain line breaks). `columnIndex` counts from 0, like ``Table/columnNames``; the description
/// shows it counting from 1.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Problem: Equatable, Sendable {
        /// A record has a different number of fields than the header (or the first record).
        case raggedRow(expected: Int, found: Int)
        /// A quoted field is never closed; the quote opened on `openedAtLine`.
        case unterminatedQuote(openedAtLine: Int)
        /// A closing quote is followed by something other than a delimiter or a line break.
        case textAfterClosingQuote(found: String)
        /// The bytes are not valid UTF-8; `byteOffset` counts from the start of the file.
        case invalidUTF8(byteOffset: Int)
        /// A field in a numeric column does not parse as a number.
        case notANumber(text: String)
        /// A field in a boolean column is not one of the accepted spellings.
        case notABoolean(text: String)
        /// Two columns have the same name.
        case duplicateColumnName(String)
        /// The options name a column that the file does not have.
        case unknownColumn(String)
        /// The file could not be opened or read.
        case unreadable(reason: String)
        /// The file could not be written.
        case unwritable(reason: String)
        /// The input has no header and no record: nothing to make a table of.
        case empty
        /// The thousands separator of the options cannot be told apart from the rest of a number or a quote.
        case invalidThousandsSeparator(String)
        /// The format's delimiter or line terminator is not one the reader and writer support (a `var` of
        /// ``CSVFormat`` changed after it was made).
        case invalidFormat(String)
    }

    /// The file (path) or the name given for in-memory input.
    public let file: String
    /// The 1-based record number, counting the header (when present) as row 1.
    public let row: Int?
    /// The 1-based line on which the record starts.
    public let line: Int?
    /// The 0-based index of the column, when the problem is in one field.
    public let columnIndex: Int?
    /// The column's name, when the file has a header.
    public let columnName: String?
    /// What is wrong.
    public let problem: Problem

    /// An error at the given place.
    /// - Parameters:
    ///   - file: the file or input name.
    ///   - row: the 1-based record number (header included).
    ///   - line: the 1-based line where the record starts.
    ///   - columnIndex: the 0-based column.
    ///   - columnName: the column's header name.
    ///   - problem: what is wrong.
    public init(
        file: String, row: Int? = nil, line: Int? = nil, columnIndex: Int? = nil, columnName: String? = nil,
        problem: Problem
    ) {
        self.file = file
        self.row = row
        self.line = line
        self.columnIndex = columnIndex
        self.columnName = columnName
        self.problem = problem
    }

    /// For example `data.csv: row 7 (line 8), column 3 "age": "abc" is not a number`.
    public var description: String {
        var place = file
        if let row { place += ": row \(row)" + (line.map { $0 != row ? " (line \($0))" : "" } ?? "") }
        if let columnIndex {
            place += ", column \(columnIndex + 1)" + (columnName.map { " \"\($0)\"" } ?? "")
        }
        return place + ": " + problemDescription
    }

    private var problemDescription: String {
        switch problem {
        case .raggedRow(let expected, let found): return "expected \(expected) fields, found \(found)"
        case .unterminatedQuote(let line): return "quoted field opened on line \(line) is never closed"
        case .textAfterClosingQuote(let found):
            return "unexpected \(found.debugDescription) after a closing quote (expected a delimiter or line break)"
        case .invalidUTF8(let offset): return "invalid UTF-8 at byte offset \(offset)"
        case .notANumber(let text): return "\(text.debugDescription) is not a number"
        case .notABoolean(let text):
            return "\(text.debugDescription) is not a boolean (true/false, yes/no, t/f, y/n, 1/0)"
        case .duplicateColumnName(let name): return "column name \(name.debugDescription) appears more than once"
        case .unknownColumn(let name):
            return "the options name column \(name.debugDescription), which the file does not have"
        case .unreadable(let reason): return "cannot read: \(reason)"
        case .unwritable(let reason): return "cannot write: \(reason)"
        case .empty: return "the input is empty: no header and no record"
        case .invalidThousandsSeparator(let separator):
            return "thousands separator \(separator.debugDescription) must be one ASCII character other than a digit, "
                + "sign, point, exponent letter or quote"
        case .invalidFormat(let reason): return "invalid CSV format: \(reason)"
        }
    }
}
