extension Tensor {
    /// The row-major (flat) index of the first NaN or infinite element, or `nil` when every element is finite.
    ///
    /// One pass over the exponent bits in blocks (an integer maximum, which the compiler vectorises); only a block
    /// that holds a non-finite value is searched element by element.
    public var firstNonFiniteIndex: Int? {
        withUnsafeBufferPointer { values in
            values.withMemoryRebound(to: UInt32.self) { bits in
                let block = 4096
                var start = 0
                while start < bits.count {
                    let end = Swift.min(bits.count, start + block)
                    var largest: UInt32 = 0
                    for index in start..<end { largest = Swift.max(largest, bits[index] & 0x7F80_0000) }
                    if largest == 0x7F80_0000 {
                        return (start..<end).first { bits[$0] & 0x7F80_0000 == 0x7F80_0000 }
                    }
                    start = end
                }
                return nil
            }
        }
    }

    /// The multi-dimensional index of a row-major flat index into this tensor's shape.
    ///
    /// - Parameter flatIndex: An index below ``elementCount``.
    /// - Returns: One index per axis.
    public func multiIndex(ofFlatIndex flatIndex: Int) -> [Int] {
        var remainder = flatIndex
        var indices = [Int](repeating: 0, count: rank)
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            indices[axis] = remainder % Swift.max(shape[axis], 1)
            remainder /= Swift.max(shape[axis], 1)
        }
        return indices
    }
}
