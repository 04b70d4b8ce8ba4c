/// The weights of one Dense or Conv2D layer as int8, one symmetric scale per output channel, packed for the int8
/// loops: panels of 32 columns, each a run of 4-deep groups of k (see `CLeptonInt8.h`).
package struct PackedInt8Weights: Sendable {
    /// The reduction depth (input features, or kernel height × width × input channels).
    package let depth: Int
    /// Output channels.
    package let columns: Int
    /// `depth` rounded up to a multiple of 4.
    package let paddedDepth: Int
    /// `columns` rounded up to a multiple of 32.
    package let paddedColumns: Int
    /// The packed int8 values.
    package let packed: [Int8]
    /// Per output channel: the float value of one int8 step (`max |w| / 127`); padded with zeros.
    package let columnScales: [Float]
    /// Per output channel: the sum of its int8 values; padded with zeros.
    package let columnSums: [Int32]
    /// Per output channel: the bias, padded with zeros; `nil` without a bias.
    package let bias: [Float]?

    /// Columns per packed panel.
    package static let panelWidth = 32

    /// Quantises a `[depth, columns]` weight matrix (row-major, output channels last) and its bias.
    ///
    /// - Parameters:
    ///   - values: `depth · columns` weights, row-major.
    ///   - depth: The reduction depth.
    ///   - columns: The output channels.
    ///   - bias: `columns` biases, or `nil`.
    /// - Precondition: every weight is finite (the inference compiler refuses other weights).
    package init(weights values: [Float], depth: Int, columns: Int, bias: [Float]?) {
        precondition(
            values.count == depth * columns, "PackedInt8Weights: \(values.count) weights for [\(depth), \(columns)]")
        self.depth = depth
        self.columns = columns
        precondition(values.allSatisfy(\.isFinite), "PackedInt8Weights: weights must be finite")
        paddedDepth = (depth + 3) / 4 * 4
        paddedColumns = (columns + Self.panelWidth - 1) / Self.panelWidth * Self.panelWidth
        var scales = [Float](repeating: 0, count: paddedColumns)
        for k in 0..<depth {
            for j in 0..<columns { scales[j] = max(scales[j], abs(values[k * columns + j])) }
        }
        let inverse = scales.map { $0 > 0 ? 127 / $0 : 0 }
        var packed = [Int8](repeating: 0, count: paddedDepth * paddedColumns)
        var sums = [Int32](repeating: 0, count: paddedColumns)
        for k in 0..<depth {
            for j in 0..<columns {
                let value = values[k * columns + j]
                // A subnormal scale has no finite inverse: divide instead (0 · ∞ would be NaN).
                let scaled = inverse[j].isFinite ? value * inverse[j] : value / scales[j] * 127
                let quantized = Int8(scaled.rounded().clamped(to: -127...127))
                packed[Self.packedIndex(k: k, column: j, paddedDepth: paddedDepth)] = quantized
                sums[j] += Int32(quantized)
            }
        }
        self.packed = packed
        columnSums = sums
        columnScales = scales.map { $0 / 127 }
        let padding = [Float](repeating: 0, count: paddedColumns - columns)
        self.bias = bias.map { $0 + padding }
    }

    /// Where `B[k, column]` sits in the packed array.
    package static func packedIndex(k: Int, column: Int, paddedDepth: Int) -> Int {
        let panel = column / panelWidth
        return panel * paddedDepth * panelWidth + (k / 4) * (4 * panelWidth) + (column % panelWidth) * 4 + k % 4
    }

    /// The int8 value of `B[k, column]` (for the portable loop and tests).
    package func value(k: Int, column: Int) -> Int8 {
        packed[Self.packedIndex(k: k, column: column, paddedDepth: paddedDepth)]
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
