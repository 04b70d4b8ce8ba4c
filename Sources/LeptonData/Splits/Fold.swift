/// One fold of a cross-validation: the rows to train on and the rows to validate on (score on), each ascending. The
/// one fold type of the package: LeptonData's splitters and LeptonTrain's `FoldStrategy` both return it.
public struct Fold: Sendable, Hashable, Codable {
    /// Training row indices.
    public let train: [Int]
    /// Validation row indices.
    public let validation: [Int]

    /// A fold.
    /// - Parameters:
    ///   - train: training row indices.
    ///   - validation: validation row indices.
    public init(train: [Int], validation: [Int]) {
        self.train = train
        self.validation = validation
    }
}
