import LeptonSupport

/// What an encoder does with a category (or a missing cell) it did not see in fit.
public enum UnknownCategoryPolicy: String, Sendable, Codable, Hashable {
    /// Throw ``TransformError/unseenCategory(column:value:row:)`` (or ``TransformError/missingValue(column:row:)``
    /// for a missing cell).
    case error
    /// One-hot: an all-zero row. Ordinal: a missing cell. Weight of evidence: 0 (neutral evidence).
    case ignore
    /// One-hot: a 1 in an extra `<column>=<unknown>` indicator. Ordinal: the code −1. Weight of evidence: 0.
    case useUnknown
}

/// The categories of each column learnt by an encoder: observed values in natural order, or given ones.
enum CategoryLearning {
    /// Per column, the given categories or the distinct non-missing values in natural order.
    static func categories(_ table: Table, columns: [String], given: [String: [String]]) throws -> [[String]] {
        try columns.map { name in
            let column = try table.column(name)
            if let explicit = given[name] { return explicit }
            let distinct = try CategoryKeys(column).sortedDistinct
            guard !distinct.isEmpty else { throw TransformError.noValues(column: name) }
            return distinct
        }
    }
}

/// Encodes categorical columns as 0/1 indicator columns, one per category (scikit-learn's `OneHotEncoder`).
///
/// Column `purpose` with categories `car`, `education` becomes numeric columns `purpose=car` and
/// `purpose=education`, in the original column's position. Categories are the values seen in fit, in natural
/// order (numbers numerically, strings by Unicode order), unless given explicitly. Works on categorical, text,
/// boolean and numeric columns (numbers as categories, named by their shortest text, `rate=4`). A missing
/// cell is treated like an unseen category.
public struct OneHot: TableTransform {
    /// The columns to encode.
    public var columns: [String]
    /// What to do with categories not seen in fit.
    public var unknown: UnknownCategoryPolicy
    /// Categories to use instead of the observed ones, by column.
    public var categories: [String: [String]]
    /// Which indicator to leave out of each column (scikit-learn's `drop`), to avoid perfectly collinear
    /// features in unpenalised linear models. Encodings from before it existed drop none.
    @DefaultWhenMissing<NoDropWhenMissing> public var drop: OneHotDrop
    /// Categories with fewer training rows than this share one `<column>=<infrequent>` indicator (scikit-learn's
    /// `min_frequency`); 0 or 1 keeps every category apart. Categories given explicitly are never pooled.
    /// Encodings from before it existed pool none.
    @DefaultWhenMissing<ZeroWhenMissing<Int>> public var minimumFrequency: Int

    /// A one-hot encoder.
    /// - Parameters:
    ///   - columns: the columns to encode.
    ///   - unknown: the policy for unseen categories (default ``UnknownCategoryPolicy/error``).
    ///   - categories: fixed categories (in output order) for some columns.
    ///   - drop: the indicator left out of each column (default none).
    ///   - minimumFrequency: rarer categories share an `<infrequent>` indicator (default 0: none pooled).
    public init(
        columns: [String], unknown: UnknownCategoryPolicy = .error, categories: [String: [String]] = [:],
        drop: OneHotDrop = .none, minimumFrequency: Int = 0
    ) {
        self.columns = columns
        self.unknown = unknown
        self.categories = categories
        self.drop = drop
        self.minimumFrequency = minimumFrequency
    }

    /// Learns each column's categories.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/noValues(column:)`` for a column
    ///   without values.
    public func fit(on table: Table) throws -> FittedOneHot {
        let learnt = try CategoryLearning.categories(table, columns: columns, given: categories)
        var entries: [ColumnCategories] = []
        var infrequent: [String: [String]] = [:]
        for (name, all) in zip(columns, learnt) {
            guard minimumFrequency > 1, categories[name] == nil else {
                entries.append(.init(column: name, categories: all))
                continue
            }
            var counts: [String: Int] = [:]
            for case let key? in try CategoryKeys(table.column(name)).keys { counts[key, default: 0] += 1 }
            let rare = all.filter { counts[$0, default: 0] < minimumFrequency }
            entries.append(.init(column: name, categories: all.filter { counts[$0, default: 0] >= minimumFrequency }))
            if !rare.isEmpty { infrequent[name] = rare }
        }
        return FittedOneHot(entries: entries, unknown: unknown, drop: drop, infrequent: infrequent)
    }
}

/// Which indicator ``OneHot`` leaves out of each column.
public enum OneHotDrop: String, Sendable, Codable, Hashable {
    /// Keep every category's indicator.
    case none
    /// Leave out the first category's indicator (scikit-learn's `drop="first"`): that category is all zeros.
    case first
    /// Leave out the first indicator of columns with exactly two categories (`drop="if_binary"`).
    case ifBinary
}

/// The value of ``OneHot/drop`` and ``FittedOneHot/drop`` when an encoding written before they existed lacks them:
/// ``OneHotDrop/none``, as those encoders were fitted.
public enum NoDropWhenMissing: MissingKeyDefault {
    /// ``OneHotDrop/none``.
    public static var value: OneHotDrop { .none }
}

/// The categories an encoder learnt for one column, in output (or code) order.
public struct ColumnCategories: Sendable, Codable, Equatable {
    /// The column.
    public let column: String
    /// Its categories.
    public let categories: [String]
}

/// A fitted ``OneHot``: each column's categories.
public struct FittedOneHot: FittedTableTransform {
    /// One entry per column.
    public let entries: [ColumnCategories]
    /// The policy for unseen categories.
    public let unknown: UnknownCategoryPolicy
    /// The indicator left out of each column; encodings from before it existed drop none.
    @DefaultWhenMissing<NoDropWhenMissing> public private(set) var drop: OneHotDrop
    /// Per column, the categories pooled in its `<column>=<infrequent>` indicator (see ``OneHot/minimumFrequency``);
    /// encodings from before it existed pool none.
    @DefaultWhenMissing<EmptyDictionaryWhenMissing<[String: [String]]>> public private(set) var infrequent:
        [String: [String]]

    /// A fitted encoder.
    /// - Parameters:
    ///   - entries: each column's categories with an indicator of their own.
    ///   - unknown: the policy for unseen categories.
    ///   - drop: the indicator left out of each column.
    ///   - infrequent: per column, the categories sharing the infrequent indicator.
    public init(
        entries: [ColumnCategories], unknown: UnknownCategoryPolicy, drop: OneHotDrop = .none,
        infrequent: [String: [String]] = [:]
    ) {
        self.entries = entries
        self.unknown = unknown
        self.drop = drop
        self.infrequent = infrequent
    }

    /// The name of the indicator shared by infrequent categories: `<column>=<infrequent>`.
    public static func infrequentName(_ column: String) -> String { column + "=<infrequent>" }

    /// The name of the extra indicator under ``UnknownCategoryPolicy/useUnknown``: `<column>=<unknown>`.
    public static func unknownName(_ column: String) -> String { column + "=<unknown>" }

    /// Whether the first category of `entry` has no indicator.
    func dropsFirst(_ entry: ColumnCategories) -> Bool {
        switch drop {
        case .none: return false
        case .first: return !entry.categories.isEmpty
        case .ifBinary: return entry.categories.count == 2
        }
    }

    /// The output names of one column: `<column>=<category>` for each category (but a dropped first one).
    func names(_ entry: ColumnCategories) -> [String] {
        entry.categories.dropFirst(dropsFirst(entry) ? 1 : 0).map { entry.column + "=" + $0 }
            + (infrequent[entry.column] == nil ? [] : [Self.infrequentName(entry.column)])
            + (unknown == .useUnknown ? [Self.unknownName(entry.column)] : [])
    }

    /// All indicator column names, column by column.
    public var outputColumns: [String] { entries.flatMap(names) }

    /// Replaces each column by its indicators.
    /// - Parameter table: data with the fitted columns.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; under ``UnknownCategoryPolicy/error``,
    ///   ``TransformError/unseenCategory(column:value:row:)`` or ``TransformError/missingValue(column:row:)``.
    public func apply(to table: Table) throws -> Table {
        var result = ColumnEditor(table)
        for entry in entries {
            let keys = try CategoryKeys(result.column(entry.column)).keys
            var indexOf: [String: Int] = [:]
            for (index, category) in entry.categories.enumerated() { indexOf[category] = index }
            for category in infrequent[entry.column] ?? [] { indexOf[category] = entry.categories.count }
            let width =
                entry.categories.count + (infrequent[entry.column] == nil ? 0 : 1) + (unknown == .useUnknown ? 1 : 0)
            var indicators = [[Double?]](repeating: [Double?](repeating: 0, count: keys.count), count: width)
            for (row, key) in keys.enumerated() {
                if let key, let index = indexOf[key] {
                    indicators[index][row] = 1
                    continue
                }
                switch unknown {
                case .error:
                    guard let key else { throw TransformError.missingValue(column: entry.column, row: row) }
                    throw TransformError.unseenCategory(column: entry.column, value: key, row: row)
                case .ignore: break
                case .useUnknown: indicators[width - 1][row] = 1
                }
            }
            let kept = dropsFirst(entry) ? Array(indicators.dropFirst()) : indicators
            let columns = zip(names(entry), kept).map { Column(name: $0, data: .numeric($1)) }
            try result.replace(entry.column, with: columns)
        }
        return try result.table()
    }
}

/// Encodes categories as integer codes 0, 1, 2, … in a numeric column of the same name (scikit-learn's
/// `OrdinalEncoder`). Categories are the values seen in fit in natural order, or given explicitly (use that
/// for ordered levels: `["low", "medium", "high"]`). Missing cells stay missing.
public struct OrdinalEncode: TableTransform {
    /// The columns to encode.
    public var columns: [String]
    /// What to do with categories not seen in fit.
    public var unknown: UnknownCategoryPolicy
    /// Categories to use instead of the observed ones, by column, in code order.
    public var categories: [String: [String]]

    /// An ordinal encoder.
    /// - Parameters:
    ///   - columns: the columns to encode.
    ///   - unknown: the policy for unseen categories (default ``UnknownCategoryPolicy/error``).
    ///   - categories: fixed categories (in code order) for some columns.
    public init(columns: [String], unknown: UnknownCategoryPolicy = .error, categories: [String: [String]] = [:]) {
        self.columns = columns
        self.unknown = unknown
        self.categories = categories
    }

    /// Learns each column's categories.
    /// - Parameter table: the training data.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/noValues(column:)``.
    public func fit(on table: Table) throws -> FittedOrdinalEncode {
        let learnt = try CategoryLearning.categories(table, columns: columns, given: categories)
        return FittedOrdinalEncode(
            entries: zip(columns, learnt).map { .init(column: $0, categories: $1) }, unknown: unknown)
    }
}

/// A fitted ``OrdinalEncode``: each column's categories in code order.
public struct FittedOrdinalEncode: FittedTableTransform {
    /// One entry per column (same shape as one-hot's).
    public let entries: [ColumnCategories]
    /// The policy for unseen categories.
    public let unknown: UnknownCategoryPolicy

    /// The encoded columns.
    public var outputColumns: [String] { entries.map(\.column) }

    /// Replaces each column by its codes.
    /// - Parameter table: data with the fitted columns.
    /// - Throws: ``TableError/unknownColumn(_:available:)``; ``TransformError/unseenCategory(column:value:row:)``
    ///   under ``UnknownCategoryPolicy/error``.
    public func apply(to table: Table) throws -> Table {
        var result = ColumnEditor(table)
        for entry in entries {
            let keys = try CategoryKeys(result.column(entry.column)).keys
            var codeOf: [String: Double] = [:]
            for (index, category) in entry.categories.enumerated() { codeOf[category] = Double(index) }
            let codes: [Double?] = try keys.enumerated().map { row, key in
                guard let key else { return nil }
                if let code = codeOf[key] { return code }
                switch unknown {
                case .error: throw TransformError.unseenCategory(column: entry.column, value: key, row: row)
                case .ignore: return nil
                case .useUnknown: return -1
                }
            }
            try result.replaceNumbers(entry.column, with: codes)
        }
        return try result.table()
    }
}
