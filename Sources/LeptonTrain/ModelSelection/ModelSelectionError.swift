/// Problems with a cross-validation or search setup, each naming what was expected and what was found.
public enum ModelSelectionError: Error, Equatable, CustomStringConvertible {
    /// Fewer than 2 folds, or more folds than samples.
    case invalidFoldCount(folds: Int, samples: Int)
    /// Stratified folds need more members of at least one class than folds (no longer thrown: see
    /// ``classTooSmallForFolds(label:count:folds:)``).
    case classesTooSmallForFolds(folds: Int, largestClass: Int)
    /// A class has fewer members than folds, so some fold would validate without it.
    case classTooSmallForFolds(label: Int32, count: Int, folds: Int)
    /// Stratified folds need label targets.
    case stratificationNeedsLabels
    /// Predefined folds use an index outside the data, or leave a fold empty.
    case invalidPredefinedFold(fold: Int, reason: String)
    /// A grid search was given a hyperparameter with a continuous range.
    case continuousRangeInGrid(name: String)
    /// A search was given no settings to try.
    case emptySearch
    /// A scoring rule does not apply to the estimator or targets.
    case scoringNotApplicable(scoring: String, reason: String)

    /// A sentence naming what was expected and what was found.
    public var description: String {
        switch self {
        case .invalidFoldCount(let folds, let samples):
            return "cross-validation needs 2 ≤ folds ≤ samples, got \(folds) folds for \(samples) samples"
        case .classesTooSmallForFolds(let folds, let largestClass):
            return "stratified \(folds)-fold needs a class with at least \(folds) members; the largest has "
                + "\(largestClass)"
        case .classTooSmallForFolds(let label, let count, let folds):
            return "stratified \(folds)-fold needs at least \(folds) members of every class; "
                + "class \(label) has \(count)"
        case .stratificationNeedsLabels:
            return "stratified folds need label targets (.labels)"
        case .invalidPredefinedFold(let fold, let reason):
            return "predefined fold \(fold) is invalid: \(reason)"
        case .continuousRangeInGrid(let name):
            return "grid search needs a finite list of values, but \(name) has a continuous range"
        case .emptySearch:
            return "the search has no settings to try"
        case .scoringNotApplicable(let scoring, let reason):
            return "scoring \(scoring) does not apply: \(reason)"
        }
    }
}
