import LeptonKernels

extension Tensor {
    /// The slices at `indices` along `axis`, in order (repeats allowed): an embedding lookup when `axis` is 0.
    ///
    /// The gradient adds each slice's gradient back at its index, so repeated indices accumulate.
    ///
    /// - Parameters:
    ///   - indices: Indices into `axis`, each within `0..<shape[axis]`.
    ///   - axis: The axis to select along.
    /// - Returns: The selection, with `axis` of extent `indices.count`.
    public func gathering(_ indices: [Int32], axis: Int = 0) -> Tensor {
        let resolved = shape.normalizedAxis(axis, for: "gathering")
        let (outer, extent, inner) = splitAround(axis: resolved)
        for index in indices {
            precondition(
                index >= 0 && Int(index) < extent,
                "gathering: index \(index) is out of range for axis \(resolved) of shape \(shape)")
        }
        var dimensions = shape.dimensions
        dimensions[resolved] = indices.count
        let result = Tensor(shape: Shape(dimensions)) { out in
            for block in 0..<outer {
                let source = storage.pointer + block * extent * inner
                let target = out + block * indices.count * inner
                for (position, index) in indices.enumerated() {
                    (target + position * inner).update(from: source + Int(index) * inner, count: inner)
                }
            }
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let inputShape = shape
        return result.recorded("gathering", inputs: nodes) { gradient, _ in
            var full = Tensor.zeros(inputShape)
            full.withUnsafeMutableBufferPointer { destination in
                for block in 0..<outer {
                    let target = destination.baseAddress! + block * extent * inner
                    let source = gradient.storage.pointer + block * indices.count * inner
                    for (position, index) in indices.enumerated() {
                        Layout.addRuns(
                            from: source + position * inner, sourceStride: inner, to: target + Int(index) * inner,
                            destinationStride: inner, rows: 1, width: inner)
                    }
                }
            }
            return [full]
        }
    }

    /// One row per label with a 1 in the label's column: `[labels.count, classes]`.
    ///
    /// - Parameters:
    ///   - labels: Class indices, each within `0..<classes`.
    ///   - classes: The number of classes.
    /// - Returns: The one-hot matrix.
    public static func oneHot(_ labels: [Int32], classes: Int) -> Tensor {
        var result = zeros([labels.count, classes])
        result.withUnsafeMutableBufferPointer { values in
            for (row, label) in labels.enumerated() {
                precondition(label >= 0 && Int(label) < classes, "oneHot: label \(label) is outside 0..<\(classes)")
                values[row * classes + Int(label)] = 1
            }
        }
        return result
    }
}
