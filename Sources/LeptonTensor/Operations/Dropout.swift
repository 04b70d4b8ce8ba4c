extension Tensor {
    /// A dropout mask: each element 0 with probability `rate`, else `1 / (1 − rate)` (inverted dropout, so the
    /// expected value of `x * mask` is `x`).
    ///
    /// - Parameters:
    ///   - shape: The mask's shape.
    ///   - rate: The probability of dropping an element, in [0, 1).
    ///   - generator: The random stream.
    /// - Returns: The mask.
    public static func dropoutMask(_ shape: Shape, rate: Float, using generator: inout RandomGenerator) -> Tensor {
        precondition(rate >= 0 && rate < 1, "dropoutMask: rate \(rate) is outside [0, 1)")
        let keep = 1 / (1 - rate)
        var values = [Float](repeating: 0, count: shape.elementCount)
        for index in values.indices where generator.nextUnitFloat() >= rate {
            values[index] = keep
        }
        return Tensor(values, shape: shape)
    }
}

/// Inverted dropout: zeroes each element with probability `rate` and scales the rest by `1 / (1 − rate)`.
///
/// - Parameters:
///   - x: The input.
///   - rate: The drop probability, in [0, 1).
///   - generator: The random stream.
/// - Returns: The masked input (differentiable with respect to `x`).
public func dropout(_ x: Tensor, rate: Float, using generator: inout RandomGenerator) -> Tensor {
    if rate == 0 { return x }
    return x * Tensor.dropoutMask(x.shape, rate: rate, using: &generator)
}
