import LeptonTensor

/// Token-level cross-entropy for sequence models: logits `[batch, time, vocabulary]` (or `[tokens, vocabulary]`)
/// against integer targets, one per position, averaged over the positions that are not ignored (PyTorch's
/// `cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index:, reduction="mean")`).
///
/// Positions whose target equals ``ignoreIndex`` (padding) contribute neither to the sum nor to the count. A batch
/// in which every position is ignored has loss 0 and zero gradient (PyTorch answers NaN).
public struct TokenCrossEntropy: Sendable, Hashable, Codable {
    /// The target value that marks a position to skip (PyTorch's default is −100); `nil` skips none.
    public var ignoreIndex: Int32?

    /// Creates the loss.
    ///
    /// - Parameter ignoreIndex: The target value of positions to skip, or `nil`.
    public init(ignoreIndex: Int32? = -100) { self.ignoreIndex = ignoreIndex }

    /// The summed negative log-likelihood of the counted positions and their number.
    ///
    /// - Parameters:
    ///   - logits: `[batch, time, vocabulary]` or `[tokens, vocabulary]` unnormalised scores.
    ///   - targets: One class per position, row-major (`batch · time` values).
    /// - Returns: The differentiable sum of `−log softmax(logits)[target]` over counted positions, and the count.
    /// - Throws: ``TrainingError`` when the logits are not rank 2 or 3, the target count differs from the number
    ///   of positions, or a target (other than ``ignoreIndex``) is outside the vocabulary (naming the position).
    public func summed(_ logits: Tensor, targets: [Int32]) throws(TrainingError) -> (sum: Tensor, count: Int) {
        guard logits.rank == 2 || logits.rank == 3 else {
            throw TrainingError.labelsNeedClassScores(predictionShape: logits.shape)
        }
        let vocabulary = logits.shape[logits.rank - 1]
        let positions = logits.elementCount / Swift.max(vocabulary, 1)
        guard targets.count == positions else {
            throw TrainingError.lengthMismatch(what: "token targets", expected: positions, actual: targets.count)
        }
        guard logits.elementCount <= Int(Int32.max) else {
            throw TrainingError.invalidSetting(
                name: "logits", value: "\(logits.shape)", requirement: "at most \(Int32.max) elements")
        }
        var picks: [Int32] = []
        picks.reserveCapacity(positions)
        for (position, target) in targets.enumerated() {
            if let ignoreIndex, target == ignoreIndex { continue }
            guard target >= 0, Int(target) < vocabulary else {
                throw TrainingError.labelOutOfRange(
                    what: "token targets", label: Int(target), row: position, classes: vocabulary)
            }
            // position · vocabulary + target < elementCount ≤ Int32.max.
            picks.append(Int32(truncatingIfNeeded: position * vocabulary + Int(target)))
        }
        let flat = logits.reshaped(to: [positions, vocabulary]).logSoftmax().reshaped(to: [-1])
        guard !picks.isEmpty else { return ((flat * 0).sum(), 0) }
        return (-flat.gathering(picks).sum(), picks.count)
    }

    /// The mean negative log-likelihood over counted positions.
    ///
    /// - Parameters:
    ///   - logits: `[batch, time, vocabulary]` or `[tokens, vocabulary]` unnormalised scores.
    ///   - targets: One class per position, row-major.
    /// - Returns: A differentiable scalar; 0 when every position is ignored.
    /// - Throws: ``TrainingError`` as ``summed(_:targets:)``.
    public func callAsFunction(_ logits: Tensor, targets: [Int32]) throws(TrainingError) -> Tensor {
        let (sum, count) = try summed(logits, targets: targets)
        return sum / Float(Swift.max(count, 1))
    }
}
