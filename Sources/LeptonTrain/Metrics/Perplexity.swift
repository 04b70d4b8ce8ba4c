import Foundation
import LeptonTensor

/// Perplexity of a language model: `exp` of the mean token-level negative log-likelihood over every counted
/// position added since the last reset (positions are pooled across batches, not batch means averaged).
public final class Perplexity {
    /// The loss whose mean is exponentiated (its ``TokenCrossEntropy/ignoreIndex`` skips padding).
    public let loss: TokenCrossEntropy
    /// The summed negative log-likelihood so far, in double precision.
    public private(set) var totalNegativeLogLikelihood: Double = 0
    /// The number of counted positions so far.
    public private(set) var tokenCount = 0

    /// Creates an empty metric.
    ///
    /// - Parameter ignoreIndex: The target value of positions to skip, or `nil`.
    public init(ignoreIndex: Int32? = -100) { loss = TokenCrossEntropy(ignoreIndex: ignoreIndex) }

    /// Adds a batch.
    ///
    /// - Parameters:
    ///   - logits: `[batch, time, vocabulary]` or `[tokens, vocabulary]`.
    ///   - targets: One class per position, row-major.
    /// - Throws: ``TrainingError`` as ``TokenCrossEntropy/summed(_:targets:)``.
    public func update(logits: Tensor, targets: [Int32]) throws(TrainingError) {
        let (sum, count) = try loss.summed(logits.detached, targets: targets)
        totalNegativeLogLikelihood += Double(sum.scalars[0])
        tokenCount += count
    }

    /// Adds a batch's already averaged loss over `count` positions (a training loop that has the loss already).
    ///
    /// - Parameters:
    ///   - meanLoss: The mean negative log-likelihood of the batch.
    ///   - count: The number of positions it averages.
    public func update(meanLoss: Double, count: Int) {
        totalNegativeLogLikelihood += meanLoss * Double(count)
        tokenCount += count
    }

    /// The mean negative log-likelihood (nats per token); NaN before any position is added.
    public var meanNegativeLogLikelihood: Double {
        tokenCount == 0 ? .nan : totalNegativeLogLikelihood / Double(tokenCount)
    }

    /// `exp(mean negative log-likelihood)`; NaN before any position is added.
    public func result() -> Double { Foundation.exp(meanNegativeLogLikelihood) }

    /// Forgets everything added.
    public func reset() {
        totalNegativeLogLikelihood = 0
        tokenCount = 0
    }
}
