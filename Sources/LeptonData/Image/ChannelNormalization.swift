import LeptonTensor

/// Per-channel normalisation of NHWC images: `(x − mean[c]) / std[c]` (what `torchvision`'s `Normalize` does).
///
/// Fit it on training images, or give known statistics (MNIST: mean 0.1307, std 0.3081).
public struct ChannelNormalization: Sendable, Codable, Equatable {
    /// The mean of each channel.
    public let mean: [Float]
    /// The standard deviation of each channel (each > 0).
    public let standardDeviation: [Float]

    /// A normalisation with given statistics.
    /// - Parameters:
    ///   - mean: per-channel means.
    ///   - standardDeviation: per-channel standard deviations, each > 0.
    public init(mean: [Float], standardDeviation: [Float]) {
        precondition(
            mean.count == standardDeviation.count && standardDeviation.allSatisfy { $0 > 0 },
            "ChannelNormalization: \(mean.count) means and \(standardDeviation) deviations (must match and be > 0)")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// The statistics of `images` (population standard deviation over all pixels of each channel; a constant
    /// channel gets deviation 1).
    /// - Parameter images: `[batch, height, width, channels]`, at least one pixel.
    /// - Throws: ``ImageError/notNHWC(shape:)``.
    public static func fit(on images: Tensor) throws -> ChannelNormalization {
        guard images.rank == 4, images.elementCount > 0 else {
            throw ImageError.notNHWC(shape: images.shape.dimensions)
        }
        let channels = images.shape[3]
        var sums = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        images.withUnsafeBufferPointer { pixels in
            for (index, value) in pixels.enumerated() {
                sums[index % channels] += Double(value)
                squares[index % channels] += Double(value) * Double(value)
            }
        }
        let count = Double(images.elementCount / channels)
        let means = sums.map { $0 / count }
        let deviations = zip(squares, means).map { square, mean in
            let deviation = max(0, square / count - mean * mean).squareRoot()
            return deviation > 0 ? Float(deviation) : 1
        }
        return ChannelNormalization(mean: means.map { Float($0) }, standardDeviation: deviations)
    }

    /// `images` normalised channel by channel.
    /// - Parameter images: `[batch, height, width, channels]`.
    /// - Throws: ``ImageError/notNHWC(shape:)`` or ``ImageError/channelMismatch(expected:actual:)``.
    public func apply(to images: Tensor) throws -> Tensor {
        guard images.rank == 4 else { throw ImageError.notNHWC(shape: images.shape.dimensions) }
        guard images.shape[3] == mean.count else {
            throw ImageError.channelMismatch(expected: mean.count, actual: images.shape[3])
        }
        let channels = mean.count
        let scales = standardDeviation.map { 1 / $0 }
        var result = images
        result.withUnsafeMutableBufferPointer { pixels in
            var index = 0
            while index < pixels.count {
                for channel in 0..<channels {
                    pixels[index + channel] = (pixels[index + channel] - mean[channel]) * scales[channel]
                }
                index += channels
            }
        }
        return result
    }
}
