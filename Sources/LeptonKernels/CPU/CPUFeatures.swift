import CLeptonKernels

/// The instruction sets of the running CPU that Lepton's loops can use, probed once for the whole package.
package struct CPUFeatures: Sendable, Hashable {
    /// AVX2 and FMA3 (the float tile loops).
    package let avx2FMA: Bool
    /// AVX-512 Foundation with the OS saving the ZMM state (the float tile loops, the direct convolution).
    package let avx512F: Bool
    /// AVX2 (the int8 loop).
    package let avx2: Bool
    /// AVX-512 F + BW + VL + VNNI (the int8 loop).
    package let avx512VNNI: Bool

    /// The running CPU's features, read once.
    package static let current: CPUFeatures = {
        let features = lepton_cpu_features()
        return CPUFeatures(
            avx2FMA: features.avx2_fma != 0, avx512F: features.avx512f != 0, avx2: features.avx2 != 0,
            avx512VNNI: features.avx512_vnni != 0)
    }()
}
