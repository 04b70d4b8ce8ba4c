import LeptonKernels

extension Tensor {
    /// The sum over `axes` (all axes when empty).
    ///
    /// - Parameters:
    ///   - axes: The axes to reduce (negative counts from the end); empty reduces everything.
    ///   - keepDims: Whether reduced axes stay as extent 1.
    /// - Returns: The sums.
    public func sum(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        let reduced = resolveReductionAxes(axes, for: "sum")
        let result = reduceAxes(reduced, keepDims: keepDims) { tensor, axis in
            tensor.sumWithoutRecording(axis: axis, keepDims: true)
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let inputShape = shape
        let keptShape = Shape(shape.dimensions.enumerated().map { reduced.contains($0.offset) ? 1 : $0.element })
        return result.recorded("sum", inputs: nodes) { gradient, _ in
            [gradient.viewed(as: keptShape).broadcast(to: inputShape)]
        }
    }

    /// The mean over `axes` (all axes when empty).
    ///
    /// - Parameters:
    ///   - axes: The axes to reduce; empty reduces everything.
    ///   - keepDims: Whether reduced axes stay as extent 1.
    /// - Returns: The means.
    public func mean(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        let reduced = resolveReductionAxes(axes, for: "mean")
        let count = reduced.reduce(1) { $0 * shape[$1] }
        // The mean of no values is NaN (0 · ∞), as NumPy and PyTorch give.
        return sum(axes: axes, keepDims: keepDims) * (count == 0 ? Float.infinity : 1 / Float(count))
    }

    /// The variance over `axes` (all axes when empty), dividing by `count − correction`.
    ///
    /// - Parameters:
    ///   - axes: The axes to reduce; empty reduces everything.
    ///   - keepDims: Whether reduced axes stay as extent 1.
    ///   - correction: 0 for the population variance (the default, as batch normalisation uses), 1 for the
    ///     sample variance.
    /// - Returns: The variances.
    public func variance(axes: [Int] = [], keepDims: Bool = false, correction: Int = 0) -> Tensor {
        let reduced = resolveReductionAxes(axes, for: "variance")
        let count = reduced.reduce(1) { $0 * shape[$1] }
        let centered = self - mean(axes: axes, keepDims: true)
        return centered.squared().sum(axes: axes, keepDims: keepDims) * (1 / Float(Swift.max(count - correction, 1)))
    }

    /// The maximum over `axes` (all axes when empty); the gradient is shared equally by tied maxima.
    ///
    /// - Parameters:
    ///   - axes: The axes to reduce; empty reduces everything.
    ///   - keepDims: Whether reduced axes stay as extent 1.
    /// - Returns: The maxima.
    public func max(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        extreme(axes: axes, keepDims: keepDims, name: "max") { x, outer, axis, inner, out in
            Reduction.max(x, outer: outer, axis: axis, inner: inner, into: out)
        }
    }

    /// The minimum over `axes` (all axes when empty); the gradient is shared equally by tied minima.
    ///
    /// - Parameters:
    ///   - axes: The axes to reduce; empty reduces everything.
    ///   - keepDims: Whether reduced axes stay as extent 1.
    /// - Returns: The minima.
    public func min(axes: [Int] = [], keepDims: Bool = false) -> Tensor {
        extreme(axes: axes, keepDims: keepDims, name: "min") { x, outer, axis, inner, out in
            Reduction.min(x, outer: outer, axis: axis, inner: inner, into: out)
        }
    }

    /// The index of the largest element along `axis` (the first on ties).
    ///
    /// - Parameter axis: The axis to search (default: the last).
    /// - Returns: The indices, shaped like this tensor without `axis`, row-major.
    public func argmax(axis: Int = -1) -> [Int32] {
        let resolved = shape.normalizedAxis(axis, for: "argmax")
        let (outer, extent, inner) = splitAround(axis: resolved)
        var result = [Int32](repeating: 0, count: outer * inner)
        result.withUnsafeMutableBufferPointer { out in
            Reduction.argmax(storage.pointer, outer: outer, axis: extent, inner: inner, into: out.baseAddress!)
        }
        return result
    }

    /// The sum of all elements as a number.
    public var sumOfElements: Float {
        Reduction.sumAll(storage.pointer, count: elementCount)
    }

    private func extreme(
        axes: [Int], keepDims: Bool, name: String,
        kernel: (UnsafePointer<Float>, Int, Int, Int, UnsafeMutablePointer<Float>) -> Void
    ) -> Tensor {
        let reduced = resolveReductionAxes(axes, for: name)
        precondition(reduced.allSatisfy { shape[$0] > 0 }, "\(name): cannot reduce an empty axis of shape \(shape)")
        let kept = reduceAxes(reduced, keepDims: true) { tensor, axis in
            let (outer, extent, inner) = tensor.splitAround(axis: axis)
            var dimensions = tensor.shape.dimensions
            dimensions[axis] = 1
            return Tensor(shape: Shape(dimensions)) { out in kernel(tensor.storage.pointer, outer, extent, inner, out) }
        }
        let result =
            keepDims
            ? kept
            : kept.viewed(
                as: Shape(shape.dimensions.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)))
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let (input, extremes) = (detached, kept)
        return result.recorded(name, inputs: nodes) { gradient, _ in
            let isExtreme = Tensor.broadcastCompare(.equal, input, extremes, name: name)
            let ties = isExtreme.sumKeepingAxes(reduced)
            let share = Tensor.broadcastBinary(.divide, gradient.viewed(as: extremes.shape), ties, name: name)
            return [Tensor.broadcastBinary(.multiply, isExtreme, share, name: name)]
        }
    }

    /// Sums over `axes` keeping them as extent 1, without recording.
    private func sumKeepingAxes(_ axes: [Int]) -> Tensor {
        axes.reduce(self) { $0.sumWithoutRecording(axis: $1, keepDims: true) }
    }

    /// This tensor repeated along its extent-1 axes (and new leading axes) to `target`, without recording.
    func broadcast(to target: Shape) -> Tensor {
        if shape == target { return self }
        return Tensor.broadcastBinary(.add, Tensor.zeros(target), self, name: "broadcast")
    }

    /// The sorted, non-negative axes to reduce: all axes when `axes` is empty.
    func resolveReductionAxes(_ axes: [Int], for operation: String) -> [Int] {
        if axes.isEmpty { return Array(0..<rank) }
        let resolved = Set(axes.map { shape.normalizedAxis($0, for: operation) })
        return resolved.sorted()
    }

    /// Applies `reduceOne` (which keeps the axis as extent 1) to each run of adjacent reduced axes, merged into
    /// one axis first, then drops the reduced axes unless `keepDims`.
    private func reduceAxes(_ axes: [Int], keepDims: Bool, reduceOne: (Tensor, Int) -> Tensor) -> Tensor {
        var mergedDimensions: [Int] = []
        var mergedReduced: [Int] = []
        for axis in 0..<rank {
            let isReduced = axes.contains(axis)
            if isReduced, axis > 0, axes.contains(axis - 1) {
                mergedDimensions[mergedDimensions.count - 1] *= shape[axis]
            } else {
                if isReduced { mergedReduced.append(mergedDimensions.count) }
                mergedDimensions.append(shape[axis])
            }
        }
        var result = detached.viewed(as: Shape(mergedDimensions))
        for axis in mergedReduced { result = reduceOne(result, axis) }
        let kept = shape.dimensions.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        if keepDims { return result.viewed(as: Shape(kept)) }
        return result.viewed(
            as: Shape(shape.dimensions.enumerated().filter { !axes.contains($0.offset) }.map(\.element)))
    }
}
