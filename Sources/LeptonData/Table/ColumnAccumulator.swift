/// Collects the fields of one CSV column while a file is read, then turns them into typed column data.
struct ColumnAccumulator {
    /// The type the options force, if any.
    let declaredType: ColumnType?
    /// Raw bytes of the non-missing fields, back to back, and where each ends.
    private var text: [UInt8] = []
    private var textEnds: [Int] = []
    /// Per row: the index into `textEnds` of its field, or -1 when missing.
    private var slots: [Int32] = []
    /// The parsed value of every non-missing field, kept while all of them are numbers.
    private var numbers: [Double] = []
    /// Whether every non-missing field so far is a number.
    private(set) var allNumeric: Bool
    /// Whether every non-missing field so far is `true` or `false`.
    private var allStrictBoolean = true
    /// The distinct values so far and one code per non-missing field, while there are at most
    /// `maximumCategories` of them (`nil` once there are more).
    private var categories: CategoryEncoder?

    init(declaredType: ColumnType?, maximumCategories: Int) {
        self.declaredType = declaredType
        allNumeric = declaredType == nil || declaredType == .numeric
        let mayBeCategorical = declaredType == nil || declaredType == .categorical
        categories = mayBeCategorical ? CategoryEncoder(limit: declaredType == nil ? maximumCategories : Int.max) : nil
    }

    /// Number of non-missing fields.
    var nonMissingCount: Int { textEnds.count }

    /// Adds the next row's field. Returns `false` if the column is declared numeric and `field` is not a number.
    mutating func append(
        _ field: UnsafeBufferPointer<UInt8>, missing: MissingTokenMatcher, numbers reader: NumberReader
    )
        -> Bool
    {
        if missing.matches(field) {
            slots.append(-1)
            return true
        }
        slots.append(Int32(textEnds.count))
        text.append(contentsOf: field)
        textEnds.append(text.count)
        if allNumeric {
            if let value = reader.number(field) {
                numbers.append(value)
            } else {
                allNumeric = false
                numbers = []
                if declaredType == .numeric { return false }
            }
        }
        if categories != nil && !categories!.add(field) { categories = nil }
        if allStrictBoolean && declaredType == nil {
            allStrictBoolean = FieldParsing.boolean(field, lenient: false) != nil
        }
        return true
    }

    /// Calls `body` with the bytes of non-missing field `index`.
    private func withText<Result>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        let start = index == 0 ? 0 : textEnds[index - 1]
        return text.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<textEnds[index]])) }
    }

    private func string(_ index: Int) -> String { withText(index) { String(decoding: $0, as: UTF8.self) } }

    /// The typed values: the declared type, or the inferred one (see ``CSVReadOptions``).
    /// - Parameter invalidBoolean: called with the row and text of a field that is not a boolean in a column
    ///   declared boolean; returns the error to throw.
    func makeData(options: CSVReadOptions, invalidBoolean: (Int, String) -> Error) throws -> ColumnData {
        let type = declaredType ?? inferredType(options: options)
        switch type {
        case .numeric:
            var values = [Double?](repeating: nil, count: slots.count)
            // A NaN spelled otherwise than the missing tokens (`NAN`, `+nan`) is a missing cell too.
            for (row, slot) in slots.enumerated() where slot >= 0 && !numbers[Int(slot)].isNaN {
                values[row] = numbers[Int(slot)]
            }
            return .numeric(values)
        case .boolean:
            var values = [Bool?](repeating: nil, count: slots.count)
            for (row, slot) in slots.enumerated() where slot >= 0 {
                guard let value = withText(Int(slot), { FieldParsing.boolean($0, lenient: true) }) else {
                    throw invalidBoolean(row, string(Int(slot)))
                }
                values[row] = value
            }
            return .boolean(values)
        case .categorical:
            guard let categories else {
                return .categorical(CategoricalValues(values: slots.map { $0 >= 0 ? string(Int($0)) : nil }))
            }
            let (sortedCategories, codeOfField) = categories.sortedCodes()
            return .categorical(
                CategoricalValues(
                    categories: sortedCategories, codes: slots.map { $0 >= 0 ? codeOfField[Int($0)] : nil }))
        case .text:
            return .text(slots.map { $0 >= 0 ? string(Int($0)) : nil })
        }
    }

    /// Numeric, boolean, categorical or text, by the rules of ``CSVReadOptions``.
    private func inferredType(options: CSVReadOptions) -> ColumnType {
        if allNumeric { return .numeric }
        if allStrictBoolean { return .boolean }
        guard let categories else { return .text }
        return options.stringColumnType(distinct: categories.count, nonMissing: nonMissingCount)
    }
}

/// Assigns codes to distinct field values (by their bytes) in order of first appearance, up to a limit.
struct CategoryEncoder {
    private let limit: Int
    /// Distinct values by hash; colliding values share a bucket and are told apart by their bytes.
    private var buckets: [UInt64: [Int32]] = [:]
    private var values: [[UInt8]] = []
    /// The code of every field added, in order.
    private var codes: [Int32] = []

    init(limit: Int) { self.limit = limit }

    /// Number of distinct values.
    var count: Int { values.count }

    /// Records `field`; returns `false` (and should be discarded) once there are more than `limit` values.
    mutating func add(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        let hash = StableHash.bytes(field)
        if let bucket = buckets[hash], let code = bucket.first(where: { values[Int($0)].elementsEqual(field) }) {
            codes.append(code)
            return true
        }
        guard values.count < limit else { return false }
        let code = Int32(values.count)
        values.append(Array(field))
        buckets[hash, default: []].append(code)
        codes.append(code)
        return true
    }

    /// The distinct values sorted, and per added field its code into that sorted list.
    func sortedCodes() -> (categories: [String], codes: [Int32]) {
        let strings = values.map { String(decoding: $0, as: UTF8.self) }
        let order = strings.indices.sorted { strings[$0] < strings[$1] }
        var newCode = [Int32](repeating: 0, count: strings.count)
        var categories: [String] = []
        for old in order {
            // Different bytes can be equal strings (canonically equivalent Unicode): they share a category.
            if categories.last != strings[old] { categories.append(strings[old]) }
            newCode[old] = Int32(categories.count - 1)
        }
        return (categories, codes.map { newCode[Int($0)] })
    }
}
