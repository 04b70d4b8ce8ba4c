import LeptonTensor

extension MNISTSplit {
    /// The images as an NHWC tensor `[count, 28, 28, 1]` with pixels scaled to [0, 1].
    public var images: Tensor {
        let scale: Float = 1 / 255
        return Tensor(pixels.map { Float($0) * scale }, shape: [count, Self.imageSide, Self.imageSide, 1])
    }
}
