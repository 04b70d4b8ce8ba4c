import LeptonTensor

extension LatentFactors {
    /// `count` initial parameters `transform(z)` for standard normal draws `z`, taken in pairs from `generator` (an
    /// odd count drops the second draw of the last pair).
    ///
    /// - Parameters:
    ///   - count: How many values.
    ///   - generator: The source of the normal pairs.
    ///   - transform: Maps a standard normal draw to a parameter, `{ σ * $0 }` for example.
    /// - Returns: The values, as `Float`s.
    static func normalValues(
        _ count: Int, from generator: inout RandomGenerator, _ transform: (Double) -> Double
    ) -> [Float] {
        var result: [Float] = []
        result.reserveCapacity(count + 1)
        while result.count < count {
            let (a, b) = generator.nextNormalPair()
            result.append(Float(transform(a)))
            result.append(Float(transform(b)))
        }
        return Array(result.prefix(count))
    }
}
