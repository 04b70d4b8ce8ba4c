import LeptonKernels

extension Tensor {
    /// The same values with a new shape of the same element count; one extent may be −1 and is inferred.
    ///
    /// - Parameter newShape: The new extents; at most one −1.
    /// - Returns: The reshaped tensor (sharing storage; no copy).
    public func reshaped(to newShape: [Int]) -> Tensor {
        let resolved = resolveReshape(newShape)
        if resolved == shape { return self }
        var result = viewed(as: resolved)
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let original = shape
        result = result.recorded("reshape", inputs: nodes) { gradient, _ in [gradient.viewed(as: original)] }
        return result
    }

    /// The same values with a new shape; see ``reshaped(to:)-([Int])``.
    ///
    /// - Parameter newShape: The new shape.
    /// - Returns: The reshaped tensor.
    public func reshaped(to newShape: Shape) -> Tensor { reshaped(to: newShape.dimensions) }

    private func resolveReshape(_ requested: [Int]) -> Shape {
        let inferred = requested.indices.filter { requested[$0] == -1 }
        precondition(inferred.count <= 1, "reshape: more than one −1 in \(requested)")
        precondition(requested.allSatisfy { $0 >= -1 }, "reshape: negative extent in \(requested)")
        var dimensions = requested
        if let axis = inferred.first {
            let known = requested.filter { $0 != -1 }.reduce(1, *)
            precondition(
                known > 0 && elementCount % known == 0, "reshape: cannot reshape \(shape) into \(requested)")
            dimensions[axis] = elementCount / known
        }
        let result = Shape(dimensions)
        precondition(
            result.elementCount == elementCount,
            "reshape: cannot reshape \(shape) (\(elementCount) elements) into \(result) (\(result.elementCount))")
        return result
    }

    /// Merges axes `startAxis…` into one: `[N, H, W, C]` flattened from axis 1 becomes `[N, H·W·C]`.
    ///
    /// - Parameter startAxis: The first axis merged (default 1, keeping the batch axis).
    /// - Returns: The flattened tensor (no copy).
    public func flattened(startAxis: Int = 1) -> Tensor {
        let start = rank == 0 ? 0 : shape.normalizedAxis(startAxis, for: "flatten")
        let kept = Array(shape.dimensions[..<start])
        return reshaped(to: kept + [shape.dimensions[start...].reduce(1, *)])
    }

    /// Removes axes of extent 1: the given ones, or all of them.
    ///
    /// - Parameter axes: The axes to remove (each must have extent 1); empty removes every unit axis.
    /// - Returns: The squeezed tensor (no copy).
    public func squeezed(axes: [Int] = []) -> Tensor {
        if axes.isEmpty { return reshaped(to: shape.dimensions.filter { $0 != 1 }) }
        let resolved = Set(axes.map { shape.normalizedAxis($0, for: "squeeze") })
        for axis in resolved {
            precondition(shape[axis] == 1, "squeeze: axis \(axis) of shape \(shape) has extent \(shape[axis]), not 1")
        }
        return reshaped(to: shape.dimensions.indices.filter { !resolved.contains($0) }.map { shape[$0] })
    }

    /// Inserts an axis of extent 1 at `axis` (−1 appends).
    ///
    /// - Parameter axis: Where the new axis goes, in the result's numbering.
    /// - Returns: The expanded tensor (no copy).
    public func expandingShape(at axis: Int) -> Tensor {
        let position = axis < 0 ? axis + rank + 1 : axis
        precondition(
            position >= 0 && position <= rank, "expandingShape: axis \(axis) is out of range for shape \(shape)")
        var dimensions = shape.dimensions
        dimensions.insert(1, at: position)
        return reshaped(to: dimensions)
    }

    /// The tensor with its axes reordered: result axis `i` is axis `axes[i]` of this tensor.
    ///
    /// - Parameter axes: A permutation of the axes.
    /// - Returns: The permuted tensor (a copy).
    public func permuted(_ axes: [Int]) -> Tensor {
        precondition(
            axes.count == rank && Set(axes) == Set(0..<rank),
            "permute: \(axes) is not a permutation of the axes of \(shape)")
        if axes == Array(0..<rank) { return self }
        let newShape = Shape(axes.map { shape[$0] })
        let result = Tensor(shape: newShape) { out in
            Layout.permute(storage.pointer, shape: shape.dimensions, axes: axes, out)
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        var inverse = [Int](repeating: 0, count: axes.count)
        for (position, axis) in axes.enumerated() { inverse[axis] = position }
        let inverseAxes = inverse
        return result.recorded("permute", inputs: nodes) { gradient, _ in [gradient.permuted(inverseAxes)] }
    }

    /// The matrix transpose (the last two axes swapped).
    public var transposed: Tensor {
        precondition(rank >= 2, "transposed: needs at least 2 axes, shape is \(shape)")
        var axes = Array(0..<rank)
        axes.swapAt(rank - 1, rank - 2)
        return permuted(axes)
    }
}
