import LeptonTensor

/// The weights of one Dense or Conv2D layer as int8, one symmetric scale per output channel, packed for the int8
/// loops: panels of 32 columns, each a run of 4-deep groups of k (see `CLeptonInt8.h`).
struct PackedInt8Weights: Sendable {
    /// The reduction depth (input features, or kernel height × width × input channels).
    let depth: Int
    /// Output channels.
    let columns: Int
    /// `depth` rounded up to a multiple of 4.
    let paddedDepth: Int
    /// `columns` rounded up to a multiple of 32.
    let paddedColumns: Int
    /// The packed int8 values.
    let packed: [Int8]
    /// Per output channel: the float value of one int8 step (`max |w| / 127`); padded with zeros.
    let columnScales: [Float]
    /// Per output channel: the sum of its int8 values; padded with zeros.
    let columnSums: [Int32]
    /// Per output channel: the bias, padded with zeros; `nil` without a bias.
    let bias: [Float]?

    static let panelWidth = 32

    /// Quantises a `[depth, columns]` weight matrix (row-major, output channels last) and its bias.
    init(weights: Tensor, bias: Tensor?) {
        precondition(weights.rank == 2, "PackedInt8Weights: weights must be [depth, columns], got \(weights.shape)")
        depth = weights.shape[0]
        columns = weights.shape[1]
        paddedDepth = (depth + 3) / 4 * 4
        paddedColumns = (columns + Self.panelWidth - 1) / Self.panelWidth * Self.panelWidth
        let values = weights.scalars
        var scales = [Float](repeating: 0, count: paddedColumns)
        for k in 0..<depth {
            for j in 0..<columns { scales[j] = max(scales[j], abs(values[k * columns + j])) }
        }
        let inverse = scales.map { $0 > 0 ? 127 / $0 : 0 }
        var packed = [Int8](repeating: 0, count: paddedDepth * paddedColumns)
        var sums = [Int32](repeating: 0, count: paddedColumns)
        for k in 0..<depth {
            for j in 0..<columns {
                let quantized = Int8((values[k * columns + j] * inverse[j]).rounded().clamped(to: -127...127))
                packed[Self.packedIndex(k: k, column: j, paddedDepth: paddedDepth)] = quantized
                sums[j] += Int32(quantized)
            }
        }
        self.packed = packed
        columnSums = sums
        columnScales = scales.map { $0 / 127 }
        let padding = [Float](repeating: 0, count: paddedColumns - columns)
        self.bias = bias.map { $0.scalars + padding }
    }

    /// Where `B[k, column]` sits in the packed array.
    static func packedIndex(k: Int, column: Int, paddedDepth: Int) -> Int {
        let panel = column / panelWidth
        return panel * paddedDepth * panelWidth + (k / 4) * (4 * panelWidth) + (column % panelWidth) * 4 + k % 4
    }

    /// The int8 value of `B[k, column]` (for the portable loop and tests).
    func value(k: Int, column: Int) -> Int8 {
        packed[Self.packedIndex(k: k, column: column, paddedDepth: paddedDepth)]
    }
}

extension Comparable {
    fileprivate func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
