import LeptonKernels

extension Tensor {
    /// Whether every element of every tensor is finite: one pass over all of them, in blocks split across the
    /// compute threads — a training step checks all its gradients with it before applying them, and a
    /// single-threaded pass would take a visible share of a small batch's step on several threads.
    ///
    /// - Parameter tensors: The tensors.
    /// - Returns: `false` when any element is NaN or infinite.
    public static func allFinite(_ tensors: [Tensor]) -> Bool {
        let blockSize = 16_384
        var blocks: [(start: UnsafePointer<Float>, count: Int)] = []
        for tensor in tensors {
            let storage = tensor.storage
            for offset in stride(from: 0, to: storage.count, by: blockSize) {
                blocks.append((UnsafePointer(storage.pointer + offset), Swift.min(blockSize, storage.count - offset)))
            }
        }
        var nonFinite = [Bool](repeating: false, count: blocks.count)
        // The tensors keep their storage alive while the blocks are read; each piece writes only its own flag.
        withExtendedLifetime(tensors) {
            nonFinite.withUnsafeMutableBufferPointer { flags in
                ThreadPool.shared.parallelFor(blocks.count) { index in
                    let block = blocks[index]
                    flags[index] = Self.hasNonFinite(UnsafeBufferPointer(start: block.start, count: block.count))
                }
            }
        }
        return !nonFinite.contains(true)
    }

    /// Whether a block holds a NaN or infinity: exactly the values whose magnitude bits exceed the largest finite
    /// float's. `largestFinite - magnitude` is negative for those and cannot overflow, so the block is a mask, a
    /// subtraction and an OR per 16 lanes (baseline x86-64 vector instructions; an unsigned maximum needs SSE4.1
    /// and was emulated at several times the cost, and a scalar flag became an early-exit loop), and the sign
    /// bits of the ORed lanes answer.
    private static func hasNonFinite(_ values: UnsafeBufferPointer<Float>) -> Bool {
        guard let base = values.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let magnitudeMask = SIMD16<Int32>(repeating: 0x7FFF_FFFF)
        let largestFinite = SIMD16<Int32>(repeating: 0x7F7F_FFFF)
        var signs = SIMD16<Int32>()
        var index = 0
        while index + 16 <= values.count {
            let bits = raw.loadUnaligned(fromByteOffset: index &* 4, as: SIMD16<Int32>.self)
            signs |= largestFinite &- (bits & magnitudeMask)
            index &+= 16
        }
        var tail: Int32 = 0
        while index < values.count {
            tail |= 0x7F7F_FFFF &- (Int32(bitPattern: values[index].bitPattern) & 0x7FFF_FFFF)
            index &+= 1
        }
        for lane in 0..<16 { tail |= signs[lane] }
        return tail < 0
    }

    /// The row-major (flat) index of the first NaN or infinite element, or `nil` when every element is finite.
    ///
    /// One pass over the exponent bits in blocks (an integer maximum, which the compiler vectorises); only a block
    /// that holds a non-finite value is searched element by element.
    public var firstNonFiniteIndex: Int? {
        withUnsafeBufferPointer { values in
            let block = 4096
            var start = 0
            while start < values.count {
                let end = Swift.min(values.count, start + block)
                if Self.hasNonFinite(UnsafeBufferPointer(rebasing: values[start..<end])) {
                    return (start..<end).first { !values[$0].isFinite }
                }
                start = end
            }
            return nil
        }
    }

    /// The multi-dimensional index of a row-major flat index into this tensor's shape.
    ///
    /// - Parameter flatIndex: An index below ``elementCount``.
    /// - Returns: One index per axis.
    public func multiIndex(ofFlatIndex flatIndex: Int) -> [Int] {
        var remainder = flatIndex
        var indices = [Int](repeating: 0, count: rank)
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            indices[axis] = remainder % Swift.max(shape[axis], 1)
            remainder /= Swift.max(shape[axis], 1)
        }
        return indices
    }
}
