/// The kind of values a table column — or a raw input field of a served model — holds.
///
/// This is the one column-type vocabulary of Lepton: tables infer it, pipelines read it, and LeptonDeploy's
/// `FieldSchema` declares its fields with it (it replaced LeptonDeploy's `FieldType`, whose raw values it shares, so
/// bundles written before keep reading). A value of any type is a ``FeatureValue``.
public enum ColumnType: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Numbers, stored as `Double`.
    case numeric
    /// A small set of string values ("levels"), stored as integer codes into the sorted categories.
    case categorical
    /// `true` / `false` (requests to a served model may also send 0/1 or the strings `true`/`false`).
    case boolean
    /// Free text.
    case text

    /// The type's name.
    public var description: String { rawValue }
}
