import CLeptonKernels

extension Elementwise {
    /// The exact GELU `y = x·Φ(x)` over `range`, with the loop of `instructionSet` (`gelu_erf.c` for the vector ones;
    /// all loops agree bit for bit).
    package static func geluErf(
        _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>,
        instructionSet: VectorInstructionSet = .elementwise
    ) {
        let (input, output, count) = (x + range.lowerBound, y + range.lowerBound, range.count)
        switch instructionSet {
        case .avx512: lepton_gelu_erf_forward_avx512(input, output, count)
        case .avx2: lepton_gelu_erf_forward_avx2(input, output, count)
        case .portable: VectorLoop.map(x, y, range, GELUErfFunction())
        }
    }

    /// GELU's backward pass over `range`: `dx = dy·(Φ(x) + x·φ(x))`, or `dx += …` when `accumulate`, with the loop of
    /// `instructionSet` (all loops agree bit for bit).
    package static func geluErfBackward(
        x: UnsafePointer<Float>, dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, _ range: Range<Int>,
        accumulate: Bool, instructionSet: VectorInstructionSet = .elementwise
    ) {
        let (input, gradient, result) = (x + range.lowerBound, dy + range.lowerBound, dx + range.lowerBound)
        switch instructionSet {
        case .avx512:
            lepton_gelu_erf_backward_avx512(input, gradient, result, range.count, accumulate ? 1 : 0)
        case .avx2:
            lepton_gelu_erf_backward_avx2(input, gradient, result, range.count, accumulate ? 1 : 0)
        case .portable:
            VectorLoop.map(x, x, dy, dx, range, accumulate: accumulate, GELUErfDerivative())
        }
    }
}

extension VectorInstructionSet {
    /// The loop of the element-wise functions that have vector C loops (GELU): the widest the CPU runs;
    /// `LEPTON_ELEMENTWISE_KERNEL=portable|avx2` narrows it.
    package static let elementwise = fastest(narrowedBy: "LEPTON_ELEMENTWISE_KERNEL")
}
