extension Tensor {
    /// A tensor of values uniform in `range`.
    ///
    /// - Parameters:
    ///   - shape: The shape.
    ///   - range: The interval the values are drawn from.
    ///   - generator: The random stream.
    /// - Returns: The tensor.
    public static func uniform(
        _ shape: Shape, in range: ClosedRange<Float> = 0...1, using generator: inout RandomGenerator
    ) -> Tensor {
        let width = range.upperBound - range.lowerBound
        var values = [Float](repeating: 0, count: shape.elementCount)
        for index in values.indices {
            values[index] = range.lowerBound + width * generator.nextUnitFloat()
        }
        return Tensor(values, shape: shape)
    }

    /// A tensor of normally distributed values.
    ///
    /// - Parameters:
    ///   - shape: The shape.
    ///   - mean: The mean.
    ///   - standardDeviation: The standard deviation.
    ///   - generator: The random stream.
    /// - Returns: The tensor.
    public static func normal(
        _ shape: Shape, mean: Float = 0, standardDeviation: Float = 1, using generator: inout RandomGenerator
    ) -> Tensor {
        var values = [Float](repeating: 0, count: shape.elementCount)
        var index = 0
        while index < values.count {
            let (first, second) = generator.nextNormalPair()
            values[index] = mean + standardDeviation * Float(first)
            if index + 1 < values.count { values[index + 1] = mean + standardDeviation * Float(second) }
            index += 2
        }
        return Tensor(values, shape: shape)
    }

    /// A tensor of normal values redrawn until they lie within two standard deviations of the mean (as Keras'
    /// and TensorFlow's truncated normal).
    ///
    /// - Parameters:
    ///   - shape: The shape.
    ///   - mean: The mean of the untruncated distribution.
    ///   - standardDeviation: The standard deviation of the untruncated distribution.
    ///   - generator: The random stream.
    /// - Returns: The tensor.
    public static func truncatedNormal(
        _ shape: Shape, mean: Float = 0, standardDeviation: Float = 1, using generator: inout RandomGenerator
    ) -> Tensor {
        var values = [Float](repeating: 0, count: shape.elementCount)
        for index in values.indices {
            var sample = generator.nextNormalPair().0
            while Swift.abs(sample) > 2 { sample = generator.nextNormalPair().0 }
            values[index] = mean + standardDeviation * Float(sample)
        }
        return Tensor(values, shape: shape)
    }

    /// The fan-in and fan-out of a weight of `shape`, in Keras' convention: the last axis is the output, the one
    /// before it the input, and any leading axes the receptive field (a convolution kernel HWIO).
    ///
    /// - Parameter shape: The weight's shape (rank ≥ 1).
    /// - Returns: Inputs and outputs per unit.
    public static func fans(of shape: Shape) -> (fanIn: Int, fanOut: Int) {
        switch shape.rank {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        default:
            let receptiveField = shape.dimensions.dropLast(2).reduce(1, *)
            return (shape[shape.rank - 2] * receptiveField, shape[shape.rank - 1] * receptiveField)
        }
    }

    /// Glorot (Xavier) uniform initialisation: uniform in ±sqrt(6 / (fanIn + fanOut)) (Keras' default for Dense
    /// and Conv2D kernels).
    ///
    /// - Parameters:
    ///   - shape: The weight's shape.
    ///   - generator: The random stream.
    /// - Returns: The initial weight.
    public static func glorotUniform(_ shape: Shape, using generator: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(of: shape)
        let limit = (6 / Float(Swift.max(1, fanIn + fanOut))).squareRoot()
        return uniform(shape, in: -limit...limit, using: &generator)
    }

    /// Glorot (Xavier) normal initialisation: truncated normal with standard deviation sqrt(2 / (fanIn + fanOut)).
    ///
    /// - Parameters:
    ///   - shape: The weight's shape.
    ///   - generator: The random stream.
    /// - Returns: The initial weight.
    public static func glorotNormal(_ shape: Shape, using generator: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(of: shape)
        // 0.879… is the standard deviation of a unit normal truncated at ±2, corrected for as Keras does.
        let deviation = (2 / Float(Swift.max(1, fanIn + fanOut))).squareRoot() / 0.879_625_8
        return truncatedNormal(shape, standardDeviation: deviation, using: &generator)
    }

    /// He (Kaiming) uniform initialisation for ReLU networks: uniform in ±sqrt(6 / fanIn).
    ///
    /// - Parameters:
    ///   - shape: The weight's shape.
    ///   - generator: The random stream.
    /// - Returns: The initial weight.
    public static func heUniform(_ shape: Shape, using generator: inout RandomGenerator) -> Tensor {
        let limit = (6 / Float(Swift.max(1, fans(of: shape).fanIn))).squareRoot()
        return uniform(shape, in: -limit...limit, using: &generator)
    }

    /// He (Kaiming) normal initialisation: truncated normal with standard deviation sqrt(2 / fanIn).
    ///
    /// - Parameters:
    ///   - shape: The weight's shape.
    ///   - generator: The random stream.
    /// - Returns: The initial weight.
    public static func heNormal(_ shape: Shape, using generator: inout RandomGenerator) -> Tensor {
        let deviation = (2 / Float(Swift.max(1, fans(of: shape).fanIn))).squareRoot() / 0.879_625_8
        return truncatedNormal(shape, standardDeviation: deviation, using: &generator)
    }
}
