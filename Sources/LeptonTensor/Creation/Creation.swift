import LeptonKernels

extension Tensor {
    /// A tensor of zeros.
    ///
    /// - Parameter shape: The shape.
    /// - Returns: The tensor.
    public static func zeros(_ shape: Shape) -> Tensor { Tensor(repeating: 0, shape: shape) }

    /// A tensor of ones.
    ///
    /// - Parameter shape: The shape.
    /// - Returns: The tensor.
    public static func ones(_ shape: Shape) -> Tensor { Tensor(repeating: 1, shape: shape) }

    /// A tensor with every element equal to `value`.
    ///
    /// - Parameters:
    ///   - shape: The shape.
    ///   - value: The value.
    /// - Returns: The tensor.
    public static func full(_ shape: Shape, value: Float) -> Tensor { Tensor(repeating: value, shape: shape) }

    /// A tensor of zeros shaped like `other`.
    ///
    /// - Parameter other: The tensor whose shape to use.
    /// - Returns: The tensor.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// Values from `start` up to (not including) `end` in steps of `step`, as NumPy's `arange`.
    ///
    /// - Parameters:
    ///   - start: The first value.
    ///   - end: The bound, excluded.
    ///   - step: The increment (non-zero; negative counts down).
    /// - Returns: A one-dimensional tensor.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        precondition(step != 0, "arange: step must not be 0")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor((0..<count).map { start + Float($0) * step })
    }

    /// `count` values evenly spaced from `start` to `end`, both included, as NumPy's `linspace`.
    ///
    /// - Parameters:
    ///   - start: The first value.
    ///   - end: The last value.
    ///   - count: The number of values (≥ 0).
    /// - Returns: A one-dimensional tensor.
    public static func linspace(_ start: Float, _ end: Float, count: Int) -> Tensor {
        precondition(count >= 0, "linspace: count \(count) is negative")
        if count == 1 { return Tensor([start]) }
        let step = (Double(end) - Double(start)) / Double(Swift.max(1, count - 1))
        return Tensor((0..<count).map { $0 == count - 1 ? end : Float(Double(start) + Double($0) * step) })
    }

    /// The `size`×`size` identity matrix.
    ///
    /// - Parameter size: The number of rows and columns.
    /// - Returns: The matrix.
    public static func eye(_ size: Int) -> Tensor {
        var result = zeros([size, size])
        result.withUnsafeMutableBufferPointer { values in
            for index in 0..<size { values[index * size + index] = 1 }
        }
        return result
    }
}
