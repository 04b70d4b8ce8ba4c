import Foundation
import LeptonTensor
import Testing

@testable import LeptonData

@Suite("Image normalisation and augmentation")
struct ImageTransformTests {
    /// A batch of `count` images `[count, 5, 4, 2]` with distinct nonzero pixels.
    private func images(_ count: Int) -> Tensor {
        Tensor((0..<(count * 5 * 4 * 2)).map { Float($0 + 1) }, shape: [count, 5, 4, 2])
    }

    @Test("per-channel normalisation subtracts the mean and divides by the deviation of each channel")
    func normalisation() throws {
        let batch = images(3)
        let fitted = try ChannelNormalization.fit(on: batch)
        for channel in 0..<2 {
            let values = stride(from: channel, to: batch.elementCount, by: 2).map { Double(batch.scalars[$0]) }
            let mean = values.reduce(0, +) / Double(values.count)
            let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
            #expect(
                abs(Double(fitted.mean[channel]) - mean) < 1e-4
                    && abs(Double(fitted.standardDeviation[channel]) - deviation) < 1e-4)
        }
        let normalised = try fitted.apply(to: batch)
        let expected = batch.scalars.enumerated().map { index, value in
            (value - fitted.mean[index % 2]) / fitted.standardDeviation[index % 2]
        }
        #expect(zip(normalised.scalars, expected).allSatisfy { abs($0 - $1) < 1e-5 })
        #expect(throws: ImageError.channelMismatch(expected: 2, actual: 1)) {
            try fitted.apply(to: Tensor.zeros([1, 2, 2, 1]))
        }
        #expect(throws: ImageError.notNHWC(shape: [4, 2])) { try fitted.apply(to: Tensor.zeros([4, 2])) }
    }

    /// Image `index` of `batch` shifted by (dy, dx) with zero fill, optionally mirrored, computed with
    /// `Tensor.padded` and `slice` (an independent route to the same crop).
    private func reference(_ batch: Tensor, image index: Int, padding: Int, dy: Int, dx: Int, flip: Bool) -> [Float] {
        let (height, width, channels) = (batch.shape[1], batch.shape[2], batch.shape[3])
        let padded = batch.slice(axis: 0, index..<(index + 1))
            .padded([(0, 0), (padding, padding), (padding, padding), (0, 0)])
        let crop = padded.slice(axis: 1, dy..<(dy + height)).slice(axis: 2, dx..<(dx + width)).scalars
        guard flip else { return crop }
        return (0..<height).flatMap { y in
            (0..<width).flatMap { x in
                (0..<channels).map { crop[(y * width + (width - 1 - x)) * channels + $0] }
            }
        }
    }

    @Test("random crop with padding equals some crop of the zero-padded image; flips mirror; seeded")
    func augmentation() throws {
        let batch = images(16)
        let augmentation = ImageAugmentation(cropPadding: 2, flipProbability: 0.5)
        var generator = RandomGenerator(seed: 8)
        let augmented = try augmentation.apply(to: batch, using: &generator)
        #expect(augmented.shape == batch.shape)
        var offsets = Set<[Int]>()
        var flips = 0
        let size = 5 * 4 * 2
        for image in 0..<16 {
            let output = Array(augmented.scalars[(image * size)..<((image + 1) * size)])
            let matches = (0...4).flatMap { dy in (0...4).flatMap { dx in [false, true].map { [dy, dx, $0 ? 1 : 0] } } }
                .filter { reference(batch, image: image, padding: 2, dy: $0[0], dx: $0[1], flip: $0[2] == 1) == output }
            #expect(!matches.isEmpty, "image \(image) is no crop of its padded original")
            if let match = matches.first {
                offsets.insert(Array(match.prefix(2)))
                flips += match[2]
            }
        }
        #expect(offsets.count > 3 && flips > 0 && flips < 16)
        var again = RandomGenerator(seed: 8)
        #expect(try augmentation.apply(to: batch, using: &again).scalars == augmented.scalars)
        var always = RandomGenerator(seed: 1)
        let mirrored = try ImageAugmentation(flipProbability: 1).apply(to: batch, using: &always)
        #expect(
            mirrored.scalars == (0..<16).flatMap { reference(batch, image: $0, padding: 0, dy: 0, dx: 0, flip: true) })
        var none = RandomGenerator(seed: 1)
        #expect(try ImageAugmentation().apply(to: batch, using: &none).scalars == batch.scalars)
    }
}
