/// Collects the fields of one CSV column while a file is read, then turns them into typed column data.
///
/// A column that may be numeric keeps only the parsed number of each row (8 bytes a row, NaN for a missing field)
/// while every field parses. At the first field that does not, it starts collecting the fields' text (see
/// ``StringColumnAccumulator``) from that row on; the rows before it are read again afterwards
/// (``stringStartRow``, ``prependStrings(_:)``). Other columns collect their text from the start.
struct ColumnAccumulator {
    /// What ``append(_:missing:numbers:)`` made of a field.
    enum Outcome {
        case accepted
        /// The column is declared numeric and the field is not a number.
        case notANumber
        /// The column is declared boolean and the field is not a boolean (the row is kept; reading goes on).
        case notABoolean
    }

    /// The type the options force, if any.
    let declaredType: ColumnType?
    /// The most distinct values an inferred column may have to be categorical.
    let maximumCategories: Int
    /// Rows added.
    private(set) var rowCount = 0
    /// Whether every non-missing field so far is a number (while `true`, only `numbers` is kept).
    private(set) var isNumeric: Bool
    /// Per row while numeric: the number, NaN when missing; the rows before `numbers` in chunks, one per piece of a
    /// file read in pieces (joined only by ``takeData(options:)``, which copies the numbers anyway).
    private var earlierNumbers: [[Double]] = []
    private var numbers: [Double] = []
    /// The first row that `strings` holds: 0, or the row where a column that was numeric stopped being so.
    private(set) var stringStartRow = 0
    /// The fields from `stringStartRow` on, once the column is not numeric.
    private var strings: StringColumnAccumulator

    /// An empty accumulator.
    /// - Parameters:
    ///   - declaredType: the type the options force, if any.
    ///   - maximumCategories: the most distinct values an inferred column may have to be categorical.
    ///   - collectsText: whether an inferred column collects its fields' text from the first row (a column known
    ///     to stop being numeric somewhere in the file); its type is inferred as for any column that is not numeric.
    init(declaredType: ColumnType?, maximumCategories: Int, collectsText: Bool = false) {
        self.declaredType = declaredType
        self.maximumCategories = maximumCategories
        isNumeric = declaredType == .numeric || (declaredType == nil && !collectsText)
        strings = Self.makeStrings(declaredType: declaredType, maximumCategories: maximumCategories)
    }

    /// Distinct values a string column keeps as codes (so that equal values share one string in the table, as
    /// pandas shares one object) before it keeps the bytes of every field instead; at most about 100 bytes each.
    static let sharedValueLimit = 65_536

    /// An empty string accumulator for a column of `declaredType`.
    static func makeStrings(declaredType: ColumnType?, maximumCategories: Int) -> StringColumnAccumulator {
        switch declaredType {
        case .categorical: StringColumnAccumulator(categoryLimit: Int.max)
        case .text, .boolean, .numeric, nil:
            StringColumnAccumulator(categoryLimit: max(maximumCategories, sharedValueLimit))
        }
    }

    /// Adds the next row's field.
    mutating func append(
        _ field: UnsafeBufferPointer<UInt8>, missing: MissingTokenMatcher, numbers reader: NumberReader
    ) -> Outcome {
        let isMissing = missing.matches(field)
        defer { rowCount += 1 }
        if isNumeric {
            if isMissing {
                numbers.append(.nan)
                return .accepted
            }
            if let value = reader.number(field) {
                numbers.append(value)
                return .accepted
            }
            if declaredType == .numeric { return .notANumber }
            isNumeric = false
            earlierNumbers = []
            numbers = []
            stringStartRow = rowCount
        }
        if isMissing {
            strings.add(nil)
            return .accepted
        }
        strings.add(field)
        if declaredType == .boolean && FieldParsing.boolean(field, lenient: true) == nil { return .notABoolean }
        return .accepted
    }

    /// Puts the fields of the rows before ``stringStartRow``, read again, before the collected ones.
    mutating func prependStrings(_ prefix: StringColumnAccumulator) {
        precondition(prefix.rowCount == stringStartRow, "ColumnAccumulator: the rows read again do not match")
        strings.prepend(prefix)
        stringStartRow = 0
    }

    /// Puts the rows of `next` (the same column, read later in the file) after this accumulator's rows. Returns
    /// `false` (leaving this accumulator unusable) when the joined column would be missing the text of rows that
    /// either side kept only as numbers: the column stopped being numeric, and its text must be read again.
    mutating func append(_ next: ColumnAccumulator) -> Bool {
        guard next.rowCount > 0 else { return true }
        guard rowCount > 0 else {
            self = next
            return isNumeric || stringStartRow == 0
        }
        if isNumeric && next.isNumeric {
            earlierNumbers.append(numbers)
            earlierNumbers.append(contentsOf: next.earlierNumbers)
            numbers = next.numbers
        } else {
            guard !isNumeric, stringStartRow == 0, !next.isNumeric, next.stringStartRow == 0 else { return false }
            strings.append(next.strings)
        }
        rowCount += next.rowCount
        return true
    }

    /// The typed values, emptying the accumulator: the declared type, or the inferred one (see
    /// ``CSVReadOptions``). The rows before ``stringStartRow`` must have been prepended.
    mutating func takeData(options: CSVReadOptions) -> ColumnData {
        precondition(stringStartRow == 0, "ColumnAccumulator: the rows before the first text were not read again")
        if isNumeric {
            // A NaN spelled otherwise than the missing tokens (`NAN`, `+nan`) is a missing cell too.
            var chunks = earlierNumbers
            chunks.append(numbers)
            earlierNumbers = []
            numbers = []
            var values: [Double?] = []
            values.reserveCapacity(rowCount)
            for index in chunks.indices {
                values.append(contentsOf: chunks[index].lazy.map { $0.isNaN ? nil : $0 })
                chunks[index] = []
            }
            return .numeric(values)
        }
        let type: ColumnType
        if let declaredType {
            type = declaredType
        } else if strings.allStrictBoolean {
            type = .boolean
        } else if let categories = strings.categories {
            type = options.stringColumnType(distinct: categories.count, nonMissing: strings.nonMissingCount)
        } else {
            type = .text
        }
        return strings.takeData(as: type)
    }
}
