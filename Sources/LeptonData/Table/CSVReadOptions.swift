/// How ``Table/init(csv:options:)`` reads a file: dialect, missing-value tokens and column types.
///
/// Type inference, per column, over its non-missing fields:
/// 1. **numeric** if every field parses as a number (`12`, `-3.5`, `1e-3`, `inf`); a column with no
///    values at all is numeric too;
/// 2. otherwise **boolean** if every field is `true` or `false` (any case). `yes`/`no` and `0`/`1` are
///    *not* inferred as boolean — they stay categorical and numeric, which loses nothing — but a column
///    declared boolean in ``columnTypes`` accepts them (and `t`/`f`, `y`/`n`);
/// 3. otherwise **categorical** if it has at most ``maximumCategories`` distinct values and at most half
///    as many distinct values as non-missing fields (so short columns of unique strings stay text);
/// 4. otherwise **text**.
///
/// **NaN is missing.** A field of a numeric column that parses as NaN in a spelling not among the missing tokens
/// (`NAN`, `+nan`, `nAn`) becomes a missing cell, never a NaN value: in a table, as in pandas, NaN and missing
/// are the same thing, so ``Column/missingCount`` and ``Table/describe()`` agree.
public struct CSVReadOptions: Sendable {
    /// pandas' default missing tokens (`pandas._libs.parsers.STR_NA_VALUES`, the `na_values` of `read_csv`):
    /// empty, `#N/A`, `#N/A N/A`, `#NA`, `-1.#IND`, `-1.#QNAN`, `-NaN`, `-nan`, `1.#IND`, `1.#QNAN`, `<NA>`,
    /// `N/A`, `NA`, `NULL`, `NaN`, `None`, `n/a`, `nan`, `null`.
    public static let defaultMissingTokens: Set<String> = [
        "", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>", "N/A",
        "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
    ]

    /// The dialect.
    public var format: CSVFormat
    /// Fields equal to one of these (after trimming spaces and tabs) are missing, in every column type.
    public var missingTokens: Set<String>
    /// Types to use instead of inference, by column name. Every name must exist in the file.
    public var columnTypes: [String: ColumnType]
    /// The most distinct values a column may have to be inferred categorical.
    public var maximumCategories: Int
    /// A character grouping digits in numbers (pandas' `thousands=`), removed before parsing: with `","`, the
    /// (quoted) field `"1,234.5"` reads as 1234.5. `nil` (the default) accepts plain numbers only.
    public var thousandsSeparator: Character?

    /// Options; the defaults read a comma-separated file with a header and infer every type.
    /// - Parameters:
    ///   - format: the dialect.
    ///   - missingTokens: the fields that mean "missing".
    ///   - columnTypes: per-column type overrides.
    ///   - maximumCategories: the categorical/text threshold.
    ///   - thousandsSeparator: a digit-grouping character to ignore in numbers, or `nil`.
    public init(
        format: CSVFormat = .csv, missingTokens: Set<String> = CSVReadOptions.defaultMissingTokens,
        columnTypes: [String: ColumnType] = [:], maximumCategories: Int = 50, thousandsSeparator: Character? = nil
    ) {
        self.thousandsSeparator = thousandsSeparator
        self.format = format
        self.missingTokens = missingTokens
        self.columnTypes = columnTypes
        self.maximumCategories = maximumCategories
    }

    /// The inferred type of a column that is not numeric and not boolean.
    func stringColumnType(distinct: Int, nonMissing: Int) -> ColumnType {
        distinct <= maximumCategories && distinct * 2 <= nonMissing ? .categorical : .text
    }

    /// Column names for a file without a header: `column1`, `column2`, …
    static func generatedNames(count: Int) -> [String] { (0..<count).map { "column\($0 + 1)" } }
}
