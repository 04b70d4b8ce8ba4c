/// Why interaction data could not be built, split or sampled as asked.
public enum InteractionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There were no interactions at all.
    case emptyInput
    /// A required cell is missing (`row` is 0-based, counting data rows).
    case missingValue(column: String, row: Int)
    /// A column holds a type that cannot be read as ids, ratings or timestamps.
    case unsupportedColumnType(column: String, type: ColumnType)
    /// The same user–item pair appears twice and the duplicate policy is ``DuplicateInteractionPolicy/reject``.
    case duplicateInteraction(user: String, item: String, firstRow: Int, secondRow: Int)
    /// A rating lies outside the declared scale, or is not finite.
    case ratingOutOfScale(rating: Double, row: Int, scale: ClosedRange<Double>)
    /// A rating or timestamp is NaN or infinite.
    case nonFiniteValue(column: String, row: Int, value: Double)
    /// A user id that the id map does not know.
    case unknownUser(String)
    /// An item id that the id map does not know.
    case unknownItem(String)
    /// The operation needs timestamps and the matrix has none.
    case missingTimestamps
    /// A parameter is outside its valid range.
    case invalidParameter(name: String, value: Double, expected: String)
    /// A user has fewer items it has not interacted with than negatives were requested.
    case tooFewNegatives(user: String, requested: Int, available: Int)
    /// An item is described twice in ``ItemFeatures``.
    case duplicateItemFeatures(item: String)

    /// A one-line explanation naming the offending value.
    public var description: String {
        switch self {
        case .emptyInput:
            return "no interactions: the input has no rows"
        case .missingValue(let column, let row):
            return "missing value in column '\(column)' at row \(row)"
        case .unsupportedColumnType(let column, let type):
            return "column '\(column)' is \(type), which cannot be read here"
        case .duplicateInteraction(let user, let item, let firstRow, let secondRow):
            return "user '\(user)' and item '\(item)' appear twice (rows \(firstRow) and \(secondRow))"
        case .ratingOutOfScale(let rating, let row, let scale):
            return "rating \(rating) at row \(row) is outside the scale \(scale.lowerBound)...\(scale.upperBound)"
        case .nonFiniteValue(let column, let row, let value):
            return "column '\(column)' holds \(value) at row \(row); a finite number is required"
        case .unknownUser(let id):
            return "unknown user '\(id)'"
        case .unknownItem(let id):
            return "unknown item '\(id)'"
        case .missingTimestamps:
            return "this operation needs timestamps and the interactions have none"
        case .invalidParameter(let name, let value, let expected):
            return "\(name) is \(value); expected \(expected)"
        case .tooFewNegatives(let user, let requested, let available):
            return "user '\(user)' has \(available) items without interactions; \(requested) negatives were requested"
        case .duplicateItemFeatures(let item):
            return "item '\(item)' is described twice"
        }
    }
}
