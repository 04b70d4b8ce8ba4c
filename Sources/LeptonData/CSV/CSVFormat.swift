/// The dialect of a CSV file: delimiter, header, blank lines, line terminator for writing.
///
/// Quoting follows RFC 4180: a field may be enclosed in double quotes, inside which delimiters, line breaks
/// and doubled quotes (`""` for one `"`) are literal.
public struct CSVFormat: Sendable, Equatable {
    /// The field separator; must be an ASCII character other than `"`, CR and LF. Default `,`.
    public var delimiter: Unicode.Scalar
    /// Whether the first record names the columns. Default `true`.
    public var hasHeader: Bool
    /// Whether empty lines are skipped (as pandas does) instead of read as one empty field. Default `true`.
    public var skipsBlankLines: Bool
    /// Line terminator the writer uses: `"\n"` (default) or `"\r\n"`. The reader accepts LF, CRLF and CR.
    public var lineTerminator: String

    /// A dialect; the defaults describe an ordinary comma-separated file with a header row.
    /// - Parameters:
    ///   - delimiter: the ASCII field separator.
    ///   - hasHeader: whether the first record holds the column names.
    ///   - skipsBlankLines: whether empty lines are ignored.
    ///   - lineTerminator: `"\n"` or `"\r\n"`, used when writing.
    public init(
        delimiter: Unicode.Scalar = ",", hasHeader: Bool = true, skipsBlankLines: Bool = true,
        lineTerminator: String = "\n"
    ) {
        precondition(
            delimiter.isASCII && delimiter != "\"" && delimiter != "\n" && delimiter != "\r",
            "CSVFormat: the delimiter must be ASCII and not a quote or line break, got \(delimiter.debugDescription)")
        precondition(
            lineTerminator == "\n" || lineTerminator == "\r\n",
            "CSVFormat: lineTerminator must be \"\\n\" or \"\\r\\n\", got \(lineTerminator.debugDescription)")
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.skipsBlankLines = skipsBlankLines
        self.lineTerminator = lineTerminator
    }

    /// Comma-separated with a header row.
    public static let csv = CSVFormat()
    /// Tab-separated with a header row.
    public static let tsv = CSVFormat(delimiter: "\t")

    /// The delimiter as a byte.
    var delimiterByte: UInt8 { UInt8(truncatingIfNeeded: delimiter.value) }

    /// Checks the settings, which may have been changed through the `var` properties after `init` checked them.
    ///
    /// - Parameter source: The file or name used in the error.
    /// - Throws: ``CSVError`` with ``CSVError/Problem/invalidFormat(_:)`` for a delimiter that is not ASCII or is a
    ///   quote or line break, or a line terminator other than `"\n"` and `"\r\n"`.
    func validate(source: String) throws {
        guard delimiter.isASCII && delimiter != "\"" && delimiter != "\n" && delimiter != "\r" else {
            throw CSVError(
                file: source,
                problem: .invalidFormat(
                    "the delimiter must be ASCII and not a quote or line break, got \(delimiter.debugDescription)"))
        }
        guard lineTerminator == "\n" || lineTerminator == "\r\n" else {
            throw CSVError(
                file: source,
                problem: .invalidFormat(
                    "the line terminator must be \"\\n\" or \"\\r\\n\", got \(lineTerminator.debugDescription)"))
        }
    }
}
