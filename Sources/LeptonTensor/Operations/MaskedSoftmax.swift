import Foundation
import LeptonKernels

extension Tensor {
    /// Softmax over the last axis among the entries where `mask` is non-zero (attention with a causal or padding
    /// mask): masked entries are exactly 0, a row with no entry kept is all zeros (never NaN), and a row with a NaN
    /// among its kept entries is all NaN.
    ///
    /// The gradient is the softmax's, `y · (dy − Σ y·dy)`, which is 0 at masked entries; `mask` gets none.
    ///
    /// - Parameter mask: 1 (keep) or 0 (drop), broadcastable to this tensor's shape.
    /// - Returns: The probabilities.
    public func softmax(keeping mask: Tensor) -> Tensor {
        let columns = rank == 0 ? 1 : shape[rank - 1]
        let rows = columns == 0 ? 0 : elementCount / columns
        let (keep, maskRows) = maskRows(of: mask, columns: columns)
        let result = Tensor(shape: shape) { out in
            guard rows > 0 else { return }
            maskRows.withUnsafeBufferPointer { maskRow in
                Softmax.maskedForward(
                    storage.pointer, out, rows: rows, columns: columns, mask: keep.storage.pointer,
                    maskRow: maskRow.baseAddress!)
            }
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let output = result.detached
        return result.recorded("maskedSoftmax", inputs: nodes) { gradient, _ in
            [
                Tensor(shape: output.shape) { inputGradient in
                    Softmax.backward(
                        y: output.storage.pointer, dy: gradient.storage.pointer, dx: inputGradient, rows: rows,
                        columns: columns)
                }
            ]
        }
    }

    /// `mask` as rows of `columns` values and the mask row of each of this tensor's rows, without broadcasting the
    /// mask in memory when its last axis is whole (a causal `[time, time]` mask serves every batch and head); a mask
    /// broadcast along the last axis is expanded.
    private func maskRows(of mask: Tensor, columns: Int) -> (keep: Tensor, maskRow: [Int]) {
        let rows = columns == 0 ? 0 : elementCount / columns
        let leading = Shape(Array(shape.dimensions.dropLast()))
        if rank >= 1, mask.rank >= 1, mask.rank <= rank, mask.shape[mask.rank - 1] == columns,
            mask.elementCount / Swift.max(columns, 1) < 1 << 24
        {
            let maskLeading = Shape(Array(mask.shape.dimensions.dropLast()))
            let maskRowCount = maskLeading.elementCount
            // Each mask row's index, broadcast over this tensor's leading axes (exact in Float below 2²⁴).
            let indices = withoutGradients {
                Tensor((0..<maskRowCount).map(Float.init), shape: maskLeading) + Tensor.zeros(leading)
            }
            precondition(
                indices.shape == leading, "softmax(keeping:): mask \(mask.shape) does not broadcast to \(shape)")
            return (mask.detached, indices.scalars.map { Int($0) })
        }
        let keep = withoutGradients { mask.detached + Tensor.zeros(shape) }
        precondition(keep.shape == shape, "softmax(keeping:): mask \(mask.shape) does not broadcast to \(shape)")
        return (keep, Array(0..<rows))
    }
}
