import LeptonData

/// The type of a raw input field: LeptonDeploy's earlier copy of LeptonData's `ColumnType` (same cases and raw
/// values, so schemas in bundles written before read unchanged).
@available(*, deprecated, renamed: "ColumnType")
public typealias FieldType = ColumnType

extension ColumnType {
    /// The table column type a field of this type becomes: the type itself, now that fields and columns share
    /// one vocabulary.
    @available(*, deprecated, message: "a field's type is a ColumnType; use it directly")
    public var columnType: ColumnType { self }
}
