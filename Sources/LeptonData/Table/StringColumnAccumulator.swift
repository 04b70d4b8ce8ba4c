/// The fields of a CSV column that is not numeric, collected row by row while a file is read: one category code
/// per row while the column has few distinct values (4 bytes a row), otherwise the bytes of every field.
struct StringColumnAccumulator {
    /// The distinct values kept as categories before switching to the bytes of each field.
    let categoryLimit: Int
    /// Rows added.
    private(set) var rowCount = 0
    /// Rows whose field is not missing.
    private(set) var nonMissingCount = 0
    /// Whether every non-missing field is `true` or `false` (any case, surrounding spaces allowed).
    private(set) var allStrictBoolean = true
    /// The values and per row a code, while there are at most `categoryLimit` distinct values.
    private(set) var categories: CategoryEncoder?
    /// Otherwise the bytes of the fields back to back, and per row where its field ends, or `~end` for a missing
    /// field (which adds no bytes).
    private var text: [UInt8] = []
    private var ends: [Int] = []

    /// An empty accumulator; `categoryLimit` 0 keeps the bytes from the start. The column's type does not depend
    /// on the limit: ``categories`` tells how many distinct values there are while they are within it.
    init(categoryLimit: Int) {
        self.categoryLimit = categoryLimit
        categories = categoryLimit > 0 ? CategoryEncoder(limit: categoryLimit) : nil
    }

    /// Adds a row whose field is `field`, or missing.
    mutating func add(_ field: UnsafeBufferPointer<UInt8>?) {
        rowCount += 1
        guard let field else {
            if categories != nil { categories!.addMissing() } else { ends.append(~text.count) }
            return
        }
        nonMissingCount += 1
        if allStrictBoolean { allStrictBoolean = FieldParsing.boolean(field, lenient: false) != nil }
        if categories != nil {
            if categories!.add(field) { return }
            switchToText()
        }
        text.append(contentsOf: field)
        ends.append(text.count)
    }

    /// Replaces the category codes by the bytes of each row's field.
    private mutating func switchToText() {
        guard let encoder = categories else { return }
        categories = nil
        text.removeAll()
        ends.removeAll()
        ends.reserveCapacity(encoder.codes.count)
        for code in encoder.codes {
            if code < 0 {
                ends.append(~text.count)
            } else {
                text.append(contentsOf: encoder.values[Int(code)])
                ends.append(text.count)
            }
        }
    }

    /// Puts the rows of `prefix` (the same column, read earlier in the file) before this accumulator's rows.
    mutating func prepend(_ prefix: StringColumnAccumulator) {
        var joined = prefix
        joined.append(self)
        self = joined
    }

    /// Puts the rows of `suffix` (the same column, read later in the file) after this accumulator's rows.
    mutating func append(_ suffix: StringColumnAccumulator) {
        rowCount += suffix.rowCount
        nonMissingCount += suffix.nonMissingCount
        allStrictBoolean = allStrictBoolean && suffix.allStrictBoolean
        if let suffixCategories = suffix.categories, categories != nil, categories!.append(suffixCategories) {
            return
        }
        var after = suffix
        after.switchToText()
        switchToText()
        let shift = text.count
        text.append(contentsOf: after.text)
        ends.append(contentsOf: after.ends.lazy.map { $0 >= 0 ? $0 + shift : ~(~$0 + shift) })
    }

    /// Calls `body` with each row's field bytes (`nil` when missing), in order; for the bytes kept per field.
    private func forEachTextRow(_ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        text.withUnsafeBufferPointer { bytes in
            var start = 0
            for end in ends {
                if end < 0 {
                    body(nil)
                } else {
                    body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    start = end
                }
            }
        }
    }

    /// The column's values as `type` (boolean, categorical or text), emptying the accumulator. For a boolean
    /// `type` every non-missing field must be a boolean in the lenient spellings (the reader checked it).
    mutating func takeData(as type: ColumnType) -> ColumnData {
        defer {
            categories = categories.map { _ in CategoryEncoder(limit: categoryLimit) }
            text = []
            ends = []
        }
        switch type {
        case .numeric:
            preconditionFailure("StringColumnAccumulator.takeData: a string column is not numeric")
        case .boolean:
            var values: [Bool?] = []
            values.reserveCapacity(rowCount)
            if let categories {
                let valueOfCode = categories.values.map { value in
                    value.withUnsafeBufferPointer { Self.boolean($0) }
                }
                for code in categories.codes { values.append(code < 0 ? nil : valueOfCode[Int(code)]) }
            } else {
                forEachTextRow { field in values.append(field.map(Self.boolean)) }
            }
            return .boolean(values)
        case .categorical:
            guard let categories else { return .categorical(CategoricalValues(values: strings())) }
            let (sortedCategories, codes) = categories.sortedCodes()
            return .categorical(CategoricalValues(categories: sortedCategories, codes: codes.map { $0 < 0 ? nil : $0 }))
        case .text:
            return .text(strings())
        }
    }

    /// The boolean of a field that the reader accepted as one.
    private static func boolean(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let value = FieldParsing.boolean(field, lenient: true) else {
            preconditionFailure("StringColumnAccumulator: a field of a boolean column is not a boolean")
        }
        return value
    }

    /// Each row's field as a string, `nil` when missing (rows with the same category share one string).
    private func strings() -> [String?] {
        var result: [String?] = []
        result.reserveCapacity(rowCount)
        if let categories {
            let strings = categories.values.map { String(decoding: $0, as: UTF8.self) }
            for code in categories.codes { result.append(code < 0 ? nil : strings[Int(code)]) }
        } else {
            forEachTextRow { field in result.append(field.map { String(decoding: $0, as: UTF8.self) }) }
        }
        return result
    }
}
