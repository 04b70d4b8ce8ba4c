/// The kind of values a table column holds.
public enum ColumnType: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Numbers, stored as `Double`.
    case numeric
    /// A small set of string values ("levels"), stored as integer codes into the sorted categories.
    case categorical
    /// `true` / `false`.
    case boolean
    /// Free text.
    case text

    /// The type's name.
    public var description: String { rawValue }
}

/// One cell of a table: a value of the column's type, or missing.
public enum CellValue: Sendable, Hashable, CustomStringConvertible {
    /// A value of a numeric column.
    case number(Double)
    /// A value of a categorical or text column.
    case string(String)
    /// A value of a boolean column.
    case bool(Bool)
    /// No value.
    case missing

    /// The value as text; missing values are empty, as in a CSV file.
    public var description: String {
        switch self {
        case .number(let value): return NumberFormatting.shortest(value)
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .missing: return ""
        }
    }

    /// Whether the cell is missing.
    public var isMissing: Bool { self == .missing }

    /// The number, for a numeric cell.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The string, for a categorical or text cell.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, for a boolean cell.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

/// Number-to-text conversions shared by the table code.
enum NumberFormatting {
    /// The shortest text that reads back as `value`; integral values print without `.0` (`1000`, not `1000.0`).
    static func shortest(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
