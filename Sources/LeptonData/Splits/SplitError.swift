/// Why data could not be split as asked.
public enum SplitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The test fraction is not strictly between 0 and 1.
    case invalidTestFraction(Double)
    /// Fewer than two folds were asked for.
    case invalidFoldCount(Int)
    /// There are too few rows for the split.
    case tooFewRows(count: Int, required: Int)
    /// A class has too few members to be stratified (`required` is the minimum).
    case classTooSmall(label: Int32, count: Int, required: Int)
    /// Labels and rows disagree in number.
    case labelCountMismatch(labels: Int, rows: Int)
    /// One side of a stratified split has fewer rows than there are classes, so some class would be missing from
    /// it (scikit-learn raises the same error).
    case sideSmallerThanClassCount(side: String, size: Int, classes: Int)

    /// A one-line explanation with the numbers involved.
    public var description: String {
        switch self {
        case .invalidTestFraction(let fraction):
            return "test fraction \(fraction) must be strictly between 0 and 1"
        case .invalidFoldCount(let folds):
            return "\(folds) folds requested; at least 2 are needed"
        case .tooFewRows(let count, let required):
            return "\(count) rows are too few for this split; it needs at least \(required)"
        case .classTooSmall(let label, let count, let required):
            return "class \(label) has \(count) members; stratifying needs at least \(required)"
        case .labelCountMismatch(let labels, let rows):
            return "\(labels) labels for \(rows) rows"
        case .sideSmallerThanClassCount(let side, let size, let classes):
            return "the \(side) side has \(size) rows, fewer than the \(classes) classes: some class would be left out"
        }
    }
}
