import CLeptonKernels

extension Pooling {
    /// Max pooling's forward pass over one unpadded NHWC image in C (`max_pool_body.h`): `(image, height, width,
    /// channels, windowHeight, windowWidth, strideHeight, strideWidth, outHeight, outWidth, imageOffset, output,
    /// argmax)`, non-zero when the image holds NaN or infinity.
    typealias MaxForwardLoop =
        @convention(c) (
            UnsafePointer<Float>?, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, UnsafeMutablePointer<Float>?,
            UnsafeMutablePointer<Int32>?
        ) -> Int32

    /// The C loop of `instructionSet`, or `nil` for the portable Swift loop.
    static func maxForwardLoop(_ instructionSet: VectorInstructionSet) -> MaxForwardLoop? {
        switch instructionSet {
        case .avx512: lepton_max_pool_forward_avx512
        case .avx2: lepton_max_pool_forward_avx2
        case .portable: nil
        }
    }
}

extension Pooling {
    /// The routing step of max pooling's backward pass over one NHWC image whose windows tile it, in C
    /// (`max_pool_route_body.h`): `(pooledGradient, pooledOutput, winners, relu, height, width, channels, windowHeight,
    /// windowWidth, outHeight, outWidth, gradient)`.
    typealias MaxRouteLoop =
        @convention(c) (
            UnsafePointer<Float>?, UnsafePointer<Float>?, UnsafePointer<Int32>?, Int32, Int, Int, Int, Int, Int, Int,
            Int, UnsafeMutablePointer<Float>?
        ) -> Void

    /// The C routing loop of `instructionSet`, or `nil` for the portable Swift loop.
    static func maxRouteLoop(_ instructionSet: VectorInstructionSet) -> MaxRouteLoop? {
        switch instructionSet {
        case .avx512: lepton_max_pool_route_avx512
        case .avx2: lepton_max_pool_route_avx2
        case .portable: nil
        }
    }
}

extension VectorInstructionSet {
    /// The loop of max pooling's forward pass: the widest the CPU runs; `LEPTON_POOLING_KERNEL=portable|avx2` narrows
    /// it. Every loop gives the same values and winners bit for bit.
    package static let pooling = fastest(narrowedBy: "LEPTON_POOLING_KERNEL")
}
