/// Why a transform could not be fitted or applied: each case names the column (and row) at fault.
///
/// Unknown columns and columns of the wrong single type are reported as ``TableError``.
public enum TransformError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A cell is missing where a value is required (a feature matrix, a label, a target).
    case missingValue(column: String, row: Int)
    /// A number is NaN or infinite where a finite value is required.
    case nonFiniteValue(column: String, row: Int, value: Double)
    /// A category that was not seen when the transform was fitted (policy ``UnknownCategoryPolicy/error``).
    case unseenCategory(column: String, value: String, row: Int)
    /// The column has no usable (non-missing) value to fit on.
    case noValues(column: String)
    /// The column's type is not one the transform handles.
    case unsupportedColumnType(column: String, actual: ColumnType, supported: [ColumnType])
    /// A supervised transform needs a target with exactly two values, one of them the event value.
    case targetNotBinary(column: String, event: String, found: [String])
    /// A transformed table lacks a column the fitted pipeline produced when it was fitted.
    case missingFeature(String)
    /// A transform's setting is outside its valid range.
    case invalidSetting(name: String, value: String, requirement: String)
    /// A text transform learnt no term (empty documents, or every term filtered out), so it would produce no
    /// column (scikit-learn raises "empty vocabulary" too).
    case emptyVocabulary(column: String)

    /// A one-line explanation naming the column, what was expected and what was found.
    public var description: String {
        switch self {
        case .missingValue(let column, let row):
            return "column \(column.debugDescription), row \(row): value is missing (impute it first)"
        case .nonFiniteValue(let column, let row, let value):
            return "column \(column.debugDescription), row \(row): expected a finite number, found \(value)"
        case .unseenCategory(let column, let value, let row):
            return
                "column \(column.debugDescription), row \(row): category \(value.debugDescription) was not seen in fit"
        case .noValues(let column):
            return "column \(column.debugDescription) has no non-missing values to fit on"
        case .unsupportedColumnType(let column, let actual, let supported):
            let names = supported.map(\.description).joined(separator: " or ")
            return "column \(column.debugDescription) is \(actual), expected \(names)"
        case .targetNotBinary(let column, let event, let found):
            return
                "target column \(column.debugDescription) must hold exactly two values including \(event.debugDescription); found \(found)"
        case .missingFeature(let name):
            return "the transformed table has no column \(name.debugDescription), which the pipeline produced in fit"
        case .invalidSetting(let name, let value, let requirement):
            return "setting \(name) = \(value) is invalid: \(requirement)"
        case .emptyVocabulary(let column):
            return
                "column \(column.debugDescription): empty vocabulary (the documents are empty or every term was filtered out)"
        }
    }
}
