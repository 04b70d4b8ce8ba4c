import LeptonKernels

extension Tensor {
    /// The elements whose index along `axis` lies in `range`.
    ///
    /// - Parameters:
    ///   - axis: The axis to slice (negative counts from the end).
    ///   - range: The indices kept, within `0..<shape[axis]`.
    /// - Returns: The slice (a copy).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let resolved = shape.normalizedAxis(axis, for: "slice")
        precondition(
            range.lowerBound >= 0 && range.upperBound <= shape[resolved],
            "slice: range \(range) is out of bounds for axis \(resolved) of shape \(shape)")
        if range.count == shape[resolved] { return self }
        let (outer, extent, inner) = splitAround(axis: resolved)
        var dimensions = shape.dimensions
        dimensions[resolved] = range.count
        let result = Tensor(shape: Shape(dimensions)) { out in
            Layout.copyRuns(
                from: storage.pointer + range.lowerBound * inner, sourceStride: extent * inner, to: out,
                destinationStride: range.count * inner, rows: outer, width: range.count * inner)
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let inputShape = shape
        return result.recorded("slice", inputs: nodes) { gradient, _ in
            var full = Tensor.zeros(inputShape)
            full.withUnsafeMutableBufferPointer { destination in
                Layout.copyRuns(
                    from: gradient.storage.pointer, sourceStride: range.count * inner,
                    to: destination.baseAddress! + range.lowerBound * inner, destinationStride: extent * inner,
                    rows: outer, width: range.count * inner)
            }
            return [full]
        }
    }

    /// The rows `range` of the first axis (for example a mini-batch of a dataset tensor).
    public subscript(range: Range<Int>) -> Tensor {
        slice(axis: 0, range)
    }

    /// Joins tensors along `axis`; all other extents must agree.
    ///
    /// - Parameters:
    ///   - tensors: The parts, at least one.
    ///   - axis: The axis to join along.
    /// - Returns: The concatenation.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors given")
        let first = tensors[0]
        let resolved = first.shape.normalizedAxis(axis, for: "concatenate")
        for tensor in tensors {
            precondition(
                tensor.rank == first.rank
                    && (0..<first.rank).allSatisfy { $0 == resolved || tensor.shape[$0] == first.shape[$0] },
                "concatenate: shape \(tensor.shape) does not match \(first.shape) outside axis \(resolved)")
        }
        let extents = tensors.map { $0.shape[resolved] }
        let total = extents.reduce(0, +)
        let (outer, _, inner) = first.splitAround(axis: resolved)
        var dimensions = first.shape.dimensions
        dimensions[resolved] = total
        let result = Tensor(shape: Shape(dimensions)) { out in
            var offset = 0
            for (tensor, extent) in zip(tensors, extents) {
                Layout.copyRuns(
                    from: tensor.storage.pointer, sourceStride: extent * inner, to: out + offset * inner,
                    destinationStride: total * inner, rows: outer, width: extent * inner)
                offset += extent
            }
        }
        guard let nodes = trackedNodes(tensors) else { return result }
        return result.recorded("concatenate", inputs: nodes) { gradient, needs in
            var offset = 0
            return zip(extents, needs).map { extent, needed in
                defer { offset += extent }
                return needed ? gradient.slice(axis: resolved, offset..<(offset + extent)) : nil
            }
        }
    }

    /// Stacks tensors of one shape along a new axis.
    ///
    /// - Parameters:
    ///   - tensors: The parts, at least one, all of the same shape.
    ///   - axis: The position of the new axis in the result.
    /// - Returns: The stack.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack: no tensors given")
        for tensor in tensors {
            precondition(
                tensor.shape == tensors[0].shape, "stack: shape \(tensor.shape) differs from \(tensors[0].shape)")
        }
        return concatenate(tensors.map { $0.expandingShape(at: axis) }, axis: axis)
    }

    /// Splits along `axis` into parts of the given extents.
    ///
    /// - Parameters:
    ///   - sizes: The extent of each part; they must add up to the axis' extent.
    ///   - axis: The axis to split.
    /// - Returns: The parts.
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let resolved = shape.normalizedAxis(axis, for: "split")
        precondition(
            sizes.reduce(0, +) == shape[resolved] && sizes.allSatisfy { $0 >= 0 },
            "split: sizes \(sizes) do not add up to extent \(shape[resolved]) of axis \(resolved) in \(shape)")
        var offset = 0
        return sizes.map { size in
            defer { offset += size }
            return slice(axis: resolved, offset..<(offset + size))
        }
    }

    /// The tensor surrounded by `value` on each axis.
    ///
    /// - Parameters:
    ///   - paddings: For each axis, how many elements go before and after.
    ///   - value: The fill value.
    /// - Returns: The padded tensor.
    public func padded(_ paddings: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        precondition(paddings.count == rank, "padded: \(paddings.count) paddings for shape \(shape)")
        precondition(paddings.allSatisfy { $0.before >= 0 && $0.after >= 0 }, "padded: negative padding")
        let outputShape = Shape(zip(shape.dimensions, paddings).map { $0 + $1.before + $1.after })
        let result = Tensor(shape: outputShape) { out in
            Elementwise.fill(out, value: value, count: outputShape.elementCount)
            Tensor.forEachInnerRow(of: shape, placedIn: outputShape, offsets: paddings.map(\.before)) {
                source, target in
                (out + target).update(from: storage.pointer + source, count: shape.dimensions.last ?? 1)
            }
        }
        guard let nodes = Tensor.trackedNodes(self) else { return result }
        let inputShape = shape
        let before = paddings.map(\.before)
        return result.recorded("pad", inputs: nodes) { gradient, _ in
            [
                Tensor(shape: inputShape) { dInput in
                    Tensor.forEachInnerRow(of: inputShape, placedIn: outputShape, offsets: before) { source, target in
                        (dInput + source).update(
                            from: gradient.storage.pointer + target, count: inputShape.dimensions.last ?? 1)
                    }
                }
            ]
        }
    }

    /// Calls `body(sourceOffset, targetOffset)` for each innermost row of a tensor of shape `inner` placed at
    /// `offsets` inside a tensor of shape `outer`.
    static func forEachInnerRow(of inner: Shape, placedIn outer: Shape, offsets: [Int], _ body: (Int, Int) -> Void) {
        if inner.elementCount == 0 { return }
        if inner.rank == 0 {
            body(0, 0)
            return
        }
        let rowLength = inner.dimensions[inner.rank - 1]
        let rows = inner.elementCount / rowLength
        let outerStrides = outer.strides
        for row in 0..<rows {
            var remainder = row
            var target = offsets[inner.rank - 1]
            for axis in stride(from: inner.rank - 2, through: 0, by: -1) {
                let index = remainder % inner[axis]
                remainder /= inner[axis]
                target += (index + offsets[axis]) * outerStrides[axis]
            }
            body(row * rowLength, target)
        }
    }
}
