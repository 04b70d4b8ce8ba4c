/// One value of one field of one row: a cell of a ``Table``, a feature of a request to a served model, a logged
/// feature or ground-truth label. A number, a string, a boolean, or missing.
///
/// This is the one tabular value vocabulary of Lepton, shared by LeptonData (cells, group keys, rows) and
/// LeptonDeploy (request records, the prediction log, feedback labels). The case says how the value is
/// represented; the ``ColumnType`` of its column or field says what it means (a string is a category of a
/// categorical column or the text of a text column). It replaced LeptonData's `CellValue` (same cases) and
/// LeptonDeploy's earlier `FeatureValue` (whose `.numeric` and `.categorical` are now ``number(_:)`` and
/// ``string(_:)``).
///
/// In JSON it is a bare number, a string, a boolean, or `null` (see `FeatureValue+Codable.swift`).
public enum FeatureValue: Sendable, Hashable, CustomStringConvertible {
    /// A number (a value of a numeric column).
    case number(Double)
    /// A string (a value of a categorical or text column).
    case string(String)
    /// A boolean (a value of a boolean column).
    case bool(Bool)
    /// No value.
    case missing

    /// The value as text; missing values are empty, as in a CSV file. Integral numbers print without `.0`, the
    /// way categories spelled as numbers are keyed (`1000`, not `1000.0`).
    public var description: String {
        switch self {
        case .number(let value): return NumberFormatting.shortest(value)
        case .string(let value): return value
        case .bool(let value): return value ? "true" : "false"
        case .missing: return ""
        }
    }

    /// Whether the value is missing.
    public var isMissing: Bool { self == .missing }

    /// The number, for a numeric value.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The string, for a categorical or text value.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, for a boolean value.
    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}
