/// LeptonData's earlier name for a table cell's value; the cases were already ``FeatureValue``'s.
@available(*, deprecated, renamed: "FeatureValue")
public typealias CellValue = FeatureValue

extension FeatureValue {
    /// A number: LeptonDeploy's earlier spelling of ``number(_:)``.
    /// - Parameter value: the number.
    /// - Returns: `.number(value)`.
    @available(*, deprecated, renamed: "number")
    public static func numeric(_ value: Double) -> FeatureValue { .number(value) }

    /// A category: LeptonDeploy's earlier spelling of ``string(_:)``.
    /// - Parameter value: the category.
    /// - Returns: `.string(value)`.
    @available(*, deprecated, renamed: "string")
    public static func categorical(_ value: String) -> FeatureValue { .string(value) }
}
