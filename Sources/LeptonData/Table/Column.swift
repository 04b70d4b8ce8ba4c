/// Values of a categorical column: sorted distinct strings and one code per row.
public struct CategoricalValues: Sendable, Equatable {
    /// The distinct values, sorted.
    public let categories: [String]
    /// Per row, the index into ``categories``, or `nil` when missing.
    public let codes: [Int32?]

    /// Encodes `values`: categories are the distinct non-missing values in sorted order.
    /// - Parameter values: one value per row, `nil` when missing.
    public init(values: [String?]) {
        let sorted = Array(Set(values.compactMap { $0 })).sorted()
        var codeOf: [String: Int32] = [:]
        for (index, category) in sorted.enumerated() { codeOf[category] = Int32(index) }
        categories = sorted
        codes = values.map { $0.flatMap { codeOf[$0] } }
    }

    /// Uses given categories and codes.
    /// - Parameters:
    ///   - categories: the levels (any order, no duplicates).
    ///   - codes: per row an index into `categories`, or `nil`.
    public init(categories: [String], codes: [Int32?]) {
        precondition(
            Set(categories).count == categories.count, "CategoricalValues.init: duplicate categories in \(categories)")
        precondition(
            codes.allSatisfy { $0.map { $0 >= 0 && Int($0) < categories.count } ?? true },
            "CategoricalValues.init: a code is outside 0..<\(categories.count)")
        self.categories = categories
        self.codes = codes
    }

    /// The value of every row, `nil` when missing.
    public var values: [String?] { codes.map { $0.map { categories[Int($0)] } } }
}

/// The values of one column, with missing values as `nil`.
public enum ColumnData: Sendable, Equatable {
    /// Numbers.
    case numeric([Double?])
    /// Levels stored as codes.
    case categorical(CategoricalValues)
    /// Booleans.
    case boolean([Bool?])
    /// Free text.
    case text([String?])

    /// The type of the values.
    public var type: ColumnType {
        switch self {
        case .numeric: return .numeric
        case .categorical: return .categorical
        case .boolean: return .boolean
        case .text: return .text
        }
    }

    /// Number of rows.
    public var count: Int {
        switch self {
        case .numeric(let values): return values.count
        case .categorical(let values): return values.codes.count
        case .boolean(let values): return values.count
        case .text(let values): return values.count
        }
    }

    /// The cell at `row`.
    public subscript(row: Int) -> FeatureValue {
        switch self {
        case .numeric(let values): return values[row].map(FeatureValue.number) ?? .missing
        case .categorical(let values): return values.codes[row].map { .string(values.categories[Int($0)]) } ?? .missing
        case .boolean(let values): return values[row].map(FeatureValue.bool) ?? .missing
        case .text(let values): return values[row].map(FeatureValue.string) ?? .missing
        }
    }

    /// The rows at `indices`, in that order.
    func gathering(_ indices: [Int]) -> ColumnData {
        switch self {
        case .numeric(let values): return .numeric(indices.map { values[$0] })
        case .categorical(let values):
            return .categorical(
                CategoricalValues(categories: values.categories, codes: indices.map { values.codes[$0] }))
        case .boolean(let values): return .boolean(indices.map { values[$0] })
        case .text(let values): return .text(indices.map { values[$0] })
        }
    }
}

/// A named column of a ``Table``.
public struct Column: Sendable, Equatable {
    /// The column's name.
    public let name: String
    /// The values.
    public let data: ColumnData

    /// A column named `name` holding `data`.
    /// - Parameters:
    ///   - name: the column name.
    ///   - data: the values.
    public init(name: String, data: ColumnData) {
        self.name = name
        self.data = data
    }

    /// The type of the values.
    public var type: ColumnType { data.type }
    /// Number of rows.
    public var count: Int { data.count }
    /// The cell at `row`.
    public subscript(row: Int) -> FeatureValue { data[row] }

    /// Number of missing cells; in a numeric column NaN counts as missing, as in ``Table/describe()`` and pandas'
    /// `isna()`.
    public var missingCount: Int {
        switch data {
        case .numeric(let values): return values.lazy.filter { $0 == nil || $0!.isNaN }.count
        case .categorical(let values): return values.codes.lazy.filter { $0 == nil }.count
        case .boolean(let values): return values.lazy.filter { $0 == nil }.count
        case .text(let values): return values.lazy.filter { $0 == nil }.count
        }
    }
}
