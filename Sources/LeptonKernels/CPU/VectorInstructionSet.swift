#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Which instruction set's loop runs a kernel family whose C loops (`adam_update.c`, `gelu_erf.c`) follow the portable
/// Swift loop's arithmetic in the same order without fused multiply-adds, so that every choice gives bit-identical
/// results and only the speed differs.
package enum VectorInstructionSet: Sendable, CaseIterable {
    /// Swift SIMD8 (two SSE halves on baseline x86-64); every CPU.
    case portable
    /// Eight lanes with AVX2.
    case avx2
    /// Sixteen lanes with AVX-512 F.
    case avx512

    /// Whether this CPU can run the loop.
    package var isSupported: Bool {
        switch self {
        case .portable: true
        case .avx2: CPUFeatures.current.avx2
        case .avx512: CPUFeatures.current.avx512F
        }
    }

    /// The widest loop the CPU runs, unless the environment variable `variable` is `portable` or `avx2`, which
    /// narrows the choice to that loop (for comparing instruction sets on one machine).
    package static func fastest(narrowedBy variable: String) -> VectorInstructionSet {
        let features = CPUFeatures.current
        let requested = getenv(variable).map { String(cString: $0) }
        if requested != "portable" && requested != "avx2" && features.avx512F { return .avx512 }
        if requested != "portable" && features.avx2 { return .avx2 }
        return .portable
    }
}
