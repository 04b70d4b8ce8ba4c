import Foundation
import LeptonTensor
import Testing

@Suite("Seeded random numbers and initialisers")
struct RandomTests {
    @Test("equal seeds give equal streams; split streams differ")
    func reproducible() {
        var a = RandomGenerator(seed: 7)
        var b = RandomGenerator(seed: 7)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
        var parent = RandomGenerator(seed: 7)
        var child = parent.split()
        #expect(child.next() != parent.next())
        var restored = try? JSONDecoderRoundTrip.roundTrip(parent)
        #expect(restored?.next() == parent.next())
    }

    @Test("the stream is xoshiro256** seeded by SplitMix64 (values from an independent Python implementation)")
    func referenceStream() {
        // Python: four SplitMix64 outputs from seed 7 as the state, then xoshiro256**'s `rotl(s1 * 5, 7) * 9`.
        var generator = RandomGenerator(seed: 7)
        #expect(
            (0..<3).map { _ in generator.next() } == [
                12_923_355_070_828_475_994, 5_142_052_590_334_782_674, 15_488_392_906_492_639_638,
            ])
    }

    @Test("a stored state of the wrong length or all zeros is refused with a decoding error")
    func malformedStateIsRefused() throws {
        for json in [#"{"state":[1,2]}"#, #"{"state":[0,0,0,0]}"#, #"{"state":[1,2,3,4,5]}"#, #"{"state":"x"}"#] {
            #expect(throws: DecodingError.self, "\(json)") {
                try JSONDecoder().decode(RandomGenerator.self, from: Data(json.utf8))
            }
        }
        let written = try JSONEncoder().encode(RandomGenerator(seed: 1))
        let object = try JSONSerialization.jsonObject(with: written) as? [String: [UInt64]]
        #expect(object?["state"]?.count == 4)
    }

    @Test("uniform and normal samples have the right moments")
    func moments() {
        var generator = RandomGenerator(seed: 11)
        let uniform = Tensor.uniform([100_000], in: -1...3, using: &generator)
        #expect(Swift.abs(uniform.mean().scalar - 1) < 0.02)
        #expect(uniform.min().scalar >= -1 && uniform.max().scalar < 3)
        // Variance of U(a, b) is (b − a)² / 12.
        #expect(Swift.abs(uniform.variance().scalar - 16 / 12) < 0.03)
        let normal = Tensor.normal([100_000], mean: 2, standardDeviation: 0.5, using: &generator)
        #expect(Swift.abs(normal.mean().scalar - 2) < 0.01)
        #expect(Swift.abs(normal.variance().scalar.squareRoot() - 0.5) < 0.01)
        let truncated = Tensor.truncatedNormal([10_000], standardDeviation: 1, using: &generator)
        #expect(truncated.abs().max().scalar <= 2)
    }

    @Test("Glorot and He limits follow the fan rules")
    func initialisers() {
        var generator = RandomGenerator(seed: 5)
        #expect(Tensor.fans(of: [3, 3, 16, 32]) == (144, 288))
        let glorot = Tensor.glorotUniform([64, 32], using: &generator)
        let limit = (6 / Float(96)).squareRoot()
        #expect(glorot.abs().max().scalar <= limit && glorot.abs().max().scalar > 0.9 * limit)
        let he = Tensor.heNormal([200, 100], using: &generator)
        // The truncation correction makes the sample deviation close to sqrt(2 / fanIn).
        #expect(Swift.abs(he.variance().scalar.squareRoot() - (2 / Float(200)).squareRoot()) < 0.01)
    }

    @Test("a permutation contains every index once")
    func permutation() {
        var generator = RandomGenerator(seed: 3)
        let order = generator.permutation(1000)
        #expect(order.sorted() == Array(0..<1000))
        #expect(order != Array(0..<1000))
    }

    @Test("dropout masks keep the expected fraction and scale")
    func dropoutMask() {
        var generator = RandomGenerator(seed: 9)
        let mask = Tensor.dropoutMask([100_000], rate: 0.25, using: &generator)
        let kept = mask.scalars.filter { $0 != 0 }
        #expect(Swift.abs(Float(kept.count) / 100_000 - 0.75) < 0.01)
        #expect(kept.allSatisfy { Swift.abs($0 - 4 / Float(3)) < 1e-6 })
    }
}

/// Encodes a value to JSON and decodes it back.
enum JSONDecoderRoundTrip {
    static func roundTrip<T: Codable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }
}
