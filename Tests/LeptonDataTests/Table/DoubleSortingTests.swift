import LeptonSupport
import Testing

@testable import LeptonData

@Suite("DoubleSorting: the radix sort gives the stable ascending order, bit for bit")
struct DoubleSortingTests {
    /// The reference: ascending by `<`, ties (including `-0.0` and `+0.0`) in their original order.
    private static func stableSorted(_ values: [Double]) -> [Double] {
        values.enumerated().sorted { left, right in
            left.element < right.element || (left.element == right.element && left.offset < right.offset)
        }.map(\.element)
    }

    /// Values drawn from a mix that exercises every byte of the keys: signs, both zeros, infinities, subnormals,
    /// ties, tiny and huge magnitudes, and integers.
    private static func values(_ count: Int, generator: inout SplitMix64) -> [Double] {
        let specials: [Double] = [
            0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
            .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1, -1, 0.5,
        ]
        return (0..<count).map { _ in
            switch generator.next() % 6 {
            case 0: return specials[Int(generator.next() % UInt64(specials.count))]
            case 1: return Double(Int(generator.next() % 40) - 20)
            case 2: return Double(bitPattern: generator.next())  // Any bits, NaN excluded below.
            case 3: return (Double(generator.next() >> 11) * 0x1p-53 - 0.5) * 1e6
            case 4: return Double(bitPattern: generator.next() % (1 << 52)) * (generator.next() % 2 == 0 ? 1 : -1)
            default: return (Double(generator.next() % 100_000) / 100).rounded(.down)
            }
        }.map { $0.isNaN ? 3.25 : $0 }
    }

    @Test("random arrays of every size around the radix threshold and the sketch's level capacity")
    func randomArrays() {
        var generator = SplitMix64(seed: 2026_1207)
        let sizes = Array(0...130) + [255, 256, 1000, 2047, 2048, 2049, 4096, 20_000]
        for size in sizes {
            for _ in 0..<(size < 300 ? 3 : 2) {
                let input = Self.values(size, generator: &generator)
                var sorted = input
                DoubleSorting.sort(&sorted)
                let expected = Self.stableSorted(input)
                #expect(sorted.map(\.bitPattern) == expected.map(\.bitPattern), "size \(size)")
            }
        }
    }

    @Test("zeros of both signs keep their original order among themselves")
    func signedZeros() {
        var input: [Double] = []
        for index in 0..<500 { input.append(index % 3 == 0 ? -0.0 : (index % 3 == 1 ? 0.0 : Double(index % 7) - 3)) }
        var sorted = input
        DoubleSorting.sort(&sorted)
        #expect(sorted.map(\.bitPattern) == Self.stableSorted(input).map(\.bitPattern))
        let zeros = input.filter { $0 == 0 }.map(\.sign)
        #expect(sorted.filter { $0 == 0 }.map(\.sign) == zeros)
    }

    @Test("an array with a NaN is sorted as the standard library sorts it")
    func withNaN() {
        var generator = SplitMix64(seed: 11)
        var input = Self.values(300, generator: &generator)
        input[17] = .nan
        input[250] = -.nan
        var sorted = input
        DoubleSorting.sort(&sorted)
        var expected = input
        expected.sort()
        #expect(sorted.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
