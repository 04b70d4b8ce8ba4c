import LeptonKernels

extension Tensor {
    /// Layer normalisation over the last axis as one fused operation: `(x − μ) / √(σ² + ε) · scale + offset`, with
    /// each row's mean μ and biased variance σ² (as PyTorch's `layer_norm` and Keras' `LayerNormalization`).
    ///
    /// The backward pass is fused too: with x̂ the normalised input and g = dy·scale, the input gradient is
    /// `(g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε)` per row, the scale's `Σ dy·x̂` and the offset's `Σ dy` over rows.
    ///
    /// - Parameters:
    ///   - scale: The per-feature scale (γ), `[features]`.
    ///   - offset: The per-feature offset (β), `[features]`.
    ///   - epsilon: Added to the variance.
    /// - Returns: The normalised tensor, of this tensor's shape.
    public func layerNormalized(scale: Tensor, offset: Tensor, epsilon: Float) -> Tensor {
        let columns = rank == 0 ? 0 : shape[rank - 1]
        precondition(columns > 0, "layerNormalized: needs a non-empty last axis, got shape \(shape)")
        precondition(
            scale.shape == Shape([columns]) && offset.shape == Shape([columns]),
            "layerNormalized: scale \(scale.shape) and offset \(offset.shape) must be [\(columns)]")
        let rows = elementCount / columns
        // No rows: nothing to normalise, but the result still depends on the parameters (for gradient bookkeeping).
        guard rows > 0 else { return self * scale + offset }
        var statistics = [Float](repeating: 0, count: 2 * rows)
        let result = Tensor(shape: shape) { out in
            statistics.withUnsafeMutableBufferPointer { saved in
                LayerNormalization.forward(
                    storage.pointer, scale: scale.storage.pointer, offset: offset.storage.pointer, out,
                    mean: saved.baseAddress!, inverseDeviation: saved.baseAddress! + rows, rows: rows,
                    columns: columns, epsilon: epsilon)
            }
        }
        guard let nodes = Tensor.trackedNodes(self, scale, offset) else { return result }
        let (input, scaleValue, saved) = (detached, scale.detached, statistics)
        return result.recorded("layerNorm", inputs: nodes) { gradient, _ in
            var scaleGradient = [Float](repeating: 0, count: columns)
            var offsetGradient = [Float](repeating: 0, count: columns)
            let inputGradient = Tensor(shape: input.shape) { dx in
                saved.withUnsafeBufferPointer { statistics in
                    scaleGradient.withUnsafeMutableBufferPointer { dScale in
                        offsetGradient.withUnsafeMutableBufferPointer { dOffset in
                            LayerNormalization.backward(
                                x: input.storage.pointer, scale: scaleValue.storage.pointer,
                                mean: statistics.baseAddress!, inverseDeviation: statistics.baseAddress! + rows,
                                dy: gradient.storage.pointer, dx: dx, dScale: dScale.baseAddress!,
                                dOffset: dOffset.baseAddress!, rows: rows, columns: columns)
                        }
                    }
                }
            }
            return [
                inputGradient, Tensor(scaleGradient, shape: [columns]), Tensor(offsetGradient, shape: [columns]),
            ]
        }
    }
}
