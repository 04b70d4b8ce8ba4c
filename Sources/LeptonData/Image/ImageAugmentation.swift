import LeptonTensor

/// Random augmentation of NHWC image batches, seeded: random crop with zero padding and horizontal flip.
///
/// Each image draws its own crop offset and flip from the generator, in batch order.
public struct ImageAugmentation: Sendable, Codable, Equatable {
    /// Pad each side by this many zero pixels and crop back to the original size at a random offset
    /// (0 disables cropping).
    public var cropPadding: Int
    /// The probability of mirroring an image left–right (0 disables flipping).
    public var flipProbability: Double

    /// The largest padding ``apply(to:using:)`` accepts (far beyond any image size, and small enough that the
    /// offsets' arithmetic cannot overflow).
    public static let maximumCropPadding = 1 << 20

    /// An augmentation.
    /// - Parameters:
    ///   - cropPadding: zero padding for the random crop (default 0: none).
    ///   - flipProbability: chance of a horizontal flip (default 0: none).
    public init(cropPadding: Int = 0, flipProbability: Double = 0) {
        precondition(cropPadding >= 0, "ImageAugmentation: cropPadding \(cropPadding) must be >= 0")
        precondition(flipProbability >= 0 && flipProbability <= 1, "ImageAugmentation: flipProbability outside 0...1")
        self.cropPadding = cropPadding
        self.flipProbability = flipProbability
    }

    /// The augmented images.
    ///
    /// For each image: with padding p, draw offsets `dy`, `dx` uniformly in `0...2p`; output pixel `(y, x)` is input
    /// pixel `(y + dy − p, x + dx − p)`, or 0 outside the image (cropping the zero-padded image). Then, with
    /// probability ``flipProbability``, output column x takes column `width − 1 − x`.
    /// - Parameters:
    ///   - images: `[batch, height, width, channels]`.
    ///   - generator: the random stream (advanced).
    /// - Throws: ``ImageError/notNHWC(shape:)``, or ``ImageError/invalidAugmentation(setting:value:requirement:)``
    ///   for a padding outside `0...maximumCropPadding` or a flip probability outside `0...1`.
    public func apply(to images: Tensor, using generator: inout RandomGenerator) throws -> Tensor {
        guard images.rank == 4 else { throw ImageError.notNHWC(shape: images.shape.dimensions) }
        guard (0...Self.maximumCropPadding).contains(cropPadding) else {
            throw ImageError.invalidAugmentation(
                setting: "cropPadding", value: "\(cropPadding)",
                requirement: "must be in 0...\(Self.maximumCropPadding)")
        }
        guard (0...1).contains(flipProbability) else {
            throw ImageError.invalidAugmentation(
                setting: "flipProbability", value: "\(flipProbability)", requirement: "must be in 0...1")
        }
        let (count, height, width, channels) = (images.shape[0], images.shape[1], images.shape[2], images.shape[3])
        let imageSize = height * width * channels
        var result = Tensor.zeros(images.shape)
        images.withUnsafeBufferPointer { source in
            result.withUnsafeMutableBufferPointer { target in
                for image in 0..<count {
                    let span = UInt64(2 * cropPadding + 1)
                    let dy = cropPadding > 0 ? Int(generator.next(upperBound: span)) - cropPadding : 0
                    let dx = cropPadding > 0 ? Int(generator.next(upperBound: span)) - cropPadding : 0
                    let flip = flipProbability > 0 && generator.nextUnitDouble() < flipProbability
                    let base = image * imageSize
                    for y in 0..<height where y + dy >= 0 && y + dy < height {
                        for x in 0..<width {
                            let sourceX = (flip ? width - 1 - x : x) + dx
                            guard sourceX >= 0 && sourceX < width else { continue }
                            let from = base + ((y + dy) * width + sourceX) * channels
                            let to = base + (y * width + x) * channels
                            for channel in 0..<channels { target[to + channel] = source[from + channel] }
                        }
                    }
                }
            }
        }
        return result
    }

    /// The augmentation as a ``DataLoader`` batch transform (applied to the batch features).
    public var batchTransform: @Sendable (inout Batch, inout RandomGenerator) throws -> Void {
        let augmentation = self
        return { batch, generator in batch.features = try augmentation.apply(to: batch.features, using: &generator) }
    }
}
