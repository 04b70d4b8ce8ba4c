import LeptonTensor

/// What a model is trained to predict: class labels, or values shaped like the predictions.
public enum Targets: Sendable {
    /// One class index per sample (for sparse categorical cross-entropy and accuracy).
    case labels([Int32])
    /// One value tensor per batch, batch axis first (regression, one-hot or binary targets).
    case values(Tensor)

    /// The number of samples.
    public var count: Int {
        switch self {
        case .labels(let labels): return labels.count
        case .values(let values): return values.rank == 0 ? 1 : values.shape[0]
        }
    }

    /// The samples at `indices`, in that order.
    ///
    /// - Parameter indices: Sample indices.
    /// - Returns: The selected targets.
    public func selecting(_ indices: [Int]) -> Targets {
        switch self {
        case .labels(let labels): return .labels(indices.map { labels[$0] })
        case .values(let values): return .values(values.gathering(indices.map { Int32($0) }))
        }
    }

    /// The samples in `range`.
    ///
    /// - Parameter range: A range of sample indices.
    /// - Returns: The selected targets.
    public func slice(_ range: Range<Int>) -> Targets {
        switch self {
        case .labels(let labels): return .labels(Array(labels[range]))
        case .values(let values): return .values(values[range])
        }
    }

    /// The class labels, or `nil` for value targets.
    public var labels: [Int32]? {
        if case .labels(let labels) = self { return labels }
        return nil
    }

    /// The value tensor, or `nil` for label targets.
    public var values: Tensor? {
        if case .values(let values) = self { return values }
        return nil
    }
}
