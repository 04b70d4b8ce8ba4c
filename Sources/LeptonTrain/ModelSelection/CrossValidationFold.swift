import LeptonData

/// The rows of one cross-validation fold: LeptonData's `Fold`, which `FoldStrategy` now returns.
@available(*, deprecated, renamed: "Fold")
public typealias CrossValidationFold = Fold

extension Fold {
    /// The rows to fit on: `train`.
    @available(*, deprecated, renamed: "train")
    public var training: [Int] { train }

    /// The rows to score on: `validation`.
    @available(*, deprecated, renamed: "validation")
    public var test: [Int] { validation }
}
