import LeptonKernels

extension Tensor {
    /// Softmax along `axis`: e^x / Σ e^x, computed stably.
    ///
    /// - Parameter axis: The axis that sums to 1 (default: the last).
    /// - Returns: The probabilities.
    public func softmax(axis: Int = -1) -> Tensor {
        alongLastAxis(axis, for: "softmax") { $0.lastAxisSoftmax(log: false) }
    }

    /// Log-softmax along `axis`: x − log Σ e^x, computed stably.
    ///
    /// - Parameter axis: The axis (default: the last).
    /// - Returns: The log-probabilities.
    public func logSoftmax(axis: Int = -1) -> Tensor {
        alongLastAxis(axis, for: "logSoftmax") { $0.lastAxisSoftmax(log: true) }
    }

    /// Applies `body` (which works on the last axis) to `axis`, moving it last and back when needed.
    private func alongLastAxis(_ axis: Int, for operation: String, _ body: (Tensor) -> Tensor) -> Tensor {
        let resolved = shape.normalizedAxis(axis, for: operation)
        if resolved == rank - 1 { return body(self) }
        var order = Array(0..<rank)
        order.remove(at: resolved)
        order.append(resolved)
        var inverse = [Int](repeating: 0, count: rank)
        for (position, source) in order.enumerated() { inverse[source] = position }
        return body(permuted(order)).permuted(inverse)
    }

    private func lastAxisSoftmax(log: Bool) -> Tensor {
        let columns = rank == 0 ? 1 : shape[rank - 1]
        let rows = columns == 0 ? 0 : elementCount / columns
        let result = Tensor(shape: shape) { out in
            if log {
                Softmax.logForward(storage.pointer, out, rows: rows, columns: columns)
            } else {
                Softmax.forward(storage.pointer, out, rows: rows, columns: columns)
            }
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let output = result.detached
        return result.recorded(log ? "logSoftmax" : "softmax", inputs: nodes) { gradient, _ in
            [
                Tensor(shape: output.shape) { inputGradient in
                    if log {
                        Softmax.logBackward(
                            y: output.storage.pointer, dy: gradient.storage.pointer, dx: inputGradient, rows: rows,
                            columns: columns)
                    } else {
                        Softmax.backward(
                            y: output.storage.pointer, dy: gradient.storage.pointer, dx: inputGradient, rows: rows,
                            columns: columns)
                    }
                }
            ]
        }
    }
}
