import Foundation
import LeptonKernels

extension Tensor {
    /// Softmax over the last axis among the entries where `mask` is non-zero (attention with a causal or padding
    /// mask): masked entries are exactly 0, and a row with no entry kept is all zeros (never NaN).
    ///
    /// The gradient is the softmax's, `y · (dy − Σ y·dy)`, which is 0 at masked entries; `mask` gets none.
    ///
    /// - Parameter mask: 1 (keep) or 0 (drop), broadcastable to this tensor's shape.
    /// - Returns: The probabilities.
    public func softmax(keeping mask: Tensor) -> Tensor {
        let keep = withoutGradients { mask.detached + Tensor.zeros(shape) }
        precondition(keep.shape == shape, "softmax(keeping:): mask \(mask.shape) does not broadcast to \(shape)")
        let columns = rank == 0 ? 1 : shape[rank - 1]
        let rows = columns == 0 ? 0 : elementCount / columns
        let result = Tensor(shape: shape) { out in
            let (x, m) = (storage.pointer, keep.storage.pointer)
            for row in 0..<rows {
                let base = row * columns
                var largest = -Float.infinity
                for column in 0..<columns where m[base + column] != 0 { largest = Swift.max(largest, x[base + column]) }
                var total: Float = 0
                for column in 0..<columns {
                    let value =
                        m[base + column] != 0 && largest > -.infinity ? Foundation.exp(x[base + column] - largest) : 0
                    out[base + column] = value
                    total += value
                }
                let scale = total > 0 ? 1 / total : 0
                for column in 0..<columns { out[base + column] *= scale }
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
}
