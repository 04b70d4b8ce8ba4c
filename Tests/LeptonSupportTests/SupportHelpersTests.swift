import LeptonSupport
import Testing

@Suite("FNV-1a, SplitMix64 and the linear quantile against published values")
struct SupportHelpersTests {
    /// Vectors from the FNV reference test suite (Fowler, Noll, Vo): 64-bit FNV-1a.
    @Test("FNV-1a 64 matches the published test vectors")
    func fnv1a() {
        #expect(FNV1a64.hash("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a64.hash("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a64.hash("foobar".utf8) == 0x8594_4171_f739_67e8)
        let bytes: [UInt8] = Array("foobar".utf8)
        bytes.withUnsafeBufferPointer { #expect(FNV1a64.hash($0) == 0x8594_4171_f739_67e8) }
        [UInt8]().withUnsafeBufferPointer { #expect(FNV1a64.hash($0) == 0xcbf2_9ce4_8422_2325) }
        [UInt8](repeating: 0x61, count: 1).withUnsafeBufferPointer {
            #expect(FNV1a64.hash($0) == 0xaf63_dc4c_8601_ec8c)
        }
    }

    /// The first outputs of Vigna's reference `splitmix64.c` seeded with 1234567.
    @Test("SplitMix64 matches the reference sequence")
    func splitMix() {
        var generator = SplitMix64(seed: 1_234_567)
        let expected: [UInt64] = [
            6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
            4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
        ]
        #expect((0..<5).map { _ in generator.next() } == expected)
        var draws = SplitMix64(seed: 1_234_567)
        #expect(draws.unitInterval() == Double(expected[0] >> 11) * 0x1p-53)
    }

    /// Values of NumPy's `np.quantile(values, q)` (default `method="linear"`) and `np.median`.
    @Test("the linear quantile and the median match NumPy")
    func quantiles() {
        #expect(Quantile.linear(sorted: [1, 2, 3, 4], 0.25) == 1.75)
        #expect(Quantile.linear(sorted: [1, 3, 7], 0.5) == 3)
        #expect(abs(Quantile.linear(sorted: [1, 3, 7], 0.9) - 6.2) < 1e-12)
        #expect(Quantile.linear(sorted: [1, 3, 7], 0) == 1)
        #expect(Quantile.linear(sorted: [1, 3, 7], 1) == 7)
        #expect(Quantile.linear(sorted: [10], 0.3) == 10)
        #expect(Quantile.linear(sorted: [-.infinity, 1, .infinity], 0.5) == 1)
        #expect(Quantile.median([4, 1, 3, 2]) == 2.5)
        #expect(Quantile.median([5, 1, 3]) == 3)
    }
}
